#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using nas4ml::ConfigError;
using nas4ml::Json;
using namespace nas4ml::campaign;

namespace {

/// A dataset spec for a headerless CSV with 10 features and classes g, h (MAGIC's shape).
const char* const kMagicSpec = R"({"name": "magic", "format": "csv", "source": "magic.csv", "header": false,
  "column_names": ["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "class"],
  "label_column": "class", "classes": ["g", "h"]})";

/// 60 rows of that CSV, 30 per class.
std::string magic_rows() {
  std::string rows;
  for (int r = 0; r < 60; ++r) {
    for (int f = 0; f < 10; ++f) rows += std::to_string((r * 7 + f * 3) % 11) + ".5,";
    rows += r % 2 ? "h\n" : "g\n";
  }
  return rows;
}

/// The repository's search space for binary tasks with 10-30 inputs and 2 outputs.
std::string physics_space() {
  std::ifstream in(nas4ml::test::source_path("search_spaces/physics_binary.json"));
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A folder with everything a valid experiment refers to: a dataset spec (and its data), a search
/// space and an estimators/ tree with two devices (only their existence matters here: the device
/// files belong to the estimate module's loader).
struct Fixture {
  nas4ml::test::TempDir tmp;
  Fixture() {
    tmp.write("data/magic.json", kMagicSpec);
    tmp.write("data/magic.csv", magic_rows());
    tmp.write("spaces/physics.json", physics_space());
    tmp.write("estimators/xilinx/xcvu9p.json", "{}\n");
    tmp.write("estimators/xilinx/xcvu13p.json", "{}\n");
  }
  static Json base() {
    return Json::parse(R"({
      "dataset": "data/magic.json",
      "search_space": "spaces/physics.json",
      "objectives": ["accuracy", {"metric": "lut", "direction": "minimize"}],
      "hardware": {"device": "xcvu9p"},
      "search": {"population": 8, "generations": 3}
    })");
  }
  fs::path write(const Json& j, const std::string& name = "exp.json") const { return tmp.write(name, j.dump(2)); }
  std::string file(const std::string& name = "exp.json") const { return (tmp.path() / name).string(); }
  /// Loads `j` written as exp.json; returns the ConfigError's message or "no error".
  std::string error_of(const Json& j, const LoadOptions& options = {}) const {
    const auto p = write(j);
    try {
      load_experiment(p, options);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }
};

}  // namespace

TEST_CASE("a minimal experiment gets every default", "[campaign][experiment_config]") {
  Fixture f;
  const auto c = load_experiment(f.write(Fixture::base()));
  CHECK(c.version == 1);
  CHECK(c.name == "exp");  // the file's stem
  CHECK(c.description.empty());
  CHECK(c.dataset == "data/magic.json");
  CHECK(c.dataset_path == f.tmp.path() / "data/magic.json");
  CHECK(c.search_space_path == f.tmp.path() / "spaces/physics.json");
  REQUIRE(c.objectives.size() == 2);
  CHECK(c.objectives[0].metric == "accuracy");
  CHECK(c.objectives[0].direction == Direction::maximize);  // natural direction of a bare name
  CHECK(c.objectives[1].metric == "lut");
  CHECK(c.objectives[1].direction == Direction::minimize);
  CHECK(c.constraints.empty());
  CHECK(c.hardware.device == "xcvu9p");
  CHECK(c.hardware.estimator == "rtl");
  CHECK(c.hardware.clock_ns == 5.0);
  CHECK_FALSE(c.hardware.use_dsp);
  CHECK(c.hardware.device_file == f.tmp.path() / "estimators/xilinx/xcvu9p.json");
  CHECK(c.estimators_dir == f.tmp.path() / "estimators");  // found beside the experiment
  CHECK(c.search.algorithm == "nsga2");
  CHECK(c.search.population == 8);
  CHECK(c.search.generations == 3);
  CHECK_FALSE(c.search.max_evaluations.has_value());
  CHECK(c.training.max_epochs == 50);
  CHECK(c.training.timeout_seconds == 300.0);
  CHECK(c.training.metrics_split == "validation");
  CHECK(c.synthesis.enabled);
  CHECK(c.synthesis.backend == "yosys");
  CHECK(c.synthesis.every_generations == 5);
  CHECK(c.synthesis.top_n == 3);
  CHECK(c.synthesis.timeout_seconds == 600.0);
  CHECK(c.synthesis.memory_limit_mb == 4096);
  CHECK(c.synthesis.jobs == 1);
  CHECK(c.synthesis.recalibrate);
  CHECK(c.synthesis.final_top_n == 5);
  CHECK(c.synthesis.simulate);
  CHECK(c.synthesis.simulate_samples == 1000);
  CHECK(c.seed == 1);
  CHECK(c.threads == 0);
}

TEST_CASE("every field is read when given", "[campaign][experiment_config]") {
  Fixture f;
  Json j = Fixture::base();
  j["name"] = "magic-run.1";
  j["description"] = "MAGIC gamma telescope";
  j["objectives"] = Json::parse(R"(["accuracy", "lut", {"metric": "latency_ns"}, "ebops"])");
  j["constraints"] = Json::parse(R"([{"metric": "latency_ns", "max": 50},
                                     {"metric": "lut", "max_fraction_of_device": 0.10},
                                     {"metric": "accuracy", "min": 0.8}])");
  j["hardware"] = Json::parse(R"({"device": "xcvu13p", "estimator": "hls", "clock_ns": 3.125, "use_dsp": true})");
  j["search"] = Json::parse(R"({"algorithm": "nsga2", "population": 64, "max_evaluations": 500})");
  j["training"] = Json::parse(R"({"max_epochs": 12, "timeout_seconds": 90.5, "metrics_split": "test"})");
  j["synthesis"] = Json::parse(R"({"enabled": false, "backend": "yosys", "every_generations": 2, "top_n": 4,
    "timeout_seconds": 120, "memory_limit_mb": 2048, "jobs": 2, "recalibrate": false, "final_top_n": 0,
    "simulate": false, "simulate_samples": 50})");
  j["seed"] = 18446744073709551615ULL;
  j["threads"] = 2;
  const auto c = load_experiment(f.write(j));
  CHECK(c.name == "magic-run.1");
  CHECK(c.description == "MAGIC gamma telescope");
  REQUIRE(c.objectives.size() == 4);
  CHECK(c.objectives[2].metric == "latency_ns");
  CHECK(c.objectives[2].direction == Direction::minimize);
  REQUIRE(c.constraints.size() == 3);
  CHECK(c.constraints[0].metric == "latency_ns");
  CHECK(c.constraints[0].op == ConstraintOp::max);
  CHECK(c.constraints[0].value == 50.0);
  CHECK(c.constraints[1].op == ConstraintOp::max_fraction_of_device);
  CHECK(c.constraints[1].value == 0.10);
  CHECK(c.constraints[2].op == ConstraintOp::min);
  CHECK(c.constraints[2].value == 0.8);
  CHECK(c.hardware.device == "xcvu13p");
  CHECK(c.hardware.estimator == "hls");
  CHECK(c.hardware.clock_ns == 3.125);
  CHECK(c.hardware.use_dsp);
  CHECK(c.search.population == 64);
  CHECK_FALSE(c.search.generations.has_value());
  CHECK(c.search.max_evaluations == 500);
  CHECK(c.training.max_epochs == 12);
  CHECK(c.training.timeout_seconds == 90.5);
  CHECK(c.training.metrics_split == "test");
  CHECK_FALSE(c.synthesis.enabled);
  CHECK(c.synthesis.every_generations == 2);
  CHECK(c.synthesis.top_n == 4);
  CHECK(c.synthesis.timeout_seconds == 120.0);
  CHECK(c.synthesis.memory_limit_mb == 2048);
  CHECK(c.synthesis.jobs == 2);
  CHECK_FALSE(c.synthesis.recalibrate);
  CHECK(c.synthesis.final_top_n == 0);
  CHECK_FALSE(c.synthesis.simulate);
  CHECK(c.synthesis.simulate_samples == 50);
  CHECK(c.seed == 18446744073709551615ULL);
  CHECK(c.threads == 2);
}

TEST_CASE("the canonical form fills defaults, loads back identically and hashes stably",
          "[campaign][experiment_config]") {
  Fixture f;
  const auto c = load_experiment(f.write(Fixture::base()));
  const Json canonical = to_json(c);
  CHECK(canonical.at("training").at("max_epochs") == 50);
  CHECK(canonical.at("synthesis").at("top_n") == 3);
  CHECK(canonical.at("objectives")[0] == Json::parse(R"({"metric": "accuracy", "direction": "maximize"})"));
  CHECK(canonical.at("search").contains("generations"));
  CHECK_FALSE(canonical.at("search").contains("max_evaluations"));
  CHECK(canonical.at("name") == "exp");
  CHECK(canonical.at("dataset_source").is_null());

  // The canonical form is itself a valid experiment with the same canonical form and hash.
  const auto again = load_experiment(f.write(canonical, "exp.json"));
  CHECK(to_json(again) == canonical);
  CHECK(experiment_hash(again) == experiment_hash(c));

  const std::string h = experiment_hash(c);
  CHECK(h.size() == 64);
  CHECK(std::all_of(h.begin(), h.end(), [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); }));

  // Key order and spelling out defaults do not change the identity; a different seed does.
  Json explicit_defaults = Fixture::base();
  explicit_defaults["seed"] = 1;
  explicit_defaults["threads"] = 0;
  explicit_defaults["hardware"]["estimator"] = "rtl";
  explicit_defaults["objectives"][0] = Json::parse(R"({"direction": "maximize", "metric": "accuracy"})");
  CHECK(experiment_hash(load_experiment(f.write(explicit_defaults))) == h);
  Json other_seed = Fixture::base();
  other_seed["seed"] = 2;
  CHECK(experiment_hash(load_experiment(f.write(other_seed))) != h);
}

TEST_CASE("the hash is the SHA-256 of the compact canonical dump", "[campaign][experiment_config]") {
  // Independent check against the FIPS 180-2 test vector through a config whose dump we control
  // is not possible, so compare with the sha256sum program on the same bytes.
  Fixture f;
  const auto c = load_experiment(f.write(Fixture::base()));
  const auto dump_file = f.tmp.write("canonical.txt", to_json(c).dump());
  const std::string cmd = "sha256sum '" + dump_file.string() + "' > '" + (f.tmp.path() / "sum.txt").string() + "'";
  if (std::system(cmd.c_str()) != 0) {
    WARN("skipped: sha256sum not available");
    return;
  }
  std::ifstream in(f.tmp.path() / "sum.txt");
  std::string sum;
  in >> sum;
  CHECK(sum == experiment_hash(c));
}

TEST_CASE("the estimators folder may be given explicitly", "[campaign][experiment_config]") {
  Fixture f;
  nas4ml::test::TempDir other;
  other.write("amd/xc7a35t.json", "{}");
  Json j = Fixture::base();
  j["hardware"]["device"] = "xc7a35t";
  LoadOptions o;
  o.estimators_dir = other.path();
  const auto c = load_experiment(f.write(j), o);
  CHECK(c.hardware.device_file == other.path() / "amd/xc7a35t.json");
  CHECK(nas4ml::estimate::list_devices(f.tmp.path() / "estimators") == std::vector<std::string>{"xcvu13p", "xcvu9p"});
}

TEST_CASE("bad experiments get one exact message each", "[campaign][experiment_config]") {
  Fixture f;
  const std::string F = f.file();
  const std::string dir = f.tmp.path().string();
  Json j = Fixture::base();

  SECTION("unknown top-level key names the nearest valid key") {
    j["seeed"] = 3;
    CHECK(f.error_of(j) == F + ":$.seeed: unknown key, expected \"seed\", got \"seeed\"");
  }
  SECTION("unknown nested key") {
    j["hardware"]["estimater"] = "rtl";
    CHECK(f.error_of(j) == F + ":$.hardware.estimater: unknown key, expected \"estimator\", got \"estimater\"");
  }
  SECTION("wrong type") {
    j["search"]["population"] = "32";
    CHECK(f.error_of(j) == F + ":$.search.population: wrong type, expected an integer, got \"32\"");
  }
  SECTION("out-of-range value") {
    j["search"]["population"] = 1;
    CHECK(f.error_of(j) == F + ":$.search.population: value out of range, expected an integer in [2, 100000], got 1");
  }
  SECTION("missing required field") {
    j.erase("dataset");
    CHECK(f.error_of(j) == F + ":$.dataset: missing required key, expected \"dataset\", got nothing");
  }
  SECTION("missing hardware section") {
    j.erase("hardware");
    CHECK(f.error_of(j) == F + ":$.hardware: missing required key, expected \"hardware\", got nothing");
  }
  SECTION("missing dataset file names the field and the resolved path") {
    j["dataset"] = "data/nope.json";
    CHECK(f.error_of(j) == F + ":$.dataset: file not found, expected an existing dataset spec file, got "
                               "\"data/nope.json\" (resolved to " + dir + "/data/nope.json)");
  }
  SECTION("missing search space file") {
    j["search_space"] = "../spaces/physics.json";
    const std::string resolved = (f.tmp.path().parent_path() / "spaces/physics.json").string();
    CHECK(f.error_of(j) == F + ":$.search_space: file not found, expected an existing search space file, got "
                               "\"../spaces/physics.json\" (resolved to " + resolved + ")");
  }
  SECTION("a folder where a file is expected") {
    j["dataset"] = "data";
    CHECK(f.error_of(j) == F + ":$.dataset: not a file, expected an existing dataset spec file, got \"data\" "
                               "(resolved to " + dir + "/data, not a regular file)");
  }
  SECTION("bad objective name, bare") {
    j["objectives"].push_back("latency");
    CHECK(f.error_of(j) == F + ":$.objectives[2]: unknown objective metric, expected \"latency_ns\", got \"latency\"");
  }
  SECTION("bad objective name, in an object") {
    j["objectives"][1]["metric"] = "luts";
    CHECK(f.error_of(j) == F + ":$.objectives[1].metric: unknown objective metric, expected \"lut\", got \"luts\"");
  }
  SECTION("objective name far from every metric lists them all") {
    j["objectives"][1]["metric"] = "power_watts";
    CHECK(f.error_of(j) == F + ":$.objectives[1].metric: unknown objective metric, expected one of accuracy, auc, "
                               "lut, ff, dsp, bram, latency_ns, latency_cycles, ii, bops, ebops, max_utilization, "
                               "mse, mae, resolution, bias, abs_bias, tpr_at_fpr_1e-2, tpr_at_fpr_1e-3, "
                               "tpr_at_fpr_1e-4, got \"power_watts\"");
  }
  SECTION("duplicated objective") {
    j["objectives"].push_back(Json::parse(R"({"metric": "accuracy", "direction": "maximize"})"));
    CHECK(f.error_of(j) == F + ":$.objectives[2].metric: duplicated objective, expected each metric at most once, "
                               "got \"accuracy\" again (first at $.objectives[0])");
  }
  SECTION("a direction that contradicts the metric") {
    j["objectives"][1]["direction"] = "maximize";
    CHECK(f.error_of(j) == F + ":$.objectives[1].direction: direction contradicts the metric lut, expected "
                               "\"minimize\", got \"maximize\"");
  }
  SECTION("a misspelt direction") {
    j["objectives"][1]["direction"] = "minimise";
    CHECK(f.error_of(j) == F + ":$.objectives[1].direction: invalid direction, expected \"minimize\", got \"minimise\"");
  }
  SECTION("no objectives") {
    j["objectives"] = Json::array();
    CHECK(f.error_of(j) == F + ":$.objectives: no objectives, expected at least one objective, got an empty array");
  }
  SECTION("constraint on an unknown metric") {
    j["constraints"] = Json::parse(R"([{"metric": "latency_ms", "max": 50}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].metric: unknown constraint metric, expected \"latency_ns\", got "
                               "\"latency_ms\"");
  }
  SECTION("constraint with a bad operator") {
    j["constraints"] = Json::parse(R"([{"metric": "latency_ns", "maximum": 50}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].maximum: unknown constraint operator, expected \"max\", got "
                               "\"maximum\"");
  }
  SECTION("constraint with a symbol for an operator suggests the operator it means") {
    j["constraints"] = Json::parse(R"([{"metric": "latency_ns", "<=": 50}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].<=: unknown constraint operator, expected \"max\", got \"<=\"");
    j["constraints"] = Json::parse(R"([{"metric": "accuracy", ">=": 0.8}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].>=: unknown constraint operator, expected \"min\", got \">=\"");
    j["constraints"] = Json::parse(R"([{"metric": "lut", "max_percent": 10}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].max_percent: unknown constraint operator, expected "
                               "\"max_fraction_of_device\", got \"max_percent\"");
  }
  SECTION("constraint with an operator unlike any lists them all") {
    j["constraints"] = Json::parse(R"([{"metric": "latency_ns", "equals": 50}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].equals: unknown constraint operator, expected one of max, min, "
                               "max_fraction_of_device, got \"equals\"");
  }
  SECTION("constraint with two bounds") {
    j["constraints"] = Json::parse(R"([{"metric": "accuracy", "min": 0.7, "max": 0.9}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0]: constraint with several bounds, expected exactly one of max, min, "
                               "max_fraction_of_device, got max and min");
  }
  SECTION("constraint without a bound") {
    j["constraints"] = Json::parse(R"([{"metric": "accuracy"}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0]: constraint without a bound, expected one of max, min, "
                               "max_fraction_of_device, got none");
  }
  SECTION("fraction of the device for something that is not a device resource") {
    j["constraints"] = Json::parse(R"([{"metric": "latency_ns", "max_fraction_of_device": 0.5}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].max_fraction_of_device: max_fraction_of_device bounds a device "
                               "resource only, expected metric lut, ff, dsp or bram, got \"latency_ns\"");
  }
  SECTION("a percentage where a fraction is expected") {
    j["constraints"] = Json::parse(R"([{"metric": "lut", "max_fraction_of_device": 10}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].max_fraction_of_device: value out of range, expected a number in "
                               "[0, 1], got 10");
  }
  SECTION("an accuracy bound above 1") {
    j["constraints"] = Json::parse(R"([{"metric": "accuracy", "min": 80}])");
    CHECK(f.error_of(j) == F + ":$.constraints[0].min: value out of range, expected a number in [0, 1], got 80");
  }
  SECTION("duplicated constraint") {
    j["constraints"] = Json::parse(R"([{"metric": "lut", "max": 5000}, {"metric": "lut", "max": 6000}])");
    CHECK(f.error_of(j) == F + ":$.constraints[1]: duplicated constraint, expected each metric and operator at most "
                               "once, got lut max again");
  }
  SECTION("a device without a model names the nearest one") {
    j["hardware"]["device"] = "xcvu9";
    CHECK(f.error_of(j) == F + ":$.hardware.device: unknown device (no " + dir + "/estimators/<vendor>/xcvu9.json), "
                               "expected \"xcvu9p\", got \"xcvu9\"");
  }
  SECTION("an empty estimators folder says so") {
    nas4ml::test::TempDir empty;
    LoadOptions o;
    o.estimators_dir = empty.path();
    CHECK(f.error_of(j, o) == F + ":$.hardware.device: unknown device (no " + empty.path().string() +
                                  "/<vendor>/xcvu9p.json), expected a part with a device file; that folder has none "
                                  "yet, got \"xcvu9p\"");
  }
  SECTION("a device name that tries to leave the folder") {
    j["hardware"]["device"] = "../xilinx/xcvu9p";
    CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.hardware.device: bad device name"));
  }
  SECTION("estimator flavor not rtl or hls") {
    j["hardware"]["estimator"] = "vivado";
    CHECK(f.error_of(j) == F + ":$.hardware.estimator: invalid choice, expected one of rtl, hls, rtl_vivado, got \"vivado\"");
  }
  SECTION("negative threads") {
    j["threads"] = -1;
    CHECK(f.error_of(j) == F + ":$.threads: value out of range, expected an integer in [0, 1024] (0 = all cores), "
                               "got -1");
  }
  SECTION("negative seed") {
    j["seed"] = -3;
    CHECK(f.error_of(j) == F + ":$.seed: value out of range, expected a non-negative integer (at most "
                               "18446744073709551615), got -3");
  }
  SECTION("fractional seed") {
    j["seed"] = 1.5;
    CHECK(f.error_of(j) == F + ":$.seed: wrong type, expected a non-negative integer (at most "
                               "18446744073709551615), got 1.5");
  }
  SECTION("seed as a string") {
    j["seed"] = "42";
    CHECK(f.error_of(j) == F + ":$.seed: wrong type, expected a non-negative integer (at most "
                               "18446744073709551615), got \"42\"");
  }
  SECTION("both generations and max_evaluations") {
    j["search"]["max_evaluations"] = 100;
    CHECK(f.error_of(j) == F + ":$.search: both generations and max_evaluations given, expected exactly one of "
                               "them, got both");
  }
  SECTION("neither generations nor max_evaluations") {
    j["search"].erase("generations");
    CHECK(f.error_of(j) == F + ":$.search: no search budget, expected \"generations\" or \"max_evaluations\", got "
                               "neither");
  }
  SECTION("an evaluation budget below one generation") {
    j["search"].erase("generations");
    j["search"]["max_evaluations"] = 5;
    CHECK(f.error_of(j) == F + ":$.search.max_evaluations: budget smaller than one generation, expected at least "
                               "the population, 8, got 5");
  }
  SECTION("synthesizing more than a front can hold") {
    j["synthesis"] = Json::parse(R"({"top_n": 9})");
    CHECK(f.error_of(j) == F + ":$.synthesis.top_n: more than a front can hold, expected at most the population, 8, "
                               "got 9");
  }
  SECTION("a zero synthesis period") {
    j["synthesis"] = Json::parse(R"({"every_generations": 0})");
    CHECK(f.error_of(j) == F + ":$.synthesis.every_generations: value out of range, expected an integer in "
                               "[1, 1000000], got 0");
  }
  SECTION("an unknown metrics split") {
    j["training"] = Json::parse(R"({"metrics_split": "train"})");
    CHECK(f.error_of(j) == F + ":$.training.metrics_split: invalid choice, expected one of validation, test, got "
                               "\"train\"");
  }
  SECTION("a schema version from the future") {
    j["version"] = 2;
    CHECK(f.error_of(j) == F + ":$.version: unsupported experiment version, expected 1, got 2");
  }
  SECTION("a name that is not a safe folder name") {
    j["name"] = "../escape";
    CHECK(f.error_of(j) == F + ":$.name: invalid name, expected 1-64 letters, digits, '_', '-' or '.', not starting "
                               "with '.' or '-', got \"../escape\"");
  }
  SECTION("a section of the wrong type") {
    j["search"] = Json::array({8, 3});
    CHECK(f.error_of(j) == F + ":$.search: wrong type, expected an object like {\"population\": 32, "
                               "\"generations\": 10}, got an array of 2");
  }
  SECTION("an experiment that is not an object") {
    CHECK(f.error_of(Json::array()) == F + ":$: wrong type, expected an experiment object, got an array of 0");
  }
}

TEST_CASE("referenced files are validated by their own parsers and must fit each other",
          "[campaign][experiment_config]") {
  Fixture f;
  const std::string F = f.file();
  Json j = Fixture::base();
  SECTION("a broken dataset spec is reported in the spec's own terms") {
    const auto spec = f.tmp.write("data/broken.json", R"({"name": "b", "format": "xls", "source": "b.csv"})");
    j["dataset"] = "data/broken.json";
    CHECK(f.error_of(j) == spec.string() + ":$.format: invalid choice, expected one of csv, arff, idx, npy, got \"xls\"");
  }
  SECTION("a broken search space is reported in the space's own terms") {
    const auto space = f.tmp.write("spaces/broken.json", R"({"name": "s", "inputz": 10})");
    j["search_space"] = "spaces/broken.json";
    CHECK_THAT(f.error_of(j), Catch::StartsWith(space.string() + ":$.inputz: unknown key"));
  }
  SECTION("classes stated in the spec must match the space's outputs") {
    f.tmp.write("data/three.json", R"({"name": "three", "format": "csv", "source": "magic.csv", "header": false,
      "column_names": ["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "class"],
      "label_column": "class", "classes": ["g", "h", "x"]})");
    j["dataset"] = "data/three.json";
    CHECK(f.error_of(j) == F + ":$.search_space: search space does not fit the data set, expected 3 outputs, one per "
                               "class of data/three.json (as its spec states), got 2 outputs in spaces/physics.json");
  }
  SECTION("features stated in the spec must fit the space's inputs") {
    f.tmp.write("data/narrow.json", R"({"name": "narrow", "format": "csv", "source": "magic.csv",
      "feature_columns": [0, 1, 2], "label_column": 10, "header": false, "classes": ["g", "h"]})");
    j["dataset"] = "data/narrow.json";
    CHECK(f.error_of(j) == F + ":$.search_space: search space does not fit the data set, expected inputs for the 3 "
                               "features of data/narrow.json (as its spec states), got 10 to 30 inputs in "
                               "spaces/physics.json");
  }
  SECTION("dataset_source must exist") {
    j["dataset_source"] = "elsewhere/jets.csv";
    CHECK(f.error_of(j) == F + ":$.dataset_source: file not found, expected an existing data file, got "
                               "\"elsewhere/jets.csv\" (resolved to " + f.tmp.path().string() + "/elsewhere/jets.csv)");
  }
}

TEST_CASE("check_data reads the data set and checks its shape", "[campaign][experiment_config]") {
  Fixture f;
  Json j = Fixture::base();
  const auto d = check_data(load_experiment(f.write(j)));
  CHECK(d.features == 10);
  CHECK(d.classes == 2);
  CHECK(d.train_rows + d.validation_rows + d.test_rows == 60);

  // A replacement data file with three classes: the spec does not list classes, the data does.
  f.tmp.write("data/open.json", R"({"name": "open", "format": "csv", "source": "magic.csv", "header": false,
    "column_names": ["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "class"], "label_column": "class"})");
  std::string rows = magic_rows();
  for (int r = 0; r < 30; ++r) rows += "1,2,3,4,5,6,7,8,9,10,x\n";
  f.tmp.write("other/three.csv", rows);
  j["dataset"] = "data/open.json";
  j["dataset_source"] = "other/three.csv";
  const auto c = load_experiment(f.write(j));
  CHECK(c.dataset_source_path == f.tmp.path() / "other/three.csv");
  try {
    check_data(c);
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == f.file() + ":$.search_space: search space does not fit the data set, expected 3 "
                                              "outputs, one per class of data/open.json (as read from the data), got "
                                              "2 outputs in spaces/physics.json");
  }
}

TEST_CASE("no estimators folder anywhere above is an error, not a default", "[campaign][experiment_config]") {
  nas4ml::test::TempDir tmp;
  tmp.write("data/magic.json", kMagicSpec);
  tmp.write("spaces/physics.json", physics_space());
  const auto p = tmp.write("exp.json", Fixture::base().dump());
  // No installation folder either.
  setenv("NAS4ML_ESTIMATORS", (tmp.path() / "no-such-folder").c_str(), 1);
  struct Unset {
    ~Unset() { unsetenv("NAS4ML_ESTIMATORS"); }
  } unset;
  // Only meaningful if nothing above the temporary folder is called `estimators`.
  bool has_estimators_above = false;
  for (fs::path d = tmp.path(); d.has_parent_path() && d.parent_path() != d; d = d.parent_path())
    if (fs::is_directory(d.parent_path() / "estimators")) has_estimators_above = true;
  if (has_estimators_above) {
    WARN("skipped: a folder named estimators exists above " << tmp.path());
    return;
  }
  try {
    load_experiment(p);
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) ==
          p.string() + ":$.hardware.device: no estimators folder found, expected an estimators/<vendor>/<part>.json "
                       "folder at or above the experiment's folder, or --estimators DIR, got none above " +
              tmp.path().string());
  }
}

TEST_CASE("an experiment outside the source tree uses the installation's estimators", "[campaign][experiment_config]") {
  nas4ml::test::TempDir tmp;
  tmp.write("data/magic.json", kMagicSpec);
  tmp.write("spaces/physics.json", physics_space());
  const auto p = tmp.write("exp.json", Fixture::base().dump());
  setenv("NAS4ML_ESTIMATORS", nas4ml::test::source_path("estimators").c_str(), 1);
  struct Unset {
    ~Unset() { unsetenv("NAS4ML_ESTIMATORS"); }
  } unset;
  bool has_estimators_above = false;
  for (fs::path d = tmp.path(); d.has_parent_path() && d.parent_path() != d; d = d.parent_path())
    if (fs::is_directory(d.parent_path() / "estimators")) has_estimators_above = true;
  if (has_estimators_above) {
    WARN("skipped: a folder named estimators exists above " << tmp.path());
    return;
  }
  const auto c = load_experiment(p);
  CHECK(c.estimators_dir == fs::path(nas4ml::test::source_path("estimators")));
  CHECK(fs::exists(c.hardware.device_file));
}

TEST_CASE("a missing experiment file and bad JSON are reported", "[campaign][experiment_config]") {
  Fixture f;
  try {
    load_experiment(f.tmp.path() / "absent.json");
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == f.file("absent.json") + ": file not found, expected an existing JSON file, got no such file");
  }
  const auto bad = f.tmp.write("bad.json", "{\"dataset\": }");
  try {
    load_experiment(bad);
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK_THAT(std::string(e.what()), Catch::StartsWith(bad.string() + ":line 1 column"));
  }
}

TEST_CASE("metric lists and natural directions", "[campaign][experiment_config]") {
  const std::set<std::string> metrics(metric_names().begin(), metric_names().end());
  for (const char* m : {"accuracy", "auc", "lut", "ff", "dsp", "bram", "latency_ns", "ii", "bops", "ebops",
                        "max_utilization"})
    CHECK(metrics.count(m) == 1);  // the objectives docs/config.md lists
  CHECK(natural_direction("accuracy") == Direction::maximize);
  CHECK(natural_direction("auc") == Direction::maximize);
  CHECK(natural_direction("ebops") == Direction::minimize);
  CHECK_THROWS_AS(natural_direction("speed"), nas4ml::InternalError);
}

TEST_CASE("search.algorithm selects a registered survival kind, and an unknown one is refused", "[campaign][experiment_config]") {
  Fixture f;
  const std::string F = f.file();
  Json j = Fixture::base();
  for (const char* kind : {"nsga2", "smsemoa", "nsga3"}) {
    j["search"]["algorithm"] = kind;
    CHECK(load_experiment(f.write(j)).search.algorithm == kind);
  }
  j["search"]["prescreen"] = 4;
  const auto c = load_experiment(f.write(j));
  CHECK(c.search.prescreen == 4);
  CHECK(to_json(c)["search"]["prescreen"] == 4);
  j["search"]["prescreen"] = 0;
  CHECK(f.error_of(j) == F + ":$.search.prescreen: value out of range, expected an integer in [1, 100], got 0");
  j["search"].erase("prescreen");
  CHECK_FALSE(to_json(load_experiment(f.write(j)))["search"].contains("prescreen"));  // off: hash unchanged
  j["search"]["initial_design"] = "lhs";
  CHECK(load_experiment(f.write(j)).search.initial_design == "lhs");
  CHECK(to_json(load_experiment(f.write(j)))["search"]["initial_design"] == "lhs");
  j["search"]["initial_design"] = "grid";
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.initial_design: ") && Catch::Contains("got \"grid\""));
  j["search"].erase("initial_design");
  CHECK_FALSE(to_json(load_experiment(f.write(j)))["search"].contains("initial_design"));  // random: hash unchanged
  j["search"]["parents"] = "archive";
  CHECK(load_experiment(f.write(j)).search.parents == "archive");
  CHECK(to_json(load_experiment(f.write(j)))["search"]["parents"] == "archive");
  j["search"]["parents"] = "elite";
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.parents: ") && Catch::Contains("got \"elite\""));
  j["search"].erase("parents");
  CHECK_FALSE(to_json(load_experiment(f.write(j)))["search"].contains("parents"));  // population: hash unchanged
  j["search"]["algorithm"] = "nsga4";
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.algorithm: ") && Catch::Contains("nsga2, smsemoa, nsga3") &&
                                Catch::Contains("got \"nsga4\""));
}

TEST_CASE("baselines: a QuantizedModel or a model spec; seed_population checked against the space",
          "[campaign][experiment_config][baseline]") {
  Fixture f;
  std::ifstream in(nas4ml::test::source_path("experiments/models/magic_10_32_32_2.json"));
  f.tmp.write("models/m.json", std::string(std::istreambuf_iterator<char>(in), {}));
  f.tmp.write("models/q.q.json", R"({"format": "nas4ml.quantized_model", "version": 1})");
  Json j = Fixture::base();
  j["baselines"] = Json::parse(R"([{"name": "m", "model": "models/m.json"}, {"name": "q", "model": "models/q.q.json"}])");
  const ExperimentConfig c = load_experiment(f.write(j));
  REQUIRE(c.baselines.size() == 2);
  CHECK_FALSE(c.baselines[0].quantized);
  CHECK(c.baselines[1].quantized);
  CHECK_FALSE(c.baselines[0].seed_population);
  // "seed_population": false is the default: same canonical form and hash.
  Json explicit_false = j;
  explicit_false["baselines"][0]["seed_population"] = false;
  CHECK(experiment_hash(load_experiment(f.write(explicit_false))) == experiment_hash(c));
  CHECK_FALSE(to_json(c)["baselines"][0].contains("seed_population"));

  const std::string F = f.file();
  Json bad = j;
  bad["baselines"][0]["seed_population"] = "yes";
  CHECK(f.error_of(bad) == F + ":$.baselines[0].seed_population: wrong type, expected true or false, got \"yes\"");
  // The MAGIC reference network (40 epochs, patience 8, ...) is not a genome of physics_binary.
  bad["baselines"][0]["seed_population"] = true;
  CHECK_THAT(f.error_of(bad), Catch::StartsWith(F + ":$.baselines[0].seed_population: baseline m is not in the search "
                                                    "space: gene "));
  bad = j;
  bad["baselines"][1]["seed_population"] = true;
  CHECK(f.error_of(bad) == F + ":$.baselines[1].seed_population: baseline q cannot seed the first generation, "
                               "expected a model spec (a QuantizedModel does not record all training knobs), got a "
                               "QuantizedModel file");
}

TEST_CASE("search.multi_fidelity: defaults, bounds, absent = off with the hash unchanged", "[campaign][experiment_config]") {
  Fixture f;
  const std::string F = f.file();
  Json j = Fixture::base();
  CHECK_FALSE(load_experiment(f.write(j)).search.multi_fidelity.has_value());
  CHECK_FALSE(to_json(load_experiment(f.write(j)))["search"].contains("multi_fidelity"));
  j["search"]["multi_fidelity"] = Json::object();
  const auto d = load_experiment(f.write(j)).search.multi_fidelity;
  REQUIRE(d.has_value());
  CHECK(d->fraction == 0.5);
  CHECK(d->quality_slack == 0.25);
  CHECK(d->hardware_slack == 0.05);
  j["search"]["multi_fidelity"] = {{"fraction", 0.3}, {"quality_slack", 0.5}, {"hardware_slack", 0.1}};
  const auto c = load_experiment(f.write(j));
  CHECK(c.search.multi_fidelity->fraction == 0.3);
  CHECK(to_json(c)["search"]["multi_fidelity"]["quality_slack"] == 0.5);
  CHECK(load_experiment(f.write(to_json(c), "again.json")).search.multi_fidelity->hardware_slack == 0.1);
  j["search"]["multi_fidelity"] = {{"fraction", 1.0}};
  CHECK(f.error_of(j) == F + ":$.search.multi_fidelity.fraction: value out of range, expected a number in [0.05, 0.95], got 1.0");
  j["search"]["multi_fidelity"] = {{"fractoin", 0.5}};
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.multi_fidelity") && Catch::Contains("fractoin"));
  j["search"]["multi_fidelity"] = true;
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.multi_fidelity: ") && Catch::Contains("expected an object"));
}

TEST_CASE("search.inherit_weights: a boolean, absent = off with the hash unchanged", "[campaign][experiment_config]") {
  Fixture f;
  const std::string F = f.file();
  Json j = Fixture::base();
  const auto off = load_experiment(f.write(j));
  CHECK_FALSE(off.search.inherit_weights);
  CHECK_FALSE(to_json(off)["search"].contains("inherit_weights"));
  const std::string hash = experiment_hash(off);
  j["search"]["inherit_weights"] = false;
  CHECK(experiment_hash(load_experiment(f.write(j))) == hash);
  j["search"]["inherit_weights"] = true;
  const auto on = load_experiment(f.write(j));
  CHECK(on.search.inherit_weights);
  CHECK(to_json(on)["search"]["inherit_weights"] == true);
  CHECK(experiment_hash(on) != hash);
  CHECK(load_experiment(f.write(to_json(on), "again.json")).search.inherit_weights);
  j["search"]["inherit_weights"] = "yes";
  CHECK(f.error_of(j) == F + ":$.search.inherit_weights: wrong type, expected true or false, got \"yes\"");
  j["search"]["inherit_weights"] = 1;
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.inherit_weights: wrong type, expected true or false"));
}

TEST_CASE("search.operator and search.differential: absent = crossover with the hash unchanged; bad values one line",
          "[campaign][experiment_config]") {
  Fixture f;
  const std::string F = f.file();
  Json j = Fixture::base();
  const auto plain = load_experiment(f.write(j));
  CHECK(plain.search.operator_kind == "crossover");
  CHECK_FALSE(to_json(plain)["search"].contains("operator"));
  CHECK_FALSE(to_json(plain)["search"].contains("differential"));
  const std::string hash = experiment_hash(plain);
  j["search"]["operator"] = "crossover";
  j["search"]["differential"] = {{"f", 0.5}, {"cr", 0.5}, {"bounds", "random"}};  // the defaults
  CHECK(experiment_hash(load_experiment(f.write(j))) == hash);
  j["search"]["operator"] = "differential";
  j["search"]["differential"] = {{"cr", 0.7}, {"bounds", "clamp"}};
  const auto de = load_experiment(f.write(j));
  CHECK(de.search.operator_kind == "differential");
  CHECK(de.search.de_f == 0.5);
  CHECK(de.search.de_cr == 0.7);
  CHECK(de.search.de_bounds == "clamp");
  CHECK(to_json(de)["search"]["operator"] == "differential");
  CHECK(experiment_hash(de) != hash);
  const auto again = load_experiment(f.write(to_json(de), "again.json"));
  CHECK(experiment_hash(again) == experiment_hash(de));
  j["search"]["operator"] = "de";
  CHECK(f.error_of(j) == F + ":$.search.operator: invalid choice, expected one of crossover, differential, got \"de\"");
  j["search"]["operator"] = "differential";
  j["search"]["differential"] = {{"f", 3}};
  CHECK(f.error_of(j) == F + ":$.search.differential.f: value out of range, expected a number in [0.01, 2], got 3");
  j["search"]["differential"] = {{"cr", -0.1}};
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.differential.cr: value out of range, expected a number in [0, 1]"));
  j["search"]["differential"] = {{"bounds", "wrap"}};
  CHECK(f.error_of(j) == F + ":$.search.differential.bounds: invalid choice, expected one of random, clamp, got \"wrap\"");
  j["search"]["differential"] = {{"F", 0.5}};
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.differential.F: unknown key"));
  j["search"]["differential"] = 0.5;
  CHECK_THAT(f.error_of(j), Catch::StartsWith(F + ":$.search.differential: wrong type, expected an object"));
}

TEST_CASE("training.init: absent = he with the hash unchanged; bad values one line", "[campaign][experiment_config]") {
  Fixture f;
  const std::string F = f.file();
  Json j = Fixture::base();
  const auto he = load_experiment(f.write(j));
  CHECK(he.training.init == "he");
  CHECK_FALSE(to_json(he)["training"].contains("init"));
  const std::string hash = experiment_hash(he);
  j["training"] = Json::parse(R"({"init": "he"})");
  CHECK(experiment_hash(load_experiment(f.write(j))) == hash);
  j["training"]["init"] = "uniform_fan_in";
  const auto u = load_experiment(f.write(j));
  CHECK(u.training.init == "uniform_fan_in");
  CHECK(to_json(u)["training"]["init"] == "uniform_fan_in");
  CHECK(experiment_hash(u) != hash);
  CHECK(load_experiment(f.write(to_json(u), "again.json")).training.init == "uniform_fan_in");
  j["training"]["init"] = "glorot";
  CHECK(f.error_of(j) == F + ":$.training.init: invalid choice, expected one of he, uniform_fan_in, got \"glorot\"");
}

TEST_CASE("hardware.sharing: cse by default, none keeps the hash from before and survives the canonical form",
          "[campaign][experiment_config]") {
  Fixture f;
  const std::string F = f.file();
  Json j = Fixture::base();
  const auto absent = load_experiment(f.write(j));
  CHECK(absent.hardware.sharing == "cse");
  CHECK(to_json(absent).at("hardware").at("sharing") == "cse");
  j["hardware"]["sharing"] = "cse";  // the default spelled out
  CHECK(experiment_hash(load_experiment(f.write(j))) == experiment_hash(absent));
  j["hardware"]["sharing"] = "none";
  const auto none = load_experiment(f.write(j));
  CHECK(experiment_hash(none) != experiment_hash(absent));
  // The canonical form says "none" and loads back as none (it is what stores and workers read).
  const Json canonical = to_json(none);
  CHECK(canonical.at("hardware").at("sharing") == "none");
  CHECK(load_experiment(f.write(canonical, "again.json")).hardware.sharing == "none");
  CHECK(experiment_hash(parse_stored_experiment(canonical, f.file())) == experiment_hash(none));
  // A campaign stored before cse became the default has no hardware.sharing: it meant none.
  Json old = canonical;
  old["hardware"].erase("sharing");
  const auto stored = parse_stored_experiment(old, f.file());
  CHECK(stored.hardware.sharing == "none");
  CHECK(experiment_hash(stored) == experiment_hash(none));  // so its manifest's hash still matches
  // While a file without the key is now cse.
  CHECK(parse_experiment(old, f.file()).hardware.sharing == "cse");
  j["hardware"]["sharing"] = "CSE";
  CHECK(f.error_of(j) == F + ":$.hardware.sharing: invalid choice, expected one of none, cse, got \"CSE\"");
}

TEST_CASE("hardware.sharing_effort: absent keeps the hash, set changes it, bad values are one clear error",
          "[campaign][experiment_config]") {
  Fixture f;
  Json j = Fixture::base();
  j["hardware"]["sharing"] = "none";
  const std::string h = experiment_hash(load_experiment(f.write(j)));
  j["hardware"]["sharing"] = "cse";
  const std::string cse = experiment_hash(load_experiment(f.write(j)));
  j["hardware"]["sharing_effort"] = 1;  // the default spelled out
  CHECK(experiment_hash(load_experiment(f.write(j))) == cse);
  j["hardware"]["sharing_effort"] = 16;
  const auto c = load_experiment(f.write(j));
  CHECK(c.hardware.sharing_effort == 16);
  CHECK(to_json(c).at("hardware").at("sharing_effort") == 16);
  CHECK(experiment_hash(c) != cse);
  CHECK(cse != h);
  for (const char* bad : {"0", "257", "2.5", "\"high\""}) {
    j["hardware"]["sharing_effort"] = Json::parse(bad);
    const std::string e = f.error_of(j);
    CHECK_THAT(e, Catch::Contains("sharing_effort"));
    CHECK(e.find('\n') == std::string::npos);
  }
}

TEST_CASE("hardware.emit_sharing_effort: absent = 8 with the hash unchanged, set changes it, bad values one line",
          "[campaign][experiment_config]") {
  Fixture f;
  Json j = Fixture::base();
  const auto absent = load_experiment(f.write(j));
  CHECK(absent.hardware.emit_sharing_effort == 8);
  CHECK(absent.hardware.sharing_effort == 1);  // the search's effort is another key
  CHECK_FALSE(to_json(absent).at("hardware").contains("emit_sharing_effort"));
  const std::string hash = experiment_hash(absent);
  j["hardware"]["emit_sharing_effort"] = 8;  // the default spelled out
  CHECK(experiment_hash(load_experiment(f.write(j))) == hash);
  j["hardware"]["emit_sharing_effort"] = 3;
  const auto three = load_experiment(f.write(j));
  CHECK(three.hardware.emit_sharing_effort == 3);
  CHECK(three.hardware.sharing_effort == 1);
  CHECK(experiment_hash(three) != hash);
  // The canonical form (what stores and workers read) keeps it.
  const Json canonical = to_json(three);
  CHECK(canonical.at("hardware").at("emit_sharing_effort") == 3);
  CHECK(parse_stored_experiment(canonical, f.file()).hardware.emit_sharing_effort == 3);
  CHECK(experiment_hash(parse_stored_experiment(canonical, f.file())) == experiment_hash(three));
  const std::string F = f.file();
  j["hardware"]["emit_sharing_effort"] = 0;
  CHECK(f.error_of(j) == F + ":$.hardware.emit_sharing_effort: value out of range, expected an integer in [1, 256], got 0");
  for (const char* bad : {"257", "2.5", "\"x\"", "-1"}) {
    INFO(bad);
    j["hardware"]["emit_sharing_effort"] = Json::parse(bad);
    const std::string e = f.error_of(j);
    CHECK_THAT(e, Catch::StartsWith(F + ":$.hardware.emit_sharing_effort: "));
    CHECK(e.find('\n') == std::string::npos);
  }
}
