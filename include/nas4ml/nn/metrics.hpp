#pragma once
/// \file Classification metrics of a trained candidate: accuracy, per-class accuracy, loss,
/// ROC AUC (binary, and one-vs-rest per class, the multi-class figure being their unweighted mean
/// like scikit-learn's roc_auc_score(multi_class="ovr", average="macro")) and the trigger-style
/// background rejection 1/FPR at a fixed signal efficiency.
#include <cstdint>
#include <map>
#include <string>
#include <span>
#include <vector>

#include "nas4ml/core/json.hpp"

namespace nas4ml::nn {

/// Metrics of one split.
struct Metrics {
  std::size_t samples = 0;
  double accuracy = 0.0;               ///< fraction of samples whose argmax (first on ties) is the label
  double loss = 0.0;                   ///< mean softmax cross-entropy (natural log)
  std::vector<double> class_accuracy;  ///< per class: correct / samples of that class (NaN if none)
  std::vector<double> class_auc;       ///< one-vs-rest ROC AUC per class (NaN if a class is absent)
  double auc = 0.0;                    ///< binary: AUC of the signal class; more classes: mean of class_auc
  double background_rejection = 0.0;   ///< binary only: 1/FPR at 50% signal efficiency (inf if FPR = 0); NaN otherwise
  /// Metrics a non-classification task adds (nn/task.hpp: mse, resolution, tpr_at_fpr_1e-3, ...);
  /// empty for classification, whose JSON is then exactly what it always was.
  std::map<std::string, double> task;

  /// As JSON; NaN becomes null and infinity the string "inf".
  Json to_json() const;
};

/// Area under the ROC curve of `scores` for `positive` samples against the others (the
/// Mann-Whitney statistic, tied scores counting one half). NaN when either group is empty.
double roc_auc(std::span<const double> scores, std::span<const std::uint8_t> positive);

/// Background rejection 1/FPR at signal efficiency `efficiency`: the threshold t is the
/// ceil(efficiency * n_signal)-th highest signal score, a sample is accepted when score >= t, and
/// FPR is the accepted fraction of background. Infinity when no background is accepted; NaN
/// when either group is empty.
double background_rejection(std::span<const double> scores, std::span<const std::uint8_t> positive,
                            double efficiency = 0.5);

/// All metrics from logits (row-major, rows = samples, `n_classes` columns) and labels. For two
/// classes, `signal_class` (0 or 1) is the one whose efficiency and AUC are reported; its score is
/// its logit minus the other's.
Metrics compute_metrics(std::span<const double> logits, std::span<const std::int32_t> labels, int n_classes,
                        int signal_class = 1);

}  // namespace nas4ml::nn
