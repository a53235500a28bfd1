#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "nas4ml/core/error.hpp"
#include "nas4ml/synth/process.hpp"
#include "support/temp_dir.hpp"
#include "support/read_text.hpp"

using namespace nas4ml;
using nas4ml::test::read_text;
using namespace nas4ml::synth;

namespace {
std::filesystem::path write_script(const test::TempDir& dir, const std::string& name, const std::string& body) {
  const auto p = dir.write(name, "#!/bin/sh\n" + body);
  std::filesystem::permissions(p, std::filesystem::perms::owner_all);
  return p;
}
}  // namespace

TEST_CASE("arguments reach the child unsplit, output goes to the log, cwd is honoured", "[synth][process]") {
  test::TempDir dir;
  const auto script = write_script(dir, "echo_args.sh", "pwd\nfor a in \"$@\"; do echo \"[$a]\"; done\necho oops >&2\nexit 3\n");
  ProcessSpec spec;
  spec.program = script.string();
  spec.args = {"two words", "$HOME", ";rm -rf /"};
  spec.working_dir = dir.path();
  spec.log_file = dir.path() / "run.log";
  const ProcessResult r = run_process(spec);
  CHECK(r.exit_code == 3);
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  const std::string log = read_text(spec.log_file);
  CHECK(log.find(std::filesystem::canonical(dir.path()).string()) != std::string::npos);
  CHECK(log.find("[two words]\n[$HOME]\n[;rm -rf /]\n") != std::string::npos);
  CHECK(log.find("oops") != std::string::npos);
  CHECK(r.describe() == "exit status 3");
}

TEST_CASE("relative program, working directory and log paths are the caller's", "[synth][process]") {
  test::TempDir dir;
  write_script(dir, "where.sh", "pwd\n");
  std::filesystem::create_directories(dir.path() / "out");
  const auto before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  ProcessSpec spec;
  spec.program = "./where.sh";
  spec.working_dir = "out";
  spec.log_file = "out/run.log";  // relative to the caller, not to the child's working directory
  ProcessResult r;
  try {
    r = run_process(spec);
  } catch (...) {
    std::filesystem::current_path(before);
    throw;
  }
  std::filesystem::current_path(before);
  CHECK(r.ok());
  const std::string log = read_text(dir.path() / "out" / "run.log");
  CHECK(log == std::filesystem::canonical(dir.path() / "out").string() + "\n");
}

TEST_CASE("a hanging tool is killed at the time-out, grandchildren included", "[synth][process]") {
  test::TempDir dir;
  // The script starts a background sleeper, records its pid and then hangs itself.
  const auto script = write_script(dir, "hang.sh", "sleep 300 &\necho $! > sleeper.pid\nsleep 300\n");
  ProcessSpec spec;
  spec.program = script.string();
  spec.working_dir = dir.path();
  spec.log_file = dir.path() / "hang.log";
  spec.timeout_seconds = 0.5;
  spec.kill_grace_seconds = 0.5;
  const ProcessResult r = run_process(spec);
  CHECK(r.timed_out);
  CHECK_FALSE(r.ok());
  CHECK(r.wall_seconds >= 0.5);
  CHECK(r.wall_seconds < 5.0);
  CHECK(r.describe().find("timed out") != std::string::npos);
  // The background sleeper was in the same process group and must be gone too.
  std::ifstream pid_file(dir.path() / "sleeper.pid");
  pid_t sleeper = 0;
  pid_file >> sleeper;
  REQUIRE(sleeper > 0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    // A killed child of the reaped script is re-parented and reaped by init; until then it is a zombie.
    std::ifstream stat("/proc/" + std::to_string(sleeper) + "/stat");
    std::string pid_s, comm, state;
    gone = !(stat >> pid_s >> comm >> state) || state == "Z";
    if (!gone) usleep(20000);
  }
  CHECK(gone);

  SECTION("run_tool turns it into a ToolError naming the limit") {
    try {
      run_tool(spec);
      FAIL("no error");
    } catch (const ToolError& e) {
      const std::string what = e.what();
      CHECK(what.find("timed out") != std::string::npos);
      CHECK(what.find("time limit 0.5 s") != std::string::npos);
      CHECK(what.find("hang.log") != std::string::npos);
    }
  }
}

TEST_CASE("a crash is reported with its signal and a non-zero exit as a ToolError", "[synth][process]") {
  test::TempDir dir;
  const auto crash = write_script(dir, "crash.sh", "echo dying\nkill -SEGV $$\n");
  ProcessSpec spec;
  spec.program = crash.string();
  spec.log_file = dir.path() / "crash.log";
  const ProcessResult r = run_process(spec);
  CHECK(r.signal == SIGSEGV);
  CHECK(r.exit_code == -1);
  CHECK_FALSE(r.timed_out);
  try {
    run_tool(spec);
    FAIL("no error");
  } catch (const ToolError& e) {
    const std::string what = e.what();
    CHECK(what.find("signal 11") != std::string::npos);
    CHECK(what.find("dying") != std::string::npos);  // the log's tail is quoted
  }
}

TEST_CASE("the memory limit applies to the child", "[synth][process]") {
  test::TempDir dir;
  // A child asking for far more than its address-space limit fails; the same child unlimited succeeds.
  ProcessSpec spec;
  spec.program = "/bin/sh";
  spec.args = {"-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}"};
  spec.log_file = dir.path() / "mem.log";
  spec.memory_limit_bytes = 64ull << 20;
  const ProcessResult limited = run_process(spec);
  CHECK_FALSE(limited.ok());
  spec.memory_limit_bytes = 0;
  const ProcessResult free_run = run_process(spec);
  CHECK(free_run.ok());
  CHECK(free_run.peak_rss_bytes > (100ull << 20));
}

TEST_CASE("a missing program is a ToolError naming it and how to install it", "[synth][process]") {
  ProcessSpec spec;
  spec.program = "nas4ml-no-such-tool";
  spec.install_hint = "install it with scripts/install-deps.sh";
  try {
    run_process(spec);
    FAIL("no error");
  } catch (const ToolError& e) {
    const std::string what = e.what();
    CHECK(what.find("nas4ml-no-such-tool") != std::string::npos);
    CHECK(what.find("scripts/install-deps.sh") != std::string::npos);
  }
  spec.program = "/nonexistent/dir/tool";
  CHECK_THROWS_AS(run_process(spec), ToolError);
}

TEST_CASE("find_program searches the given PATH only", "[synth][process]") {
  CHECK(find_program("sh", std::string("/bin:/usr/bin")).has_value());
  CHECK_FALSE(find_program("sh", std::string("/nonexistent")).has_value());
  CHECK_FALSE(find_program("", std::string("/bin")).has_value());
}

TEST_CASE("a bad working directory is a clear ToolError", "[synth][process]") {
  ProcessSpec spec;
  spec.program = "/bin/true";
  spec.working_dir = "/nonexistent/folder";
  try {
    run_process(spec);
    FAIL("no error");
  } catch (const ToolError& e) {
    CHECK(std::string(e.what()).find("/nonexistent/folder") != std::string::npos);
  }
}
