#pragma once
/// \file The hand-written model spec (JSON, schema in docs/model.md) <-> ModelSpec.
#include <filesystem>

#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/model_spec.hpp"

namespace nas4ml::nn {

/// Widest fixed-point format a model spec may use: training runs in float32, whose 24-bit
/// significand holds every value of such a format exactly.
inline constexpr int max_trainable_width = 24;

/// Parses a model spec. Every problem is a ConfigError naming the file and the JSON path
/// (unknown keys with the nearest valid one, out-of-range numbers, bad ap_fixed strings, a ReLU
/// output layer, an `outputs` that differs from the last layer, ...). `inputs` or the last layer's
/// `units` left out become 0: taken from the data set when training starts.
ModelSpec parse_model_spec(const JsonView& view);

/// Reads and parses a model spec file.
ModelSpec load_model_spec(const std::filesystem::path& path);

/// The spec as JSON in the same schema (every field written out; parse_model_spec reads it back).
Json to_json(const ModelSpec& spec);

/// Checks a spec built in code (e.g. decoded from a genome) with the same rules as the parser;
/// throws ConfigError with `source` as the file and a JSON-style path as the location.
void validate_model_spec(const ModelSpec& spec, const std::string& source = "model spec");

/// Fills n_inputs and the output layer's units from a data set's shape when they are 0, and
/// checks them against it otherwise (ConfigError naming `source`).
ModelSpec resolve_model_spec(ModelSpec spec, int n_features, int n_classes, const std::string& source);

/// The same for a non-classification task (nn/task.hpp) whose network has `n_outputs` outputs
/// (regression targets, reconstructed inputs).
ModelSpec resolve_task_model_spec(ModelSpec spec, int n_features, int n_outputs, const std::string& source);

}  // namespace nas4ml::nn
