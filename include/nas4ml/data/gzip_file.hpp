#pragma once
/// \file Reading source files whole, gzip-compressed or not (detected by the magic bytes 1f 8b,
/// RFC 1952; decompressed with zlib), together with their checksum.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "nas4ml/core/input_file.hpp"
#include "nas4ml/data/dataset.hpp"

namespace nas4ml::data {

/// True when `bytes` start with the gzip magic bytes 1f 8b.
bool is_gzip(std::string_view bytes) noexcept;

/// Decompresses a gzip stream (one or more members). Throws DataError naming `file` when the
/// stream is truncated or corrupt, or inflates to more than `max_output` bytes (a gzip bomb;
/// the size in the trailer is never trusted for more than deflate's 1032:1 ratio).
std::string gunzip(std::string_view compressed, const std::string& file,
                   std::uint64_t max_output = max_input_bytes());

/// A source file read into memory: its bytes after decompression and its manifest entry.
struct SourceContent {
  SourceFile info;   ///< path, SHA-256 of the stored (possibly compressed) bytes, size in bytes
  std::string text;  ///< the content, decompressed when the file is gzip
};

/// Reads `path` whole, hashes it and decompresses it when it is gzip. `display` is the name used
/// in messages and in SourceFile::path. Throws DataError when the file is missing or unreadable.
SourceContent read_source(const std::filesystem::path& path, const std::string& display);

}  // namespace nas4ml::data
