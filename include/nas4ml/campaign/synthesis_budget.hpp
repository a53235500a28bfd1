#pragma once
/// \file Which candidates a campaign synthesizes within its time limit. yosys 0.23 needs about
/// 4 s plus 0.06-0.09 s per nonzero weight for these netlists, single-threaded (measured with yosys 0.23, benchmarks/README.md,
/// "Synthesis time"); a run predicted to exceed the synthesis timeout is skipped with a log line
/// instead of being started and killed.
#include <cstdint>

#include "nas4ml/campaign/store.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::campaign {

/// Nonzero weights of `model` (what yosys has to build).
std::int64_t nonzero_weights(const nn::QuantizedModel& model);

/// Predicted yosys wall time in seconds: 4 + 0.09 * nonzero weights (the slow end of the range).
double predicted_synthesis_seconds(const nn::QuantizedModel& model);

/// The members of `front` (a stored front: {"id", "objectives"} objects) with a trained model whose
/// predicted synthesis time fits `timeout_seconds`; how many were left out and the largest
/// prediction among them.
struct SynthesizableFront {
  Json members = Json::array();
  int skipped = 0;
  double largest_skipped_seconds = 0.0;
};
SynthesizableFront synthesizable_front(const Store& store, const Json& front, double timeout_seconds);

}  // namespace nas4ml::campaign
