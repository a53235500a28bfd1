#include <catch2/catch.hpp>

#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/core/error.hpp"
#include "support/temp_dir.hpp"

using nas4ml::campaign::RunPaths;

TEST_CASE("candidate folders stay inside the run folder whatever the id", "[campaign][run_paths]") {
  const RunPaths run("/tmp/runs/magic");
  CHECK(run.firmware_dir("0123abcd_x-1") == std::filesystem::path("/tmp/runs/magic/firmware/0123abcd_x-1"));
  CHECK(run.synth_dir("ff00") == std::filesystem::path("/tmp/runs/magic/synth/ff00"));
  for (const char* bad : {"", "..", "../../etc", "a/b", "/abs", ".", "a b", "x\\y", "é", "a\nb",
                          "0123456789012345678901234567890123456789012345678901234567890123456789"}) {
    INFO("id " << bad);
    CHECK_THROWS_AS(run.firmware_dir(bad), nas4ml::ConfigError);
    CHECK_THROWS_AS(run.synth_dir(bad), nas4ml::ConfigError);
  }
}

TEST_CASE("the run folder is normalized", "[campaign][run_paths]") {
  const RunPaths run("/tmp/runs/./x/../magic/");
  CHECK(run.store() == std::filesystem::path("/tmp/runs/magic/campaign.sqlite"));
  CHECK(run.report() == std::filesystem::path("/tmp/runs/magic/report.html"));
}

TEST_CASE("a symlinked firmware folder leading out of the run folder is refused", "[campaign][run_paths][hardening]") {
  const nas4ml::test::TempDir tmp;
  const auto run_dir = tmp.path() / "run";
  const auto outside = tmp.path() / "elsewhere";
  std::filesystem::create_directories(run_dir);
  std::filesystem::create_directories(outside);
  std::filesystem::create_directory_symlink(outside, run_dir / "firmware");
  const RunPaths run(run_dir);
  CHECK_THROWS_WITH(run.firmware_dir("abc"), Catch::Contains("outside the run folder"));
  CHECK_NOTHROW(run.synth_dir("abc"));
  CHECK_FALSE(run.contains(run_dir / "firmware" / "abc"));
  CHECK(run.contains(run_dir / "synth" / "abc"));
}

TEST_CASE("a run folder reached through a symlink is resolved once and still usable", "[campaign][run_paths][hardening]") {
  const nas4ml::test::TempDir tmp;
  std::filesystem::create_directories(tmp.path() / "real");
  std::filesystem::create_directory_symlink(tmp.path() / "real", tmp.path() / "link");
  const RunPaths run(tmp.path() / "link");
  CHECK_NOTHROW(run.firmware_dir("abc"));
  CHECK(run.contains(tmp.path() / "real" / "firmware" / "abc"));
}
