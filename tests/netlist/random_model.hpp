#pragma once
// Test helper (netlist and estimate tests): QuantizedModels with random raw weights and biases.
#include <cstdint>
#include <string>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::test {

/// A random raw integer of format `f`.
inline std::int64_t random_raw(Rng& rng, const FixedFormat& f) {
  const auto span = static_cast<std::uint64_t>(f.max_raw() - f.min_raw()) + 1;
  return f.min_raw() + static_cast<std::int64_t>(rng.below(span));
}

/// A dense model with layer sizes `sizes` (sizes[0] = inputs), the given formats for every layer,
/// weights drawn uniformly from the weight format with probability `sparsity` of being pruned.
/// Hidden layers use ReLU, the last is linear.
inline nn::QuantizedModel random_model(Rng& rng, const std::vector<int>& sizes, const FixedFormat& input,
                                       const FixedFormat& weight, const FixedFormat& bias,
                                       const FixedFormat& result, double sparsity) {
  nn::QuantizedModel m;
  m.name = "random";
  m.n_inputs = sizes.front();
  m.input_format = input;
  for (std::size_t k = 1; k < sizes.size(); ++k) {
    nn::QuantizedLayer l;
    l.n_in = sizes[k - 1];
    l.n_out = sizes[k];
    l.activation = k + 1 == sizes.size() ? nn::Activation::linear : nn::Activation::relu;
    l.weight_format = weight;
    l.bias_format = bias;
    l.result_format = result;
    for (int i = 0; i < l.n_in * l.n_out; ++i) {
      const bool keep = !rng.bernoulli(sparsity);
      const std::int64_t w = keep ? random_raw(rng, weight) : 0;
      l.weights.push_back(w);
      l.mask.push_back(w != 0 ? 1 : 0);
    }
    for (int o = 0; o < l.n_out; ++o) l.biases.push_back(random_raw(rng, bias));
    m.layers.push_back(l);
  }
  for (int i = 0; i < m.n_inputs; ++i) m.feature_names.push_back("f" + std::to_string(i));
  for (int o = 0; o < m.n_outputs(); ++o) m.class_names.push_back("c" + std::to_string(o));
  return m;
}

/// Random raw inputs of the model's input format.
inline std::vector<std::int64_t> random_input(Rng& rng, const nn::QuantizedModel& m) {
  std::vector<std::int64_t> x;
  for (int i = 0; i < m.n_inputs; ++i) x.push_back(random_raw(rng, m.input_format));
  return x;
}

}  // namespace nas4ml::test
