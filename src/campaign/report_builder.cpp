#include "nas4ml/campaign/report_builder.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "nas4ml/campaign/baseline.hpp"
#include "nas4ml/campaign/float_reference.hpp"
#include "nas4ml/campaign/emit.hpp"
#include "nas4ml/campaign/hypervolume_bounds.hpp"
#include "nas4ml/campaign/recalibration.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/nn/task.hpp"
#include "nas4ml/search/parallel_for.hpp"

namespace nas4ml::campaign {
namespace {

/// How the hypervolume plot's values were normalized (the bounds stored with the optimizer state).
std::vector<std::string> hypervolume_notes(const Store& store, const ObjectiveSetup& setup) {
  const auto last = store.last_generation();
  if (!last) return {};
  const Json state = store.optimizer_state(*last);
  const auto bounds = read_hypervolume_bounds(state, setup.objectives.size(), store.path().string());
  if (!bounds) return {};
  const auto& lo = bounds->lo;
  const auto& hi = bounds->hi;
  std::string ranges;
  for (std::size_t k = 0; k < setup.objectives.size() && k < lo.size(); ++k) {
    const auto& o = setup.objectives[k];
    const bool max = o.direction == Direction::maximize;
    const double a = max ? -hi[k] : lo[k], b = max ? -lo[k] : hi[k];
    ranges += fmt::format("{}{} {}..{}", k ? ", " : "", o.metric, format_metric(o.metric, a), format_metric(o.metric, b));
  }
  return {"each objective mapped to [0,1] over the first evaluated generation's range, best = 0:",
          ranges + "; reference point 1.1 in every objective"};
}

/// The residual (regression) or ROC/rejection (autoencoder) plots of up to 6 front members, spread
/// along the front, on the campaign's test split as the experiment's task prepares it.
void add_task_physics(ReportData& d, const Store& store) {
  try {
    const ExperimentConfig cfg =
        parse_stored_experiment(store.experiment(), store.manifest().at("experiment_file").get<std::string>());
    data::LoadedDataset data = campaign_dataset(store);
    nn::make_task(cfg.task)->prepare(data, cfg.source_file.string());
    for (const auto& id : spread_along_front(store.front(), 6))
      if (auto rec = store.evaluation(id); rec && rec->status == "ok")
        d.task_physics.push_back(task_physics(*rec, cfg.task.kind, data.test, store.path().string()));
  } catch (const Error& e) {
    d.task_physics.clear();
    d.physics_note = std::string("No task plots (they are recomputed from the data set): ") + e.what();
  }
}

/// The physics of up to 6 front members, spread along the front, on the campaign's test split.
/// Each also with its float reference (trained on first use, in parallel, then read from the cache).
void add_physics(ReportData& d, const Store& store, const RunPaths& paths) {
  if (const Json e = store.experiment(); e.contains("task") && !e["task"].is_null() &&
                                         e["task"].value("kind", "classification") != "classification") {
    add_task_physics(d, store);
    return;
  }
  try {
    const data::LoadedDataset data = campaign_dataset(store);
    std::vector<EvaluationRecord> members;
    for (const auto& id : spread_along_front(store.front(), 6))
      if (auto rec = store.evaluation(id); rec && rec->status == "ok") {
        d.physics.push_back(member_physics(*rec, data.test, store.path().string()));
        members.push_back(std::move(*rec));
      }
    std::vector<FloatReference> refs(members.size());
    nas4ml::search::parallel_for(members.size(), [&](std::size_t i) { refs[i] = float_reference(members[i], data, paths); });
    for (std::size_t i = 0; i < refs.size(); ++i) d.physics[i].reference = refs[i];
  } catch (const Error& e) {
    d.physics.clear();
    d.physics_note = std::string("No physics plots (they are recomputed from the data set): ") + e.what();
  }
}

}  // namespace

estimate::DeviceModel campaign_device(const Store& store) {
  const Json manifest = store.manifest();
  auto device = estimate::load_device_model(manifest.at("device_file").get<std::string>());
  const auto runs = store.synthesis_runs();
  for (const auto& flavor : estimate::estimator_flavors()) refit_calibration(device, flavor, runs, /*log=*/false);
  return device;
}

ReportData report_data(const Store& store, const RunPaths& paths, const estimate::DeviceModel& device) {
  ReportData d;
  d.title = paths.root().filename().string();
  const ObjectiveSetup setup = objective_setup(store.experiment(), store.path().string());
  d.objectives = setup.objectives;
  d.objectives_text = describe(setup);
  std::set<std::string> on_front;
  for (const auto& m : store.front()) on_front.insert(m["id"].get<std::string>());
  for (const auto& rec : store.evaluations()) {
    ReportCandidate c;
    c.id = rec.genome_hash;
    c.generation = rec.generation;
    c.failed = rec.status != "ok";
    c.stopped_early = rec.status == "stopped_early";
    c.on_front = on_front.count(rec.genome_hash) > 0;
    if (!c.failed) {
      const Json& acc = rec.metrics["validation"]["accuracy"];  // null for regression and autoencoders
      c.accuracy = acc.is_number() ? acc.get<double>() : std::nan("");
      c.lut = rec.estimates.value("lut", 0.0);
      c.latency_ns = rec.estimates.value("latency_ns", 0.0);
      c.feasible = rec.violation == 0.0;
      for (const auto& v : rec.objectives) c.objectives.push_back(v.is_number() ? v.get<double>() : std::nan(""));
    }
    d.candidates.push_back(c);
  }
  for (const auto& [name, rec] : store.baselines()) {
    ReportCandidate c;
    c.id = "baseline " + name;
    c.baseline = true;
    c.failed = rec.status != "ok";
    c.feasible = rec.violation == 0.0;
    if (!c.failed)
      for (const auto& v : rec.objectives) c.objectives.push_back(v.is_number() ? v.get<double>() : std::nan(""));
    d.candidates.push_back(c);
  }
  d.baseline_lines = baseline_summaries(store, setup);
  d.hypervolume = store.hypervolume_history();
  d.hypervolume_notes = hypervolume_notes(store, setup);
  const auto runs = store.synthesis_runs();
  for (const auto& flavor : estimate::estimator_flavors()) {
    const auto cal = device.calibration_for(flavor);
    const CalibrationPoints p = calibration_points(runs, flavor);
    for (std::size_t i = 0; i < p.ids.size(); ++i) {
      d.estimate_vs_synthesis.push_back({p.ids[i], "lut", cal.lut.apply(p.estimated_lut[i]), p.synthesized_lut[i]});
      d.estimate_vs_synthesis.push_back({p.ids[i], "ff", cal.ff.apply(p.estimated_ff[i]), p.synthesized_ff[i]});
    }
  }
  const auto table = front_table(store);
  d.front_columns = table.columns;
  d.front_rows = table.rows;
  d.experiment = store.experiment();
  d.manifest = store.manifest();
  add_physics(d, store, paths);
  return d;
}

std::filesystem::path write_report(const Store& store, const RunPaths& paths, const estimate::DeviceModel& device) {
  const std::string html = render_report_html(report_data(store, paths, device));
  const auto tmp = paths.report().string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << html;
    if (!out) throw ConfigError(paths.report().string(), "", "cannot write the report", "a writable folder", "write failed");
  }
  std::filesystem::rename(tmp, paths.report());
  return paths.report();
}

}  // namespace nas4ml::campaign
