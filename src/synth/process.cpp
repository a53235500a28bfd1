#include "nas4ml/synth/process.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::synth {
namespace fs = std::filesystem;

std::string ProcessResult::describe() const {
  if (timed_out) return fmt::format("timed out after {:.1f} s and was killed", wall_seconds);
  if (signal != 0) return fmt::format("was killed by signal {} ({})", signal, strsignal(signal));
  return fmt::format("exit status {}", exit_code);
}

std::optional<fs::path> find_program(const std::string& program, const std::optional<std::string>& path_env) {
  if (program.empty()) return std::nullopt;
  auto executable = [](const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (program.find('/') != std::string::npos) {
    if (executable(program)) return fs::path(program);
    return std::nullopt;
  }
  std::string path;
  if (path_env) {
    path = *path_env;
  } else if (const char* env = std::getenv("PATH")) {
    path = env;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string dir = path.substr(start, end - start);
    if (!dir.empty()) {
      const fs::path candidate = fs::path(dir) / program;
      if (executable(candidate)) return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

namespace {

[[noreturn]] void missing_program(const ProcessSpec& spec, const std::string& why) {
  std::string expected = fmt::format("an executable `{}`", spec.program);
  if (!spec.install_hint.empty()) expected += " (" + spec.install_hint + ")";
  throw ToolError(spec.program, {}, "cannot run the program: " + why, expected, "none found");
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

ProcessResult run_process(const ProcessSpec& spec) {
  const auto resolved = find_program(spec.program);
  if (!resolved) missing_program(spec, "not found on PATH or not executable");

  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  std::vector<std::string> argv_storage;
  argv_storage.push_back(spec.program);
  for (const auto& a : spec.args) argv_storage.push_back(a);
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The child changes into working_dir before it opens the log and execs: relative paths are
  // the caller's, so they are made absolute here.
  const std::string exe = std::filesystem::absolute(*resolved).string();
  const std::string workdir = spec.working_dir.string();
  const std::string log = spec.log_file.empty() ? std::string("/dev/null") : std::filesystem::absolute(spec.log_file).string();

  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0)
    throw ToolError(spec.program, {}, fmt::format("cannot create a pipe: {}", std::strerror(errno)));

  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(report[0]);
    ::close(report[1]);
    throw ToolError(spec.program, {}, fmt::format("cannot fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: own process group (so a time-out ends grandchildren too), limits, redirections.
    ::close(report[0]);
    ::setpgid(0, 0);
    int stage = 0;
    auto fail = [&](int code) {
      const int payload[2] = {stage, code};
      [[maybe_unused]] auto n = ::write(report[1], payload, sizeof payload);
      ::_exit(127);
    };
    stage = 1;
    if (!workdir.empty() && ::chdir(workdir.c_str()) != 0) fail(errno);
    stage = 2;
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail(errno);
    if (::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) fail(errno);
    if (fd > 2) ::close(fd);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) {
      ::dup2(null_in, 0);
      if (null_in > 0) ::close(null_in);
    }
    stage = 3;
    if (spec.memory_limit_bytes > 0) {
      struct rlimit lim {};
      lim.rlim_cur = lim.rlim_max = static_cast<rlim_t>(spec.memory_limit_bytes);
      if (::setrlimit(RLIMIT_AS, &lim) != 0) fail(errno);
    }
    stage = 4;
    ::execv(exe.c_str(), argv.data());
    fail(errno);
  }
  ::setpgid(pid, pid);  // also in the parent, so the group exists before any kill below
  ::close(report[1]);
  int payload[2] = {0, 0};
  const ssize_t got = ::read(report[0], payload, sizeof payload);
  ::close(report[0]);

  ProcessResult result;
  result.program_path = exe;
  int status = 0;
  struct rusage usage {};
  bool reaped = false;
  auto try_reap = [&](int flags) {
    const pid_t r = ::wait4(pid, &status, flags, &usage);
    if (r == pid) reaped = true;
    return reaped;
  };

  if (got == static_cast<ssize_t>(sizeof payload)) {
    try_reap(0);
    const char* what = payload[0] == 1   ? "cannot enter the working directory"
                       : payload[0] == 2 ? "cannot open the log file"
                       : payload[0] == 3 ? "cannot set the memory limit"
                                         : "cannot execute";
    if (payload[0] == 4) missing_program(spec, fmt::format("{} {}: {}", what, exe, std::strerror(payload[1])));
    throw ToolError(spec.program, {}, fmt::format("{} ({}): {}", what,
                                                  payload[0] == 1 ? workdir : log, std::strerror(payload[1])));
  }

  // Wait with a deadline; poll so the parent needs no signal handler.
  auto sleep_for = std::chrono::milliseconds(1);
  while (!try_reap(WNOHANG)) {
    if (spec.timeout_seconds > 0 && seconds_since(t0) >= spec.timeout_seconds) {
      result.timed_out = true;
      ::kill(-pid, SIGTERM);
      const auto term_at = std::chrono::steady_clock::now();
      while (!try_reap(WNOHANG) && seconds_since(term_at) < spec.kill_grace_seconds)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (!reaped) {
        ::kill(-pid, SIGKILL);
        try_reap(0);
      }
      break;
    }
    std::this_thread::sleep_for(sleep_for);
    if (sleep_for < std::chrono::milliseconds(50)) sleep_for *= 2;
  }
  // Whatever the child left behind in its group (background grandchildren) goes too.
  ::kill(-pid, SIGKILL);
  result.wall_seconds = seconds_since(t0);
  result.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

std::string tail_of_file(const fs::path& path, std::size_t max_lines) {
  std::ifstream in(path);
  if (!in) return {};
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    lines.push_back(line);
    if (lines.size() > max_lines) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += "\n  | " + l;
  return out;
}

ProcessResult run_tool(const ProcessSpec& spec) {
  ProcessResult r = run_process(spec);
  if (r.ok()) return r;
  std::string problem = fmt::format("`{}` failed ({})", spec.program, r.describe());
  if (r.timed_out) problem += fmt::format(" (time limit {:.1f} s)", spec.timeout_seconds);
  if (spec.memory_limit_bytes > 0 && r.signal != 0 && !r.timed_out)
    problem += fmt::format(" (memory limit {:.0f} MiB)", static_cast<double>(spec.memory_limit_bytes) / (1 << 20));
  if (!spec.log_file.empty())
    problem += fmt::format("; its log is {}{}", spec.log_file.string(), tail_of_file(spec.log_file));
  throw ToolError(spec.program, {}, problem);
}

}  // namespace nas4ml::synth
