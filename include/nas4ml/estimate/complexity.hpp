#pragma once
/// \file Complexity metrics the field uses to compare quantized networks.
/// BOPs: Baskin et al., arXiv 1804.10969, as used by Hawks et al. (quantization-aware pruning,
/// arXiv 2102.11289): per dense layer n_out * n_in * (p * b_a * b_w + b_a + b_w + log2 n_in),
/// p = fraction of weights kept, b_a = input bits, b_w = weight bits.
/// EBOPs: HGQ (Sun et al., arXiv 2405.00645): sum over weights of input bits x the weight's
/// effective bits (highest to lowest set bit of |w|; zero weights count 0).
#include <cstdint>

#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::estimate {

/// Effective bits of a raw weight: floor(log2|w|) - ctz(|w|) + 1; 0 for w = 0.
int effective_bits(std::int64_t w) noexcept;

/// BOPs of layer `k` of `model`.
double layer_bops(const nn::QuantizedModel& model, std::size_t k);

/// EBOPs of layer `k` of `model`.
double layer_ebops(const nn::QuantizedModel& model, std::size_t k);

}  // namespace nas4ml::estimate
