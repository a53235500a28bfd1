#pragma once
/// \file QuantizedModel: the single artifact a trained candidate becomes (docs/architecture.md). Golden
/// inference, estimators, netlist lowering, Verilog/HLS writers and test benches all read it;
/// nothing re-derives it. Saved and loaded as JSON (docs/model.md).
///
/// Arithmetic it implies (docs/model.md "Arithmetic"): layer k reads the raw integers of
/// its input format (layer 0: `input_format`; layer k>0: layer k-1's `result_format`),
/// multiplies by the raw integer weights, accumulates at full width with the bias aligned to the
/// accumulator's fractional bits (input frac + weight frac), casts to `result_format` with its
/// rounding/overflow modes, then applies ReLU if the layer has it. The class is the index of the
/// largest output (the first one on ties).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/model_spec.hpp"

namespace nas4ml::nn {

/// One trained dense layer in integers.
struct QuantizedLayer {
  int n_in = 0;
  int n_out = 0;
  Activation activation = Activation::relu;
  FixedFormat weight_format;
  FixedFormat bias_format;
  FixedFormat result_format;
  std::vector<std::int64_t> weights;  ///< raw integers, output-major: weights[o * n_in + i]
  std::vector<std::int64_t> biases;   ///< raw integers of bias_format, n_out of them
  std::vector<std::uint8_t> mask;     ///< 1 = weight kept, 0 = pruned; same layout as weights
  int reuse_factor = 1;
  Strategy strategy = Strategy::latency;
  /// Delay limit of the rtl lowering's shared adder graph ("sharing": "cse"): adder levels
  /// allowed beyond the plain adder trees' depth; -1 = no limit (docs/netlist.md).
  int dc = -1;

  std::int64_t weight(int out, int in) const { return weights[static_cast<std::size_t>(out) * n_in + in]; }
};

/// A trained candidate, exactly as the hardware computes it.
struct QuantizedModel {
  std::string name;
  int n_inputs = 0;
  FixedFormat input_format;
  std::vector<QuantizedLayer> layers;          ///< the last one is the output layer
  std::vector<std::string> feature_names;      ///< one per input
  std::vector<std::string> class_names;        ///< one per output
  std::vector<double> input_offset;            ///< preprocessing: x' = (x - offset) * scale
  std::vector<double> input_scale;
  /// Autoencoders: the anomaly score the firmware computes beside the reconstruction (absent for
  /// every other task; the model's JSON then has no "anomaly_score").
  std::optional<AnomalyScore> anomaly_score;
  Json training;                               ///< metadata: seed, epochs, data checksum, metrics, ...

  int n_outputs() const { return layers.empty() ? 0 : layers.back().n_out; }
};

}  // namespace nas4ml::nn
