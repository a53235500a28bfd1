// `nas4ml validate` through the real binary: exit codes, the one-line summary, --print, errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "nas4ml/core/json.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using nas4ml::Json;
using nas4ml::test::run_cli;

namespace {

/// A valid experiment with its dataset spec, search space and device model in a temporary folder.
struct CliFixture {
  nas4ml::test::TempDir tmp;
  fs::path experiment;
  CliFixture() {
    tmp.write("data/magic.json", R"({"name": "magic", "format": "csv", "source": "magic.csv", "header": false,
      "column_names": ["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "class"],
      "label_column": "class", "classes": ["g", "h"]})");
    std::string rows;
    for (int r = 0; r < 50; ++r) {
      for (int f = 0; f < 10; ++f) rows += std::to_string((r * 5 + f) % 13) + ",";
      rows += r % 2 ? "h\n" : "g\n";
    }
    tmp.write("data/magic.csv", rows);
    std::ifstream space(nas4ml::test::source_path("search_spaces/physics_binary.json"));
    tmp.write("spaces/physics.json", std::string(std::istreambuf_iterator<char>(space), {}));
    tmp.write("estimators/xilinx/xcvu9p.json", "{}\n");
    experiment = tmp.write("magic.json", R"({
      "dataset": "data/magic.json",
      "search_space": "spaces/physics.json",
      "objectives": ["accuracy", "lut", "latency_ns", "bops"],
      "constraints": [{"metric": "latency_ns", "max": 50}, {"metric": "lut", "max_fraction_of_device": 0.1}],
      "hardware": {"device": "xcvu9p"},
      "search": {"population": 16, "generations": 4},
      "synthesis": {"every_generations": 2, "top_n": 2},
      "seed": 7
    })");
  }
};

}  // namespace

TEST_CASE("validate: a valid experiment prints one ok line and exits 0", "[campaign][validate][cli]") {
  CliFixture f;
  const auto r = run_cli({"validate", f.experiment.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::StartsWith("ok: " + f.experiment.string() +
                                      ": dataset magic, 4 objectives (accuracy max, lut min, latency_ns min, bops min), "
                                      "2 constraints (latency_ns <= 50, lut <= 10% of device), device xcvu9p (rtl "
                                      "estimator, 5 ns clock), population 16, 4 generations, synthesis (yosys) of the "
                                      "top 2 every 2 generations, 5 at the end, seed 7, threads all cores, hash "));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
}

TEST_CASE("validate --print shows the canonical JSON with defaults", "[campaign][validate][cli]") {
  CliFixture f;
  const auto r = run_cli({"validate", f.experiment.string(), "--print"});
  REQUIRE(r.exit_code == 0);
  const Json j = Json::parse(r.out);
  CHECK(j.at("seed") == 7);
  CHECK(j.at("threads") == 0);
  CHECK(j.at("hardware").at("estimator") == "rtl");
  CHECK(j.at("training").at("max_epochs") == 50);
  CHECK(j.at("synthesis").at("top_n") == 2);
  CHECK(j.at("objectives")[1] == Json::parse(R"({"metric": "lut", "direction": "minimize"})"));
  CHECK(j.at("constraints")[1] == Json::parse(R"({"metric": "lut", "max_fraction_of_device": 0.1})"));
}

TEST_CASE("validate: a bad experiment prints one error line and exits 2", "[campaign][validate][cli]") {
  CliFixture f;
  const auto bad = f.tmp.write("bad.json", R"({"dataset": "data/magic.json", "search_space": "spaces/physics.json",
    "objectives": ["accuracy"], "hardware": {"device": "xcvu9p"}, "search": {"generations": 3}, "threads": -2})");
  const auto r = run_cli({"validate", bad.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "error: " + bad.string() +
                     ":$.threads: value out of range, expected an integer in [0, 1024] (0 = all cores), got -2\n");
}

TEST_CASE("validate --data reads the data set and reports its shape", "[campaign][validate][cli]") {
  CliFixture f;
  const auto r = run_cli({"validate", "--data", f.experiment.string()});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("; data read: 10 features, 2 classes, "));
  CHECK_THAT(r.out, Catch::EndsWith(" train/validation/test rows\n"));
  // Bad data is a data error with exit code 2.
  f.tmp.write("data/magic.csv", "1,2,3\n");
  const auto bad = run_cli({"validate", "--data", f.experiment.string()});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::StartsWith("error: "));
  CHECK_THAT(bad.err, Catch::Contains("magic.csv"));
}

TEST_CASE("validate: a missing experiment file exits 2", "[campaign][validate][cli]") {
  CliFixture f;
  const auto missing = (f.tmp.path() / "nope.json").string();
  const auto r = run_cli({"validate", missing});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "error: " + missing + ": file not found, expected an existing JSON file, got no such file\n");
}

TEST_CASE("validate --estimators points at another device folder", "[campaign][validate][cli]") {
  CliFixture f;
  nas4ml::test::TempDir devices;
  devices.write("xilinx/xcku115.json", "{}\n");
  // The fixture's own estimators/ has xcvu9p only; the other folder has xcku115 only.
  const auto r = run_cli({"validate", f.experiment.string(), "--estimators", devices.path().string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "error: " + f.experiment.string() + ":$.hardware.device: unknown device (no " +
                     devices.path().string() + "/<vendor>/xcvu9p.json), expected one of xcku115, got \"xcvu9p\"\n");
  const auto missing = run_cli({"validate", f.experiment.string(), "--estimators", "/nonexistent/estimators"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "error: /nonexistent/estimators: estimators folder not found, expected a folder of "
                       "<vendor>/<part>.json device files, got no such folder\n");
}

TEST_CASE("validate without a file is a usage error", "[campaign][validate][cli]") {
  const auto r = run_cli({"validate"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("error: experiment: is required"));  // the one-line form
}

TEST_CASE("an unknown log level exits 2 naming the option, before the command runs", "[campaign][validate][cli]") {
  // x.json does not exist: the log level must be rejected first (main.cpp sets up logging after
  // parsing and before running the command).
  const auto r = run_cli({"--log-level", "loud", "validate", "x.json"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "error: --log-level: unknown log level, expected trace, debug, info, warn, error or off, got \"loud\"\n");
}

TEST_CASE("validate --help explains the options", "[campaign][validate][cli]") {
  const auto r = run_cli({"validate", "--help"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("--print"));
  CHECK_THAT(r.out, Catch::Contains("--estimators"));
  CHECK_THAT(r.out, Catch::Contains("docs/config.md"));
}
