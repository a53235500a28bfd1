#pragma once
/// \file The test split of a data set in a model's input units, for commands that check a
/// written design against the golden model (`nas4ml sim`, `nas4ml csim`).
#include <string>

#include "nas4ml/data/dataset.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::cli {

/// The test split's raw features with the model's own preprocessing x' = (x - offset) * scale
/// (the one it was trained with). DataError when the feature count differs, ConfigError when the
/// model lacks its preprocessing.
data::FeatureMatrix model_features(const nn::QuantizedModel& model, const data::LoadedDataset& d,
                                   const std::string& data_file);

}  // namespace nas4ml::cli
