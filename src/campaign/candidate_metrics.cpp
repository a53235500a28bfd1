#include "nas4ml/campaign/candidate_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/task.hpp"

namespace nas4ml::campaign {

MetricValues candidate_metrics(const nn::Metrics& q, const estimate::Estimate& e) {
  MetricValues m;
  m["accuracy"] = q.accuracy;
  m["auc"] = q.auc;
  m["lut"] = e.lut;
  m["ff"] = e.ff;
  m["dsp"] = e.dsp;
  m["bram"] = e.bram18;
  m["latency_ns"] = e.latency_ns;
  m["latency_cycles"] = e.latency_cycles;
  m["ii"] = e.ii;
  m["bops"] = e.bops;
  m["ebops"] = e.ebops;
  m["max_utilization"] = std::max({e.lut_pct, e.ff_pct, e.dsp_pct, e.bram18_pct}) / 100.0;
  for (const auto& name : nn::task_metric_names()) {  // NaN unless the task reports it
    const auto it = q.task.find(name);
    m[name] = it == q.task.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
  }
  return m;
}

namespace {
double lookup(const MetricValues& m, const std::string& name) {
  const auto it = m.find(name);
  if (it == m.end()) throw InternalError("metric '" + name + "' was not computed");
  return it->second;
}

double device_total(const estimate::DeviceModel& d, const std::string& resource) {
  if (resource == "lut") return static_cast<double>(d.lut);
  if (resource == "ff") return static_cast<double>(d.ff);
  if (resource == "dsp") return static_cast<double>(d.dsp);
  if (resource == "bram") return static_cast<double>(d.bram18);
  throw InternalError("no device total for metric '" + resource + "'");
}
}  // namespace

std::vector<double> objective_values(const MetricValues& metrics, const std::vector<Objective>& objectives) {
  std::vector<double> out;
  out.reserve(objectives.size());
  for (const auto& o : objectives) out.push_back(lookup(metrics, o.metric));
  return out;
}

double constraint_violation(const MetricValues& metrics, const std::vector<Constraint>& constraints,
                            const estimate::DeviceModel& device) {
  double total = 0.0;
  for (const auto& c : constraints) {
    const double v = lookup(metrics, c.metric);
    if (std::isnan(v)) return std::numeric_limits<double>::infinity();
    double bound = c.value;
    if (c.op == ConstraintOp::max_fraction_of_device) bound = c.value * device_total(device, c.metric);
    const double excess = c.op == ConstraintOp::min ? bound - v : v - bound;
    if (excess > 0) total += excess / std::max(std::abs(bound), 1e-12);
  }
  return total;
}

}  // namespace nas4ml::campaign
