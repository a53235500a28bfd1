#pragma once
/// \file SHA-256 digests of source files, for the campaign manifest (OpenSSL EVP, FIPS 180-4).
#include <filesystem>
#include <string>
#include <string_view>

namespace nas4ml::data {

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

/// Lower-case hex SHA-256 of the file at `path` (its bytes as stored, compressed or not).
/// Throws DataError naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace nas4ml::data
