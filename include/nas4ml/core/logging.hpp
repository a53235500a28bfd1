#pragma once
/// \file Logging set-up: human-readable lines on stderr, optionally JSON lines in a file.
#include <string>

namespace nas4ml {

/// How the command line asked for logs.
struct LogOptions {
  std::string level = "info";  ///< trace, debug, info, warn, error, off
  bool quiet = false;          ///< only warnings and errors on stderr
  std::string json_file;       ///< when set, every record is also appended here as one JSON object per line
};

/// Installs the default spdlog logger per `options`. Throws ConfigError for an unknown level or an
/// unwritable log file.
void setup_logging(const LogOptions& options);

}  // namespace nas4ml
