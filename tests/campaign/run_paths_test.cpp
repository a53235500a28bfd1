#include <catch2/catch.hpp>

#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/core/error.hpp"

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
