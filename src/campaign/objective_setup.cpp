#include "nas4ml/campaign/objective_setup.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/task.hpp"

namespace nas4ml::campaign {
namespace {

double number(const Json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_number()) return j[key].get<double>();
  return std::numeric_limits<double>::quiet_NaN();
}

bool known_metric(const std::string& m) {
  return std::find(metric_names().begin(), metric_names().end(), m) != metric_names().end();
}

}  // namespace

ObjectiveSetup objective_setup(const Json& experiment, const std::string& source) {
  ObjectiveSetup s;
  if (!experiment.is_object() || !experiment.contains("objectives") || !experiment["objectives"].is_array() ||
      experiment["objectives"].empty())
    throw ConfigError(source, "$.objectives", "stored experiment has no objectives", "a non-empty array",
                      experiment.is_object() && experiment.contains("objectives") ? experiment["objectives"].dump()
                                                                                  : "nothing");
  for (std::size_t k = 0; k < experiment["objectives"].size(); ++k) {
    const Json& o = experiment["objectives"][k];
    const std::string metric = o.value("metric", "");
    if (!known_metric(metric))
      throw ConfigError(source, fmt::format("$.objectives[{}].metric", k), "unknown objective metric",
                        "one of metric_names()", metric);
    s.objectives.push_back({metric, o.value("direction", "") == "maximize" ? Direction::maximize : Direction::minimize});
  }
  if (experiment.contains("constraints") && experiment["constraints"].is_array())
    for (const auto& c : experiment["constraints"]) {
      Constraint k;
      k.metric = c.value("metric", "");
      for (auto op : {ConstraintOp::max, ConstraintOp::min, ConstraintOp::max_fraction_of_device})
        if (c.contains(std::string(to_string(op)))) {
          k.op = op;
          k.value = c[std::string(to_string(op))].get<double>();
        }
      if (known_metric(k.metric)) s.constraints.push_back(k);
    }
  if (experiment.contains("training") && experiment["training"].is_object())
    s.metrics_split = experiment["training"].value("metrics_split", "validation");
  if (experiment.contains("task") && !experiment["task"].is_null()) {
    const nn::TaskSpec task = nn::parse_task_spec(JsonView(experiment["task"], source, "$.task"));
    s.task = task.kind;
    s.task_metrics = nn::make_task(task)->metric_names();
  }
  return s;
}

std::string describe(const Constraint& c) {
  switch (c.op) {
    case ConstraintOp::max: return fmt::format("{} <= {}", c.metric, c.value);
    case ConstraintOp::min: return fmt::format("{} >= {}", c.metric, c.value);
    case ConstraintOp::max_fraction_of_device: return fmt::format("{} <= {} of the device", c.metric, c.value);
  }
  return c.metric;
}

std::string describe(const ObjectiveSetup& s) {
  std::string out;
  for (std::size_t k = 0; k < s.objectives.size(); ++k)
    out += fmt::format("{}{} ({})", k ? ", " : "", s.objectives[k].metric, to_string(s.objectives[k].direction));
  if (!s.constraints.empty()) {
    out += "; constraints: ";
    for (std::size_t k = 0; k < s.constraints.size(); ++k) out += (k ? ", " : "") + describe(s.constraints[k]);
  }
  return out;
}

MetricValues stored_metric_values(const EvaluationRecord& r, const std::string& split) {
  MetricValues m;
  if (r.status != "ok" || !r.metrics.is_object()) return m;
  const Json quality = r.metrics.contains(split) ? r.metrics[split] : Json();
  const Json& e = r.estimates;
  m["accuracy"] = number(quality, "accuracy");
  m["auc"] = number(quality, "auc");
  m["lut"] = number(e, "lut");
  m["ff"] = number(e, "ff");
  m["dsp"] = number(e, "dsp");
  m["bram"] = number(e, "bram18");
  m["latency_ns"] = number(e, "latency_ns");
  m["latency_cycles"] = number(e, "latency_cycles");
  m["ii"] = number(e, "ii");
  m["bops"] = number(e, "bops");
  m["ebops"] = number(e, "ebops");
  const Json pct = e.is_object() && e.contains("utilization_pct") ? e["utilization_pct"] : Json();
  m["max_utilization"] = std::max({number(pct, "lut"), number(pct, "ff"), number(pct, "dsp"), number(pct, "bram18")}) / 100.0;
  for (const auto& name : nn::task_metric_names()) m[name] = number(quality, name.c_str());
  return m;
}

std::string format_metric(const std::string& metric, double v) {
  if (!std::isfinite(v)) return "-";
  if (metric == "accuracy" || metric == "auc" || metric == "max_utilization" || metric.ends_with("_accuracy") ||
      metric.ends_with("_auc"))
    return fmt::format("{:.4f}", v);
  if (metric == "latency_ns") return fmt::format("{:.1f}", v);
  if (metric.starts_with("tpr_at_fpr")) return fmt::format("{:.4f}", v);
  if (nn::task_metric_names().end() !=
      std::find(nn::task_metric_names().begin(), nn::task_metric_names().end(), metric))
    return fmt::format("{:.4g}", v);
  return fmt::format("{:.0f}", v);
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b, const std::vector<Direction>& dirs) {
  bool better = false;
  for (std::size_t k = 0; k < dirs.size(); ++k) {
    if (std::isnan(a[k])) return false;
    if (std::isnan(b[k])) {
      better = true;
      continue;
    }
    const double x = dirs[k] == Direction::maximize ? -a[k] : a[k];
    const double y = dirs[k] == Direction::maximize ? -b[k] : b[k];
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

std::vector<Direction> directions(const ObjectiveSetup& s) {
  std::vector<Direction> d;
  for (const auto& o : s.objectives) d.push_back(o.direction);
  return d;
}

}  // namespace nas4ml::campaign
