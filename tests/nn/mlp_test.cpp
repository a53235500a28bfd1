#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/mlp.hpp"
#include "nas4ml/nn/model_spec_json.hpp"

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

TEST_CASE("a training step equals a plain double reference at widths that use every kernel tile", "[nn][mlp][kernels]") {
  // Widths 70, 37, 19, 3 pad to 5, 3, 2 and 1 packets of 16 floats (every row-tile height of the
  // product kernels, and a split into two row blocks); 7 inputs and a batch of 29 leave column
  // remainders in every tile width.
  const int batch = 29, n_in = 7;
  ModelSpec spec = small_spec({70, 37, 19, 3});
  spec.n_inputs = n_in;
  Mlp m(spec, batch, /*quantization_aware=*/false);
  Rng rng(5);
  m.initialize(rng);
  const std::vector<int> sizes{n_in, 70, 37, 19, 3};
  for (int k = 0; k < m.n_layers(); ++k)
    for (int o = 0; o < sizes[k + 1]; ++o) m.params()[m.bias_offset(k) + o] = static_cast<float>(rng.uniform(-0.2, 0.2));
  m.quantize_params();
  std::vector<float> x(static_cast<std::size_t>(batch) * n_in);
  for (auto& v : x) v = static_cast<float>(rng.normal());
  std::vector<std::int32_t> y(batch);
  for (auto& v : y) v = static_cast<std::int32_t>(rng.below(3));
  const double loss = m.train_step(x.data(), y.data(), batch, 0.0);

  // Reference: the same network in double with plain loops.
  const int L = m.n_layers();
  auto w = [&](int k, int o, int i) { return static_cast<double>(m.params()[m.weight_offset(k) + o + static_cast<std::size_t>(i) * sizes[k + 1]]); };
  auto b = [&](int k, int o) { return static_cast<double>(m.params()[m.bias_offset(k) + o]); };
  double ref_loss = 0.0;
  std::vector<std::vector<double>> gw(L), gb(L);
  for (int k = 0; k < L; ++k) {
    gw[k].assign(static_cast<std::size_t>(sizes[k]) * sizes[k + 1], 0.0);
    gb[k].assign(sizes[k + 1], 0.0);
  }
  for (int j = 0; j < batch; ++j) {
    std::vector<std::vector<double>> a(L + 1), z(L + 1);
    a[0].assign(x.begin() + j * n_in, x.begin() + (j + 1) * n_in);
    for (int k = 0; k < L; ++k) {
      z[k + 1].assign(sizes[k + 1], 0.0);
      a[k + 1].assign(sizes[k + 1], 0.0);
      for (int o = 0; o < sizes[k + 1]; ++o) {
        double s = b(k, o);
        for (int i = 0; i < sizes[k]; ++i) s += w(k, o, i) * a[k][i];
        z[k + 1][o] = s;
        a[k + 1][o] = k + 1 < L ? std::max(s, 0.0) : s;
      }
    }
    const auto& logits = a[L];
    const double mx = *std::max_element(logits.begin(), logits.end());
    double sum = 0.0;
    for (double v : logits) sum += std::exp(v - mx);
    ref_loss += std::log(sum) + mx - logits[y[j]];
    std::vector<double> d(3);
    for (int o = 0; o < 3; ++o) d[o] = (std::exp(logits[o] - mx) / sum - (o == y[j] ? 1.0 : 0.0)) / batch;
    for (int k = L - 1; k >= 0; --k) {
      std::vector<double> prev(sizes[k], 0.0);
      for (int o = 0; o < sizes[k + 1]; ++o) {
        gb[k][o] += d[o];
        for (int i = 0; i < sizes[k]; ++i) {
          gw[k][o + static_cast<std::size_t>(i) * sizes[k + 1]] += d[o] * a[k][i];
          prev[i] += w(k, o, i) * d[o];
        }
      }
      if (k > 0)
        for (int i = 0; i < sizes[k]; ++i) prev[i] *= z[k][i] > 0.0 ? 1.0 : 0.0;
      d = prev;
    }
  }
  CHECK(loss == Approx(ref_loss).epsilon(1e-5));
  for (int k = 0; k < L; ++k) {
    for (std::size_t i = 0; i < gw[k].size(); ++i) {
      INFO("layer " << k << " weight " << i);
      CHECK(m.grads()[m.weight_offset(k) + i] == Approx(gw[k][i]).margin(1e-6).epsilon(1e-4));
    }
    for (int o = 0; o < sizes[k + 1]; ++o) {
      INFO("layer " << k << " bias " << o);
      CHECK(m.grads()[m.bias_offset(k) + o] == Approx(gb[k][o]).margin(1e-6).epsilon(1e-4));
    }
  }
}

TEST_CASE("the default initialization is He-normal / Glorot-uniform with zero biases, draw for draw", "[nn][mlp][init]") {
  // Recomputes the default ("he") from the same stream: any change to the default's draws fails.
  const ModelSpec spec = small_spec({5, 4, 2});
  REQUIRE(spec.training.init == "he");
  Mlp m(spec, 4, true);
  Rng rng(21), ref(21);
  m.initialize(rng);
  const std::vector<int> sizes{3, 5, 4, 2};
  for (int k = 0; k < 3; ++k) {
    const int n_in = sizes[k], n_out = sizes[k + 1];
    for (int i = 0; i < n_in * n_out; ++i) {
      const double v = k < 2 ? std::sqrt(2.0 / n_in) * ref.normal()
                             : ref.uniform(-std::sqrt(6.0 / (n_in + n_out)), std::sqrt(6.0 / (n_in + n_out)));
      CHECK(m.params()[m.weight_offset(k) + i] == static_cast<float>(v));
    }
    for (int o = 0; o < n_out; ++o) CHECK(m.params()[m.bias_offset(k) + o] == 0.0f);
  }
  CHECK(rng.state() == ref.state());
}

TEST_CASE("uniform_fan_in draws weights and biases in +-1/sqrt(fan_in), deterministically", "[nn][mlp][init]") {
  ModelSpec spec = small_spec({40, 16, 2});
  spec.n_inputs = 25;
  spec.training.init = "uniform_fan_in";
  Mlp a(spec, 4, false), b(spec, 4, false);
  Rng ra(7), rb(7);
  a.initialize(ra);
  b.initialize(rb);
  const std::vector<int> sizes{25, 40, 16, 2};
  for (int k = 0; k < 3; ++k) {
    const int n_in = sizes[k], n_out = sizes[k + 1];
    const float limit = static_cast<float>(1.0 / std::sqrt(static_cast<double>(n_in)));
    float lo = 1.0f, hi = -1.0f, blo = 1.0f, bhi = -1.0f;
    for (int i = 0; i < n_in * n_out; ++i) {
      const float w = a.params()[a.weight_offset(k) + i];
      lo = std::min(lo, w);
      hi = std::max(hi, w);
    }
    for (int o = 0; o < n_out; ++o) {
      const float v = a.params()[a.bias_offset(k) + o];
      blo = std::min(blo, v);
      bhi = std::max(bhi, v);
    }
    INFO("layer " << k);
    CHECK(lo >= -limit);
    CHECK(hi <= limit);
    CHECK(blo >= -limit);
    CHECK(bhi <= limit);
    // The draws fill the range (1,000 and 640 weights: the extremes come within 10% of the limit),
    // and the biases are not zero.
    if (k < 2) {
      CHECK(hi > 0.9f * limit);
      CHECK(lo < -0.9f * limit);
    }
    CHECK(bhi > blo);
  }
  // Deterministic: the same stream gives the same parameters, a different one different ones.
  CHECK(std::equal(a.params().begin(), a.params().end(), b.params().begin()));
  Mlp c(spec, 4, false);
  Rng rc(8);
  c.initialize(rc);
  CHECK_FALSE(std::equal(a.params().begin(), a.params().end(), c.params().begin()));
  // Not the default's draws.
  ModelSpec he = spec;
  he.training.init = "he";
  Mlp d(he, 4, false);
  Rng rd(7);
  d.initialize(rd);
  CHECK_FALSE(std::equal(a.params().begin(), a.params().end(), d.params().begin()));
}

TEST_CASE("training.init is written only when it is not the default, and read back", "[nn][mlp][init]") {
  ModelSpec spec = small_spec({4, 2});
  CHECK_FALSE(to_json(spec)["training"].contains("init"));
  spec.training.init = "uniform_fan_in";
  const Json j = to_json(spec);
  CHECK(j["training"]["init"] == "uniform_fan_in");
  CHECK(parse_model_spec(JsonView(j, "spec.json")).training.init == "uniform_fan_in");
  Json bad = j;
  bad["training"]["init"] = "glorot";
  CHECK_THROWS_WITH(parse_model_spec(JsonView(bad, "spec.json")), Catch::Contains("training.init"));
}
