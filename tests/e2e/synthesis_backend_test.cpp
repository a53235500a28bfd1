// `synthesis.backend` chooses the tool of a campaign's periodic and final synthesis: yosys (the rtl
// core), vivado (the rtl firmware package) or vitis_hls (the hls project). Vivado and Vitis HLS
// cannot run here: FAKE tools (shell scripts first on PATH) write the fixture reports of
// tests/synth/fixtures/vendor/, which are in the vendors' formats.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/core/error.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
namespace fs = std::filesystem;

namespace {

std::string source(const std::string& relative) { return test::source_path(relative); }

// PATH with `dir` first (or only `dir`) for the life of the guard.
struct ScopedPath {
  std::string old;
  ScopedPath(const fs::path& dir, bool only) {
    const char* p = std::getenv("PATH");
    old = p ? p : "";
    const std::string value = only ? dir.string() : dir.string() + ":" + old;
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() { ::setenv("PATH", old.c_str(), 1); }
};

void fake_tool(const fs::path& bin, const std::string& name, const std::string& body) {
  fs::create_directories(bin);
  {
    std::ofstream out(bin / name);
    out << "#!/bin/sh\n" << body << "\n";
  }
  fs::permissions(bin / name, fs::perms::owner_all);
}

// The tiny synthesis campaign with `backend` (and `target`), no simulation.
fs::path experiment(const fs::path& dir, const std::string& backend, const std::string& target) {
  Json e = Json::parse(test::read_text(source("tests/e2e/fixtures/tiny_synth_experiment.json")));
  e["dataset"] = source("tests/e2e/fixtures/blobs_dataset.json");
  e["search_space"] = source("tests/e2e/fixtures/tiny_space.json");
  e["synthesis"]["backend"] = backend;
  e["synthesis"]["simulate"] = false;
  e["hardware"]["target"] = target;
  if (target == "hls") e["hardware"]["estimator"] = "hls";
  fs::create_directories(dir);
  const fs::path file = dir / (backend + ".json");
  std::ofstream(file) << e.dump(2);
  return file;
}

campaign::RunOptions quiet() {
  campaign::RunOptions o;
  o.threads = 1;
  o.emit = true;
  o.progress = false;
  return o;
}

std::string vendor_fixture(const std::string& name) { return source("tests/synth/fixtures/vendor/" + name); }

// A fake vivado that checks its command line and writes the fixture reports.
void fake_vivado(const fs::path& bin) {
  fake_tool(bin, "vivado",
            "test \"$*\" = \"-mode batch -nojournal -source build_vivado.tcl\" || exit 9\n"
            "test -f nas4ml_top_axis.v || exit 8\nmkdir -p reports\ncat '" +
                vendor_fixture("utilization.rpt") + "' > reports/utilization.rpt\ncat '" +
                vendor_fixture("utilization_hierarchical.rpt") + "' > reports/utilization_hierarchical.rpt\ncat '" +
                vendor_fixture("timing_summary.rpt") + "' > reports/timing_summary.rpt");
}

}  // namespace

TEST_CASE("synthesis.backend vivado synthesizes the firmware package during the search", "[e2e][campaign][synthesis][vendor]") {
  test::TempDir tmp;
  const fs::path bin = tmp.path() / "bin";
  fake_vivado(bin);
  const fs::path run = tmp.path() / "run";
  {
    ScopedPath path(bin, false);
    const auto s = campaign::run_campaign(experiment(tmp.path(), "vivado", "rtl"), run, quiet());
    REQUIRE(s.finished);
  }
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  const auto runs = store.synthesis_runs();
  REQUIRE(runs.size() >= 2);  // periodic rounds + the final emit
  for (const auto& r : runs) {
    INFO(r.failure_reason);
    CHECK(r.status == "ok");
    CHECK(r.backend == "vivado");
    CHECK(r.result["backend"] == "vivado");
    CHECK(r.result["resources"]["lut"] == 3968);  // the fixture's u_core row (Logic LUTs)
    CHECK(r.result["package"]["lut"] == 4187);    // the fixture's CLB LUTs of the whole package
    CHECK(r.result["estimate"]["estimator"] == "rtl_vivado");
    CHECK(r.result["timing"]["fmax_mhz"].get<double>() == Approx(240.5).epsilon(0.001));
  }
  CHECK(fs::exists(campaign::RunPaths(run).synth_dir(runs.front().genome_hash) / "rtl" / "vivado.log"));
  CHECK(store.manifest()["synthesis_tool"].get<std::string>() == (bin / "vivado").string());
}

TEST_CASE("Vivado's results recalibrate the rtl_vivado estimator a campaign searches with", "[e2e][campaign][synthesis][vendor]") {
  test::TempDir tmp;
  const fs::path bin = tmp.path() / "bin";
  fake_vivado(bin);
  const fs::path file = experiment(tmp.path(), "vivado", "rtl");
  Json e = Json::parse(test::read_text(file));
  e["hardware"]["estimator"] = "rtl_vivado";
  e["search"]["generations"] = 3;
  e["synthesis"]["top_n"] = 2;
  std::ofstream(file) << e.dump(2);
  const fs::path run = tmp.path() / "run";
  {
    ScopedPath path(bin, false);
    const auto s = campaign::run_campaign(file, run, quiet());
    REQUIRE(s.finished);
  }
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  // Generation 0 searches with the device file's identity; the rounds since (the fixture's core
  // row of 3968 LUTs against estimates of small networks) have refitted it by generation 2.
  CHECK(store.optimizer_state(0)["calibration"]["lut"].get<double>() == 1.0);
  CHECK(store.optimizer_state(2)["calibration"]["lut"].get<double>() > 1.5);
  CHECK(store.optimizer_state(2)["calibration"]["ff"].get<double>() != 1.0);
  for (const auto& r : store.synthesis_runs()) CHECK(r.result["estimate"]["estimator"] == "rtl_vivado");
}

TEST_CASE("synthesis.backend vitis_hls synthesizes the hls project during the search", "[e2e][campaign][synthesis][vendor]") {
  test::TempDir tmp;
  const fs::path bin = tmp.path() / "bin";
  const std::string reports = "nas4ml_top_prj/solution1/syn/report";
  fake_tool(bin, "vitis_hls",
            "test \"$1 $2\" = \"-f build_prj.tcl\" || exit 9\nmkdir -p " + reports + "\ncat '" +
                vendor_fixture("nas4ml_top_csynth.xml") + "' > " + reports + "/nas4ml_top_csynth.xml");
  const fs::path run = tmp.path() / "run";
  {
    ScopedPath path(bin, false);
    const auto s = campaign::run_campaign(experiment(tmp.path(), "vitis_hls", "hls"), run, quiet());
    REQUIRE(s.finished);
  }
  const auto runs = campaign::Store::open(campaign::RunPaths(run).store()).synthesis_runs();
  REQUIRE(runs.size() >= 2);
  for (const auto& r : runs) {
    INFO(r.failure_reason);
    CHECK(r.status == "ok");
    CHECK(r.backend == "vitis_hls");
    CHECK(r.result["resources"]["lut"] == 5310);  // the fixture's csynth.xml
    CHECK(r.result["estimate"]["estimator"] == "hls");
  }
}

TEST_CASE("a missing vendor tool or a backend of another target is refused in one line", "[e2e][campaign][synthesis][bad_input]") {
  test::TempDir tmp;
  const fs::path empty = tmp.path() / "empty_bin";
  fs::create_directories(empty);
  const fs::path run = tmp.path() / "run";
  {
    ScopedPath path(empty, true);  // no vivado anywhere
    try {
      campaign::run_campaign(experiment(tmp.path(), "vivado", "rtl"), run, quiet());
      FAIL("no error");
    } catch (const ConfigError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains("synthesis.backend: the synthesis tool is not on PATH, expected vivado on PATH") &&
                                            Catch::Contains("got \"vivado\" and no vivado on PATH"));
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }
  CHECK_FALSE(fs::exists(campaign::RunPaths(run).store()));
  const auto other = test::run_cli({"validate", experiment(tmp.path(), "vitis_hls", "rtl").string()});
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.err, Catch::StartsWith("error: ") && Catch::Contains("synthesis.backend: the backend does not implement") &&
                             Catch::Contains("expected \"yosys or vivado\" for target rtl, got \"vitis_hls\""));
  const auto unknown = test::run_cli({"validate", experiment(tmp.path(), "quartus", "rtl").string()});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("synthesis.backend"));
}
