#include "nas4ml/campaign/baseline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/campaign/candidate_metrics.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/space/genome_encoding.hpp"

namespace nas4ml::campaign {

namespace {

/// A spec describing a QuantizedModel's architecture (for `show` and `export`): formats, reuse,
/// strategy, the pruned fraction as sparsity, and the training knobs its metadata records.
nn::ModelSpec spec_of(const nn::QuantizedModel& m) {
  nn::ModelSpec s;
  s.name = m.name;
  s.n_inputs = m.n_inputs;
  s.input_format = m.input_format;
  for (const auto& q : m.layers) {
    nn::LayerSpec l;
    l.units = q.n_out;
    l.activation = q.activation;
    std::size_t pruned = 0;
    for (auto k : q.mask) pruned += k == 0 ? 1 : 0;
    l.sparsity = q.mask.empty() ? 0.0 : std::min(0.99, static_cast<double>(pruned) / static_cast<double>(q.mask.size()));
    l.weight_format = q.weight_format;
    l.bias_format = q.bias_format;
    l.result_format = q.result_format;
    l.reuse_factor = q.reuse_factor;
    l.strategy = q.strategy;
    l.dc = q.dc;
    s.layers.push_back(l);
  }
  const Json& t = m.training.is_object() ? m.training : Json::object();
  s.training.optimizer = t.value("optimizer", s.training.optimizer);
  s.training.learning_rate = t.value("learning_rate", s.training.learning_rate);
  s.training.batch_size = t.value("batch_size", s.training.batch_size);
  s.training.epochs = t.value("epochs_planned", s.training.epochs);
  s.training.schedule = t.value("schedule", s.training.schedule);
  s.training.l1 = t.value("l1", s.training.l1);
  s.training.prune_rounds = t.value("prune_rounds", s.training.prune_rounds);
  s.training.structured_pruning = t.value("structured_pruning", s.training.structured_pruning);
  s.training.quantization_aware = t.value("quantization_aware", s.training.quantization_aware);
  return s;
}

/// `split` in the model's input units: the campaign's preprocessing undone, the model's applied
/// (x' = (x - offset) * scale); unchanged when both are the same map.
data::Split in_model_units(const nn::QuantizedModel& m, const data::LoadedDataset& d, const data::Split& split) {
  const auto& p = d.preprocessing;
  const auto n = static_cast<std::size_t>(m.n_inputs);
  const bool same = m.input_offset == p.offset && m.input_scale == p.scale;
  if (same || (m.input_offset.empty() && p.offset.empty())) return split;
  data::Split out = split;
  for (Eigen::Index r = 0; r < out.x.rows(); ++r)
    for (std::size_t c = 0; c < n; ++c) {
      double x = out.x(r, static_cast<Eigen::Index>(c));
      if (!p.scale.empty()) x = x / p.scale[c] + p.offset[c];  // back to raw (scale > 0, preprocessing.cpp)
      if (!m.input_scale.empty()) x = (x - m.input_offset[c]) * m.input_scale[c];
      out.x(r, static_cast<Eigen::Index>(c)) = static_cast<float>(x);
    }
  return out;
}

/// A QuantizedModel baseline: measured as it is (no training) on the campaign's splits.
nn::TrainResult measure_quantized(const BaselineContext& ctx, const Baseline& b) {
  nn::TrainResult r;
  r.model = nn::load_quantized_model(b.model_path);
  check_baseline_fits(b, ctx.data);
  r.validation = nn::evaluate_model(r.model, in_model_units(r.model, ctx.data, ctx.data.validation));
  r.test = nn::evaluate_model(r.model, in_model_units(r.model, ctx.data, ctx.data.test));
  r.epochs_run = r.model.training.is_object() ? r.model.training.value("epochs_run", 0) : 0;
  r.ok = true;
  return r;
}

nn::TrainResult train_spec(const BaselineContext& ctx, const Baseline& b, std::size_t k) {
  nn::TrainOptions to;
  to.seed = ctx.config.seed;
  to.generation = std::numeric_limits<std::uint32_t>::max();
  to.index = k;
  to.spec_source = b.model_path.string();
  to.evaluate_train = false;
  return nn::train_model(nn::load_model_spec(b.model_path), ctx.data, to);
}

}  // namespace

void check_baseline_fits(const Baseline& b, const data::LoadedDataset& data) {
  const auto features = static_cast<int>(data.n_features()), classes = static_cast<int>(data.n_classes());
  if (!b.quantized) {
    nn::resolve_model_spec(nn::load_model_spec(b.model_path), features, classes, b.model_path.string());
    return;
  }
  const nn::QuantizedModel m = nn::load_quantized_model(b.model_path);
  const std::string where = b.model_path.string();
  if (m.n_inputs != features)
    throw ConfigError(where, "$.n_inputs", fmt::format("baseline {} does not fit the data set", b.name),
                      fmt::format("{} features", features), std::to_string(m.n_inputs));
  if (m.n_outputs() != classes)
    throw ConfigError(where, "$.n_outputs", fmt::format("baseline {} does not fit the data set", b.name),
                      fmt::format("{} classes", classes), std::to_string(m.n_outputs()));
  const auto n = static_cast<std::size_t>(features);
  if ((m.input_offset.size() != n || m.input_scale.size() != n) && !(m.input_offset.empty() && m.input_scale.empty()))
    throw ConfigError(where, "$.preprocessing", fmt::format("baseline {} has an incomplete input preprocessing", b.name),
                      fmt::format("{} offsets and scales", n),
                      fmt::format("{} and {}", m.input_offset.size(), m.input_scale.size()));
}

EvaluationRecord evaluate_baseline(const BaselineContext& ctx, std::size_t k) {
  const Baseline& b = ctx.config.baselines.at(k);
  EvaluationRecord rec;
  rec.genome_hash = b.name;
  rec.index = static_cast<int>(k);
  rec.seed = ctx.config.seed;
  nn::TrainResult trained = b.quantized ? measure_quantized(ctx, b) : train_spec(ctx, b, k);
  rec.model_spec = nn::to_json(b.quantized ? spec_of(trained.model) : nn::load_model_spec(b.model_path));
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
  if (b.quantized) rec.metrics["source"] = "QuantizedModel " + b.model;
  const estimate::Estimate est = ctx.estimator.estimate(trained.model, ctx.device, ctx.estimate_options);
  rec.estimates = estimate::to_json(est);
  const nn::Metrics& quality = ctx.config.training.metrics_split == "test" ? trained.test : trained.validation;
  const MetricValues values = candidate_metrics(quality, est);
  rec.objectives = objective_values(values, ctx.config.objectives);
  rec.violation = constraint_violation(values, ctx.config.constraints, ctx.device);
  return rec;
}

std::vector<search::Genome> seed_genomes(const ExperimentConfig& config, const space::SearchSpace& space) {
  std::vector<search::Genome> out;
  for (const auto& b : config.baselines) {
    if (!b.seed_population) continue;
    const space::Encoding e = space::encode(space, nn::load_model_spec(b.model_path));
    if (!e.gene.empty())  // validated at load time; the files may have changed since
      throw ConfigError(b.model_path.string(), "", fmt::format("baseline {} is not in the search space: gene {}", b.name, e.gene),
                        e.expected, e.got);
    search::Genome g{e.genes, {}};
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(std::move(g));
  }
  return out;
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
