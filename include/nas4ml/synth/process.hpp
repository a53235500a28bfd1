#pragma once
/// \file Running an external tool (yosys, verilator, a simulation binary) as a child process:
/// an argument vector (fork + execv, never a shell string), a working directory, stdout and stderr
/// into one log file, a wall-clock timeout that ends the child's whole process group (SIGTERM,
/// then SIGKILL after a grace period), an address-space limit (setrlimit RLIMIT_AS in the child)
/// and the exit status, signal, time-out flag, wall time and peak RSS (wait4 rusage) reported.
///
/// (fastmachinelearning/hls4ml GitHub issues #457, #242, #504): synthesis that hangs for hours or is killed for memory is the field's most
/// common complaint (hls4ml #457, #242, #504); every tool run here is bounded in time and memory.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nas4ml::synth {

/// What to run and under which limits.
struct ProcessSpec {
  std::string program;                  ///< a name looked up on PATH, or a path containing '/'
  std::vector<std::string> args;        ///< arguments after the program name
  std::filesystem::path working_dir;    ///< empty: the current directory
  std::filesystem::path log_file;       ///< stdout+stderr go here (truncated); empty: /dev/null
  double timeout_seconds = 600.0;       ///< wall clock; <= 0 means no limit
  double kill_grace_seconds = 2.0;      ///< SIGTERM -> SIGKILL delay after a time-out
  std::uint64_t memory_limit_bytes = 0; ///< RLIMIT_AS of the child; 0 means no limit
  std::string install_hint;             ///< how to get the program, for the missing-program error
};

/// How a finished child ended.
struct ProcessResult {
  std::string program_path;       ///< the resolved executable
  int exit_code = -1;             ///< exit status when it exited normally, else -1
  int signal = 0;                 ///< the signal that ended it (0 when it exited)
  bool timed_out = false;         ///< true when nas4ml ended it at the time-out
  double wall_seconds = 0.0;      ///< from spawn to reaping
  std::uint64_t peak_rss_bytes = 0;  ///< the child's maximum resident set size (ru_maxrss)

  /// Exited normally with status 0 and was not timed out.
  bool ok() const noexcept { return !timed_out && signal == 0 && exit_code == 0; }
  /// One phrase for messages: "exit status 1", "signal 9 (Killed)", "timed out after 2.0 s".
  std::string describe() const;
};

/// The executable `program` resolves to: itself when it contains '/', otherwise the first
/// executable file named so in the colon-separated `path_env` (defaults to $PATH).
std::optional<std::filesystem::path> find_program(const std::string& program,
                                                  const std::optional<std::string>& path_env = std::nullopt);

/// Runs the child and waits for it within the limits. A program that cannot be found or executed
/// is a ToolError naming it and `install_hint`; anything else (non-zero exit, a signal, a
/// time-out) is reported in the result, not thrown.
ProcessResult run_process(const ProcessSpec& spec);

/// run_process() that also throws a ToolError unless the child succeeded; the message names the
/// program, how it ended and the log file to read.
ProcessResult run_tool(const ProcessSpec& spec);

/// The last `max_lines` lines of a text file (for error messages quoting a tool's log).
std::string tail_of_file(const std::filesystem::path& path, std::size_t max_lines = 8);

}  // namespace nas4ml::synth
