#include "nas4ml/campaign/candidate_view.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "nas4ml/campaign/float_reference.hpp"
#include "nas4ml/campaign/objective_setup.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::campaign {
namespace {

std::string num(const Json& j, const char* key, const char* f = "{:.0f}") {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return "-";
  return fmt::format(fmt::runtime(f), j[key].get<double>());
}

std::string quality_line(const Json& q) {
  return fmt::format("accuracy {}, auc {}, loss {}, background rejection at 50% signal efficiency {}",
                     num(q, "accuracy", "{:.4f}"), num(q, "auc", "{:.4f}"), num(q, "loss", "{:.4f}"),
                     num(q, "background_rejection_at_50", "{:.1f}"));
}

/// Quantized vs float-reference test accuracy (the reference trained on first use, then cached).
std::string float_reference_line(const EvaluationRecord& e, const Store& store, const RunPaths& paths) {
  if (const Json x = store.experiment(); x.contains("task") && !x["task"].is_null())
    return "float reference: computed for classification only\n";
  try {
    const FloatReference r = float_reference(e, campaign_dataset(store), paths);
    if (!r.ok) return "float reference: training failed: " + r.failure + "\n";
    return fmt::format("float reference (same architecture, float32): test accuracy {:.4f}, quantized {:.4f}, drop {:+.2f} points\n",
                       r.float_accuracy, r.quantized_accuracy, r.drop_points());
  } catch (const Error& err) {
    return std::string("float reference: unavailable (") + err.what() + ")\n";
  }
}

}  // namespace

EvaluationRecord find_candidate(const Store& store, const std::string& id) {
  if (auto exact = store.evaluation(id)) return *exact;
  for (auto& [name, rec] : store.baselines())
    if (name == id) return std::move(rec);
  std::vector<EvaluationRecord> found;
  if (!id.empty())
    for (auto& e : store.evaluations())
      if (e.genome_hash.rfind(id, 0) == 0) found.push_back(std::move(e));
  if (found.size() != 1)
    throw ConfigError(store.path().string(), "id", found.empty() ? "no such candidate" : "ambiguous candidate id",
                      "an id from `nas4ml front` or `nas4ml export` (or a unique prefix)",
                      found.empty() ? id : fmt::format("{} ({} candidates match)", id, found.size()));
  return found.front();
}

std::string describe_candidate(const Store& store, const RunPaths& paths, const std::string& id) {
  const EvaluationRecord e = find_candidate(store, id);
  const ObjectiveSetup setup = objective_setup(store.experiment(), store.path().string());
  bool on_front = false;
  for (const auto& m : store.front()) on_front |= m["id"] == e.genome_hash;
  bool baseline = false;
  for (const auto& [name, rec] : store.baselines()) baseline |= name == e.genome_hash && !store.evaluation(name);
  std::string s = baseline ? fmt::format("baseline {}: {}\n", e.genome_hash, e.status)
                           : fmt::format("candidate {} (generation {}, index {}): {}{}\n", e.genome_hash, e.generation,
                                         e.index, e.status, on_front ? ", on the Pareto front" : "");
  try {
    s += "architecture: " + space::summary(nn::parse_model_spec(JsonView(e.model_spec, store.path().string(), "$.model_spec"))) + "\n";
  } catch (const Error&) {
    s += "architecture: (unreadable model spec)\n";
  }
  if (e.status != "ok") return s + "failure: " + e.failure_reason + "\n";
  s += "objectives:";
  for (std::size_t k = 0; k < setup.objectives.size() && k < e.objectives.size(); ++k)
    s += fmt::format("{} {} {} ({})", k ? "," : "", setup.objectives[k].metric,
                     format_metric(setup.objectives[k].metric, e.objectives[k].get<double>()),
                     to_string(setup.objectives[k].direction));
  s += e.violation == 0.0 ? "; feasible\n" : fmt::format("; infeasible (constraint violation {:.4g})\n", e.violation);
  if (e.model.is_object() && e.model.contains("layers")) {
    s += "input " + e.model.value("input_format", std::string("?")) + "\n";
    int k = 0;
    for (const auto& l : e.model["layers"])
      s += fmt::format("layer {}: {} -> {} {}, weights {}, bias {}, result {}, reuse {}, {}\n", k++, l.value("n_in", 0),
                       l.value("n_out", 0), l.value("activation", std::string()), l.value("weight_format", std::string()),
                       l.value("bias_format", std::string()), l.value("result_format", std::string()),
                       l.value("reuse_factor", 1), l.value("strategy", std::string("latency")));
  }
  s += "validation: " + quality_line(e.metrics["validation"]) + "\n";
  s += "test:       " + quality_line(e.metrics["test"]) + "\n";
  if (!baseline) s += float_reference_line(e, store, paths);
  const Json& est = e.estimates;
  s += fmt::format("estimate ({}): {} LUT, {} FF, {} DSP, {} BRAM18, latency {} cycles = {} ns, II {}, {} BOPs, {} EBOPs\n",
                   est.value("flavor", std::string("?")), num(est, "lut"), num(est, "ff"), num(est, "dsp"),
                   num(est, "bram18"), num(est, "latency_cycles"), num(est, "latency_ns", "{:.1f}"), num(est, "ii"),
                   num(est, "bops"), num(est, "ebops"));
  bool any = false;
  for (const auto& r : store.synthesis_runs()) {
    if (r.genome_hash != e.genome_hash) continue;
    any = true;
    const Json res = r.result.is_object() && r.result.contains("resources") ? r.result["resources"] : Json();
    s += r.status == "ok" ? fmt::format("synthesis ({}, after generation {}): {} LUT, {} FF, {} DSP, {} BRAM18\n", r.backend,
                                        r.generation, num(res, "lut"), num(res, "ff"), num(res, "dsp"), num(res, "bram18"))
                          : fmt::format("synthesis ({}, after generation {}): {}: {}\n", r.backend, r.generation, r.status,
                                        r.failure_reason.substr(0, r.failure_reason.find('\n')));
  }
  if (!any) s += "synthesis: none\n";
  const auto dir = paths.firmware_dir(e.genome_hash);
  s += std::filesystem::exists(dir) ? "firmware: " + dir.string() + "\n"
                                    : "firmware: not emitted (nas4ml emit " + paths.root().string() + " --id " + e.genome_hash + ")\n";
  return s;
}

}  // namespace nas4ml::campaign
