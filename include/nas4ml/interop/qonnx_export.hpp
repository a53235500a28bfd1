#pragma once
/// \file A QuantizedModel as a QONNX graph (docs/interop.md): standard ONNX MatMul, Add and Relu
/// with QONNX `Quant` nodes (domain qonnx.custom_op.general; inputs scale, zero point, bit width;
/// attributes signed, narrow, rounding_mode; https://github.com/fastmachinelearning/qonnx,
/// docs/qonnx-custom-ops/quant_op.md) on the inputs, the weights, the biases and every layer's
/// result. Quant computes y = (clamp(round(x / scale + zeropt)) - zeropt) * scale, so a format
/// ap_fixed<W,I> is scale 2^(I-W), zero point 0, bit width W, signed 1, narrow 0:
///  - AP_TRN (truncation toward minus infinity) is rounding_mode FLOOR;
///  - AP_RND (halves toward plus infinity) has no QONNX mode (HALF_UP rounds halves away from
///    zero): it is written exactly as floor(x + 1/2 LSB) in two steps — a FLOOR Quant onto the
///    grid of half an LSB with one more bit, an Add of half an LSB, then the FLOOR Quant of the
///    format (floor(floor(2v)/2 + 1/2) = floor(v + 1/2));
///  - AP_SAT is Quant's clamping; AP_WRAP cannot be expressed by Quant: a layer whose wrap could
///    actually overflow is reported in the warnings.
/// The graph's input is the preprocessed feature vector x' (the model's own standardization stays
/// outside, in the metadata). Every value the graph computes is a dyadic rational held exactly
/// by the float type chosen (float32 when every accumulator fits its 24-bit significand, else
/// float64), so the graph equals the golden integer model bit for bit. Pruned weights are zeros.
/// The metadata entry "nas4ml.model" carries what the arithmetic does not show (names, class
/// names, preprocessing, reuse factors, strategies, overflow modes, training record), so an
/// import gives back the identical QuantizedModel.
#include <string>
#include <vector>

#include "nas4ml/interop/onnx_model.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::interop {

/// The float type of the graph's tensors.
enum class QonnxFloat { automatic, float32, float64 };

/// Parses "auto", "float32" or "float64" (ConfigError naming `field` otherwise).
QonnxFloat parse_qonnx_float(const std::string& text, const std::string& field);

/// The result of an export.
struct QonnxExport {
  OnnxModel model;
  OnnxType float_type = OnnxType::float32;
  std::vector<std::string> warnings;  ///< where the graph may differ from the firmware (AP_WRAP overflow, inexact float32)
};

/// Significand bits the graph needs to compute `model` exactly: the widest accumulator, and
/// every rounding step's width plus two.
int exact_significand_bits(const nn::QuantizedModel& model);

/// The QONNX graph of `model` (checked with nn::check_golden_computable first).
QonnxExport export_qonnx(const nn::QuantizedModel& model, QonnxFloat float_type = QonnxFloat::automatic);

/// Metadata key holding the model's non-arithmetic fields (JSON).
inline constexpr const char* qonnx_model_metadata_key = "nas4ml.model";

}  // namespace nas4ml::interop
