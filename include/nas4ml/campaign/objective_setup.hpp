#pragma once
/// \file What an experiment optimizes, read back from a campaign store: its objectives (named, with
/// directions), its constraints and the split its quality metrics are measured on; and the value
/// of every metric of a stored evaluation. Everything people read about a campaign (front table,
/// report plots, export, progress line) follows this, so a campaign over `auc` and `ebops` is shown
/// as `auc` and `ebops`.
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/campaign/candidate_metrics.hpp"
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/core/json.hpp"

namespace nas4ml::campaign {

/// The objectives and constraints of a stored experiment.
struct ObjectiveSetup {
  std::vector<Objective> objectives;
  std::vector<Constraint> constraints;
  std::string metrics_split = "validation";  ///< split of accuracy and auc
  std::string task = "classification";       ///< the experiment's task kind (nn/task.hpp)
  std::vector<std::string> task_metrics;     ///< the metrics that task adds (shown by front/show)
};

/// Reads the canonical experiment JSON a store holds (Store::experiment()). Throws ConfigError
/// naming `source` when objectives are missing or name an unknown metric.
ObjectiveSetup objective_setup(const Json& experiment, const std::string& source);

/// `auc (maximize), ebops (minimize); constraints: latency_ns <= 100`.
std::string describe(const ObjectiveSetup& setup);

/// `latency_ns <= 100`, `accuracy >= 0.7`, `lut <= 0.5 of the device`.
std::string describe(const Constraint& constraint);

/// The metric values of a stored evaluation: accuracy and auc from the `split` metrics, costs
/// from the stored estimate (as candidate_metrics() computed them). Empty for a failed one.
MetricValues stored_metric_values(const EvaluationRecord& record, const std::string& split);

/// A metric value as a table shows it: accuracy-like metrics with 4 decimals, latency_ns with 1,
/// counts as integers; "-" for NaN.
std::string format_metric(const std::string& metric, double value);

/// True when `a` is at least as good as `b` in every objective and better in one (directions
/// applied; NaN never dominates).
bool dominates(const std::vector<double>& a, const std::vector<double>& b, const std::vector<Direction>& directions);

/// The directions of `setup`'s objectives.
std::vector<Direction> directions(const ObjectiveSetup& setup);

}  // namespace nas4ml::campaign
