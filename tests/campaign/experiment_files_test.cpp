// The ready experiment files in experiments/: they validate against the repository's dataset
// specs, search spaces and device models, and their data fits their search space.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/data/checksum.hpp"
#include "support/run_cli.hpp"
#include "support/shared_data.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using nas4ml::Json;
using namespace nas4ml::campaign;
using nas4ml::test::source_path;

TEST_CASE("every shipped experiment validates", "[campaign][experiment_files]") {
  for (const char* name : {"quickstart", "magic", "higgs", "letter", "jets_hlf"}) {
    INFO(name);
    const auto c = load_experiment(source_path(std::string("experiments/") + name + ".json"));
    CHECK(c.name == name);
    CHECK(c.estimators_dir == fs::path(source_path("estimators")));
    CHECK(fs::exists(c.hardware.device_file));
    CHECK(c.objectives.size() >= 2);
  }
}

TEST_CASE("magic.json holds the 500-candidate benchmark campaign", "[campaign][experiment_files]") {
  const auto c = load_experiment(source_path("experiments/magic.json"));
  REQUIRE(c.search.generations);
  CHECK(c.search.population * *c.search.generations == 500);
}

TEST_CASE("the data sets shipped in experiments/data fit their experiments, checksums as documented",
          "[campaign][experiment_files]") {
  // No ../shared needed: MAGIC and HIGGS (CC BY 4.0) are in the repository.
  for (const char* name : {"magic", "higgs"}) {
    INFO(name);
    const auto d = check_data(load_experiment(source_path(std::string("experiments/") + name + ".json")));
    CHECK(d.classes == 2);
    CHECK(d.train_rows > d.validation_rows);
  }
  for (const auto& [file, readme] : {std::pair<std::string, std::string>{"experiments/data/magic/magic04.data.gz",
                                                                         "experiments/data/magic/README.md"},
                                     {"experiments/data/higgs/higgs_subset.csv.gz", "experiments/data/higgs/README.md"}}) {
    INFO(file);
    std::ifstream in(source_path(readme));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_THAT(text, Catch::Contains(nas4ml::data::sha256_file(source_path(file))));
    CHECK_THAT(text, Catch::Contains("CC BY 4.0"));
  }
}

TEST_CASE("letter.json names where to get its file, and reads it through dataset_source", "[campaign][experiment_files]") {
  const auto r = nas4ml::test::run_cli({"validate", source_path("experiments/letter.json"), "--data"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("dataset_source") && Catch::Contains("archive.ics.uci.edu/dataset/59"));
  NAS4ML_REQUIRE_SHARED_DATA(data_dir);
  auto cfg = load_experiment(source_path("experiments/letter.json"));
  cfg.dataset_source_path = data_dir / "uci-mlbench" / "LetterRecognition.csv";
  cfg.dataset_source = cfg.dataset_source_path.string();
  const auto letter = check_data(cfg);
  CHECK(letter.features == 16);
  CHECK(letter.classes == 26);
}

TEST_CASE("quickstart's Fashion-MNIST fits the image search space", "[campaign][experiment_files]") {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
    WARN("skipped: Debian's dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  const auto d = check_data(load_experiment(source_path("experiments/quickstart.json")));
  CHECK(d.features == 49);  // 28x28 average-pooled 4x4
  CHECK(d.classes == 10);
  CHECK(d.test_rows == 10000);
}

TEST_CASE("jets_hlf.json reads a user-supplied file through dataset_source", "[campaign][experiment_files]") {
  // A small hand-made file with the columns of OpenML 42468 (the real one is not shipped).
  const char* columns[] = {"zlogz",        "c1_b0_mmdt",    "c1_b1_mmdt", "c1_b2_mmdt", "c2_b1_mmdt", "c2_b2_mmdt",
                           "d2_b1_mmdt",   "d2_b2_mmdt",    "d2_a1_b1_mmdt", "d2_a1_b2_mmdt", "m2_b1_mmdt",
                           "m2_b2_mmdt",   "n2_b1_mmdt",    "n2_b2_mmdt", "mass_mmdt",  "multiplicity"};
  std::string csv;
  for (const char* c : columns) csv += std::string(c) + ",";
  csv += "class\n";
  const char* classes[] = {"g", "q", "t", "w", "z"};
  for (int r = 0; r < 50; ++r) {
    for (int f = 0; f < 16; ++f) csv += std::to_string((r * 3 + f * 5) % 17 - 8) + ".25,";
    csv += std::string(classes[r % 5]) + "\n";
  }
  nas4ml::test::TempDir tmp;
  tmp.write("jets.csv", csv);
  Json j = nas4ml::load_json_file(source_path("experiments/jets_hlf.json"));
  j["dataset"] = source_path("experiments/datasets/jets_hlf.json");
  j["search_space"] = source_path("search_spaces/jet_mlp.json");
  j["dataset_source"] = "jets.csv";
  const auto file = tmp.write("jets_hlf.json", j.dump());
  LoadOptions o;
  o.estimators_dir = source_path("estimators");
  const auto d = check_data(load_experiment(file, o));
  CHECK(d.features == 16);
  CHECK(d.classes == 5);
  CHECK(d.train_rows + d.validation_rows + d.test_rows == 50);
}

TEST_CASE("experiments/magic.json with \"sharing\": \"none\" keeps the hash it had before cse became the default",
          "[campaign][experiment_files]") {
  const auto file = source_path("experiments/magic.json");
  nas4ml::Json j = nas4ml::load_json_file(file);
  REQUIRE_FALSE(j.at("hardware").contains("sharing"));
  j["hardware"]["sharing"] = "none";
  LoadOptions o;
  o.estimators_dir = source_path("estimators");
  // 28b03175449a: `nas4ml validate experiments/magic.json` when the default was none.
  CHECK(experiment_hash(parse_experiment(j, file, o)).substr(0, 12) == "28b03175449a");
  CHECK(experiment_hash(load_experiment(file, o)).substr(0, 12) != "28b03175449a");  // now cse
}

TEST_CASE("experiments/magic.json keeps its hash with hardware.emit_sharing_effort absent or 8", "[campaign][experiment_files]") {
  const auto file = source_path("experiments/magic.json");
  nas4ml::Json j = nas4ml::load_json_file(file);
  REQUIRE_FALSE(j.at("hardware").contains("emit_sharing_effort"));
  LoadOptions o;
  o.estimators_dir = source_path("estimators");
  // 030db0b554a7: `nas4ml validate experiments/magic.json` before the key existed (docs/config.md).
  CHECK(experiment_hash(parse_experiment(j, file, o)).substr(0, 12) == "030db0b554a7");
  j["hardware"]["emit_sharing_effort"] = 8;
  CHECK(experiment_hash(parse_experiment(j, file, o)).substr(0, 12) == "030db0b554a7");
  j["hardware"]["emit_sharing_effort"] = 3;
  CHECK(experiment_hash(parse_experiment(j, file, o)).substr(0, 12) != "030db0b554a7");
}

TEST_CASE("docs/config.md shows what `nas4ml validate experiments/magic.json` prints", "[campaign][experiment_files][docs]") {
  const auto r = nas4ml::test::run_cli({"validate", "experiments/magic.json"});
  REQUIRE(r.exit_code == 0);
  std::ifstream in(source_path("docs/config.md"));
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(doc, Catch::Contains(r.out));
}
