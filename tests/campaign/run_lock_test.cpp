#include <catch2/catch.hpp>

#include <unistd.h>

#include <optional>
#include <string>

#include "nas4ml/campaign/run_lock.hpp"
#include "nas4ml/core/error.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using nas4ml::campaign::RunLock;

namespace {
std::string my_host() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}
}  // namespace

TEST_CASE("a second writer on a run folder is refused, naming the holder's pid and host", "[campaign][lock][hardening]") {
  const nas4ml::test::TempDir tmp;
  const auto run = tmp.path() / "run";
  std::optional<RunLock> first(RunLock::acquire(run, "run", true));
  const std::string who = "pid " + std::to_string(::getpid()) + " host " + my_host() + " command run";
  CHECK_THROWS_WITH(RunLock::acquire(run, "resume", false),
                    Catch::Contains("in use by another nas4ml") && Catch::Contains(who));
  first.reset();  // released: the next process gets it
  CHECK_NOTHROW(RunLock::acquire(run, "resume", false));
}

TEST_CASE("resume and emit on a locked run folder exit 2 at once", "[campaign][lock][hardening]") {
  const nas4ml::test::TempDir tmp;
  const auto run = tmp.path() / "run";
  const RunLock held = RunLock::acquire(run, "run", true);
  for (const char* command : {"resume", "emit"}) {
    const auto r = nas4ml::test::run_cli({command, run.string()});
    INFO(command << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("in use by another nas4ml (pid " + std::to_string(::getpid())) != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
  }
}

TEST_CASE("resume of a missing folder does not create it", "[campaign][lock][hardening]") {
  const nas4ml::test::TempDir tmp;
  CHECK_THROWS_WITH(RunLock::acquire(tmp.path() / "none", "resume", false), Catch::Contains("no such folder"));
  CHECK_FALSE(std::filesystem::exists(tmp.path() / "none"));
}

TEST_CASE("run --out naming a file is a user error", "[campaign][lock][hardening]") {
  const nas4ml::test::TempDir tmp;
  const auto file = tmp.write("afile", "x");
  CHECK_THROWS_AS(RunLock::acquire(file, "run", true), nas4ml::ConfigError);
}
