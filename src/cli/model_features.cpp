#include "model_features.hpp"

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::cli {

data::FeatureMatrix model_features(const nn::QuantizedModel& model, const data::LoadedDataset& d,
                                   const std::string& data_file) {
  if (static_cast<int>(d.n_features()) != model.n_inputs)
    throw DataError(data_file, {}, "the data set does not fit the model",
                    fmt::format("{} features (model {})", model.n_inputs, model.name),
                    std::to_string(d.n_features()));
  data::FeatureMatrix x = d.test.x;
  const auto n = static_cast<std::size_t>(model.n_inputs);
  if (model.input_offset.size() != n || model.input_scale.size() != n)
    throw ConfigError(model.name, "$.input_offset", "the model lacks its input preprocessing",
                      fmt::format("{} offsets and scales", n),
                      fmt::format("{} and {}", model.input_offset.size(), model.input_scale.size()));
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      x(r, c) = static_cast<float>((static_cast<double>(x(r, c)) - model.input_offset[static_cast<std::size_t>(c)]) *
                                   model.input_scale[static_cast<std::size_t>(c)]);
  return x;
}

}  // namespace nas4ml::cli
