#include "nas4ml/campaign/baseline.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/campaign/candidate_metrics.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"

namespace nas4ml::campaign {

EvaluationRecord evaluate_baseline(const BaselineContext& ctx, std::size_t k) {
  const Baseline& b = ctx.config.baselines.at(k);
  EvaluationRecord rec;
  rec.genome_hash = b.name;
  rec.index = static_cast<int>(k);
  rec.seed = ctx.config.seed;
  nn::ModelSpec spec = nn::load_model_spec(b.model_path);
  rec.model_spec = nn::to_json(spec);
  nn::TrainOptions to;
  to.seed = ctx.config.seed;
  to.generation = std::numeric_limits<std::uint32_t>::max();
  to.index = k;
  to.spec_source = b.model_path.string();
  to.evaluate_train = false;
  nn::TrainResult trained = nn::train_model(spec, ctx.data, to);
  rec.train_seconds = trained.train_seconds;
  if (!trained.ok) {
    rec.status = "failed";
    rec.failure_reason = trained.failure;
    rec.violation = std::numeric_limits<double>::infinity();
    return rec;
  }
  rec.model = nn::to_json(trained.model);
  rec.metrics = {{"validation", trained.validation.to_json()}, {"test", trained.test.to_json()},
                 {"epochs_run", trained.epochs_run}};
  const estimate::Estimate est = ctx.estimator.estimate(trained.model, ctx.device, ctx.estimate_options);
  rec.estimates = estimate::to_json(est);
  const nn::Metrics& quality = ctx.config.training.metrics_split == "test" ? trained.test : trained.validation;
  const MetricValues values = candidate_metrics(quality, est);
  rec.objectives = objective_values(values, ctx.config.objectives);
  rec.violation = constraint_violation(values, ctx.config.constraints, ctx.device);
  return rec;
}

void store_missing_baselines(const BaselineContext& ctx, Store& store) {
  const auto stored = store.baselines();
  for (std::size_t k = 0; k < ctx.config.baselines.size(); ++k) {
    const std::string& name = ctx.config.baselines[k].name;
    bool have = false;
    for (const auto& [n, r] : stored) have |= n == name;
    if (have) continue;
    const EvaluationRecord rec = evaluate_baseline(ctx, k);
    store.add_baseline(name, rec);
    spdlog::info("baseline {}: {}{}", name, rec.status, rec.status == "ok" ? ", objectives " + rec.objectives.dump()
                                                                           : ": " + rec.failure_reason);
  }
}

std::vector<std::string> baseline_summaries(const Store& store, const ObjectiveSetup& setup) {
  std::vector<std::string> out;
  const auto dirs = directions(setup);
  const Json front = store.front();
  for (const auto& [name, rec] : store.baselines()) {
    if (rec.status != "ok") {
      out.push_back(fmt::format("baseline {}: training failed ({})", name, rec.failure_reason));
      continue;
    }
    const auto base = rec.objectives.get<std::vector<double>>();
    std::vector<std::vector<double>> dominating;
    for (const auto& m : front) {
      const auto p = m["objectives"].get<std::vector<double>>();
      if (dominates(p, base, dirs)) dominating.push_back(p);
    }
    std::string line = fmt::format("baseline {}: {} front design{} dominate{} it", name, dominating.size(),
                                   dominating.size() == 1 ? "" : "s", dominating.size() == 1 ? "s" : "");
    for (std::size_t k = 0; k < dirs.size() && !dominating.empty(); ++k) {
      if (dirs[k] != Direction::minimize || !(base[k] > 0)) continue;
      double best = std::numeric_limits<double>::infinity();
      for (const auto& p : dominating) best = std::min(best, p[k]);
      line += best > 0 ? fmt::format("; the best at 1/{:.3g} of its {}", base[k] / best, setup.objectives[k].metric)
                       : fmt::format("; the best at 0 {}", setup.objectives[k].metric);
    }
    if (rec.violation > 0) line += " (the baseline itself violates a constraint)";
    out.push_back(line);
  }
  return out;
}

}  // namespace nas4ml::campaign
