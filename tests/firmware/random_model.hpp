#pragma once
/// \file Test helper: small random QuantizedModels with chosen formats and sparsity, drawn from
/// nas4ml::Rng, and random raw inputs that reach the extremes of the input format.
#include <cstdint>
#include <string>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::test {

/// What random_model() builds.
struct RandomModelSpec {
  std::string name = "random";
  std::vector<int> sizes = {4, 3, 2};  ///< inputs, hidden..., outputs
  FixedFormat input{8, 3};
  FixedFormat weight{6, 1};
  FixedFormat bias{8, 3};
  FixedFormat hidden_result{8, 3};
  FixedFormat output_result{10, 4};
  double sparsity = 0.3;  ///< fraction of weights pruned
  std::uint64_t seed = 1;
};

inline std::int64_t draw_raw(Rng& rng, const FixedFormat& f) {
  const auto span = static_cast<std::uint64_t>(f.max_raw() - f.min_raw()) + 1;
  return f.min_raw() + static_cast<std::int64_t>(rng.below(span));
}

inline nn::QuantizedModel random_model(const RandomModelSpec& s) {
  Rng rng = Rng::stream(s.seed, 0, 0, "test.random_model");
  nn::QuantizedModel m;
  m.name = s.name;
  m.n_inputs = s.sizes.front();
  m.input_format = s.input;
  for (std::size_t k = 0; k + 1 < s.sizes.size(); ++k) {
    nn::QuantizedLayer L;
    L.n_in = s.sizes[k];
    L.n_out = s.sizes[k + 1];
    const bool last = k + 2 == s.sizes.size();
    L.activation = last ? nn::Activation::linear : nn::Activation::relu;
    L.weight_format = s.weight;
    L.bias_format = s.bias;
    L.result_format = last ? s.output_result : s.hidden_result;
    for (int i = 0; i < L.n_in * L.n_out; ++i) {
      const bool kept = rng.uniform() >= s.sparsity;
      L.mask.push_back(kept ? 1 : 0);
      L.weights.push_back(kept ? draw_raw(rng, s.weight) : 0);
    }
    for (int o = 0; o < L.n_out; ++o) L.biases.push_back(draw_raw(rng, s.bias));
    m.layers.push_back(L);
  }
  for (int i = 0; i < m.n_inputs; ++i) m.feature_names.push_back("f" + std::to_string(i));
  for (int o = 0; o < m.n_outputs(); ++o) m.class_names.push_back("c" + std::to_string(o));
  m.input_offset.assign(static_cast<std::size_t>(m.n_inputs), 0.0);
  m.input_scale.assign(static_cast<std::size_t>(m.n_inputs), 1.0);
  return m;
}

/// rows * n_inputs raw inputs: the first rows are the format's corners (all min, all max,
/// alternating), the rest uniform.
inline std::vector<std::int64_t> random_inputs(const nn::QuantizedModel& m, std::size_t rows, std::uint64_t seed) {
  Rng rng = Rng::stream(seed, 0, 1, "test.random_inputs");
  std::vector<std::int64_t> x;
  const FixedFormat& f = m.input_format;
  for (std::size_t r = 0; r < rows; ++r)
    for (int i = 0; i < m.n_inputs; ++i) {
      if (r == 0) x.push_back(f.min_raw());
      else if (r == 1) x.push_back(f.max_raw());
      else if (r == 2) x.push_back(i % 2 ? f.max_raw() : f.min_raw());
      else if (r == 3) x.push_back(i % 2 ? f.min_raw() : f.max_raw());
      else x.push_back(draw_raw(rng, f));
    }
  return x;
}

}  // namespace nas4ml::test
