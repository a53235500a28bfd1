// The accuracy the search optimizes must be the firmware's: the fake-quantized forward passes and
// the golden int64 model must agree exactly, sample by sample.
#include <catch2/catch.hpp>

#include <cmath>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/fake_quant.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/metrics.hpp"
#include "nas4ml/nn/mlp.hpp"
#include "nas4ml/nn/pruning.hpp"
#include "nas4ml/nn/trainer.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

TEST_CASE("FakeQuant equals nas4ml::quantize for every mode, sign and range edge", "[nn][qat][fixed]") {
  const char* formats[] = {"ap_fixed<6,3>", "ap_fixed<6,3,AP_RND>", "ap_fixed<6,3,AP_TRN,AP_SAT>",
                           "ap_fixed<6,3,AP_RND,AP_SAT>", "ap_ufixed<5,2>", "ap_ufixed<5,2,AP_RND,AP_SAT>",
                           "ap_fixed<2,1>", "ap_fixed<18,4,AP_RND,AP_SAT>", "ap_fixed<4,-1>", "ap_fixed<4,6>"};
  Rng rng(9);
  for (const char* text : formats) {
    const FixedFormat f = parse_fixed_format(text);
    const FakeQuant<float> qf(f);
    const FakeQuant<double> qd(f);
    std::vector<double> values = {0.0, f.lsb(), -f.lsb(), f.max_value(), f.min_value(), f.max_value() + f.lsb(),
                                  f.min_value() - f.lsb(), 0.5 * f.lsb(), -0.5 * f.lsb(), 1.5 * f.lsb(),
                                  -1.5 * f.lsb(), 3 * f.max_value() + 0.37 * f.lsb(), -3.3 * f.max_value() - 1};
    for (int i = 0; i < 2000; ++i) values.push_back(rng.uniform(-4.0, 4.0) * (f.max_value() - f.min_value() + 1));
    for (double v : values) {
      const auto vf = static_cast<float>(v);
      INFO(text << " value " << v);
      const double expected = to_real(quantize(vf, f), f);
      CHECK(static_cast<double>(qf(vf)) == expected);
      CHECK(qd(static_cast<double>(vf)) == expected);
      const double raw = std::floor(static_cast<double>(vf) * std::ldexp(1.0, f.fractional()) +
                                    (f.rounding == Rounding::round_half_up ? 0.5 : 0.0));
      const bool inside = raw >= static_cast<double>(f.min_raw()) && raw <= static_cast<double>(f.max_raw());
      CHECK(qf.gate(vf) == (inside ? 1.0f : 0.0f));
    }
  }
  // Hand-computed casts of ap_fixed<4,2> (lsb 0.25, range [-2, 1.75]).
  const FakeQuant<double> trn_wrap(parse_fixed_format("ap_fixed<4,2>"));
  const FakeQuant<double> rnd_sat(parse_fixed_format("ap_fixed<4,2,AP_RND,AP_SAT>"));
  CHECK(trn_wrap(-0.1) == -0.25);   // toward minus infinity
  CHECK(rnd_sat(-0.1) == 0.0);      // nearest
  CHECK(rnd_sat(-0.125) == 0.0);    // half rounds up
  CHECK(rnd_sat(0.125) == 0.25);
  CHECK(trn_wrap(2.0) == -2.0);     // wraps
  CHECK(rnd_sat(2.0) == 1.75);      // saturates
  CHECK(trn_wrap(-2.25) == 1.75);
  CHECK(rnd_sat(-2.25) == -2.0);
}

namespace {
ModelSpec spec_with(const std::string& in, const std::string& w, const std::string& b, const std::string& r,
                    std::vector<int> units) {
  ModelSpec s;
  s.n_inputs = 12;
  s.input_format = parse_fixed_format(in);
  for (std::size_t k = 0; k < units.size(); ++k) {
    LayerSpec l;
    l.units = units[k];
    l.activation = k + 1 == units.size() ? Activation::linear : Activation::relu;
    l.weight_format = parse_fixed_format(w);
    l.bias_format = parse_fixed_format(b);
    l.result_format = parse_fixed_format(r);
    s.layers.push_back(l);
  }
  return s;
}
}  // namespace

TEST_CASE("double fake-quantized forward equals the golden integer model on every sample", "[nn][qat][golden]") {
  struct Case {
    const char *in, *w, *b, *r;
  };
  const Case cases[] = {
      {"ap_fixed<8,3>", "ap_fixed<6,1>", "ap_fixed<8,3>", "ap_fixed<10,4>"},
      {"ap_fixed<10,4,AP_RND,AP_SAT>", "ap_fixed<8,2,AP_RND>", "ap_fixed<12,2>", "ap_fixed<8,3,AP_RND,AP_SAT>"},
      {"ap_fixed<6,2>", "ap_fixed<2,1>", "ap_fixed<4,1>", "ap_fixed<6,2>"},  // 2-bit weights, wrapping results
      {"ap_fixed<18,6>", "ap_fixed<18,2,AP_RND,AP_SAT>", "ap_fixed<18,4>", "ap_fixed<18,8,AP_RND,AP_SAT>"},
      {"ap_fixed<8,3>", "ap_fixed<8,1>", "ap_fixed<16,1>", "ap_ufixed<8,3,AP_RND,AP_SAT>"},  // bias finer than the products
  };
  Rng rng(21);
  for (const auto& c : cases) {
    const ModelSpec spec = spec_with(c.in, c.w, c.b, c.r, {16, 8, 4});
    Mlp m(spec, 256, true);
    m.initialize(rng);
    // Large random biases and 30% pruned weights so overflow, rounding and masks all occur.
    for (int k = 0; k < m.n_layers(); ++k) {
      const int n_out = spec.layers[k].units;
      for (int o = 0; o < n_out; ++o) m.params()[m.bias_offset(k) + o] = static_cast<float>(rng.uniform(-3, 3));
      const std::size_t nw = static_cast<std::size_t>(n_out) * (k == 0 ? 12 : spec.layers[k - 1].units);
      std::vector<float> noise(nw);
      for (auto& v : noise) v = static_cast<float>(rng.uniform());
      prune_weights(noise, noise, m.mask().subspan(m.weight_offset(k), nw), pruned_count(0.3, nw));
    }
    for (std::size_t i = 0; i < m.params().size(); ++i) m.params()[i] *= m.mask()[i];
    m.quantize_params();
    const QuantizedModel model = m.to_quantized_model();
    check_golden_computable(model);
    REQUIRE(m.exact_in_double());
    const std::size_t rows = 3000;
    data::FeatureMatrix x(rows, 12);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.normal() * 3.0);  // negatives, overflow
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
    INFO(c.in << " " << c.w << " " << c.b << " " << c.r);
    CHECK(mismatches == 0);
    CHECK(distinct > rows);  // the outputs are not all equal: the comparison means something
    // The float32 training forward is exact too when every value fits 24 bits: same predictions.
    if (std::string(c.w) != "ap_fixed<18,2,AP_RND,AP_SAT>") {
      std::vector<float> xf(xd.begin(), xd.end());
      std::vector<std::int32_t> labels(rows);
      for (std::size_t r = 0; r < rows; ++r) labels[r] = golden_argmax(std::span(golden).subspan(r * 4, 4));
      std::size_t correct = 0;
      double loss = 0.0;
      for (std::size_t s = 0; s < rows; s += 256) {
        const int b = static_cast<int>(std::min<std::size_t>(256, rows - s));
        m.evaluate_float(xf.data() + s * 12, labels.data() + s, b, loss, correct);
      }
      CHECK(correct == rows);
    }
  }
}

TEST_CASE("a trained model's reported metrics are the golden model's", "[nn][qat][trainer]") {
  data::LoadedDataset d;
  d.name = "signs";
  for (int i = 0; i < 12; ++i) d.feature_names.push_back("f" + std::to_string(i));
  d.class_names = {"neg", "pos"};
  Rng rng(4);
  auto fill = [&](data::Split& s, std::size_t n) {
    s.x.resize(static_cast<Eigen::Index>(n), 12);
    s.y.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      double sum = 0;
      for (int f = 0; f < 12; ++f) {
        const double v = rng.normal();
        s.x(static_cast<Eigen::Index>(r), f) = static_cast<float>(v);
        sum += (f < 4 ? v : 0.2 * v);
      }
      s.y[r] = sum > 0 ? 1 : 0;
    }
  };
  fill(d.train, 3000);
  fill(d.validation, 1000);
  fill(d.test, 3000);
  auto spec = spec_with("ap_fixed<8,3,AP_RND,AP_SAT>", "ap_fixed<6,1>", "ap_fixed<8,2>", "ap_fixed<10,4,AP_RND,AP_SAT>",
                        {16, 8, 2});
  spec.layers[0].sparsity = 0.5;
  spec.training.epochs = 6;
  spec.training.batch_size = 128;
  spec.training.learning_rate = 0.01;
  const auto r = train_model(spec, d);
  REQUIRE(r.ok);
  const Metrics golden = evaluate_model(r.model, d.test);
  CHECK(r.test.accuracy == golden.accuracy);
  CHECK(r.test.loss == golden.loss);
  CHECK(r.test.auc == golden.auc);
  CHECK(r.test.accuracy > 0.9);
}
