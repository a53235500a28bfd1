#pragma once
/// \file Golden integer inference: a QuantizedModel computed in int64 exactly as the firmware
/// computes it (docs/model.md "Arithmetic"). Every test bench, the netlist simulation and
/// the fake-quantized float forward used for evaluation are checked against these functions.
///
/// Layer arithmetic, for layer k with input format F_in (the model's input_format for k = 0,
/// otherwise layer k-1's result_format), weights of format F_w and biases of format F_b:
///  - products x_raw * w_raw carry f_in + f_w fractional bits (f = W - I);
///  - the accumulator carries f_acc = max(f_in + f_w, f_b) fractional bits: like hls4ml's
///    automatic precision inference, the accumulator is made wide enough that neither the
///    products nor the bias lose a bit, so the bias is never truncated (docs/model.md);
///  - the sum is exact (int64; a model whose accumulator would need more than 62 bits is refused);
///  - the sum is cast to result_format with its rounding (AP_TRN/AP_RND) and overflow
///    (AP_WRAP/AP_SAT) modes via nas4ml::cast_raw, then the layer's activation in the same format
///    (nn/activation.hpp; ReLU is max(0, .)).
#include <cstdint>
#include <span>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::nn {

/// The format layer `k` reads: the model's input_format for k = 0, else layer k-1's result_format.
const FixedFormat& layer_input_format(const QuantizedModel& model, std::size_t k);

/// Fractional bits of layer `k`'s accumulator: max(f_in + f_w, f_bias).
int accumulator_fractional(const QuantizedModel& model, std::size_t k);

/// Bits the accumulator of layer `k` needs so no sum of products and bias can overflow
/// (sign included): max over the widest product plus ceil(log2(n_in + 1)) carry bits.
int accumulator_width(const QuantizedModel& model, std::size_t k);

/// Throws InternalError unless the model is computable by the golden model: layer sizes chain,
/// weights/biases/mask have the right lengths, raw values fit their formats, masked weights are
/// zero and every accumulator fits in 62 bits.
void check_golden_computable(const QuantizedModel& model);

/// Quantizes one preprocessed feature vector x' (length n_inputs) to the model's input_format
/// with nas4ml::quantize (its rounding and overflow modes); returns raw integers.
std::vector<std::int64_t> quantize_input(const QuantizedModel& model, std::span<const float> features);

/// Quantizes every row of `features` (rows = samples); returns row-major raw integers,
/// rows * n_inputs of them.
std::vector<std::int64_t> quantize_inputs(const QuantizedModel& model, const data::FeatureMatrix& features);

/// Computes the network on one input (raw integers of input_format, length n_inputs); returns the
/// raw integers of the output layer's result_format (n_outputs of them).
std::vector<std::int64_t> golden_forward(const QuantizedModel& model, std::span<const std::int64_t> input_raw);

/// Every layer's output (after cast and activation) for one input: element k holds layer k's raw
/// integers in its result_format. The last element equals golden_forward().
std::vector<std::vector<std::int64_t>> golden_trace(const QuantizedModel& model,
                                                    std::span<const std::int64_t> input_raw);

/// golden_forward over many inputs: `inputs_raw` is row-major (rows * n_inputs); returns row-major
/// outputs (rows * n_outputs).
std::vector<std::int64_t> golden_forward_batch(const QuantizedModel& model,
                                               std::span<const std::int64_t> inputs_raw);

/// The predicted class of one output vector: the index of the largest raw value, the first on ties.
int golden_argmax(std::span<const std::int64_t> output_raw);

}  // namespace nas4ml::nn
