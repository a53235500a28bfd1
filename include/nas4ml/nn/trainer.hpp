#pragma once
/// \file Training one candidate: quantization-aware training with magnitude pruning (QAP) of a
/// ModelSpec on a LoadedDataset, ending in a QuantizedModel whose metrics are those of the integer
/// model. Single-threaded by design (a search trains many candidates at once, one per thread), so
/// the same seed gives bit-identical weights whatever the thread count.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "nas4ml/data/dataset.hpp"
#include "nas4ml/nn/distillation.hpp"
#include "nas4ml/nn/metrics.hpp"
#include "nas4ml/nn/model_spec.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/nn/task.hpp"

namespace nas4ml::nn {

/// What one epoch did (also the per-epoch progress line of `nas4ml train`).
struct EpochReport {
  int epoch = 0;                 ///< 1-based
  int epochs = 0;                ///< planned
  double train_loss = 0.0;       ///< mean over the epoch's batches (float32 fake-quantized forward)
  double val_loss = 0.0;         ///< float32 fake-quantized forward on the validation split
  double val_accuracy = 0.0;
  double sparsity = 0.0;         ///< fraction of pruned weights over all layers
  double learning_rate = 0.0;    ///< at the epoch's last step
  double samples_per_second = 0.0;  ///< training samples this epoch / epoch wall time (incl. validation)
};

/// What a multi-fidelity check (TrainOptions::stop_check) sees part-way through training.
struct PartialModel {
  const QuantizedModel& model;                     ///< integer model of the current weights
  int epochs_run = 0;
  std::function<Metrics(bool test_split)> metrics;  ///< its exact metrics on validation (false) or test (true)
};

/// Everything train_model() needs besides the spec and the data.
struct TrainOptions {
  std::uint64_t seed = 1;        ///< with generation/index, selects the Rng streams
  std::uint64_t generation = 0;
  std::uint64_t index = 0;
  int epochs = 0;                ///< > 0 overrides spec.training.epochs
  std::string spec_source = "model spec";  ///< file name used in ConfigErrors
  bool evaluate_train = true;    ///< exact metrics on the training split too
  int signal_class = 1;          ///< binary tasks: the class whose efficiency/rejection/AUC is reported
  bool float_metrics = false;    ///< also the float32 forward's accuracy (TrainResult::float_*_accuracy)
  double timeout_seconds = 0;    ///< > 0: fail with a "timeout" reason when an epoch ends after this much wall time
  /// The task (nn/task.hpp) on a data set its prepare() has reshaped; null: classification.
  const Task* task = nullptr;
  /// Knowledge distillation (classification): the teacher's logits on data.train; used when the
  /// spec's training.distillation_alpha < 1 (which then requires it).
  const Teacher* teacher = nullptr;
  bool keep_train_logits = false;  ///< fill TrainResult::float_train_logits (teachers are trained so)
  std::function<void(const EpochReport&)> on_epoch;  ///< progress callback (may be empty)
  /// Multi-fidelity check (campaign/early_stopping.hpp): after `check_epoch` completed epochs
  /// (0 = never; ignored unless fewer than the planned epochs), the integer model of a copy of
  /// the current weights is handed to `stop_check`, with its exact metrics on demand. When it
  /// returns true, training ends there and the partial result (that model, its exact metrics) is
  /// returned with `stopped_by_check`. The check reads a copy, so a run it lets continue is
  /// bit-identical to a run without it.
  int check_epoch = 0;
  std::function<bool(const PartialModel&)> stop_check;
  /// Weight inheritance (nn/weight_inheritance.hpp): trained models of the candidate's parents, in
  /// order of preference (null entries skipped). The one giving the most parameters initializes
  /// every layer of the same shape; empty: random initialization only.
  std::vector<const QuantizedModel*> parents;
};

/// The outcome of training one candidate. A diverging run is ok = false with a reason, never an
/// exception.
struct TrainResult {
  bool ok = false;
  std::string failure;           ///< why it failed (empty when ok)
  QuantizedModel model;          ///< with `training` metadata (seed, epochs, metrics, data checksums, ...)
  Metrics train, validation, test;  ///< of the integer model (exact)
  int epochs_run = 0;
  int best_epoch = 0;            ///< epoch whose weights were kept (early stopping), 1-based
  bool early_stopped = false;
  bool stopped_by_check = false;  ///< TrainOptions::stop_check ended training (a partial result)
  std::vector<EpochReport> history;
  double train_seconds = 0.0;    ///< wall time of the training loop (incl. pruning and validation)
  std::uint64_t samples_trained = 0;
  double samples_per_second = 0.0;  ///< samples_trained / train_seconds
  /// With TrainOptions::float_metrics: accuracy of the float32 forward pass of the final weights
  /// (pruned, unquantized when the spec trains without quantization_aware), else NaN.
  double float_validation_accuracy = std::numeric_limits<double>::quiet_NaN();
  double float_test_accuracy = std::numeric_limits<double>::quiet_NaN();
  /// With TrainOptions::keep_train_logits: the float32 forward's logits of the final weights on
  /// every row of data.train (rows x outputs, row-major).
  std::vector<float> float_train_logits;
  /// With TrainOptions::parents: the index of the parent the weights came from (-1: none) and the
  /// layers taken from it.
  int inherited_parent = -1;
  std::vector<int> inherited_layers;
};

/// Trains `spec` on `data`. Model spec problems that only show with the data (input or class
/// count mismatch) are ConfigErrors naming options.spec_source; an empty training split is a
/// DataError.
TrainResult train_model(const ModelSpec& spec, const data::LoadedDataset& data, const TrainOptions& options = {});

/// Exact metrics of an integer model on a split (golden int64 inference on the quantized inputs).
Metrics evaluate_model(const QuantizedModel& model, const data::Split& split, int signal_class = 1);

}  // namespace nas4ml::nn
