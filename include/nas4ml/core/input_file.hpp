#pragma once
/// \file Reading a user's input file whole, with limits by design: only regular files are read
/// (a FIFO, /dev/zero or a terminal is refused before any byte is read, so nothing hangs or
/// fills memory), and a file larger than the limit is refused before it is read.
///
/// Limits (docs/reliability.md), each overridable by an environment variable holding bytes:
///   data files and their decompressed content   NAS4ML_MAX_INPUT_BYTES  (default 4 GiB)
///   JSON files (experiments, specs, models)      NAS4ML_MAX_JSON_BYTES   (default 256 MiB)
#include <cstdint>
#include <filesystem>
#include <string>

namespace nas4ml {

/// The largest data file (or decompressed data stream) read, in bytes.
std::uint64_t max_input_bytes();
/// The largest JSON file read, in bytes.
std::uint64_t max_json_bytes();

/// Reads the regular file `path` whole. `display` names it in messages. Errors (missing,
/// permission denied, not a regular file, larger than `limit`, I/O error) are DataError when
/// `data_file`, else ConfigError, with the one-line form.
std::string read_input_file(const std::filesystem::path& path, const std::string& display, std::uint64_t limit,
                            bool data_file);

}  // namespace nas4ml
