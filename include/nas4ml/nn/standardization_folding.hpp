#pragma once
/// \file Folding the input standardization into the first layer, for firmware whose inputs arrive
/// in raw units (docs/firmware.md "Raw-unit inputs").
///
/// A model is trained on x' = (x - offset) * scale (per feature i: offset mu_i, scale s_i). Its first
/// layer computes sum_i w_oi x'_i + b_o = sum_i (w_oi s_i) x_i + (b_o - sum_i w_oi s_i mu_i), so the
/// same layer reads raw x with weights w_oi s_i and biases b_o - sum_i w_oi s_i mu_i. The folded
/// model is an ordinary QuantizedModel (offset 0, scale 1), so the golden model, the netlist, the
/// estimators and the writers treat it like any other; its re-quantized weights make it a
/// different model, whose accuracy is measured, never assumed.
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::nn {

/// Per-feature range of the raw (unstandardized) inputs, e.g. over the training split.
struct RawInputRange {
  std::vector<double> min;  ///< one per input feature
  std::vector<double> max;
};

/// The raw-unit input format that keeps the standardized inputs' resolution for every feature:
/// fractional bits f_in + ceil(log2(max_i s_i)) (so one step, times any feature's scale, is at most
/// the standardized format's step), integer bits for the largest |x| of `range`, signed when a
/// minimum is negative; the input format's rounding, saturation on overflow. Throws ConfigError
/// (field `input_scale`/`range`) for a model without a usable standardization or a format wider
/// than 62 bits.
FixedFormat raw_input_format(const QuantizedModel& model, const RawInputRange& range);

/// The first layer with the standardization folded in, reading `raw_format`:
///  - weights w_oi s_i, re-quantized to nearest with the weight format's width plus
///    ceil(log2(max s / min s)) bits (at most 32), its integer bits chosen to hold the largest;
///    a pruned weight stays pruned, a kept one that rounds to 0 is pruned;
///  - biases b_o - sum_i w_oi s_i mu_i, with the accumulator's fractional bits and integer bits
///    to hold the largest;
///  - every other layer, the activations and result formats unchanged; input_offset 0, input_scale
///    1; `training.folded_standardization` records the folded offsets and scales.
/// Throws ConfigError for an autoencoder (its anomaly score compares the reconstruction with the
/// standardized input), sizes that differ, a non-positive scale, or a first-layer accumulator wider
/// than 62 bits (field `raw_input_format`: a narrower format helps).
QuantizedModel fold_standardization(const QuantizedModel& model, const FixedFormat& raw_format);

}  // namespace nas4ml::nn
