#pragma once
/// \file Test helper: runs the built `nas4ml` binary and captures its exit code and output.
#include <string>
#include <vector>

namespace nas4ml::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs build/nas4ml with `args` (no shell involved) from the source directory.
CliResult run_cli(const std::vector<std::string>& args);

/// Absolute path of a file under the source tree, e.g. source_path("experiments/quickstart.json").
std::string source_path(const std::string& relative);

}  // namespace nas4ml::test
