#include <catch2/catch.hpp>

#include <cmath>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/mlp.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
ModelSpec small_spec(std::vector<int> units, const std::string& wfmt = "ap_fixed<16,6>",
                     const std::string& rfmt = "ap_fixed<16,6>") {
  ModelSpec s;
  s.n_inputs = 3;
  s.input_format = parse_fixed_format("ap_fixed<16,6>");
  for (std::size_t k = 0; k < units.size(); ++k) {
    LayerSpec l;
    l.units = units[k];
    l.activation = k + 1 == units.size() ? Activation::linear : Activation::relu;
    l.weight_format = parse_fixed_format(wfmt);
    l.bias_format = parse_fixed_format("ap_fixed<16,6>");
    l.result_format = parse_fixed_format(rfmt);
    s.layers.push_back(l);
  }
  return s;
}

double total_loss(Mlp& m, const std::vector<float>& x, const std::vector<std::int32_t>& y, int batch) {
  m.quantize_params();
  double loss = 0.0;
  std::size_t correct = 0;
  m.evaluate_float(x.data(), y.data(), batch, loss, correct);
  return loss / batch;
}
}  // namespace

TEST_CASE("analytic gradients match finite differences for every layer and the loss", "[nn][mlp][gradient]") {
  const int batch = 7;
  Mlp m(small_spec({5, 4, 3}), batch, /*quantization_aware=*/false);
  Rng rng(11);
  m.initialize(rng);
  // Non-zero biases so every bias gradient is exercised.
  for (int k = 0; k < m.n_layers(); ++k)
    for (int o = 0; o < (k == 0 ? 5 : k == 1 ? 4 : 3); ++o) m.params()[m.bias_offset(k) + o] = static_cast<float>(rng.uniform(-0.3, 0.3));
  m.quantize_params();
  std::vector<float> x(static_cast<std::size_t>(batch) * 3);
  for (auto& v : x) v = static_cast<float>(rng.normal());
  std::vector<std::int32_t> y(batch);
  for (auto& v : y) v = static_cast<std::int32_t>(rng.below(3));
  const double l1 = 0.01;
  m.train_step(x.data(), y.data(), batch, l1);
  const std::vector<float> analytic(m.grads().begin(), m.grads().end());
  auto objective = [&]() {
    double pen = 0.0;
    for (int k = 0; k < m.n_layers(); ++k) {
      const std::size_t nw = k == 0 ? 15 : k == 1 ? 20 : 12;
      for (std::size_t i = 0; i < nw; ++i) pen += std::fabs(m.params()[m.weight_offset(k) + i]);
    }
    return total_loss(m, x, y, batch) + l1 * pen;
  };
  int checked = 0;
  for (int k = 0; k < m.n_layers(); ++k) {
    const std::size_t nw = k == 0 ? 15 : k == 1 ? 20 : 12, nb = k == 0 ? 5 : k == 1 ? 4 : 3;
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < nw; ++i) idx.push_back(m.weight_offset(k) + i);
    for (std::size_t i = 0; i < nb; ++i) idx.push_back(m.bias_offset(k) + i);
    for (std::size_t i : idx) {
      const float saved = m.params()[i];
      const float h = 1e-2f;
      m.params()[i] = saved + h;
      const double up = objective();
      m.params()[i] = saved - h;
      const double down = objective();
      m.params()[i] = saved;
      const double numeric = (up - down) / (2.0 * h);
      INFO("layer " << k << " parameter " << i);
      CHECK(analytic[i] == Approx(numeric).margin(2e-3).epsilon(2e-2));
      ++checked;
    }
  }
  CHECK(checked == 15 + 5 + 20 + 4 + 12 + 3);
}

TEST_CASE("outside a saturating range only the pull-back gradient remains", "[nn][mlp][qat]") {
  const int batch = 4;
  // Output layer saturates at [-2, 1.75]. Hidden weights 0 make the hidden layer output 0, so the
  // logit of class 0 is exactly its bias, 7, and is clamped to 1.75.
  Mlp m(small_spec({4, 2}, "ap_fixed<8,3>", "ap_fixed<4,2,AP_TRN,AP_SAT>"), batch, true);
  Rng rng(3);
  m.initialize(rng);
  for (std::size_t i = 0; i < 12; ++i) m.params()[m.weight_offset(0) + i] = 0.0f;
  m.params()[m.bias_offset(1)] = 7.0f;
  m.quantize_params();
  std::vector<float> x(batch * 3, 0.25f);
  std::vector<std::int32_t> y(batch, 1);
  m.train_step(x.data(), y.data(), batch, 0.0);
  // The cross-entropy gradient is gated off; what is left is mean(v - 1.75) = 5.25.
  CHECK(m.grads()[m.bias_offset(1)] == Approx(5.25f));
  // Class 1 (logit 0, inside the range) gets the plain cross-entropy gradient p - 1 < 0.
  CHECK(m.grads()[m.bias_offset(1) + 1] < 0.0f);
  // Wrapping formats gate the same way: a value folded back into the range gets no
  // cross-entropy gradient either.
  Mlp w(small_spec({4, 2}, "ap_fixed<8,3>", "ap_fixed<4,2>"), batch, true);
  w.initialize(rng);
  for (std::size_t i = 0; i < 12; ++i) w.params()[w.weight_offset(0) + i] = 0.0f;
  w.params()[w.bias_offset(1)] = 7.0f;
  w.quantize_params();
  w.train_step(x.data(), y.data(), batch, 0.0);
  CHECK(w.grads()[w.bias_offset(1)] == Approx(5.25f));
}
