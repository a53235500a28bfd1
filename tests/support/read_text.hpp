#pragma once
/// \file Test helper: a whole file's bytes as a string.
#include <filesystem>
#include <string>

namespace nas4ml::test {

/// The contents of `path`, byte for byte; an empty string when it cannot be read.
std::string read_text(const std::filesystem::path& path);

}  // namespace nas4ml::test
