// A model's preprocessing applied to raw features (nas4ml/interop/model_inputs.hpp).
#include "nas4ml/interop/model_inputs.hpp"

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::interop {

data::FeatureMatrix model_inputs(const nn::QuantizedModel& model, const data::FeatureMatrix& raw, const std::string& source) {
  const auto n = static_cast<std::size_t>(model.n_inputs);
  if (static_cast<std::size_t>(raw.cols()) != n)
    throw DataError(source, "", "the features do not fit the model", fmt::format("{} columns (model {})", n, model.name),
                    std::to_string(raw.cols()));
  if (model.input_offset.size() != n || model.input_scale.size() != n)
    throw ConfigError(model.name, "$.preprocessing", "the model lacks its input preprocessing",
                      fmt::format("{} offsets and scales", n),
                      fmt::format("{} and {}", model.input_offset.size(), model.input_scale.size()));
  data::FeatureMatrix x = raw;
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      const auto k = static_cast<std::size_t>(c);
      x(r, c) = static_cast<float>((static_cast<double>(x(r, c)) - model.input_offset[k]) * model.input_scale[k]);
    }
  return x;
}

}  // namespace nas4ml::interop
