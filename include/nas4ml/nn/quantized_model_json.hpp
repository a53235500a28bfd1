#pragma once
/// \file QuantizedModel <-> JSON (the `model.q.json` files; schema in docs/model.md).
#include <filesystem>
#include <string>

#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::nn {

/// Schema tag written in every saved model ("format" key).
inline constexpr const char* quantized_model_format_tag = "nas4ml.quantized_model";
/// Schema version written in every saved model ("version" key).
inline constexpr int quantized_model_format_version = 1;

/// The model as JSON: weights and masks as arrays of rows (one row per output neuron).
Json to_json(const QuantizedModel& model);

/// Reads a model from JSON, checking every field (types, sizes, raw values inside their formats,
/// pruned weights equal to zero, layer sizes chaining). Problems are ConfigErrors naming the file
/// and JSON path.
QuantizedModel quantized_model_from_json(const JsonView& view);

/// Writes `model` to `path` (pretty-printed, atomically).
void save_quantized_model(const QuantizedModel& model, const std::filesystem::path& path);

/// Reads a model saved by save_quantized_model().
QuantizedModel load_quantized_model(const std::filesystem::path& path);

/// "latency" / "resource".
std::string to_string(Strategy strategy);

}  // namespace nas4ml::nn
