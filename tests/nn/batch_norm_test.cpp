// Batch normalization folded into the preceding dense layer (nn/batch_norm.hpp): gradients of
// gamma, beta and the weights against finite differences, the folded float forward against an
// explicit batch norm, the running statistics against the batch's, and the deployed (folded,
// quantized) integer model against the training forward, exactly.
#include <catch2/catch.hpp>

#include <cmath>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/mlp.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/trainer.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
ModelSpec bn_spec(Activation a, const char* weight, const char* result, std::vector<int> units, int n_in) {
  ModelSpec s;
  s.n_inputs = n_in;
  s.input_format = parse_fixed_format("ap_fixed<8,3>");
  for (std::size_t k = 0; k < units.size(); ++k) {
    LayerSpec l;
    l.units = units[k];
    const bool last = k + 1 == units.size();
    l.activation = last ? Activation::linear : a;
    l.batch_norm = !last;
    l.weight_format = parse_fixed_format(weight);
    l.bias_format = parse_fixed_format("ap_fixed<10,4>");
    l.result_format = parse_fixed_format(result);
    s.layers.push_back(l);
  }
  return s;
}

// Random trained-looking parameters: biases, gamma, beta and running statistics.
void randomize_batch_norm(Mlp& m, Rng& rng) {
  for (int k = 0; k < m.n_layers(); ++k) {
    const int n = m.spec().layers[static_cast<std::size_t>(k)].units;
    for (int o = 0; o < n; ++o) m.params()[m.bias_offset(k) + o] = static_cast<float>(rng.uniform(-0.3, 0.3));
    if (!m.spec().layers[static_cast<std::size_t>(k)].batch_norm) continue;
    const std::size_t block = (static_cast<std::size_t>(n) + 15) / 16 * 16, at = m.batch_norm_offset(k);
    for (int o = 0; o < n; ++o) {
      m.params()[at + o] = static_cast<float>(rng.uniform(0.5, 1.8));                  // gamma
      m.params()[at + block + o] = static_cast<float>(rng.uniform(-0.5, 0.5));         // beta
      m.params()[at + 2 * block + o] = static_cast<float>(rng.uniform(-0.4, 0.4));     // mean
      m.params()[at + 3 * block + o] = static_cast<float>(rng.uniform(0.3, 2.5));      // variance
    }
  }
  m.quantize_params();
}

std::size_t block_of(int n) { return (static_cast<std::size_t>(n) + 15) / 16 * 16; }
}  // namespace

TEST_CASE("batch-norm gradients of gamma, beta, weights and biases match finite differences", "[nn][batch_norm][gradient]") {
  const int batch = 11;
  for (Activation a : {Activation::tanh, Activation::relu}) {
    const ModelSpec spec = bn_spec(a, "ap_fixed<16,6>", "ap_fixed<16,6>", {5, 4, 3}, 3);
    Mlp m(spec, batch, /*quantization_aware=*/false);
    m.set_batch_norm_statistics_frozen(true);
    Rng rng(31);
    m.initialize(rng);
    randomize_batch_norm(m, rng);
    std::vector<float> x(static_cast<std::size_t>(batch) * 3);
    for (auto& v : x) v = static_cast<float>(rng.normal() * 2.0);
    std::vector<std::int32_t> y(batch);
    for (auto& v : y) v = static_cast<std::int32_t>(rng.below(3));
    const std::vector<float> before(m.params().begin(), m.params().end());
    m.train_step(x.data(), y.data(), batch, 0.0);
    REQUIRE(std::vector<float>(m.params().begin(), m.params().end()) == before);  // frozen: statistics kept
    const std::vector<float> analytic(m.grads().begin(), m.grads().end());
    auto loss = [&] {
      m.quantize_params();
      double sum = 0.0;
      std::size_t correct = 0;
      m.evaluate_float(x.data(), y.data(), batch, sum, correct);
      return sum / batch;
    };
    auto check = [&](std::size_t at, const char* what) {
      const float saved = m.params()[at];
      const float h = 1e-3f;
      m.params()[at] = saved + h;
      const double up = loss();
      m.params()[at] = saved - h;
      const double down = loss();
      m.params()[at] = saved;
      const double numeric = (up - down) / (2.0 * h);
      INFO(to_string(a) << " " << what << " at " << at);
      CHECK(analytic[at] == Approx(numeric).margin(1e-3).epsilon(2e-2));
      return std::fabs(analytic[at]) > 1e-4f;
    };
    int checked = 0, nonzero = 0;
    for (int k = 0; k < 2; ++k) {
      const int n = spec.layers[static_cast<std::size_t>(k)].units, n_in = k == 0 ? 3 : 5;
      const std::size_t bn = m.batch_norm_offset(k);
      for (int o = 0; o < n; ++o) {
        nonzero += check(bn + o, "gamma");
        nonzero += check(bn + block_of(n) + o, "beta");
        nonzero += check(m.bias_offset(k) + o, "bias");
        checked += 3;
        // The running statistics are not trained: their gradient is zero.
        CHECK(analytic[bn + 2 * block_of(n) + o] == 0.0f);
        CHECK(analytic[bn + 3 * block_of(n) + o] == 0.0f);
      }
      for (int i = 0; i < n * n_in; ++i) {
        nonzero += check(m.weight_offset(k) + i, "weight");
        ++checked;
      }
    }
    CHECK(checked == 3 * 9 + 15 + 20);
    CHECK(nonzero > checked / 2);
  }
}

TEST_CASE("the folded float forward equals an explicit batch normalization", "[nn][batch_norm]") {
  const ModelSpec spec = bn_spec(Activation::relu, "ap_fixed<16,6>", "ap_fixed<16,6>", {6, 4, 2}, 3);
  const int batch = 32;
  Mlp m(spec, batch, false);
  Rng rng(5);
  m.initialize(rng);
  randomize_batch_norm(m, rng);
  std::vector<float> x(static_cast<std::size_t>(batch) * 3);
  for (auto& v : x) v = static_cast<float>(rng.normal());
  std::size_t ld = 0;
  const float* out = m.forward(x.data(), batch, ld);
  const auto p = m.params();
  for (int j = 0; j < batch; ++j) {
    std::vector<double> h(x.begin() + j * 3, x.begin() + j * 3 + 3);
    for (int k = 0; k < m.n_layers(); ++k) {
      const int n_in = static_cast<int>(h.size()), n = spec.layers[static_cast<std::size_t>(k)].units;
      std::vector<double> z(static_cast<std::size_t>(n));
      for (int o = 0; o < n; ++o) {
        double s = p[m.bias_offset(k) + o];
        for (int i = 0; i < n_in; ++i) s += p[m.weight_offset(k) + static_cast<std::size_t>(i) * n + o] * h[static_cast<std::size_t>(i)];
        if (spec.layers[static_cast<std::size_t>(k)].batch_norm) {
          const std::size_t at = m.batch_norm_offset(k), b = block_of(n);
          s = p[at + o] * (s - p[at + 2 * b + o]) / std::sqrt(p[at + 3 * b + o] + batch_norm_epsilon) + p[at + b + o];
        }
        z[static_cast<std::size_t>(o)] = spec.layers[static_cast<std::size_t>(k)].activation == Activation::relu ? std::max(s, 0.0) : s;
      }
      h = z;
    }
    for (int o = 0; o < 2; ++o) CHECK(out[static_cast<std::size_t>(j) * ld + o] == Approx(h[static_cast<std::size_t>(o)]).margin(1e-5));
  }
}

TEST_CASE("training updates the running statistics towards the batch's", "[nn][batch_norm]") {
  const ModelSpec spec = bn_spec(Activation::relu, "ap_fixed<16,6>", "ap_fixed<16,6>", {4, 2}, 3);
  const int batch = 40;
  Mlp m(spec, batch, false);
  Rng rng(9);
  m.initialize(rng);
  randomize_batch_norm(m, rng);
  std::vector<float> x(static_cast<std::size_t>(batch) * 3);
  for (auto& v : x) v = static_cast<float>(rng.normal() * 1.5 + 0.7);
  std::vector<std::int32_t> y(batch, 1);
  // The batch's mean and (population) variance of W x + b, per output, in double.
  const auto p = m.params();
  std::vector<double> mean(4, 0.0), var(4, 0.0);
  for (int o = 0; o < 4; ++o) {
    std::vector<double> z;
    for (int j = 0; j < batch; ++j) {
      double s = p[m.bias_offset(0) + o];
      for (int i = 0; i < 3; ++i) s += p[m.weight_offset(0) + static_cast<std::size_t>(i) * 4 + o] * x[static_cast<std::size_t>(j) * 3 + i];
      z.push_back(s);
    }
    for (double v : z) mean[static_cast<std::size_t>(o)] += v / batch;
    for (double v : z) var[static_cast<std::size_t>(o)] += (v - mean[static_cast<std::size_t>(o)]) * (v - mean[static_cast<std::size_t>(o)]) / batch;
  }
  const std::vector<float> start(m.params().begin(), m.params().end());
  // 1,500 steps without a parameter update (momentum 0.99: the start is forgotten to 3e-7).
  for (int step = 0; step < 1500; ++step) {
    m.train_step(x.data(), y.data(), batch, 0.0);
    m.quantize_params();
  }
  const std::size_t at = m.batch_norm_offset(0);
  double moved = 0.0;
  for (int o = 0; o < 4; ++o) {
    moved += std::fabs(m.params()[at + 2 * 16 + o] - start[at + 2 * 16 + o]) +
             std::fabs(m.params()[at + 3 * 16 + o] - start[at + 3 * 16 + o]);
    CHECK(m.params()[at + 2 * 16 + o] == Approx(mean[static_cast<std::size_t>(o)]).margin(1e-4));
    CHECK(m.params()[at + 3 * 16 + o] == Approx(var[static_cast<std::size_t>(o)]).epsilon(1e-3));
  }
  CHECK(moved > 0.5);  // the statistics really moved from where they started
}

TEST_CASE("the folded quantized model is exactly the training forward", "[nn][batch_norm][golden]") {
  Rng rng(41);
  for (Activation a : {Activation::relu, Activation::tanh, Activation::leaky_relu}) {
    for (const char* rf : {"ap_fixed<10,4>", "ap_fixed<12,5,AP_RND,AP_SAT>"}) {
      const ModelSpec spec = bn_spec(a, "ap_fixed<8,3>", rf, {16, 8, 4}, 6);
      Mlp m(spec, 128, true);
      m.initialize(rng);
      randomize_batch_norm(m, rng);
      const QuantizedModel model = m.to_quantized_model();
      REQUIRE(m.exact_in_double());
      const std::size_t rows = 1000;
      data::FeatureMatrix x(rows, 6);
      for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.normal() * 2.0);
      const auto raw_in = quantize_inputs(model, x);
      std::vector<double> xd(raw_in.size());
      for (std::size_t i = 0; i < raw_in.size(); ++i) xd[i] = to_real(raw_in[i], model.input_format);
      const auto golden = golden_forward_batch(model, raw_in);
      // The float32 training forward (folded, fake-quantized) gives the golden outputs exactly.
      std::vector<float> xf(xd.begin(), xd.end());
      std::size_t mismatches = 0, distinct = 0;
      for (std::size_t s = 0; s < rows; s += 128) {
        const int b = static_cast<int>(std::min<std::size_t>(128, rows - s));
        std::size_t ld = 0;
        const float* out = m.forward(xf.data() + s * 6, b, ld);
        for (int j = 0; j < b; ++j)
          for (int o = 0; o < 4; ++o)
            mismatches += static_cast<double>(out[static_cast<std::size_t>(j) * ld + o]) !=
                          to_real(golden[(s + j) * 4 + o], model.layers.back().result_format);
      }
      for (auto g : golden) distinct += g != golden[0];
      // ... and so does the exact double forward.
      std::vector<double> logits(rows * 4);
      m.forward_exact(xd.data(), rows, logits.data());
      std::size_t exact_mismatches = 0;
      for (std::size_t i = 0; i < golden.size(); ++i)
        exact_mismatches += logits[i] != to_real(golden[i], model.layers.back().result_format);
      INFO(to_string(a) << " " << rf);
      CHECK(mismatches == 0);
      CHECK(exact_mismatches == 0);
      CHECK(distinct > rows);
      // The deployed weights are the folded ones: quantizing the unfolded weights differs.
      const auto p = m.params();
      std::size_t differ = 0;
      for (int o = 0; o < 16; ++o)
        for (int i = 0; i < 6; ++i)
          differ += model.layers[0].weights[static_cast<std::size_t>(o) * 6 + i] !=
                    quantize(p[m.weight_offset(0) + static_cast<std::size_t>(i) * 16 + o], spec.layers[0].weight_format);
      CHECK(differ > 48);
    }
  }
}

TEST_CASE("a model with batch normalization trains, its trained forward equals the integer model", "[nn][batch_norm][trainer]") {
  // Blobs whose features have very different scales (the case batch normalization is for).
  data::LoadedDataset d;
  d.name = "blobs";
  for (int i = 0; i < 4; ++i) d.feature_names.push_back("f" + std::to_string(i));
  d.class_names = {"a", "b"};
  Rng rng(3);
  auto fill = [&](data::Split& s, std::size_t n) {
    s.x.resize(static_cast<Eigen::Index>(n), 4);
    s.y.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      s.y[r] = static_cast<std::int32_t>(rng.below(2));
      for (int f = 0; f < 4; ++f)
        s.x(static_cast<Eigen::Index>(r), f) = static_cast<float>((rng.normal() + (s.y[r] ? 1.5 : 0.0)) * (f == 0 ? 3.0 : 0.3));
    }
  };
  fill(d.train, 1500);
  fill(d.validation, 400);
  fill(d.test, 400);
  ModelSpec s = bn_spec(Activation::relu, "ap_fixed<8,3>", "ap_fixed<12,5>", {12, 6, 0}, 4);
  s.n_inputs = 0;
  s.input_format = parse_fixed_format("ap_fixed<10,4>");
  s.training.epochs = 8;
  s.training.batch_size = 64;
  s.training.learning_rate = 0.01;
  s.training.patience = 0;
  s = resolve_model_spec(s, 4, 2, "spec");
  TrainOptions options;
  options.float_metrics = true;
  const TrainResult r = train_model(s, d, options);
  REQUIRE(r.ok);
  CHECK(r.test.accuracy > 0.8);
  CHECK(r.float_test_accuracy == r.test.accuracy);  // the trained forward is the deployed model
}

TEST_CASE("batch_norm in a model spec: parsed, written back, bad values refused", "[nn][batch_norm][model_spec]") {
  auto parse = [](const char* text) { return parse_model_spec(JsonView(Json::parse(text), "spec.json")); };
  const ModelSpec s = parse(R"({"defaults": {"batch_norm": true}, "layers": [{"units": 8}, {"units": 4, "batch_norm": false}, {}]})");
  CHECK(s.layers[0].batch_norm);
  CHECK_FALSE(s.layers[1].batch_norm);
  CHECK_FALSE(s.layers[2].batch_norm);  // the output layer does not inherit it
  const Json j = to_json(s);
  CHECK(j["layers"][0]["batch_norm"] == true);
  CHECK_FALSE(j["layers"][1].contains("batch_norm"));  // absent when false: spec hashes unchanged
  CHECK(parse(j.dump().c_str()).layers[0].batch_norm);
  CHECK_THROWS_WITH(parse(R"({"layers": [{"units": 8}, {"batch_norm": true}]})"),
                    Catch::Contains("spec.json:$.layers[1].batch_norm: batch normalization follows hidden layers only"));
  CHECK_THROWS_WITH(parse(R"({"layers": [{"units": 8, "batch_norm": 1}, {}]})"),
                    Catch::Contains("spec.json:$.layers[0].batch_norm: wrong type"));
}
