#include "nas4ml/campaign/campaign.hpp"

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <chrono>
#include <cmath>
#include <future>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/campaign/baseline.hpp"
#include "nas4ml/campaign/candidate_metrics.hpp"
#include "nas4ml/campaign/emit.hpp"
#include "nas4ml/campaign/extend_campaign.hpp"
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/manifest.hpp"
#include "nas4ml/campaign/recalibration.hpp"
#include "nas4ml/campaign/report_builder.hpp"
#include "nas4ml/campaign/synthesis_budget.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "nas4ml/search/batch_evaluator.hpp"
#include "nas4ml/search/nsga2.hpp"
#include "nas4ml/search/pareto.hpp"
#include "nas4ml/space/search_adapter.hpp"
#include "nas4ml/synth/synth_flow.hpp"

namespace nas4ml::campaign {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const auto total = static_cast<long long>(std::llround(s));
  if (total >= 3600) return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
  if (total >= 60) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}s", total);
}

/// What one candidate's evaluation produced besides its objectives (filled by a worker thread,
/// one slot per candidate, read by the main thread after the batch).
struct Slot {
  Json model_spec;
  Json model;
  Json metrics;
  Json estimates;
  double train_seconds = 0.0;
  double estimate_seconds = 0.0;
};

/// The campaign in progress: everything derived from the experiment plus the store.
class Runner {
 public:
  Runner(ExperimentConfig config, RunPaths paths, const RunOptions& options)
      : cfg_(std::move(config)), paths_(std::move(paths)), options_(options) {
    // Test hook (docs/campaign.md): die by SIGKILL after evaluating this generation, before its
    // commit, the worst moment for a crash; tests use it to prove resume exact.
    if (const char* g = std::getenv("NAS4ML_TEST_KILL_BEFORE_COMMIT")) kill_before_commit_ = std::atoi(g);
  }

  /// Loads the data set, search space, device and estimator, and checks they fit together.
  void prepare() {
    data::LoadOverrides overrides;  // the experiment's dataset_source replaces the spec's file
    if (!cfg_.dataset_source.empty()) overrides.source = cfg_.dataset_source_path;
    data_ = data::load_dataset(cfg_.dataset_path, overrides);
    space_ = space::load_search_space(cfg_.search_space_path);
    const int features = static_cast<int>(data_.n_features());
    const int classes = static_cast<int>(data_.n_classes());
    if (!space_.accepts_inputs(features))
      throw ConfigError(cfg_.search_space_path.string(), "$.inputs", "search space does not fit the data set",
                        fmt::format("inputs accepting {} features (data set {})", features, data_.name),
                        space_.inputs ? std::to_string(space_.inputs)
                                      : fmt::format("{}..{}", space_.inputs_min, space_.inputs_max));
    if (space_.outputs != classes)
      throw ConfigError(cfg_.search_space_path.string(), "$.outputs", "search space does not fit the data set",
                        fmt::format("{} outputs (classes of {})", classes, data_.name), std::to_string(space_.outputs));
    device_ = estimate::load_device_model(cfg_.hardware.device_file);
    estimator_ = estimate::make_estimator(cfg_.hardware.estimator);
    estimate_options_.clock_ns = cfg_.hardware.clock_ns;
    estimate_options_.dsp_products = cfg_.hardware.use_dsp;
    flow_ = flow_options(cfg_, paths_);
    threads_ = options_.threads.value_or(cfg_.threads);
    if (threads_ <= 0) threads_ = tbb::info::default_concurrency();
  }

  void start_new() {
    std::filesystem::create_directories(paths_.root());
    Json manifest = make_manifest(cfg_, data_, space_, threads_);
    if (cfg_.synthesis.enabled) manifest["yosys"] = synth::yosys_version(flow_.yosys.program);
    store_.emplace(Store::create(paths_.store(), to_json(cfg_), experiment_hash(cfg_), manifest));
    save_json_file(paths_.experiment(), to_json(cfg_));
    store_missing_baselines({cfg_, data_, device_, *estimator_, estimate_options_}, *store_);
    nsga_.emplace(nsga_options(), space::make_variation(space_));
    next_generation_ = 0;
  }

  void resume_from(Store store) {
    store_.emplace(std::move(store));
    const Json manifest = store_->manifest();
    check_unchanged(manifest);
    store_missing_baselines({cfg_, data_, device_, *estimator_, estimate_options_}, *store_);
    const auto last = store_->last_generation();
    if (!last) {
      nsga_.emplace(nsga_options(), space::make_variation(space_));
      next_generation_ = 0;
      return;
    }
    const Json state = store_->optimizer_state(*last);
    nsga_.emplace(search::Nsga2::restore(JsonView(state.at("nsga2"), paths_.store().string(), "$.nsga2"),
                                         space::make_variation(space_)));
    if (state.contains("hv_bounds") && !state["hv_bounds"].is_null()) hv_bounds_ = state["hv_bounds"];
    next_generation_ = *last + 1;
    restore_calibration();
    spdlog::info("resuming {} after generation {} ({} evaluations stored)", paths_.root().string(), *last,
                 store_->count_evaluations());
  }

  CampaignSummary search() {
    const auto session_start = Clock::now();
    first_evaluations_ = store_->count_evaluations();
    int generations_this_session = 0;
    bool stopped = false;
    while (!budget_spent()) {
      const int gen = next_generation_;
      apply_due_synthesis(gen, /*wait=*/true);
      std::size_t n = static_cast<std::size_t>(cfg_.search.population);
      if (cfg_.search.max_evaluations)
        n = std::min<std::size_t>(n, static_cast<std::size_t>(*cfg_.search.max_evaluations - store_->count_evaluations()));
      const auto genomes = nsga_->ask(n);
      if (genomes.empty()) {
        spdlog::warn("the search space is exhausted: no new candidate after generation {}", gen - 1);
        break;
      }
      run_generation(gen, genomes);
      ++generations_this_session;
      next_generation_ = gen + 1;
      if (options_.progress) progress_line(gen, session_start, generations_this_session);
      maybe_launch_synthesis(gen);
      if ((options_.stop_after_generation && gen >= *options_.stop_after_generation) ||
          (options_.stop_requested && options_.stop_requested())) {
        stopped = !budget_spent();
        break;
      }
    }
    CampaignSummary s;
    s.run_dir = paths_.root();
    s.finished = !stopped;
    if (stopped) {
      // Leave the background synthesis to the resumed run (it is relaunched from the store).
      if (pending_.valid()) pending_.wait();
      spdlog::info("stopped after generation {}; continue with: nas4ml resume {}", next_generation_ - 1,
                   paths_.root().string());
    } else {
      apply_due_synthesis(std::numeric_limits<int>::max(), true);
      if (options_.emit) finish();
    }
    s.generations = next_generation_;
    s.evaluations = store_->count_evaluations();
    s.failed = store_->count_evaluations(true);
    s.front = store_->front();
    return s;
  }

 private:
  search::Nsga2Options nsga_options() const {
    search::Nsga2Options o;
    o.population_size = static_cast<std::size_t>(cfg_.search.population);
    o.seed = cfg_.seed;
    for (const auto& obj : cfg_.objectives)
      o.directions.push_back(obj.direction == Direction::maximize ? search::Direction::maximize
                                                                  : search::Direction::minimize);
    return o;
  }

  bool budget_spent() const {
    if (cfg_.search.generations) return next_generation_ >= *cfg_.search.generations;
    return store_->count_evaluations() >= *cfg_.search.max_evaluations;
  }

  void check_unchanged(const Json& manifest) {
    const std::string stored = store_->experiment_hash();
    if (stored != experiment_hash(cfg_))
      throw ConfigError(paths_.store().string(), "meta.experiment_hash", "the experiment changed since the campaign started",
                        stored, experiment_hash(cfg_));
    const Json now = dataset_manifest(data_);
    if (manifest.contains("dataset") && manifest["dataset"]["sources"] != now["sources"])
      throw DataError(cfg_.dataset_path.string(), "sources", "the data set changed since the campaign started",
                      manifest["dataset"]["sources"].dump(), now["sources"].dump());
  }

  void run_generation(int gen, const std::vector<search::Genome>& genomes) {
    std::vector<Slot> slots(genomes.size());
    const estimate::DeviceModel device = device_;  // the calibration in force for this generation
    const auto evaluate = [&](const search::Genome& g, Rng&, std::uint64_t index) -> search::Evaluation {
      Slot& slot = slots[index];
      const std::string id = search::hash_hex(search::genome_hash(g));
      nn::ModelSpec spec = space::decode(space_, g.choices, id);
      spec.training.epochs = std::min(spec.training.epochs, cfg_.training.max_epochs);
      slot.model_spec = nn::to_json(spec);
      nn::TrainOptions to;
      to.seed = cfg_.seed;
      to.generation = static_cast<std::uint64_t>(gen);
      to.index = index;
      to.spec_source = space_.file;
      to.evaluate_train = false;
      to.timeout_seconds = cfg_.training.timeout_seconds;
      const auto t0 = Clock::now();
      nn::TrainResult trained = nn::train_model(spec, data_, to);
      slot.train_seconds = seconds_since(t0);
      if (!trained.ok) throw std::runtime_error(trained.failure);
      slot.model = nn::to_json(trained.model);
      slot.metrics = {{"validation", trained.validation.to_json()}, {"test", trained.test.to_json()},
                      {"epochs_run", trained.epochs_run}, {"samples_per_second", trained.samples_per_second}};
      const auto t1 = Clock::now();
      const estimate::Estimate est = estimator_->estimate(trained.model, device, estimate_options_);
      slot.estimate_seconds = seconds_since(t1);
      slot.estimates = estimate::to_json(est);
      const nn::Metrics& quality = cfg_.training.metrics_split == "test" ? trained.test : trained.validation;
      const MetricValues values = candidate_metrics(quality, est);
      search::Evaluation e;
      e.objectives = objective_values(values, cfg_.objectives);
      e.violation = constraint_violation(values, cfg_.constraints, device);
      return e;
    };
    search::BatchContext ctx;
    ctx.seed = cfg_.seed;
    ctx.generation = static_cast<std::uint64_t>(gen);
    ctx.n_objectives = cfg_.objectives.size();
    std::vector<search::Evaluation> results;
    tbb::task_arena arena(threads_);
    arena.execute([&] { results = search::evaluate_batch(genomes, evaluate, ctx); });

    std::vector<std::vector<double>> objectives;
    std::vector<double> violations;
    std::vector<EvaluationRecord> records;
    for (std::size_t i = 0; i < genomes.size(); ++i) {
      const auto& r = results[i];
      objectives.push_back(r.failed ? std::vector<double>(cfg_.objectives.size(), std::nan("")) : r.objectives);
      violations.push_back(r.failed ? std::numeric_limits<double>::infinity() : r.violation);
      EvaluationRecord rec;
      rec.generation = gen;
      rec.index = static_cast<int>(i);
      rec.genome_hash = search::hash_hex(search::genome_hash(genomes[i]));
      rec.genome = search::to_json(genomes[i]);
      rec.model_spec = slots[i].model_spec;
      rec.model = r.failed ? Json() : slots[i].model;
      rec.metrics = r.failed ? Json() : slots[i].metrics;
      rec.estimates = r.failed ? Json() : slots[i].estimates;
      rec.objectives = r.failed ? Json() : Json(r.objectives);
      rec.violation = r.failed ? std::numeric_limits<double>::infinity() : r.violation;
      rec.status = r.failed ? "failed" : "ok";
      rec.failure_reason = r.failure;
      rec.train_seconds = slots[i].train_seconds;
      rec.estimate_seconds = slots[i].estimate_seconds;
      rec.seed = cfg_.seed;
      records.push_back(std::move(rec));
    }
    nsga_->tell(genomes, objectives, violations);
    update_hv_bounds(records);
    const Json front = front_json();
    const double hv = front_hypervolume(front);
    Json state = {{"format", "nas4ml.campaign.v1"}, {"nsga2", nsga_->state()}, {"hv_bounds", hv_bounds_},
                  {"calibration", calibration_json()}};
    if (kill_before_commit_ == gen) {
      spdlog::warn("NAS4ML_TEST_KILL_BEFORE_COMMIT={}: killing this process before the commit", gen);
      std::raise(SIGKILL);
    }
    store_->commit_generation(gen, records, state, front, hv);
    last_hv_ = hv;
  }

  /// Minimized form of an objective vector (maximized objectives negated).
  std::vector<double> minimized(const Json& objectives) const {
    std::vector<double> p;
    for (std::size_t k = 0; k < cfg_.objectives.size(); ++k) {
      const double v = objectives[k].get<double>();
      p.push_back(cfg_.objectives[k].direction == Direction::maximize ? -v : v);
    }
    return p;
  }

  /// Fixes the hypervolume's normalization from the first generation with a successful
  /// candidate, so hypervolumes of later generations compare.
  void update_hv_bounds(const std::vector<EvaluationRecord>& records) {
    if (!hv_bounds_.is_null()) return;
    std::vector<search::Point> pts;
    for (const auto& r : records)
      if (r.status == "ok") pts.push_back(minimized(r.objectives));
    if (pts.empty()) return;
    search::Point lo = search::ideal_point(pts), hi = lo;
    for (const auto& p : pts)
      for (std::size_t k = 0; k < p.size(); ++k) hi[k] = std::max(hi[k], p[k]);
    for (std::size_t k = 0; k < lo.size(); ++k)
      if (hi[k] - lo[k] < 1e-12) hi[k] = lo[k] + 1.0;
    hv_bounds_ = {{"lo", lo}, {"hi", hi}};
  }

  Json front_json() const {
    Json front = Json::array();
    const auto& pop = nsga_->population();
    for (std::size_t i : nsga_->front())
      front.push_back({{"id", search::hash_hex(pop[i].hash)}, {"objectives", pop[i].objectives}});
    return front;
  }

  double front_hypervolume(const Json& front) const {
    if (hv_bounds_.is_null() || front.empty()) return 0.0;
    const auto lo = hv_bounds_["lo"].get<std::vector<double>>();
    const auto hi = hv_bounds_["hi"].get<std::vector<double>>();
    std::vector<search::Point> pts;
    for (const auto& m : front) pts.push_back(minimized(m["objectives"]));
    const auto normalized = search::normalize(pts, lo, hi);
    return search::hypervolume(normalized, search::Point(lo.size(), 1.1));
  }

  void progress_line(int gen, Clock::time_point session_start, int done_this_session) {
    const auto evaluations = store_->count_evaluations();
    const auto failed = store_->count_evaluations(true);
    const Json front = store_->front(gen);
    const std::string best = best_objectives(front, {cfg_.objectives, cfg_.constraints, cfg_.training.metrics_split});
    const double elapsed = seconds_since(session_start);
    double remaining = std::nan("");
    if (cfg_.search.generations) {
      remaining = elapsed / done_this_session * (*cfg_.search.generations - gen - 1);
    } else {
      const double per_eval = elapsed / std::max<double>(1.0, static_cast<double>(evaluations - first_evaluations_));
      remaining = per_eval * static_cast<double>(*cfg_.search.max_evaluations - evaluations);
    }
    const std::string total = cfg_.search.generations ? std::to_string(*cfg_.search.generations) : "?";
    spdlog::info("gen {}/{} | evals {} ({} failed) | front {} | HV {:.4f} | best {} | elapsed {} | ETA {}",
                 gen + 1, total, evaluations, failed, front.size(), last_hv_, best, format_duration(elapsed),
                 format_duration(remaining));
  }

  // ---- synthesis in the background -------------------------------------------------------
  // Launched after generation g when (g+1) % K == 0 on the top N of that generation's stored
  // front; applied (stored, recalibrated) before generation g+K is evaluated. Both points are
  // fixed by the experiment, so the calibration each generation sees is deterministic.

  bool is_launch_generation(int g) const {
    return cfg_.synthesis.enabled && (g + 1) % cfg_.synthesis.every_generations == 0;
  }

  /// The members of generation `gen`'s front that yosys is predicted to finish within the
  /// synthesis timeout (synthesis_budget.hpp); the others are named in one log line.
  Json synthesizable_front(int gen) const {
    const auto fits = campaign::synthesizable_front(*store_, store_->front(gen), cfg_.synthesis.timeout_seconds);
    if (fits.skipped > 0)
      spdlog::info("synthesis: {} front member(s) skipped, predicted up to {:.0f} s of yosys > timeout {:.0f} s",
                   fits.skipped, fits.largest_skipped_seconds, cfg_.synthesis.timeout_seconds);
    return fits.members;
  }

  void maybe_launch_synthesis(int gen) {
    if (!is_launch_generation(gen)) return;
    launch_synthesis(gen);
  }

  void launch_synthesis(int gen) {
    if (pending_.valid()) pending_.wait();
    std::vector<std::pair<std::string, nn::QuantizedModel>> jobs;
    for (const auto& id : spread_along_front(synthesizable_front(gen), cfg_.synthesis.top_n)) {
      const auto rec = store_->evaluation(id);
      jobs.emplace_back(id, nn::quantized_model_from_json(JsonView(rec->model, paths_.store().string(), "$.model")));
    }
    const estimate::DeviceModel device = device_;
    const synth::FlowOptions flow = flow_;
    const RunPaths paths = paths_;
    pending_launch_ = gen;
    pending_ = std::async(std::launch::async, [jobs = std::move(jobs), device, flow, paths, gen] {
      std::vector<SynthesisRecord> out;
      for (const auto& [id, model] : jobs) {
        SynthesisRecord r;
        r.genome_hash = id;
        r.generation = gen;
        r.backend = "yosys";
        try {
          const auto result = synth::synthesize_model(model, device, paths.synth_dir(id), flow);
          r.result = synth::to_json(result);
        } catch (const Error& e) {
          r.status = std::string(e.what()).find("timed out") != std::string::npos ? "timeout" : "failed";
          r.failure_reason = e.what();
        }
        out.push_back(std::move(r));
      }
      return out;
    });
  }

  /// Stores and applies the pending synthesis round when it is due before generation `gen`.
  void apply_due_synthesis(int gen, bool wait) {
    if (!pending_.valid() || pending_launch_ + cfg_.synthesis.every_generations > gen) return;
    if (!wait && pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    const auto t0 = Clock::now();
    std::vector<SynthesisRecord> records = pending_.get();
    if (seconds_since(t0) > 1.0) spdlog::info("waited {:.1f} s for synthesis of generation {}", seconds_since(t0), pending_launch_);
    for (const auto& r : records) {
      store_->add_synthesis(r);
      if (r.status != "ok")
        spdlog::warn("synthesis of {} {}: {}", r.genome_hash, r.status, r.failure_reason.substr(0, r.failure_reason.find('\n')));
    }
    recalibrate();
  }

  /// Calibration from every synthesis stored so far whose round is due by `next_generation_`.
  void restore_calibration() {
    const int K = cfg_.synthesis.every_generations;
    bool relaunch = false;
    int last_launch = -1;
    for (int g = 0; g < next_generation_; ++g)
      if (is_launch_generation(g)) last_launch = g;
    if (last_launch >= 0) {
      const auto runs = store_->synthesis_runs();
      relaunch = std::none_of(runs.begin(), runs.end(), [&](const auto& r) { return r.generation == last_launch; });
    }
    recalibrate();
    if (relaunch) {
      launch_synthesis(last_launch);
      if (last_launch + K <= next_generation_) apply_due_synthesis(next_generation_, true);
    }
  }

  void recalibrate() {
    if (!cfg_.synthesis.recalibrate || cfg_.hardware.estimator != "rtl") return;
    refit_rtl_calibration(device_, store_->synthesis_runs(), /*log=*/true);
  }

  Json calibration_json() const {
    const auto c = device_.calibration_for(cfg_.hardware.estimator);
    return {{"lut", c.lut.scale}, {"ff", c.ff.scale}};
  }

  void finish() {
    EmitOptions eo;
    eo.synthesize_top_n = cfg_.synthesis.enabled ? cfg_.synthesis.final_top_n : 0;
    eo.simulate = cfg_.synthesis.enabled && cfg_.synthesis.simulate;
    eo.simulate_samples = cfg_.synthesis.simulate_samples;
    const auto emitted = emit_front(*store_, paths_, data_, device_, flow_, eo);
    spdlog::info("emitted {} front members to {}", emitted.size(), paths_.firmware_root().string());
    write_report(*store_, paths_, device_);
  }

  ExperimentConfig cfg_;
  RunPaths paths_;
  RunOptions options_;
  data::LoadedDataset data_;
  space::SearchSpace space_;
  estimate::DeviceModel device_;
  std::unique_ptr<estimate::Estimator> estimator_;
  estimate::EstimateOptions estimate_options_;
  synth::FlowOptions flow_;
  int threads_ = 1;
  std::optional<Store> store_;
  std::optional<search::Nsga2> nsga_;
  Json hv_bounds_;
  double last_hv_ = 0.0;
  int next_generation_ = 0;
  std::int64_t first_evaluations_ = 0;
  std::future<std::vector<SynthesisRecord>> pending_;
  int pending_launch_ = -1;
  int kill_before_commit_ = -1;
};

}  // namespace

CampaignSummary run_campaign(const std::filesystem::path& experiment_file, const std::filesystem::path& run_dir,
                             const RunOptions& options) {
  ExperimentConfig cfg = load_experiment(experiment_file);
  RunPaths paths(run_dir);
  if (std::filesystem::exists(paths.store()))
    throw ConfigError(paths.store().string(), "", "a campaign already exists here",
                      "a new --out folder, or `nas4ml resume " + run_dir.string() + "`", "an existing store");
  Runner runner(std::move(cfg), paths, options);
  runner.prepare();
  runner.start_new();
  return runner.search();
}

CampaignSummary resume_campaign(const std::filesystem::path& run_dir, const RunOptions& options) {
  RunPaths paths(run_dir);
  Store store = Store::open(paths.store());
  const Json manifest = store.manifest();
  if (!manifest.contains("experiment_file") || !manifest["experiment_file"].is_string())
    throw ConfigError(paths.store().string(), "meta.manifest.experiment_file", "campaign store is incomplete",
                      "the experiment file's path", "nothing");
  // The stored canonical experiment, with relative paths resolved where the original file was.
  const std::filesystem::path original = manifest["experiment_file"].get<std::string>();
  ExperimentConfig cfg = parse_experiment(store.experiment(), original);
  if (options.extra_generations != 0) extend_generations(cfg, store, paths, options.extra_generations);
  Runner runner(std::move(cfg), paths, options);
  runner.prepare();
  runner.resume_from(std::move(store));
  return runner.search();
}

}  // namespace nas4ml::campaign
