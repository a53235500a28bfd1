#pragma once
/// \file The anomaly score an autoencoder's firmware computes beside its reconstruction, in
/// fixed point: for every input feature the difference d_i = out_i - in_i, both aligned to the
/// finer of the input format's and the output layer's LSB, then the sum over features of d_i^2
/// ("squared") or |d_i| ("absolute"), exact at full width, and finally one cast to the score's
/// own unsigned format ap_ufixed<W,I> (truncation, saturation). This is the reconstruction-error
/// score of autoencoder anomaly detection in the Level-1 trigger (Govorkova et al., "Autoencoders
/// on field-programmable gate arrays for real-time, unsupervised new physics detection at 40 MHz
/// at the Large Hadron Collider", Nat. Mach. Intell. 4, 154 (2022)).
/// With reference "zero" the terms are the outputs themselves, d_i = out_i: the score of a
/// variational autoencoder deployed as its encoder's mean head, sum of mu_i^2 (nn/variational.hpp).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"

namespace nas4ml::nn {

struct QuantizedModel;

/// What the score is and its output format (saved with the model, docs/model.md).
struct AnomalyScore {
  std::string error = "squared";  ///< squared | absolute
  FixedFormat format{16, 8, false, Rounding::truncate, Overflow::saturate};
  /// What the outputs are compared with: "input" (the reconstruction error, outputs == inputs)
  /// or "zero" (d_i = out_i, any number of outputs: a VAE's latent means).
  std::string reference = "input";

  bool against_zero() const noexcept { return reference == "zero"; }
};

/// Fractional bits of the aligned differences d_i (max of the input's and the output's; the
/// output's alone against zero).
int score_difference_fractional(const QuantizedModel& model);
/// Fractional bits of the full-width sum (twice the difference's for "squared").
int score_sum_fractional(const QuantizedModel& model);
/// Bits of the full-width sum (sign excluded: it is never negative); at most 62 for a usable model.
int score_sum_width(const QuantizedModel& model);

/// The score's raw integer (of model.anomaly_score->format) for one sample: `input_raw` in the
/// input format (unread against zero), `output_raw` the output layer's raw results. Precondition: the model has a score.
std::int64_t anomaly_score_raw(const QuantizedModel& model, std::span<const std::int64_t> input_raw,
                               std::span<const std::int64_t> output_raw);

/// Scores of a batch (golden integer inference then the score), rows of n_inputs raw inputs.
std::vector<std::int64_t> anomaly_scores(const QuantizedModel& model, std::span<const std::int64_t> inputs_raw);

}  // namespace nas4ml::nn
