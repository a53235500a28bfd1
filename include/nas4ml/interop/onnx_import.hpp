#pragma once
/// \file An ONNX or QONNX dense network -> QuantizedModel (docs/interop.md "Import").
///
/// The graph must be one chain from its single input to its single output of: MatMul or Gemm
/// (weights and optional bias constant), Add of a constant bias, BatchNormalization (folded into
/// the layer before it; float weights only), Relu, QONNX Quant nodes (domains
/// qonnx.custom_op.general, finn.custom_op.general, onnx.brevitas) on constants and on the chain,
/// Identity, and a final Softmax (dropped: it does not change the predicted class). Anything else
/// is refused with the list of unsupported operators.
///
/// Formats: a Quant with scale 2^-f, zero point 0 and bit width W gives ap_fixed<W, W-f> (or
/// ap_ufixed when unsigned), AP_SAT; FLOOR is AP_TRN, nas4ml's exact AP_RND pattern
/// (qonnx_export.hpp) is AP_RND, and the nearest-rounding modes are read as AP_RND (ties may
/// differ, said in the notes). Where the graph has no Quant, a documented rule chooses:
///  - inputs, weights, biases: `options` formats when given, else signed with integer bits
///    floor(log2(max |value|)) + 2 (values from the training split for inputs) and width 16
///    (8 for weights), AP_RND, AP_SAT;
///  - a layer result without Quant: in a quantized graph, the accumulator's own format (exact);
///    in a float graph, width 16 with integer bits from the largest float activation on the
///    training split, AP_RND, AP_SAT;
///  - a bias without Quant next to quantized inputs and weights: the accumulator's grid.
/// The "nas4ml.model" metadata of a nas4ml export, when present and consistent with the graph,
/// restores names, preprocessing, overflow modes, reuse factors and the training record.
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/interop/onnx_model.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::interop {

/// Choices for the parts of the network the graph does not quantize.
struct ImportOptions {
  std::optional<FixedFormat> input_format, weight_format, bias_format, result_format;  ///< override the rule
  std::string name;                            ///< model name (default: the graph's, else the file's stem)
  const data::LoadedDataset* data = nullptr;   ///< training split for the rule; names and preprocessing
};

/// The imported model and how it was read.
struct ImportResult {
  nn::QuantizedModel model;
  bool quantized_graph = false;   ///< the graph had Quant nodes on the chain
  bool used_metadata = false;     ///< nas4ml's metadata was applied
  std::vector<std::string> notes; ///< choices made (rules applied, dropped Softmax, approximate rounding)
};

/// Imports `model` (read from `source`, named in errors). Problems with the graph are DataErrors
/// naming the file and the node.
ImportResult import_onnx(const OnnxModel& model, const std::string& source, const ImportOptions& options = {});

}  // namespace nas4ml::interop
