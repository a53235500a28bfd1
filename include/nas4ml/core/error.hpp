#pragma once
/// \file The one error hierarchy of nas4ml (docs/architecture.md "Errors and exit codes").
///
/// A user mistake (bad config, bad data, a missing or failing tool) is reported as one line
///   error: <file>[:<line or json-path>]: <what is wrong>, expected <x>, got <y>
/// and the program exits 2. A broken internal invariant is an InternalError and exits 3.
#include <stdexcept>
#include <string>

namespace nas4ml {

/// Which kind of failure an Error is; decides the exit code.
enum class ErrorKind { config, data, tool, internal };

/// Base class of every error nas4ml reports to a user.
class Error : public std::runtime_error {
 public:
  /// \param file      the file the problem is in (may be empty when there is none)
  /// \param location  a line ("line 12"), a JSON path ("$.search.population") or empty
  /// \param problem   what is wrong, e.g. "value out of range"
  /// \param expected  what was expected (may be empty)
  /// \param got       what was found (may be empty)
  Error(ErrorKind kind, std::string file, std::string location, std::string problem,
        std::string expected = {}, std::string got = {});

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& file() const noexcept { return file_; }
  const std::string& location() const noexcept { return location_; }
  const std::string& problem() const noexcept { return problem_; }
  const std::string& expected() const noexcept { return expected_; }
  const std::string& got() const noexcept { return got_; }
  /// 2 for user mistakes (config, data, tool), 3 for internal errors.
  int exit_code() const noexcept { return kind_ == ErrorKind::internal ? 3 : 2; }

 private:
  ErrorKind kind_;
  std::string file_, location_, problem_, expected_, got_;
};

/// A bad experiment, model spec, search space, dataset spec or command-line value.
class ConfigError : public Error {
 public:
  ConfigError(std::string file, std::string location, std::string problem, std::string expected = {},
              std::string got = {})
      : Error(ErrorKind::config, std::move(file), std::move(location), std::move(problem),
              std::move(expected), std::move(got)) {}
};

/// Bad or unreadable data: ragged rows, non-numeric cells, NaN, unknown labels, ...
class DataError : public Error {
 public:
  DataError(std::string file, std::string location, std::string problem, std::string expected = {},
            std::string got = {})
      : Error(ErrorKind::data, std::move(file), std::move(location), std::move(problem),
              std::move(expected), std::move(got)) {}
};

/// An external tool (yosys, verilator, ...) missing, crashing, or timing out.
class ToolError : public Error {
 public:
  ToolError(std::string file, std::string location, std::string problem, std::string expected = {},
            std::string got = {})
      : Error(ErrorKind::tool, std::move(file), std::move(location), std::move(problem),
              std::move(expected), std::move(got)) {}
};

/// A broken internal invariant: a bug in nas4ml, never the user's fault.
class InternalError : public Error {
 public:
  explicit InternalError(std::string problem)
      : Error(ErrorKind::internal, {}, {}, std::move(problem)) {}
};

/// Throws InternalError with `what` and the source location when `condition` is false.
#define NAS4ML_ASSERT(condition, what)                                                        \
  do {                                                                                        \
    if (!(condition))                                                                         \
      throw ::nas4ml::InternalError(std::string(what) + " (" #condition ") at " __FILE__ ":" + \
                                    std::to_string(__LINE__));                                \
  } while (false)

}  // namespace nas4ml
