#include "nas4ml/campaign/front_table.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "nas4ml/campaign/baseline.hpp"

namespace nas4ml::campaign {
namespace {

double number(const Json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_number()) return j[key].get<double>();
  return std::nan("");
}

/// Latest successful synthesis per candidate id.
std::map<std::string, Json> synthesis_by_id(const Store& store) {
  std::map<std::string, Json> out;
  for (const auto& r : store.synthesis_runs())
    if (r.status == "ok") out[r.genome_hash] = r.result;
  return out;
}

std::string other_split(const std::string& split) { return split == "test" ? "validation" : "test"; }

/// The value of column `name` for one evaluation.
double column_value(const std::string& name, const EvaluationRecord& rec, const MetricValues& m,
                    const std::string& other, const Json& synth) {
  if (auto it = m.find(name); it != m.end()) return it->second;
  if (name == other + "_accuracy" || name == other + "_auc") {
    const Json q = rec.metrics.is_object() && rec.metrics.contains(other) ? rec.metrics[other] : Json();
    return number(q, name.ends_with("_auc") ? "auc" : "accuracy");
  }
  if (name == "synth_lut") return number(synth, "lut");
  if (name == "synth_ff") return number(synth, "ff");
  return std::nan("");
}

}  // namespace

std::vector<std::string> front_columns(const ObjectiveSetup& s) {
  std::vector<std::string> cols = {"id", "gen"};
  auto add = [&](const std::string& c) {
    if (std::find(cols.begin(), cols.end(), c) == cols.end()) cols.push_back(c);
  };
  for (const auto& o : s.objectives) add(o.metric);
  for (const auto& c : s.constraints) add(c.metric);
  for (const auto& c : s.task_metrics) add(c);
  const std::string other = other_split(s.metrics_split);
  if (s.task == "classification")
    for (const auto& c : {std::string("accuracy"), std::string("auc"), other + "_accuracy", other + "_auc"}) add(c);
  else if (s.task == "autoencoder")
    for (const auto& c : {std::string("auc"), other + "_auc"}) add(c);
  for (const auto& c : {std::string("lut"), std::string("ff"), std::string("dsp"), std::string("bram"),
                        std::string("latency_ns"), std::string("ii"), std::string("bops"), std::string("ebops"),
                        std::string("synth_lut"), std::string("synth_ff")})
    add(c);
  return cols;
}

FrontTable front_table(const Store& store) {
  const ObjectiveSetup setup = objective_setup(store.experiment(), store.path().string());
  FrontTable t;
  t.header = "objectives: " + describe(setup) + "; " +
             (setup.task == "classification" ? std::string("accuracy and auc") : setup.task + " metrics") + " on the " +
             setup.metrics_split + " split";
  for (const auto& line : baseline_summaries(store, setup)) t.header += "\n" + line;
  t.columns = front_columns(setup);
  t.json = nlohmann::ordered_json::array();
  const auto synth = synthesis_by_id(store);
  const bool maximize_first = setup.objectives[0].direction == Direction::maximize;
  std::vector<std::pair<double, EvaluationRecord>> members;
  for (const auto& m : store.front()) {
    auto rec = store.evaluation(m["id"].get<std::string>());
    if (rec) members.emplace_back(m["objectives"][0].get<double>() * (maximize_first ? -1 : 1), std::move(*rec));
  }
  std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, rec] : store.baselines()) members.emplace_back(0.0, std::move(rec));
  const std::size_t n_members = members.size() - store.baselines().size();
  const std::string other = other_split(setup.metrics_split);
  for (std::size_t i = 0; i < members.size(); ++i) {
    const EvaluationRecord& rec = members[i].second;
    const bool baseline = i >= n_members;
    const MetricValues m = stored_metric_values(rec, setup.metrics_split);
    const auto it = synth.find(rec.genome_hash);
    const Json sres = it != synth.end() ? it->second["resources"] : Json();
    std::vector<std::string> row = {rec.genome_hash, baseline ? "baseline" : std::to_string(rec.generation)};
    nlohmann::ordered_json obj = {{"id", rec.genome_hash}};
    obj["gen"] = baseline ? nlohmann::ordered_json("baseline") : nlohmann::ordered_json(rec.generation);
    for (std::size_t c = 2; c < t.columns.size(); ++c) {
      const double v = column_value(t.columns[c], rec, m, other, sres);
      row.push_back(format_metric(t.columns[c], v));
      obj[t.columns[c]] = std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
    }
    t.rows.push_back(std::move(row));
    t.json.push_back(std::move(obj));
  }
  return t;
}

std::string format_table(const FrontTable& t, bool csv) {
  std::string s;
  if (csv) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) s += (i ? "," : "") + t.columns[i];
    s += "\n";
    for (const auto& r : t.rows) {
      for (std::size_t i = 0; i < r.size(); ++i) s += (i ? "," : "") + (r[i] == "-" ? std::string() : r[i]);
      s += "\n";
    }
    return s;
  }
  if (!t.header.empty()) s += t.header + "\n";
  std::vector<std::size_t> w(t.columns.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i] = t.columns[i].size();
    for (const auto& r : t.rows) w[i] = std::max(w[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      s += (i ? "  " : "") + (i == 0 ? fmt::format("{:<{}}", cells[i], w[i]) : fmt::format("{:>{}}", cells[i], w[i]));
    s += "\n";
  };
  line(t.columns);
  for (const auto& r : t.rows) line(r);
  return s;
}

std::string best_objectives(const Json& front, const ObjectiveSetup& setup) {
  std::string out;
  for (std::size_t k = 0; k < setup.objectives.size(); ++k) {
    const bool max = setup.objectives[k].direction == Direction::maximize;
    double best = std::nan("");
    for (const auto& m : front) {
      const Json& v = m["objectives"][k];
      if (!v.is_number()) continue;
      const double x = v.get<double>();
      if (std::isnan(best) || (max ? x > best : x < best)) best = x;
    }
    out += (k ? ", " : "") + setup.objectives[k].metric + " " + format_metric(setup.objectives[k].metric, best);
  }
  return out;
}

}  // namespace nas4ml::campaign
