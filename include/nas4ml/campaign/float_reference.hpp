#pragma once
/// \file The float reference of a candidate: the same architecture (its stored model spec, with
/// its pruning, reuse and every training knob) trained without quantization (float32 weights,
/// activations and inputs) on the same data with the same random streams, and evaluated in float
/// on the test split. The difference to the quantized model's test accuracy is the accuracy the
/// fixed-point formats cost, the figure quantization studies report (e.g. C. Coelho et al.,
/// "Automatic heterogeneous quantization of deep neural networks for low-latency inference on the
/// edge for particle detectors", Nature Machine Intelligence 3, 2021). Computed on demand,
/// deterministically, and cached in runs/NAME/float_reference/<id>.json.
#include <string>

#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/data/dataset.hpp"

namespace nas4ml::campaign {

/// Quantized vs float test accuracy of one candidate.
struct FloatReference {
  std::string id;
  double quantized_accuracy = 0.0;  ///< the stored test accuracy of the integer model
  double float_accuracy = 0.0;      ///< the float reference's test accuracy
  bool ok = false;                  ///< false: the float training failed (`failure` says why)
  std::string failure;
  /// Percentage points the quantized model loses (negative: it does better than float).
  double drop_points() const { return 100.0 * (float_accuracy - quantized_accuracy); }
};

/// The data set a campaign was run on (its spec and `dataset_source`, as the store records them).
data::LoadedDataset campaign_dataset(const Store& store);

/// The float reference of the searched candidate `record` (status ok), read from the cache in
/// `paths` or trained and then cached. Throws ConfigError when the record has no readable spec.
FloatReference float_reference(const EvaluationRecord& record, const data::LoadedDataset& data, const RunPaths& paths);

}  // namespace nas4ml::campaign
