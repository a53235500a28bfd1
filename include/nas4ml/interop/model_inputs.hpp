#pragma once
/// \file Raw features -> a model's inputs: the model's own preprocessing x' = (x - offset) * scale,
/// computed in double and rounded to float once, exactly as `nas4ml sim` and the test benches feed
/// the golden model. Shared by the import command and the Python module's predict().
#include <string>

#include "nas4ml/data/dataset.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::interop {

/// `raw` (rows = samples, one column per model input) preprocessed for `model`. A column count
/// that differs from the model's inputs is a DataError naming `source`.
data::FeatureMatrix model_inputs(const nn::QuantizedModel& model, const data::FeatureMatrix& raw, const std::string& source);

}  // namespace nas4ml::interop
