#include "nas4ml/campaign/export_table.hpp"

#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "nas4ml/campaign/objective_setup.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::campaign {
namespace {

Json field(const Json& j, const char* a, const char* b = nullptr) {
  if (!j.is_object() || !j.contains(a)) return nullptr;
  const Json& v = j[a];
  if (!b) return v.is_number() ? v : Json();
  return v.is_object() && v.contains(b) && v[b].is_number() ? v[b] : Json();
}

Json finite_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(); }

std::string architecture(const Json& spec, const std::string& where) {
  try {
    return space::summary(nn::parse_model_spec(JsonView(spec, where, "$.model_spec")));
  } catch (const Error&) {
    return "";
  }
}

std::string csv_cell(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number()) return fmt::format("{:.10g}", v.get<double>());
  const std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

ExportTable export_table(const Store& store) {
  const ObjectiveSetup setup = objective_setup(store.experiment(), store.path().string());
  ExportTable t;
  t.columns = {"number", "id", "generation", "index", "status", "failure_reason"};
  for (const auto& o : setup.objectives) t.columns.push_back("values_" + o.metric);
  for (const char* c : {"violation", "feasible", "on_front", "baseline", "arch", "val_accuracy", "val_auc", "val_loss",
                        "test_accuracy", "test_auc", "test_loss", "epochs_run", "est_lut", "est_ff", "est_dsp",
                        "est_bram18", "est_latency_ns", "est_latency_cycles", "est_ii", "est_bops", "est_ebops",
                        "synth_status", "synth_lut", "synth_ff", "train_seconds", "estimate_seconds"})
    t.columns.push_back(c);
  std::set<std::string> front;
  for (const auto& m : store.front()) front.insert(m["id"].get<std::string>());
  std::map<std::string, SynthesisRecord> synth;
  for (const auto& r : store.synthesis_runs()) synth[r.genome_hash] = r;
  std::int64_t number = 0;
  std::vector<EvaluationRecord> records = store.evaluations();
  const std::size_t searched = records.size();
  for (auto& [name, rec] : store.baselines()) records.push_back(std::move(rec));
  for (std::size_t i = 0; i < records.size(); ++i) {
    const EvaluationRecord& e = records[i];
    const bool baseline = i >= searched;
    std::vector<Json> row = {number++, e.genome_hash, baseline ? Json() : Json(e.generation),
                             baseline ? Json() : Json(e.index), e.status, e.failure_reason};
    for (std::size_t k = 0; k < setup.objectives.size(); ++k)
      row.push_back(e.objectives.is_array() && k < e.objectives.size() && e.objectives[k].is_number() ? e.objectives[k]
                                                                                                       : Json());
    row.push_back(finite_or_null(e.violation));
    row.push_back(e.status == "ok" && e.violation == 0.0);
    row.push_back(!baseline && front.count(e.genome_hash) > 0);
    row.push_back(baseline);
    row.push_back(architecture(e.model_spec, store.path().string()));
    for (const char* split : {"validation", "test"})
      for (const char* m : {"accuracy", "auc", "loss"}) row.push_back(field(e.metrics, split, m));
    row.push_back(field(e.metrics, "epochs_run"));
    for (const char* m : {"lut", "ff", "dsp", "bram18", "latency_ns", "latency_cycles", "ii", "bops", "ebops"})
      row.push_back(field(e.estimates, m));
    const auto it = baseline ? synth.end() : synth.find(e.genome_hash);
    row.push_back(it == synth.end() ? Json() : Json(it->second.status));
    row.push_back(it == synth.end() ? Json() : field(it->second.result, "resources", "lut"));
    row.push_back(it == synth.end() ? Json() : field(it->second.result, "resources", "ff"));
    row.push_back(e.train_seconds);
    row.push_back(e.estimate_seconds);
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string to_csv(const ExportTable& t) {
  std::string s;
  for (std::size_t i = 0; i < t.columns.size(); ++i) s += (i ? "," : "") + t.columns[i];
  s += "\n";
  for (const auto& r : t.rows) {
    for (std::size_t i = 0; i < r.size(); ++i) s += (i ? "," : "") + csv_cell(r[i]);
    s += "\n";
  }
  return s;
}

nlohmann::ordered_json to_json(const ExportTable& t) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& r : t.rows) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < t.columns.size(); ++i) o[t.columns[i]] = nlohmann::ordered_json::parse(r[i].dump());
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace nas4ml::campaign
