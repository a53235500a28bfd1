#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/task.hpp"
#include "nas4ml/nn/task_metrics.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {

ModelSpec small_spec(std::vector<int> hidden, int epochs) {
  ModelSpec s;
  s.input_format = parse_fixed_format("ap_fixed<12,4,AP_RND,AP_SAT>");
  for (int u : hidden) {
    LayerSpec l;
    l.units = u;
    l.weight_format = parse_fixed_format("ap_fixed<8,2,AP_RND,AP_SAT>");
    l.bias_format = parse_fixed_format("ap_fixed<12,4,AP_RND,AP_SAT>");
    l.result_format = parse_fixed_format("ap_fixed<12,5,AP_RND,AP_SAT>");
    s.layers.push_back(l);
  }
  LayerSpec out = s.layers.back();
  out.units = 0;
  out.activation = Activation::linear;
  s.layers.push_back(out);
  s.training.epochs = epochs;
  s.training.batch_size = 128;
  s.training.learning_rate = 3e-3;
  return s;
}

TaskSpec task_of(const std::string& json) {
  const Json j = Json::parse(json);
  return parse_task_spec(JsonView(j, "e.json", "$.task"));
}

// A hand-built 2 -> 2 linear model: out0 = in0 + 0.25, out1 = 0.5 * in1.
QuantizedModel two_by_two(const std::string& error, const std::string& score_format) {
  QuantizedModel m;
  m.name = "hand";
  m.n_inputs = 2;
  m.input_format = parse_fixed_format("ap_fixed<8,4>");  // 4 fractional bits
  QuantizedLayer l;
  l.n_in = l.n_out = 2;
  l.activation = Activation::linear;
  l.weight_format = parse_fixed_format("ap_fixed<4,2>");    // 2 fractional bits
  l.bias_format = parse_fixed_format("ap_fixed<8,3>");      // 5 fractional bits
  l.result_format = parse_fixed_format("ap_fixed<10,4>");   // 6 fractional bits
  l.weights = {4, 0, 0, 2};
  l.mask = {1, 1, 1, 1};
  l.biases = {8, 0};
  m.layers.push_back(l);
  m.anomaly_score = AnomalyScore{error, parse_fixed_format(score_format)};
  return m;
}
}  // namespace

TEST_CASE("tpr_at_fpr matches hand-computed working points, ties at the threshold never flagged",
          "[nn][task][metrics]") {
  // Background 0.1 0.2 0.3 0.3 0.5, signal 0.3 0.4 0.5 0.6.
  const std::vector<double> s = {0.1, 0.3, 0.2, 0.3, 0.4, 0.3, 0.5, 0.5, 0.6};
  const std::vector<std::uint8_t> p = {0, 1, 0, 0, 1, 0, 0, 1, 1};
  CHECK(tpr_at_fpr(s, p, 0.1) == Approx(0.25));  // k = 0: above the top background 0.5
  CHECK(tpr_at_fpr(s, p, 1e-3) == Approx(0.25));
  CHECK(tpr_at_fpr(s, p, 0.2) == Approx(0.75));  // k = 1: above 0.3
  CHECK(tpr_at_fpr(s, p, 0.4) == Approx(0.75));  // k = 2: still 0.3 (tie), the tied 0.3s stay out
  CHECK(tpr_at_fpr(s, p, 0.6) == Approx(1.0));   // k = 3: above 0.2
  CHECK(tpr_at_fpr(s, p, 1.0) == Approx(1.0));   // every background may be flagged
  CHECK(std::isnan(tpr_at_fpr(std::vector<double>{1, 2}, std::vector<std::uint8_t>{0, 0}, 0.1)));
  CHECK(std::isnan(tpr_at_fpr(std::vector<double>{1, 2}, std::vector<std::uint8_t>{1, 1}, 0.1)));
}

TEST_CASE("regression_quality matches hand-computed MSE, MAE, resolution and bias", "[nn][task][metrics]") {
  const RegressionQuality q = regression_quality(std::vector<double>{1.1, 1.8, 3.3, 0.5},
                                                 std::vector<double>{1.0, 2.0, 3.0, 0.0});
  CHECK(q.mse == Approx((0.01 + 0.04 + 0.09 + 0.25) / 4));
  CHECK(q.mae == Approx((0.1 + 0.2 + 0.3 + 0.5) / 4));
  CHECK(q.bias == Approx(0.1 / 3));                // the zero truth is left out of relative errors
  CHECK(q.resolution == Approx(std::sqrt(0.08 / 3 / 3)));
  CHECK(std::isnan(regression_quality({}, {}).mse));
}

TEST_CASE("the anomaly score follows the fixed-point recipe bit for bit", "[nn][task][anomaly]") {
  const std::vector<std::int64_t> in = {24, -32};  // 1.5, -2.0
  // out = 1.75, -1.0 -> d = 0.25, 1.0 at 6 fractional bits: 16, 64.
  QuantizedModel sq = two_by_two("squared", "ap_ufixed<12,6,AP_TRN,AP_SAT>");
  CHECK(golden_forward(sq, in) == std::vector<std::int64_t>{112, -64});
  CHECK(anomaly_score_raw(sq, in, golden_forward(sq, in)) == (16 * 16 + 64 * 64) >> 6);  // 1.0625
  CHECK(anomaly_scores(sq, in) == std::vector<std::int64_t>{68});
  QuantizedModel ab = two_by_two("absolute", "ap_ufixed<12,6,AP_TRN,AP_SAT>");
  CHECK(anomaly_scores(ab, in) == std::vector<std::int64_t>{80});  // 1.25
  // Truncation: d = 1/64 squared is 2^-12, below the score's LSB 2^-6.
  const std::vector<std::int64_t> in2 = {0, 0};  // out0 = 0.25 -> d0 = 16; out1 = 0 -> d1 = 0
  CHECK(anomaly_scores(sq, in2) == std::vector<std::int64_t>{4});  // 256 >> 6
  // Saturation at the score format's largest value.
  QuantizedModel small = two_by_two("squared", "ap_ufixed<3,0,AP_TRN,AP_SAT>");  // at most 0.875
  CHECK(anomaly_scores(small, in) == std::vector<std::int64_t>{7});
  // The score survives the model's JSON round trip.
  const QuantizedModel back = quantized_model_from_json(JsonView(to_json(sq), "m.json"));
  REQUIRE(back.anomaly_score.has_value());
  CHECK(back.anomaly_score->error == "squared");
  CHECK(back.anomaly_score->format.to_string() == sq.anomaly_score->format.to_string());
  QuantizedModel plain = sq;
  plain.anomaly_score.reset();
  CHECK_FALSE(to_json(plain).contains("anomaly_score"));
}

TEST_CASE("task specs parse, and bad ones are one-line config errors", "[nn][task]") {
  CHECK(task_kinds() == std::vector<std::string>{"classification", "regression", "autoencoder"});
  const TaskSpec r = task_of(R"({"kind": "regression", "targets": ["m_bb"], "loss": "huber"})");
  CHECK(r.kind == "regression");
  CHECK(r.loss == "huber");
  CHECK(to_json(r)["targets"] == Json::array({"m_bb"}));
  CHECK(to_json(task_of(R"("classification")")).is_null());  // classification writes nothing
  CHECK_THROWS_WITH(task_of(R"({"kind": "regression", "targets": ["m"], "classes": ["a", "b"]})"),
                    Catch::Contains("a regression task has no class list"));
  CHECK_THROWS_WITH(task_of(R"({"kind": "autoencoder"})"), Catch::Contains("background"));
  CHECK_THROWS_WITH(task_of(R"({"kind": "autoencoder", "background": ["h"], "score_format": "ap_fixed<8,4>"})"),
                    Catch::Contains("unsigned"));
  CHECK_THROWS_WITH(task_of(R"({"kind": "ranking"})"), Catch::Contains("kind"));
}

TEST_CASE("loss gradients match finite differences", "[nn][task][gradient]") {
  for (const char* json : {R"({"kind": "regression", "targets": ["t"], "loss": "mse"})",
                           R"({"kind": "regression", "targets": ["t"], "loss": "huber", "huber_delta": 0.5})",
                           R"({"kind": "autoencoder", "background": ["b"]})"}) {
    const auto task = make_task(task_of(json));
    const int n_out = 3, batch = 2;
    const std::size_t ld = 4;  // padded panel
    std::vector<float> out = {0.3f, -1.2f, 0.8f, 0.0f, 2.0f, 0.1f, -0.4f, 0.0f};
    const std::vector<float> target = {0.1f, -0.2f, 0.9f, 0.5f, 0.4f, 0.3f};
    std::vector<float> grad(ld * batch, 0.0f), scratch(ld * batch, 0.0f);
    const double loss = task->loss_gradient(out.data(), ld, n_out, batch, target.data(), grad.data());
    CHECK(loss > 0.0);
    for (int j = 0; j < batch; ++j)
      for (int o = 0; o < n_out; ++o) {
        const std::size_t at = static_cast<std::size_t>(j) * ld + o;
        const float h = 1e-3f, keep = out[at];
        out[at] = keep + h;
        const double up = task->loss_gradient(out.data(), ld, n_out, batch, target.data(), scratch.data());
        out[at] = keep - h;
        const double down = task->loss_gradient(out.data(), ld, n_out, batch, target.data(), scratch.data());
        out[at] = keep;
        // The gradient is of the MEAN loss; loss_gradient returns the sum.
        CHECK(grad[at] == Approx((up - down) / (2 * h) / batch).margin(1e-3));
      }
  }
}

TEST_CASE("regression on HIGGS learns m_bb from the low-level features", "[nn][task][regression]") {
  data::LoadedDataset d = data::load_dataset(test::source_path("experiments/datasets/higgs_mass.json"),
                                             data::LoadOverrides{.max_rows = 4000});
  const auto task = make_task(task_of(R"({"kind": "regression", "targets": ["m_bb"]})"));
  task->prepare(d, "e.json");
  REQUIRE(d.n_features() == 21);
  REQUIRE(d.target_names == std::vector<std::string>{"m_bb"});
  REQUIRE(d.train.target.cols() == 1);
  TrainOptions o;
  o.task = task.get();
  const TrainResult r = train_model(small_spec({32, 16}, 12), d, o);
  REQUIRE(r.ok);
  CHECK(r.model.n_outputs() == 1);
  CHECK(r.model.class_names == std::vector<std::string>{"m_bb"});
  // Better than predicting the mean (whose MSE in standardized units is ~1).
  CHECK(r.test.loss < 0.8);
  CHECK(r.test.task.at("resolution") > 0.0);
  CHECK(r.test.task.at("resolution") < 0.6);
  CHECK(std::abs(r.test.task.at("bias")) < 0.2);
  CHECK(r.test.task.at("abs_bias") == Approx(std::abs(r.test.task.at("bias"))));
  CHECK(r.model.training["targets"]["names"] == Json::array({"m_bb"}));
  const Json mj = r.test.to_json();
  CHECK(mj.contains("resolution"));
  CHECK(mj["accuracy"].is_null());
}

TEST_CASE("an autoencoder trained on MAGIC gammas flags hadrons; metrics use the golden score",
          "[nn][task][autoencoder]") {
  data::LoadedDataset d = data::load_dataset(test::source_path("experiments/datasets/magic.json"),
                                             data::LoadOverrides{.max_rows = 6000});
  const auto task = make_task(task_of(R"({"kind": "autoencoder", "background": ["g"]})"));
  task->prepare(d, "e.json");
  REQUIRE(d.class_names == std::vector<std::string>{"background", "anomaly"});
  TrainOptions o;
  o.task = task.get();
  const TrainResult r = train_model(small_spec({6, 3, 6}, 8), d, o);
  REQUIRE(r.ok);
  REQUIRE(r.model.anomaly_score.has_value());
  CHECK(r.model.n_outputs() == 10);
  CHECK(r.test.auc > 0.55);
  CHECK(r.test.task.at("tpr_at_fpr_1e-2") >= 0.0);
  // The metrics' scores are the golden integer model's: recompute AUC from anomaly_scores().
  const auto raw = anomaly_scores(r.model, quantize_inputs(r.model, d.test.x));
  std::vector<double> s(raw.begin(), raw.end());
  std::vector<std::uint8_t> pos(d.test.y.begin(), d.test.y.end());
  CHECK(roc_auc(s, pos) == Approx(r.test.auc).epsilon(1e-12));
  CHECK(tpr_at_fpr(s, pos, 1e-2) == Approx(r.test.task.at("tpr_at_fpr_1e-2")).epsilon(1e-12));
}

TEST_CASE("an autoencoder without anomalies in its test split is refused", "[nn][task][autoencoder]") {
  data::LoadedDataset d = data::load_dataset(test::source_path("experiments/datasets/magic.json"),
                                             data::LoadOverrides{.max_rows = 1000});
  const auto task = make_task(task_of(R"({"kind": "autoencoder", "background": ["h", "g"]})"));
  CHECK_THROWS_WITH(task->prepare(d, "e.json"), Catch::Contains("labelled test split with background and anomalies"));
  const auto reg = make_task(task_of(R"({"kind": "regression", "targets": ["nope"]})"));
  CHECK_THROWS_WITH(reg->prepare(d, "e.json"), Catch::Contains("not a feature column"));
}
