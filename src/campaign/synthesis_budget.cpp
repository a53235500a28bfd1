#include "nas4ml/campaign/synthesis_budget.hpp"

#include <algorithm>

#include "nas4ml/nn/quantized_model_json.hpp"

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

SynthesizableFront synthesizable_front(const Store& store, const Json& front, double timeout_seconds) {
  SynthesizableFront out;
  for (const auto& m : front) {
    const auto rec = store.evaluation(m["id"].get<std::string>());
    if (!rec || rec->model.is_null()) continue;
    const double t = predicted_synthesis_seconds(
        nn::quantized_model_from_json(JsonView(rec->model, store.path().string(), "$.model")));
    if (t <= timeout_seconds) {
      out.members.push_back(m);
    } else {
      ++out.skipped;
      out.largest_skipped_seconds = std::max(out.largest_skipped_seconds, t);
    }
  }
  return out;
}

}  // namespace nas4ml::campaign
