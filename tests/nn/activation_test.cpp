// The activation seam (nn/activation.hpp): every registered kind's integer function against
// hand-computed values, its float gradient against finite differences, and the quantization-aware
// training forward against the golden integer model.
#include <catch2/catch.hpp>

#include <cmath>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/mlp.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
const Activation kHidden[] = {Activation::relu,         Activation::linear,    Activation::leaky_relu,
                              Activation::hard_sigmoid, Activation::hard_tanh, Activation::tanh,
                              Activation::sigmoid};

std::int64_t act(Activation a, std::int64_t x, const char* format) {
  return apply_activation(a, x, parse_fixed_format(format));
}
}  // namespace

TEST_CASE("every activation has a name that parses back, unknown names are refused", "[nn][activation]") {
  for (Activation a : kHidden) CHECK(parse_activation(to_string(a), "f.json", "activation") == a);
  CHECK(activation_names().size() == std::size(kHidden));
  try {
    parse_activation("swish", "f.json", "$.layers[0].activation");
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    CHECK(what.find("f.json") != std::string::npos);
    CHECK(what.find("\"swish\"") != std::string::npos);
    CHECK(what.find("hard_tanh") != std::string::npos);
  }
}

TEST_CASE("leaky_relu, hard_sigmoid and hard_tanh equal hand-computed integers", "[nn][activation]") {
  // ap_fixed<8,3>: 5 fractional bits. leaky_relu: alpha = 1/8, the low bits dropped by the format's rounding.
  CHECK(act(Activation::leaky_relu, 5, "ap_fixed<8,3>") == 5);
  CHECK(act(Activation::leaky_relu, -9, "ap_fixed<8,3>") == -2);           // floor(-9/8)
  CHECK(act(Activation::leaky_relu, -9, "ap_fixed<8,3,AP_RND>") == -1);    // floor(-9/8 + 1/2)
  CHECK(act(Activation::leaky_relu, -128, "ap_fixed<8,3>") == -16);
  // hard_sigmoid(1.0) = 13107/65536 + 0.5 = 0.69999... -> 22/32 (truncated); saturates at 1.
  CHECK(act(Activation::hard_sigmoid, 32, "ap_fixed<8,3>") == 22);
  CHECK(act(Activation::hard_sigmoid, 0, "ap_fixed<8,3>") == 16);
  CHECK(act(Activation::hard_sigmoid, 127, "ap_fixed<8,3>") == 32);
  CHECK(act(Activation::hard_sigmoid, -128, "ap_fixed<8,3>") == 0);
  CHECK(act(Activation::hard_sigmoid, -32, "ap_fixed<8,3>") == 9);       // 0.30000.. -> floor(9.6)
  CHECK(act(Activation::hard_sigmoid, -32, "ap_fixed<8,3,AP_RND>") == 10);
  // Where 1.0 does not fit the format, the format's overflow mode decides (as the HLS cast would).
  CHECK(act(Activation::hard_sigmoid, 127, "ap_fixed<6,1>") == -32);                // wraps
  CHECK(act(Activation::hard_sigmoid, 127, "ap_fixed<6,1,AP_TRN,AP_SAT>") == 31);   // saturates
  // hard_tanh = 2 * hard_sigmoid - 1: 0.39999.. -> floor(12.8) = 12 at x = 1.0.
  CHECK(act(Activation::hard_tanh, 32, "ap_fixed<8,3>") == 12);
  CHECK(act(Activation::hard_tanh, -32, "ap_fixed<8,3>") == -13);
  CHECK(act(Activation::hard_tanh, 127, "ap_fixed<8,3>") == 32);
  CHECK(act(Activation::hard_tanh, -128, "ap_fixed<8,3>") == -32);
  CHECK(act(Activation::relu, -3, "ap_fixed<8,3>") == 0);
  CHECK(act(Activation::linear, -3, "ap_fixed<8,3>") == -3);
}

TEST_CASE("tanh and sigmoid tables follow hls4ml's index and entry format", "[nn][activation][table]") {
  // tanh(1.0): index 1.0 * 1024/8 + 512 = 640, entry floor(tanh(1.0) * 1024) = 779 = 24.34 / 32.
  CHECK(act(Activation::tanh, 32, "ap_fixed<8,3>") == 24);
  CHECK(act(Activation::tanh, 32, "ap_fixed<8,3,AP_RND>") == 24);
  CHECK(act(Activation::tanh, 0, "ap_fixed<8,3>") == 0);
  // tanh(-1.0): entry floor(-779.9) = -780 -> floor(-780 / 32) = -25.
  CHECK(act(Activation::tanh, -32, "ap_fixed<8,3>") == -25);
  // sigmoid(1.0): index 1.0 * 1024/16 + 512 = 576, entry floor(0.731059 * 1024) = 748 -> 23.
  CHECK(act(Activation::sigmoid, 32, "ap_fixed<8,3>") == 23);
  CHECK(act(Activation::sigmoid, 0, "ap_fixed<8,3>") == 16);
  // The index truncates toward zero: -2^-10 * 128 rounds to index 512 (tanh 0), not 511.
  CHECK(act(Activation::tanh, -1, "ap_fixed<16,6>") == 0);
  CHECK(act(Activation::tanh, -8, "ap_fixed<16,6>") == -8);   // index 511: floor(tanh(-1/128) * 1024) = -8
  // Beyond the table's span the index clamps: the last entry, tanh(511/128) = 0.99932 -> 1023/1024.
  CHECK(act(Activation::tanh, 6 * 1024, "ap_fixed<16,6>") == 1023);
  CHECK(act(Activation::tanh, -6 * 1024, "ap_fixed<16,6>") == -1024);  // entry 0: tanh(-4) -> floor(-0.99933*1024)
  CHECK(act(Activation::sigmoid, 31 * 1024, "ap_fixed<16,6>") == 1023);
  CHECK(act(Activation::sigmoid, -31 * 1024, "ap_fixed<16,6>") == 0);
  // Every table output is a non-decreasing function of its input (the netlist relies on it).
  const FixedFormat f = parse_fixed_format("ap_fixed<10,4>");
  for (Activation a : kHidden)
    for (std::int64_t x = f.min_raw(); x < f.max_raw(); ++x) REQUIRE(apply_activation(a, x, f) <= apply_activation(a, x + 1, f));
}

namespace {
ModelSpec spec_with(Activation hidden, const char* result, std::vector<int> units, int n_inputs) {
  ModelSpec s;
  s.n_inputs = n_inputs;
  s.input_format = parse_fixed_format("ap_fixed<10,4>");
  for (std::size_t k = 0; k < units.size(); ++k) {
    LayerSpec l;
    l.units = units[k];
    l.activation = k + 1 == units.size() ? Activation::linear : hidden;
    l.weight_format = parse_fixed_format("ap_fixed<8,2>");
    l.bias_format = parse_fixed_format("ap_fixed<10,3>");
    l.result_format = parse_fixed_format(result);
    s.layers.push_back(l);
  }
  return s;
}
}  // namespace

TEST_CASE("float gradients of every activation match finite differences", "[nn][activation][gradient]") {
  const int batch = 9;
  for (Activation a : kHidden) {
    ModelSpec spec = spec_with(a, "ap_fixed<16,6>", {5, 4, 3}, 3);
    Mlp m(spec, batch, /*quantization_aware=*/false);
    Rng rng(17);
    m.initialize(rng);
    for (int k = 0; k < m.n_layers(); ++k)
      for (int o = 0; o < spec.layers[k].units; ++o)
        m.params()[m.bias_offset(k) + o] = static_cast<float>(rng.uniform(-0.3, 0.3));
    m.quantize_params();
    std::vector<float> x(static_cast<std::size_t>(batch) * 3);
    for (auto& v : x) v = static_cast<float>(rng.normal() * 2.0);
    std::vector<std::int32_t> y(batch);
    for (auto& v : y) v = static_cast<std::int32_t>(rng.below(3));
    m.train_step(x.data(), y.data(), batch, 0.0);
    const std::vector<float> analytic(m.grads().begin(), m.grads().end());
    auto loss = [&] {
      m.quantize_params();
      double sum = 0.0;
      std::size_t correct = 0;
      m.evaluate_float(x.data(), y.data(), batch, sum, correct);
      return sum / batch;
    };
    int checked = 0, nonzero = 0;
    for (int k = 0; k < m.n_layers(); ++k) {
      const std::size_t nw = static_cast<std::size_t>(spec.layers[k].units) * (k == 0 ? 3 : spec.layers[k - 1].units);
      for (std::size_t i = 0; i < nw; ++i) {
        const std::size_t at = m.weight_offset(k) + i;
        const float saved = m.params()[at];
        const float h = 1e-3f;
        m.params()[at] = saved + h;
        const double up = loss();
        m.params()[at] = saved - h;
        const double down = loss();
        m.params()[at] = saved;
        const double numeric = (up - down) / (2.0 * h);
        INFO(to_string(a) << " layer " << k << " weight " << i);
        // Piecewise-linear kinds have kinks; a sample sitting on one within h is not expected here.
        CHECK(analytic[at] == Approx(numeric).margin(1e-3).epsilon(2e-2));
        ++checked;
        nonzero += std::fabs(analytic[at]) > 1e-4f;
      }
    }
    CHECK(checked == 15 + 20 + 12);
    CHECK(nonzero > checked / 2);  // the gradients flow through the activation
  }
}

TEST_CASE("quantization-aware forward passes of every activation equal the golden model", "[nn][activation][golden]") {
  const char* formats[] = {"ap_fixed<8,3>", "ap_fixed<10,4,AP_RND,AP_SAT>", "ap_fixed<6,1>", "ap_fixed<18,6,AP_RND>"};
  Rng rng(23);
  for (Activation a : kHidden) {
    for (const char* rf : formats) {
      const ModelSpec spec = spec_with(a, rf, {16, 8, 4}, 6);
      Mlp m(spec, 128, true);
      m.initialize(rng);
      for (int k = 0; k < m.n_layers(); ++k)
        for (int o = 0; o < spec.layers[k].units; ++o)
          m.params()[m.bias_offset(k) + o] = static_cast<float>(rng.uniform(-1.5, 1.5));
      m.quantize_params();
      const QuantizedModel model = m.to_quantized_model();
      REQUIRE(m.exact_in_double());
      const std::size_t rows = 1500;
      data::FeatureMatrix x(rows, 6);
      for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.normal() * 2.0);
      const auto raw_in = quantize_inputs(model, x);
      std::vector<double> xd(raw_in.size());
      for (std::size_t i = 0; i < raw_in.size(); ++i) xd[i] = to_real(raw_in[i], model.input_format);
      std::vector<double> logits(rows * 4);
      m.forward_exact(xd.data(), rows, logits.data());
      const auto golden = golden_forward_batch(model, raw_in);
      std::size_t mismatches = 0, distinct = 0;
      for (std::size_t i = 0; i < golden.size(); ++i) {
        mismatches += logits[i] != to_real(golden[i], model.layers.back().result_format);
        distinct += golden[i] != golden[0];
      }
      INFO(to_string(a) << " " << rf);
      CHECK(mismatches == 0);
      CHECK(distinct > rows / 4);
      // The hidden layers really go through the activation: a linear copy differs on some sample.
      if (a != Activation::linear) {
        QuantizedModel plain = model;
        for (std::size_t k = 0; k + 1 < plain.layers.size(); ++k) plain.layers[k].activation = Activation::linear;
        CHECK(golden_forward_batch(plain, raw_in) != golden);
      }
      // The float32 training forward predicts the golden class on every sample.
      std::vector<float> xf(xd.begin(), xd.end());
      std::vector<std::int32_t> labels(rows);
      for (std::size_t r = 0; r < rows; ++r) labels[r] = golden_argmax(std::span(golden).subspan(r * 4, 4));
      std::size_t correct = 0;
      double loss = 0.0;
      for (std::size_t s = 0; s < rows; s += 128) {
        const int b = static_cast<int>(std::min<std::size_t>(128, rows - s));
        m.evaluate_float(xf.data() + s * 6, labels.data() + s, b, loss, correct);
      }
      CHECK(correct == rows);
    }
  }
}
