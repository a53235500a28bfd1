#include "nas4ml/campaign/synthesis_budget.hpp"

namespace nas4ml::campaign {

std::int64_t nonzero_weights(const nn::QuantizedModel& model) {
  std::int64_t n = 0;
  for (const auto& layer : model.layers)
    for (const auto w : layer.weights) n += w != 0 ? 1 : 0;
  return n;
}

double predicted_synthesis_seconds(const nn::QuantizedModel& model) {
  return 4.0 + 0.09 * static_cast<double>(nonzero_weights(model));
}

}  // namespace nas4ml::campaign
