#include "nas4ml/campaign/candidate_evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/campaign/candidate_metrics.hpp"
#include "nas4ml/campaign/early_stopping.hpp"
#include "nas4ml/campaign/emit.hpp"
#include "nas4ml/campaign/memory_budget.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/rtl_target.hpp"

namespace nas4ml::campaign {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void check_fit(const EvaluationContext& c) {
  const auto& space = c.space;
  const int features = static_cast<int>(c.data.n_features());
  const int classes = c.task->output_units(c.data);
  if (!space.accepts_inputs(features))
    throw ConfigError(c.config.search_space_path.string(), "$.inputs", "search space does not fit the data set",
                      fmt::format("inputs accepting {} features (data set {})", features, c.data.name),
                      space.inputs ? std::to_string(space.inputs) : fmt::format("{}..{}", space.inputs_min, space.inputs_max));
  if (space.outputs != classes)
    throw ConfigError(c.config.search_space_path.string(), "$.outputs", "search space does not fit the data set",
                      fmt::format("{} outputs ({} task on {})", classes, c.task->kind(), c.data.name), std::to_string(space.outputs));
}

/// The candidate's decoded spec with the experiment's epoch cap and initialization applied.
nn::ModelSpec decoded_spec(const EvaluationContext& c, const CandidateJob& job, const std::string& id) {
  nn::ModelSpec spec = space::decode(c.space, job.genome.choices, id);
  spec.training.epochs = std::min(spec.training.epochs, c.config.training.max_epochs);
  spec.training.init = c.config.training.init;
  if (c.config.distillation.enabled && !space::searches_distillation(c.space)) {  // else the genes decide
    spec.training.distillation_alpha = c.config.distillation.alpha;
    spec.training.distillation_temperature = c.config.distillation.temperature;
  }
  return spec;
}

/// The objectives and violation the optimizer sees, or the reason they are unusable (the same
/// checks search::evaluate_batch makes).
std::string check_objectives(const std::vector<double>& objectives, double violation, std::size_t expected) {
  if (objectives.size() != expected)
    return fmt::format("evaluation returned {} objectives, expected {}", objectives.size(), expected);
  for (double f : objectives)
    if (!std::isfinite(f)) return fmt::format("non-finite objective {}", f);
  if (!(violation >= 0.0)) return fmt::format("invalid constraint violation {}", violation);
  return {};
}

EvaluationRecord failed(EvaluationRecord r, std::string reason) {
  r.status = "failed";
  r.failure_reason = std::move(reason);
  r.model = Json();
  r.metrics = Json();
  r.estimates = Json();
  r.objectives = Json();
  r.violation = std::numeric_limits<double>::infinity();
  return r;
}

/// A trained model's estimate, objectives and violation, or why they are unusable.
struct Scored {
  estimate::Estimate estimate;
  std::vector<double> objectives;
  double violation = 0.0;
  std::string problem;
};

Scored score(const EvaluationContext& c, const nn::QuantizedModel& model, const nn::Metrics& quality,
             const estimate::DeviceModel& device) {
  Scored s;
  s.estimate = c.estimator->estimate(model, device, c.estimate_options);
  const MetricValues values = candidate_metrics(quality, s.estimate);
  s.objectives = objective_values(values, c.config.objectives);
  s.violation = constraint_violation(values, c.config.constraints, device);
  s.problem = check_objectives(s.objectives, s.violation, c.config.objectives.size());
  return s;
}

Scored score(const EvaluationContext& c, const nn::TrainResult& trained, const estimate::DeviceModel& device) {
  return score(c, trained.model, c.config.training.metrics_split == "test" ? trained.test : trained.validation, device);
}

/// The multi-fidelity check of a partial model (early_stopping.hpp): the front member that
/// dominates it with the margins, or nothing. The estimate comes first, with every training
/// metric at its worst: when even that is dominated by no member, the exact metrics (a pass over
/// the split) are not needed.
std::optional<std::size_t> check_partial(const EvaluationContext& c, const EarlyStopRule& rule,
                                         const nn::PartialModel& partial, const estimate::DeviceModel& device) {
  const auto& objectives = c.config.objectives;
  Scored hardware_only = score(c, partial.model, nn::Metrics{}, device);
  for (std::size_t k = 0; k < objectives.size(); ++k)
    if (is_training_metric(objectives[k].metric))
      hardware_only.objectives[k] = objectives[k].direction == Direction::maximize
                                        ? -std::numeric_limits<double>::infinity()
                                        : std::numeric_limits<double>::infinity();
  if (!dominating_member(rule, hardware_only.objectives)) return std::nullopt;
  const Scored s = score(c, partial.model, partial.metrics(c.config.training.metrics_split == "test"), device);
  if (!s.problem.empty()) return std::nullopt;  // nothing to judge: train to the end
  return dominating_member(rule, s.objectives);
}

/// The largest final sparsity of the spec's layers (the pruning schedule's end is the same for all).
double max_sparsity(const nn::ModelSpec& spec) {
  double s = 0.0;
  for (const auto& l : spec.layers) s = std::max(s, l.sparsity);
  return s;
}

Json calibration_pair(const estimate::Calibration& c) { return Json::array({c.scale, c.offset}); }

estimate::Calibration calibration_from(const Json& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }

}  // namespace

EvaluationContext load_evaluation_context(const ExperimentConfig& config, const RunPaths& paths) {
  EvaluationContext c;
  c.config = config;
  c.paths = paths;
  data::LoadOverrides overrides;  // the experiment's dataset_source replaces the spec's file
  if (!config.dataset_source.empty()) overrides.source = config.dataset_source_path;
  c.data = data::load_dataset(config.dataset_path, overrides);
  c.task = nn::make_task(config.task);
  c.task->prepare(c.data, config.source_file.string());
  c.teacher = campaign_teacher(config, c.data, paths);
  c.space = space::load_search_space(config.search_space_path);
  check_fit(c);
  c.device = estimate::load_device_model(config.hardware.device_file);
  c.estimator = estimate::make_estimator(config.hardware.estimator);
  c.estimate_options.clock_ns = config.hardware.clock_ns;
  c.estimate_options.dsp_products = config.hardware.use_dsp;
  c.estimate_options.sharing = netlist::parse_sharing(config.hardware.sharing);
  c.estimate_options.sharing_effort = config.hardware.sharing_effort;
  c.target = target_settings(config, paths);
  return c;
}

Json context_description(const ExperimentConfig& config, const RunPaths& paths) {
  return {{"experiment", to_json(config)},
          {"experiment_file", std::filesystem::absolute(config.source_file).lexically_normal().string()},
          {"run_dir", std::filesystem::absolute(paths.root()).lexically_normal().string()}};
}

EvaluationContext load_evaluation_context(const Json& description) {
  const ExperimentConfig cfg =
      parse_stored_experiment(description.at("experiment"), description.at("experiment_file").get<std::string>());
  return load_evaluation_context(cfg, RunPaths(description.at("run_dir").get<std::string>()));
}

EvaluationRecord evaluate_candidate(const EvaluationContext& c, const CandidateJob& job) {
  EvaluationRecord rec;
  rec.generation = job.generation;
  rec.index = job.index;
  rec.genome_hash = search::hash_hex(search::genome_hash(job.genome));
  rec.genome = search::to_json(job.genome);
  rec.seed = c.config.seed;
  try {
    const nn::ModelSpec spec = decoded_spec(c, job, rec.genome_hash);
    rec.model_spec = nn::to_json(spec);
    // Refused up front (stored as failed with the reason) rather than exhausting memory.
    if (std::string why = over_budget_reason(spec, static_cast<int>(c.data.n_features()), c.data.train.rows());
        !why.empty())
      return failed(std::move(rec), why);
    nn::TrainOptions to;
    to.seed = c.config.seed;
    to.generation = static_cast<std::uint64_t>(job.generation);
    to.index = static_cast<std::uint64_t>(job.index);
    to.spec_source = c.space.file;
    to.evaluate_train = false;
    to.timeout_seconds = c.config.training.timeout_seconds;
    to.task = c.task.get();
    to.teacher = c.teacher.get();
    const estimate::DeviceModel device = with_calibration(c.device, job.calibration);
    std::optional<std::size_t> dominated_by;  // the front member that stopped the candidate
    std::optional<EarlyStopRule> rule;
    if (!job.early_stop.is_null()) {
      rule = early_stop_rule_from_json(job.early_stop);
      to.check_epoch = check_epoch(rule->fraction, spec.training.epochs, spec.training.prune_rounds, max_sparsity(spec));
      to.stop_check = [&](const nn::PartialModel& partial) {
        dominated_by = check_partial(c, *rule, partial, device);
        return dominated_by.has_value();
      };
    }
    std::vector<nn::QuantizedModel> parents;  // weight inheritance
    if (!job.parents.is_null())
      for (std::size_t i = 0; i < job.parents.size(); ++i)
        parents.push_back(nn::quantized_model_from_json(
            JsonView(job.parents[i].at("model"), "job", fmt::format("$.parents[{}].model", i))));
    for (const auto& p : parents) to.parents.push_back(&p);
    const auto t0 = Clock::now();
    nn::TrainResult trained = nn::train_model(spec, c.data, to);
    rec.train_seconds = seconds_since(t0);
    if (!trained.ok) return failed(std::move(rec), trained.failure);
    if (trained.inherited_parent >= 0)
      trained.model.training["inherited"] = {
          {"parent", job.parents[static_cast<std::size_t>(trained.inherited_parent)].at("id")},
          {"layers", trained.inherited_layers}};
    rec.model = nn::to_json(trained.model);
    rec.metrics = {{"validation", trained.validation.to_json()}, {"test", trained.test.to_json()},
                   {"epochs_run", trained.epochs_run}, {"samples_per_second", trained.samples_per_second}};
    const auto t1 = Clock::now();
    const Scored scored = score(c, trained, device);
    rec.estimate_seconds = seconds_since(t1);
    rec.estimates = estimate::to_json(scored.estimate);
    rec.violation = scored.violation;
    if (!scored.problem.empty()) return failed(std::move(rec), scored.problem);
    rec.objectives = scored.objectives;
    if (trained.stopped_by_check) {
      rec.status = "stopped_early";
      rec.metrics["epochs_planned"] = spec.training.epochs;
      rec.failure_reason = fmt::format(
          "stopped early after {} of {} epochs: dominated by front member {} even with every objective "
          "moved by its margin {}",
          trained.epochs_run, spec.training.epochs, rule->front_ids.at(*dominated_by), Json(rule->margins).dump());
      return rec;
    }
    rec.status = "ok";
    return rec;
  } catch (const InternalError&) {
    throw;
  } catch (const std::exception& e) {
    return failed(std::move(rec), e.what());
  }
}

double expected_cost(const EvaluationContext& c, const CandidateJob& job) {
  const nn::ModelSpec spec = decoded_spec(c, job, "cost");
  double parameters = 0.0;
  int in = spec.n_inputs > 0 ? spec.n_inputs : static_cast<int>(c.data.n_features());
  for (const auto& layer : spec.layers) {
    parameters += static_cast<double>(in + 1) * layer.units;
    in = layer.units;
  }
  return parameters * static_cast<double>(c.data.train.rows()) * std::max(1, spec.training.epochs);
}

std::unique_ptr<synth::Target> synthesis_target(const ExperimentConfig& config, const synth::TargetSettings& target_settings,
                                                const estimate::DeviceModel& device) {
  synth::TargetSettings settings = target_settings;
  settings.part = device.part;
  auto target = synth::make_backend_target(config.synthesis.backend, settings);
  try {
    synth::check_device_family(*target, device);
  } catch (const ConfigError& e) {
    throw ConfigError(config.source_file.string(), "hardware.device", e.file() + ": " + e.problem(), e.expected(), e.got());
  }
  return target;
}

std::string synthesis_tool(const ExperimentConfig& config, const synth::TargetSettings& settings,
                           const estimate::DeviceModel& device) {
  const auto target = synthesis_target(config, settings, device);
  try {
    return target->tool();
  } catch (const ToolError& e) {
    // A target's default backend (yosys) is a dependency install-deps.sh installs: its absence is a
    // tool error. A vendor backend is the experiment's choice: name the key that made it.
    if (target->backend() == target->backends().front()) throw;
    throw ConfigError(config.source_file.string(), "synthesis.backend", e.problem(),
                      e.expected() + ", or synthesis.enabled false", "\"" + config.synthesis.backend + "\" and " + e.got());
  }
}

SynthesisRecord synthesize_candidate(const EvaluationContext& c, const SynthesisJob& job) {
  SynthesisRecord r;
  r.genome_hash = job.genome_hash;
  r.generation = job.generation;
  r.backend = c.config.synthesis.backend;
  try {
    const auto model = nn::quantized_model_from_json(JsonView(job.model, c.paths.store().string(), "$.model"));
    // Through the backend's target: written once (synth_dir/rtl/ or hls/), lowered once, synthesized.
    const auto target = synthesis_target(c.config, c.target, c.device);
    const std::filesystem::path dir = c.paths.synth_dir(job.genome_hash);
    const synth::WrittenDesign design = target->write(model, dir / target->name());
    r.result = synth::to_json(target->synthesize(model, design, c.device, dir));
  } catch (const InternalError&) {
    throw;
  } catch (const Error& e) {
    r.status = std::string(e.what()).find("timed out") != std::string::npos ? "timeout" : "failed";
    r.failure_reason = e.what();
  }
  return r;
}

Json calibration_to_json(const estimate::DeviceModel& device) {
  Json out = Json::object();
  for (const auto& [flavor, c] : device.calibration)
    out[flavor] = {{"lut", calibration_pair(c.lut)}, {"ff", calibration_pair(c.ff)},
                   {"dsp", calibration_pair(c.dsp)}, {"bram18", calibration_pair(c.bram18)}};
  return out;
}

estimate::DeviceModel with_calibration(estimate::DeviceModel device, const Json& calibration) {
  if (calibration.is_null()) return device;
  device.calibration.clear();
  for (const auto& [flavor, c] : calibration.items())
    device.calibration[flavor] = {calibration_from(c.at("lut")), calibration_from(c.at("ff")),
                                  calibration_from(c.at("dsp")), calibration_from(c.at("bram18"))};
  return device;
}

Json to_json(const CandidateJob& job) {
  Json j = {{"generation", job.generation}, {"index", job.index}, {"genome", search::to_json(job.genome)},
            {"calibration", job.calibration}};
  if (!job.early_stop.is_null()) j["early_stop"] = job.early_stop;
  if (!job.parents.is_null()) j["parents"] = job.parents;
  return j;
}

CandidateJob candidate_job_from_json(const Json& j) {
  CandidateJob job;
  job.generation = j.at("generation").get<int>();
  job.index = j.at("index").get<int>();
  job.genome = search::genome_from_json(JsonView(j.at("genome"), "job", "$.genome"));
  job.calibration = j.at("calibration");
  if (j.contains("early_stop")) job.early_stop = j.at("early_stop");
  if (j.contains("parents")) job.parents = j.at("parents");
  return job;
}

Json to_json(const EvaluationRecord& r) {
  return {{"generation", r.generation}, {"index", r.index}, {"genome_hash", r.genome_hash}, {"genome", r.genome},
          {"model_spec", r.model_spec}, {"model", r.model}, {"metrics", r.metrics}, {"estimates", r.estimates},
          {"objectives", r.objectives}, {"violation", std::isfinite(r.violation) ? Json(r.violation) : Json()},
          {"status", r.status}, {"failure_reason", r.failure_reason}, {"train_seconds", r.train_seconds},
          {"estimate_seconds", r.estimate_seconds}, {"seed", r.seed}};
}

EvaluationRecord evaluation_record_from_json(const Json& j) {
  EvaluationRecord r;
  r.generation = j.at("generation").get<int>();
  r.index = j.at("index").get<int>();
  r.genome_hash = j.at("genome_hash").get<std::string>();
  r.genome = j.at("genome");
  r.model_spec = j.at("model_spec");
  r.model = j.at("model");
  r.metrics = j.at("metrics");
  r.estimates = j.at("estimates");
  r.objectives = j.at("objectives");
  r.violation = j.at("violation").is_null() ? std::numeric_limits<double>::infinity() : j.at("violation").get<double>();
  r.status = j.at("status").get<std::string>();
  r.failure_reason = j.at("failure_reason").get<std::string>();
  r.train_seconds = j.at("train_seconds").get<double>();
  r.estimate_seconds = j.at("estimate_seconds").get<double>();
  r.seed = j.at("seed").get<std::uint64_t>();
  return r;
}

Json to_json(const SynthesisJob& job) {
  return {{"genome_hash", job.genome_hash}, {"generation", job.generation}, {"model", job.model}};
}

SynthesisJob synthesis_job_from_json(const Json& j) {
  return {j.at("genome_hash").get<std::string>(), j.at("generation").get<int>(), j.at("model")};
}

Json to_json(const SynthesisRecord& r) {
  return {{"genome_hash", r.genome_hash}, {"generation", r.generation}, {"backend", r.backend},
          {"status", r.status}, {"failure_reason", r.failure_reason}, {"result", r.result}};
}

SynthesisRecord synthesis_record_from_json(const Json& j) {
  SynthesisRecord r;
  r.genome_hash = j.at("genome_hash").get<std::string>();
  r.generation = j.at("generation").get<int>();
  r.backend = j.at("backend").get<std::string>();
  r.status = j.at("status").get<std::string>();
  r.failure_reason = j.at("failure_reason").get<std::string>();
  r.result = j.at("result");
  return r;
}

}  // namespace nas4ml::campaign
