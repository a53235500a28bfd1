// `nas4ml train` end to end (runs the built binary) and the MAGIC integration run.
#include <catch2/catch.hpp>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "support/run_cli.hpp"
#include "support/shared_data.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

namespace {
// A small two-class CSV data set and its dataset spec, written into `dir`.
std::string write_toy_data(const test::TempDir& dir) {
  std::string csv = "a,b,c,label\n";
  Rng rng(3);
  for (int i = 0; i < 400; ++i) {
    const double a = rng.normal(), b = rng.normal(), c = rng.normal();
    csv += std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(c) + "," + (a + 0.5 * b > 0 ? "s" : "b") + "\n";
  }
  dir.write("toy.csv", csv);
  return dir.write("toy.json", R"({"name": "toy", "format": "csv", "source": "toy.csv", "label_column": "label",
                                   "classes": ["b", "s"]})").string();
}
}  // namespace

TEST_CASE("nas4ml train prints metrics and throughput and saves a loadable model", "[nn][cli]") {
  test::TempDir dir;
  const std::string data = write_toy_data(dir);
  const std::string spec = dir.write("m.json", R"({"name": "toy_net", "input_format": "ap_fixed<8,3>",
    "defaults": {"weight_format": "ap_fixed<6,2>", "result_format": "ap_fixed<10,4>", "sparsity": 0.5},
    "layers": [{"units": 8}, {}], "training": {"epochs": 5, "batch_size": 32, "learning_rate": 0.01}})").string();
  const std::string saved = (dir.path() / "toy.q.json").string();
  const auto r = test::run_cli({"train", spec, "--data", data, "--seed", "3", "--save", saved});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("model toy_net (3-8-2)") && Catch::Contains("training samples/s") &&
                        Catch::Contains("test") && Catch::Contains("saved"));
  CHECK_THAT(r.err, Catch::Contains("epoch 5/5"));
  const auto model = nn::load_quantized_model(saved);
  CHECK(model.n_inputs == 3);
  CHECK(model.training["seed"] == 3);
  // --json gives the same record, and the same seed the same metrics.
  const auto j = test::run_cli({"train", spec, "--data", data, "--seed", "3", "--json", "--epochs", "5"});
  REQUIRE(j.exit_code == 0);
  const Json record = Json::parse(j.out);
  CHECK(record["metrics"]["test"] == model.training["metrics"]["test"]);
  CHECK(record["data"]["sources"][0]["sha256"].get<std::string>().size() == 64);
}

TEST_CASE("nas4ml train refuses bad input with one clear line", "[nn][cli]") {
  test::TempDir dir;
  const std::string data = write_toy_data(dir);
  const std::string bad = dir.write("bad.json", R"({"layers": [{"units": 8, "sparsity": 1.5}, {}]})").string();
  auto r = test::run_cli({"train", bad, "--data", data});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("error: " + bad + ":$.layers[0].sparsity: value out of range"));
  const std::string wrong_inputs = dir.write("w.json", R"({"inputs": 4, "layers": [{"units": 8}, {}]})").string();
  r = test::run_cli({"train", wrong_inputs, "--data", data});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("$.inputs: differs from the data set's feature count, expected 3, got 4"));
  r = test::run_cli({"train", bad, "--data", data, "--epochs", "0"});
  CHECK(r.exit_code == 2);
  r = test::run_cli({"train", (dir.path() / "missing.json").string(), "--data", data});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("file not found"));
}

TEST_CASE("MAGIC: 10-32-32-2, 8-bit formats, 50% sparsity trains to a useful integer model", "[nn][integration]") {
  // MAGIC ships in experiments/data: no ../shared needed.
  const auto d = data::load_dataset(test::source_path("experiments/datasets/magic.json"));
  REQUIRE(d.n_features() == 10);
  const auto spec = nn::load_model_spec(test::source_path("experiments/models/magic_10_32_32_2.json"));
  nn::TrainOptions o;
  o.seed = 1;
  o.signal_class = 0;  // gamma
  const auto r = nn::train_model(spec, d, o);
  REQUIRE(r.ok);
  // The float PyTorch reference on this split reaches ~0.87-0.88 (benchmarks/magic_vs_pytorch.py).
  CHECK(r.test.accuracy > 0.85);
  CHECK(r.test.auc > 0.90);
  // Reported metrics are the golden integer model's.
  const auto golden = nn::evaluate_model(r.model, d.test, 0);
  CHECK(golden.accuracy == r.test.accuracy);
  std::size_t pruned = 0, total = 0;
  for (const auto& l : r.model.layers) {
    total += l.mask.size();
    for (auto m : l.mask) pruned += m == 0;
  }
  CHECK(pruned * 2 == total);
}
