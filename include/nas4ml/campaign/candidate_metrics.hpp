#pragma once
/// \file From a trained and estimated candidate to what the optimizer sees: the value of every
/// metric an experiment may name (metric_names()), its objective vector and its total constraint
/// violation.
#include <map>
#include <string>
#include <vector>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/nn/metrics.hpp"

namespace nas4ml::campaign {

/// Metric name -> value, for every name in metric_names().
using MetricValues = std::map<std::string, double>;

/// The metrics of a candidate: accuracy and auc from `quality` (the split the experiment names),
/// costs from `estimate` (bram = BRAM18 blocks; max_utilization = the largest of the LUT, FF, DSP
/// and BRAM18 utilization, as a fraction of the device).
MetricValues candidate_metrics(const nn::Metrics& quality, const estimate::Estimate& estimate);

/// The objective vector, in the experiment's order, as measured (maximized objectives are not
/// negated: the optimizer knows each direction).
std::vector<double> objective_values(const MetricValues& metrics, const std::vector<Objective>& objectives);

/// Total constraint violation, 0 when every constraint holds. Each violated constraint adds its
/// relative excess, |value - bound| / max(|bound|, 1e-12), so constraints in different units
/// (ns, LUTs, accuracy) weigh alike; `max_fraction_of_device` bounds use the device's total of
/// that resource. NaN metrics count as +infinity.
double constraint_violation(const MetricValues& metrics, const std::vector<Constraint>& constraints,
                            const estimate::DeviceModel& device);

}  // namespace nas4ml::campaign
