#pragma once
/// \file The report's plots of a regression or anomaly-detection (autoencoder) campaign's front
/// members, recomputed from each stored QuantizedModel on the test split with the golden integer
/// model (what the firmware computes): for anomaly detection the ROC curve and the background
/// rejection (1/FPR) against signal efficiency of the firmware's anomaly score, with the
/// TPR-at-fixed-FPR working points; for regression the predicted against the true target and the
/// relative residual (pred - true) / true against the true target, the quantity whose standard
/// deviation is the resolution.
#include <string>
#include <utility>
#include <vector>

#include "nas4ml/campaign/store.hpp"
#include "nas4ml/campaign/svg_plot.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/nn/roc_curve.hpp"

namespace nas4ml::campaign {

/// One front member of a task campaign on the test split.
struct TaskPhysics {
  std::string id;
  std::string kind;                       ///< "autoencoder" or "regression"
  // autoencoder: anomalies (label != 0) are the signal, scored by the firmware's anomaly score
  nn::RocCurve roc;
  double auc = 0.0;
  std::vector<std::pair<double, double>> working_points;  ///< (target FPR, TPR at it): 1e-2, 1e-3, 1e-4
  // regression: the first target, in raw units
  std::string target;
  std::vector<double> truth, predicted;
  double resolution = 0.0, bias = 0.0;
};

/// Recomputes `record`'s figures on `test`, a split the experiment's task has prepared (targets
/// moved out, anomalies labelled). `kind` is the task kind. Throws ConfigError naming `where` when
/// the stored model does not read.
TaskPhysics task_physics(const EvaluationRecord& record, const std::string& kind, const data::Split& test,
                         const std::string& where);

/// Background rejection 1/FPR (log) against signal efficiency, one line per member, rings at the
/// working points (`rejection`), or the ROC: signal efficiency against FPR (log x).
Plot anomaly_plot(const std::vector<TaskPhysics>& members, bool rejection);
/// Predicted against true target (`residual` false, with y = x) or the relative residual
/// (pred - true) / true against the true target, for one member (at most `max_points` points,
/// every k-th row of the test split).
Plot regression_plot(const TaskPhysics& member, bool residual, std::size_t max_points = 600);

/// The report's section for the front members of a task campaign.
std::string task_physics_html(const std::vector<TaskPhysics>& members);

}  // namespace nas4ml::campaign
