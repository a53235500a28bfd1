#pragma once
/// \file The curves behind a classifier's summary metrics: the ROC curve (signal efficiency vs
/// background false-positive rate, every distinct score a threshold) and the confusion matrix.
/// The trigger view of a ROC curve is background rejection 1/FPR against signal efficiency
/// (as in the hls4ml jet-tagging paper, Duarte et al., JINST 13 P07027, 2018).
#include <cstdint>
#include <span>
#include <vector>

namespace nas4ml::nn {

/// Points of a ROC curve, from (0, 0) to (1, 1): at each distinct score t (highest first) a sample
/// is accepted when score >= t; efficiency = accepted signal / signal, fpr = accepted background
/// / background.
struct RocCurve {
  std::vector<double> efficiency;
  std::vector<double> fpr;
};

/// The ROC curve of `scores` for `positive` samples (1) against the others (0). Empty when either
/// group is empty.
RocCurve roc_curve(std::span<const double> scores, std::span<const std::uint8_t> positive);

/// counts[true][predicted] over `n_classes` classes (labels and predictions outside [0, n) are
/// not counted).
std::vector<std::vector<std::int64_t>> confusion_matrix(std::span<const std::int32_t> labels,
                                                        std::span<const std::int32_t> predicted, int n_classes);

}  // namespace nas4ml::nn
