#pragma once
/// \file Test helper: runs the built `nas4ml` binary and captures its exit code and output.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nas4ml::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// How run_process starts a program.
struct ProcessOptions {
  std::vector<std::pair<std::string, std::string>> env;  ///< extra environment variables
  std::string working_dir;                  ///< empty: the test's own working folder
  unsigned timeout_seconds = 0;             ///< SIGALRM after this many seconds; 0: none
  std::uint64_t address_space_bytes = 0;    ///< RLIMIT_AS of the child; 0: unlimited
};

/// Runs `argv` (argv[0] looked up on PATH unless it holds a '/'; no shell involved) and captures
/// its exit code (128 + signal when killed) and output.
CliResult run_process(std::vector<std::string> argv, const ProcessOptions& options = {});

/// Runs build/nas4ml with `args` from the source directory (options.working_dir is ignored).
CliResult run_cli(const std::vector<std::string>& args, ProcessOptions options = {});

/// Absolute path of a file under the source tree, e.g. source_path("experiments/quickstart.json").
std::string source_path(const std::string& relative);

}  // namespace nas4ml::test
