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

TEST_CASE("nas4ml train distils from a teacher spec or a teacher model", "[nn][cli][distillation]") {
  test::TempDir dir;
  const std::string data = write_toy_data(dir);
  const std::string student = dir.write("s.json", R"({"name": "student", "input_format": "ap_fixed<8,3>",
    "defaults": {"weight_format": "ap_fixed<6,2>", "result_format": "ap_fixed<10,4>"},
    "layers": [{"units": 4}, {}], "training": {"epochs": 4, "batch_size": 32, "learning_rate": 0.01}})").string();
  const std::string teacher = dir.write("t.json", R"({"name": "teacher", "input_format": "ap_fixed<16,6>",
    "defaults": {"weight_format": "ap_fixed<16,4>", "result_format": "ap_fixed<16,6>"},
    "layers": [{"units": 16}, {}], "training": {"epochs": 6, "batch_size": 32, "learning_rate": 0.01}})").string();
  auto json_run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"train", student, "--data", data, "--seed", "5", "--json"});
    const auto r = test::run_cli(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return Json::parse(r.out);
  };
  const Json plain = json_run({});
  CHECK_FALSE(plain.contains("distillation"));
  // A teacher spec: trained in float first (same split, same seed), then the student from it.
  const Json kd = json_run({"--teacher", teacher});
  REQUIRE(kd.contains("distillation"));
  CHECK(kd["distillation"]["teacher"] == teacher);
  CHECK(kd["distillation"]["alpha"] == 0.5);  // the defaults when the spec does not distil
  CHECK(kd["distillation"]["temperature"] == 4.0);
  CHECK(kd["distillation"]["teacher_test_accuracy"].get<double>() > 0.8);  // it learned the boundary
  CHECK(kd["metrics"] != plain["metrics"]);  // the teacher changed the training
  CHECK(json_run({"--teacher", teacher})["metrics"] == kd["metrics"]);  // deterministic
  const Json tuned = json_run({"--teacher", teacher, "--alpha", "0.8", "--temperature", "2"});
  CHECK(tuned["distillation"]["alpha"] == 0.8);
  CHECK(tuned["distillation"]["temperature"] == 2.0);
  // The table says so too.
  const auto table = test::run_cli({"train", student, "--data", data, "--teacher", teacher});
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("distilled from " + teacher) && Catch::Contains("alpha 0.5, temperature 4"));
  // A trained model as the teacher (evaluated by the golden integer model).
  const std::string saved = (dir.path() / "t.q.json").string();
  REQUIRE(test::run_cli({"train", teacher, "--data", data, "--save", saved}).exit_code == 0);
  const Json from_model = json_run({"--teacher-model", saved});
  CHECK(from_model["distillation"]["teacher"] == saved);
  CHECK(from_model["distillation"]["alpha"] == 0.5);
}

TEST_CASE("nas4ml train refuses a bad teacher with one clear line", "[nn][cli][distillation]") {
  test::TempDir dir;
  const std::string data = write_toy_data(dir);
  const std::string student = dir.write("s.json", R"({"layers": [{"units": 4}, {}], "training": {"epochs": 1}})").string();
  auto refused = [&](std::vector<std::string> args, const std::string& message) {
    args.insert(args.begin(), {"train", student, "--data", data});
    const auto r = test::run_cli(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("error: ") && Catch::Contains(message));
    CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
  };
  // A MAGIC model (10 inputs) as the teacher of 3-feature data.
  const std::string magic = test::source_path("tests/fuzz/corpus/json/estimate-good-control-m.q.json");
  refused({"--teacher-model", magic}, "m.q.json:n_inputs: teacher of the wrong shape, expected 3 inputs (the data set's features), got 10");
  refused({"--alpha", "0.5"}, "error: --alpha: distillation without a teacher");
  refused({"--teacher", student, "--teacher-model", magic}, "--teacher-model: one teacher at a time");
  refused({"--teacher", student, "--alpha", "1"}, "--alpha: value out of range");
  refused({"--teacher", (dir.path() / "none.json").string()}, "file not found");
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
