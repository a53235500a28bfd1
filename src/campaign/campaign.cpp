#include "nas4ml/campaign/campaign.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/campaign/candidate_evaluation.hpp"
#include "nas4ml/campaign/early_stopping.hpp"
#include "nas4ml/campaign/emit.hpp"
#include "nas4ml/campaign/executor.hpp"
#include "nas4ml/campaign/hypervolume_bounds.hpp"
#include "nas4ml/campaign/baseline.hpp"
#include "nas4ml/campaign/extend_campaign.hpp"
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/manifest.hpp"
#include "nas4ml/campaign/memory_budget.hpp"
#include "nas4ml/campaign/recalibration.hpp"
#include "nas4ml/campaign/report_builder.hpp"
#include "nas4ml/campaign/run_lock.hpp"
#include "nas4ml/campaign/synthesis_budget.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/data/dataset_loader.hpp"
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

/// The campaign in progress: everything derived from the experiment plus the store.
class Runner {
 public:
  Runner(ExperimentConfig config, RunPaths paths, const RunOptions& options)
      : cfg_(std::move(config)), paths_(std::move(paths)), options_(options) {
    // Test hook (docs/campaign.md): die by SIGKILL after evaluating this generation, before its
    // commit, the worst moment for a crash; tests use it to prove resume exact.
    if (const char* g = std::getenv("NAS4ML_TEST_KILL_BEFORE_COMMIT")) kill_before_commit_ = std::atoi(g);
    // Test hook (docs/cluster.md): SIGTERM to this process while generation g is evaluated, as
    // Slurm sends it at the time limit; the campaign must commit g and stop cleanly.
    if (const char* g = std::getenv("NAS4ML_TEST_SIGTERM_AT")) sigterm_at_ = std::atoi(g);
  }

  /// Loads the evaluation context (data set, search space, device, estimator; checked to fit
  /// together) and starts the executor on it.
  void prepare() {
    ctx_ = std::make_unique<EvaluationContext>(load_evaluation_context(cfg_, paths_));
    device_ = ctx_->device;
    target_ = ctx_->target;
    check_space_fits_budget(ctx_->space, static_cast<int>(ctx_->data.n_features()),
                            ctx_->data.train.rows());  // not a campaign of failures
    for (const auto& b : cfg_.baselines) check_baseline_fits(b, ctx_->data);  // before anything is stored
    check_population_fits_budget(ctx_->space, cfg_.search.population, static_cast<int>(ctx_->data.n_features()),
                                 cfg_.source_file);  // a generation's records fit in memory
    threads_ = resolve_threads(options_.threads.value_or(-1), cfg_);
    ExecutorOptions eo;
    eo.threads = threads_;
    eo.synthesis_jobs = cfg_.synthesis.jobs;
    executor_ = executor_kind(options_.executor).make(*ctx_, eo);
  }

  void start_new() {
    std::filesystem::create_directories(paths_.root());
    Json manifest = make_manifest(cfg_, ctx_->data, ctx_->space, threads_);
    if (cfg_.synthesis.enabled) {  // stores written before had a "yosys" key instead (nothing reads it)
      manifest["synthesis_backend"] = cfg_.synthesis.backend;
      manifest["synthesis_tool"] = synthesis_tool(cfg_, target_, device_);  // a version line or a vendor tool's path
    }
    store_.emplace(Store::create(paths_.store(), to_json(cfg_), experiment_hash(cfg_), manifest));
    save_json_file(paths_.experiment(), to_json(cfg_));
    if (ctx_->teacher) cache_teacher(*store_, cfg_, ctx_->data, *ctx_->teacher);
    store_missing_baselines({cfg_, ctx_->data, ctx_->device, *ctx_->estimator, ctx_->estimate_options}, *store_);
    nsga_.emplace(nsga_options(), space::make_variation(ctx_->space, operator_options()));
    next_generation_ = 0;
  }

  void resume_from(Store store) {
    store_.emplace(std::move(store));
    const Json manifest = store_->manifest();
    check_unchanged(manifest);
    if (ctx_->teacher) cache_teacher(*store_, cfg_, ctx_->data, *ctx_->teacher);
    if (cfg_.synthesis.enabled) synthesis_tool(cfg_, target_, device_);  // tools checked as `run` does
    store_missing_baselines({cfg_, ctx_->data, ctx_->device, *ctx_->estimator, ctx_->estimate_options}, *store_);
    const auto last = store_->last_generation();
    if (!last) {
      nsga_.emplace(nsga_options(), space::make_variation(ctx_->space, operator_options()));
      next_generation_ = 0;
      return;
    }
    const Json state = store_->optimizer_state(*last);
    try {  // a damaged state is the store's problem (exit 2), not an internal error
      const std::vector<std::uint64_t> seen = evaluated_hashes(*last);
      nsga_.emplace(search::Nsga2::restore(JsonView(state.at("nsga2"), paths_.store().string(), "$.nsga2"),
                                           space::make_variation(ctx_->space, operator_options()), &seen));
      if (const auto b = read_hypervolume_bounds(state, cfg_.objectives.size(), paths_.store().string()))
        hv_bounds_ = to_json(*b);
    } catch (const Json::exception& e) {
      throw ConfigError(paths_.store().string(), fmt::format("optimizer state of generation {}", *last),
                        "corrupt optimizer state in the campaign store", "the state nas4ml wrote", e.what());
    }
    next_generation_ = *last + 1;
    restore_calibration();
    spdlog::info("resuming {} after generation {} ({} evaluations stored)", paths_.root().string(), *last,
                 store_->count_evaluations());
  }

  /// The hashes of every genome evaluated up to `generation`: the optimizer's "seen" set, which
  /// its saved state leaves out (it would grow by the population every generation).
  std::vector<std::uint64_t> evaluated_hashes(int generation) const {
    std::vector<std::uint64_t> out;
    for (const auto& text : store_->genome_hashes(generation)) {
      const auto h = search::parse_hash_hex(text);
      if (!h)
        throw ConfigError(paths_.store().string(), "evaluations.genome_hash", "corrupt genome hash in the campaign store",
                          "16 lowercase hex digits", "\"" + text + "\"");
      out.push_back(*h);
    }
    return out;
  }

  CampaignSummary search() {
    const auto session_start = Clock::now();
    first_evaluations_ = store_->count_evaluations();
    int generations_this_session = 0;
    bool stopped = false;
    while (!budget_spent()) {
      const int gen = next_generation_;
      apply_due_synthesis(gen, /*wait=*/true);
      recalibrate(gen);  // a round stored by a finished run becomes due (an extended campaign)
      std::size_t n = static_cast<std::size_t>(cfg_.search.population);
      if (cfg_.search.max_evaluations)
        n = std::min<std::size_t>(n, static_cast<std::size_t>(*cfg_.search.max_evaluations - store_->count_evaluations()));
      const auto genomes = gen == 0 ? first_generation(n) : nsga_->ask(n);
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
      if (executor_->synthesis_pending()) executor_->collect_synthesis(true);
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
  /// The space's variation settings: defaults, plus those of the differential operator.
  space::OperatorOptions operator_options() const {
    space::OperatorOptions o;
    o.de_f = cfg_.search.de_f;
    o.de_cr = cfg_.search.de_cr;
    o.de_bounds = cfg_.search.de_bounds;
    return o;
  }

  search::Nsga2Options nsga_options() const {
    search::Nsga2Options o;
    o.population_size = static_cast<std::size_t>(cfg_.search.population);
    o.seed = cfg_.seed;
    o.survival = cfg_.search.algorithm;
    o.prescreen = static_cast<std::size_t>(cfg_.search.prescreen);
    o.initial_design = cfg_.search.initial_design;
    o.parents = cfg_.search.parents;
    o.operator_kind = cfg_.search.operator_kind;
    for (const auto& obj : cfg_.objectives)
      o.directions.push_back(obj.direction == Direction::maximize ? search::Direction::maximize
                                                                  : search::Direction::minimize);
    return o;
  }

  /// Generation 0: the seeding baselines' genomes, then random genomes up to `n` (the same random
  /// draws as without seeds, so the optimizer's stream does not depend on them).
  std::vector<search::Genome> first_generation(std::size_t n) {
    std::vector<search::Genome> out = seed_genomes(cfg_, ctx_->space);
    if (out.size() > n) out.resize(n);
    for (auto& g : nsga_->ask(n)) {
      if (out.size() == n) break;
      if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(std::move(g));
    }
    return out;
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
    const Json now = dataset_manifest(ctx_->data);
    if (manifest.contains("dataset") && manifest["dataset"]["sources"] != now["sources"])
      throw DataError(cfg_.dataset_path.string(), "sources", "the data set changed since the campaign started",
                      manifest["dataset"]["sources"].dump(), now["sources"].dump());
  }

  void run_generation(int gen, const std::vector<search::Genome>& genomes) {
    std::vector<CandidateJob> jobs(genomes.size());
    const Json calibration = calibration_to_json(device_);  // the calibration in force for this generation
    const Json early_stop = early_stop_rule();
    for (std::size_t i = 0; i < genomes.size(); ++i)
      jobs[i] = CandidateJob{gen, static_cast<int>(i), genomes[i], calibration, early_stop, inherited_from(genomes[i])};
    if (sigterm_at_ == gen) std::raise(SIGTERM);
    const std::vector<EvaluationRecord> records = executor_->evaluate(jobs);

    std::vector<std::vector<double>> objectives;
    std::vector<double> violations;
    for (const auto& rec : records) {
      const bool ok = rec.status == "ok";
      objectives.push_back(ok ? rec.objectives.get<std::vector<double>>()
                              : std::vector<double>(cfg_.objectives.size(), std::nan("")));
      violations.push_back(ok ? rec.violation : std::numeric_limits<double>::infinity());
    }
    nsga_->tell(genomes, objectives, violations);
    update_hv_bounds(records);
    const Json front = front_json();
    const double hv = front_hypervolume(front);
    Json state = {{"format", "nas4ml.campaign.v1"}, {"nsga2", nsga_->state(/*include_seen=*/false)}, {"hv_bounds", hv_bounds_},
                  {"calibration", calibration_json()}};
    if (kill_before_commit_ == gen) {
      spdlog::warn("NAS4ML_TEST_KILL_BEFORE_COMMIT={}: killing this process before the commit", gen);
      std::raise(SIGKILL);
    }
    store_->commit_generation(gen, records, state, front, hv);
    last_hv_ = hv;
  }

  /// The multi-fidelity rule of the next generation (early_stopping.hpp): the optimizer's feasible
  /// front and the first generation's ranges; null when off or before there is a front.
  Json early_stop_rule() const {
    if (!cfg_.search.multi_fidelity || hv_bounds_.is_null() || !nsga_) return Json();
    std::vector<std::string> ids;
    std::vector<std::vector<double>> front;
    for (std::size_t i : nsga_->front()) {
      ids.push_back(search::hash_hex(nsga_->population()[i].hash));
      front.push_back(nsga_->population()[i].objectives);
    }
    if (front.empty()) return Json();
    return to_json(make_early_stop_rule(*cfg_.search.multi_fidelity, cfg_.objectives, ids, front,
                                        hv_bounds_["lo"].get<std::vector<double>>(),
                                        hv_bounds_["hi"].get<std::vector<double>>()));
  }

  /// Weight inheritance: the stored trained parents of a genome the optimizer bred (in its order),
  /// as CandidateJob::parents; null when off or when no parent has a trained model.
  Json inherited_from(const search::Genome& genome) const {
    if (!cfg_.search.inherit_weights) return Json();
    Json out = Json::array();
    for (std::uint64_t h : nsga_->parents(genome)) {
      const std::string id = search::hash_hex(h);
      const auto rec = store_->evaluation(id);
      if (rec && rec->status == "ok" && !rec->model.is_null()) out.push_back({{"id", id}, {"model", rec->model}});
    }
    return out.empty() ? Json() : out;
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
    if (const auto b = bounds_of(pts)) hv_bounds_ = to_json(*b);
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
    ObjectiveSetup setup;
    setup.objectives = cfg_.objectives;
    setup.constraints = cfg_.constraints;
    setup.metrics_split = cfg_.training.metrics_split;
    const std::string best = best_objectives(front, setup);
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
    if (executor_->synthesis_pending()) executor_->collect_synthesis(true);
    std::vector<SynthesisJob> jobs;
    for (const auto& id : spread_along_front(synthesizable_front(gen), cfg_.synthesis.top_n))
      jobs.push_back(SynthesisJob{id, gen, store_->evaluation(id)->model});
    pending_launch_ = gen;
    executor_->submit_synthesis(std::move(jobs));
  }

  /// Stores and applies the pending synthesis round when it is due before generation `gen`.
  void apply_due_synthesis(int gen, bool wait) {
    if (!executor_->synthesis_pending() || pending_launch_ + cfg_.synthesis.every_generations > gen) return;
    const auto t0 = Clock::now();
    auto collected = executor_->collect_synthesis(wait);
    if (!collected) return;
    std::vector<SynthesisRecord> records = std::move(*collected);
    if (seconds_since(t0) > 1.0) spdlog::info("waited {:.1f} s for synthesis of generation {}", seconds_since(t0), pending_launch_);
    for (const auto& r : records) {
      store_->add_synthesis(r);
      if (r.status != "ok")
        spdlog::warn("synthesis of {} {}: {}", r.genome_hash, r.status, r.failure_reason.substr(0, r.failure_reason.find('\n')));
    }
    recalibrate(gen);
  }

  /// Calibration from the stored search rounds due by `next_generation_`; relaunches the last
  /// round when the interrupted run had not stored it.
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
    recalibrate(next_generation_);
    if (relaunch) {
      launch_synthesis(last_launch);
      if (last_launch + K <= next_generation_) apply_due_synthesis(next_generation_, true);
    }
  }

  /// The ids a search round launched after generation `g` synthesizes (fixed by the store).
  const std::vector<std::string>& round_ids(int g) {
    auto it = round_ids_.find(g);
    if (it == round_ids_.end())
      it = round_ids_.emplace(g, spread_along_front(campaign::synthesizable_front(*store_, store_->front(g),
                                                                               cfg_.synthesis.timeout_seconds).members,
                                                    cfg_.synthesis.top_n)).first;  // as launch_synthesis chose them
    return it->second;
  }

  /// The stored rows of the search rounds due before generation `gen` (launched after g with
  /// g + K <= gen): per round, the first row of each of its ids with that generation. Rows an
  /// `emit` stored (the finished campaign's final synthesis, later emits) are not part of a
  /// round, so a campaign extended by `resume --generations +K` calibrates exactly as the
  /// longer campaign did.
  std::vector<SynthesisRecord> due_rounds(int gen) {
    const auto runs = store_->synthesis_runs();
    std::vector<SynthesisRecord> out;
    const int last = std::min(gen - cfg_.synthesis.every_generations, next_generation_ - 1);
    for (int g = 0; g <= last; ++g) {
      if (!is_launch_generation(g)) continue;
      for (const auto& id : round_ids(g)) {
        const auto it = std::find_if(runs.begin(), runs.end(),
                                     [&](const auto& r) { return r.generation == g && r.genome_hash == id; });
        if (it != runs.end()) out.push_back(*it);
      }
    }
    return out;
  }

  /// Refits the calibration from the rounds due before generation `gen` when they changed.
  void recalibrate(int gen) {
    // Refitted only from the results of a backend whose target says they calibrate this flavor
    // (Vivado and Vitis HLS count differently from the yosys-fitted rtl estimator).
    if (!cfg_.synthesis.enabled || !cfg_.synthesis.recalibrate ||
        synthesis_target(cfg_, target_, device_)->calibrated_flavor() != cfg_.hardware.estimator)
      return;
    const auto rounds = due_rounds(gen);
    if (rounds.size() == calibrated_rows_) return;
    calibrated_rows_ = rounds.size();
    refit_calibration(device_, cfg_.hardware.estimator, rounds, /*log=*/true);
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
    eo.csim = cfg_.synthesis.csim;  // C simulation needs no synthesis tool
    eo.synthesis_backend = cfg_.synthesis.backend;
    eo.search_sharing_effort = cfg_.hardware.sharing_effort;
    std::optional<data::LoadedDataset> raw;
    if (cfg_.synthesis.fold_standardization) {  // the same splits in raw units
      data::LoadOverrides overrides;
      if (!cfg_.dataset_source.empty()) overrides.source = cfg_.dataset_source_path;
      overrides.raw_features = true;
      raw = data::load_dataset(cfg_.dataset_path, overrides);
      eo.raw_data = &*raw;
    }
    // The search's periodic syntheses used target_; the emitted designs get the emit effort.
    const auto emitted = emit_front(*store_, paths_, ctx_->data, device_, emit_target_settings(cfg_, paths_), eo);
    spdlog::info("emitted {} front members to {}", emitted.size(), paths_.firmware_root().string());
    write_report(*store_, paths_, device_);
  }

  ExperimentConfig cfg_;
  RunPaths paths_;
  RunOptions options_;
  std::unique_ptr<EvaluationContext> ctx_;   // what every evaluation reads (executor_ refers to it)
  std::unique_ptr<Executor> executor_;      // evaluates generations and synthesis rounds
  estimate::DeviceModel device_;            // with the calibration in force
  synth::TargetSettings target_;
  int threads_ = 1;
  std::optional<Store> store_;
  std::optional<search::Nsga2> nsga_;
  Json hv_bounds_;
  double last_hv_ = 0.0;
  int next_generation_ = 0;
  std::int64_t first_evaluations_ = 0;
  int pending_launch_ = -1;
  std::map<int, std::vector<std::string>> round_ids_;  // ids of each search round, by launch generation
  std::size_t calibrated_rows_ = 0;                    // synthesis rows the calibration was fitted on
  int kill_before_commit_ = -1;
  int sigterm_at_ = -1;
};

/// On a process that serves another's campaign (an MPI worker rank): serve until it is done.
std::optional<CampaignSummary> serve_if_server(const std::filesystem::path& run_dir, const RunOptions& options) {
  const ExecutorKind& kind = executor_kind(options.executor);
  if (!kind.is_server()) return std::nullopt;
  kind.serve(options.threads.value_or(-1));
  CampaignSummary s;
  s.run_dir = run_dir;
  s.served = true;
  return s;
}

}  // namespace

CampaignSummary run_campaign(const std::filesystem::path& experiment_file, const std::filesystem::path& run_dir,
                             const RunOptions& options) {
  if (auto served = serve_if_server(run_dir, options)) return *served;
  ExperimentConfig cfg = load_experiment(experiment_file);
  RunPaths paths(run_dir);
  const RunLock lock = RunLock::acquire(paths.root(), "run", /*create_folder=*/true);  // one writer
  if (std::filesystem::exists(paths.store()))
    throw ConfigError(paths.store().string(), "", "a campaign already exists here",
                      "a new --out folder, or `nas4ml resume " + run_dir.string() + "`", "an existing store");
  Runner runner(std::move(cfg), paths, options);
  runner.prepare();
  runner.start_new();
  return runner.search();
}

CampaignSummary resume_campaign(const std::filesystem::path& run_dir, const RunOptions& options) {
  if (auto served = serve_if_server(run_dir, options)) return *served;
  RunPaths paths(run_dir);
  const RunLock lock = RunLock::acquire(paths.root(), "resume", /*create_folder=*/false);  // one writer
  Store store = Store::open(paths.store());
  const Json manifest = store.manifest();
  if (!manifest.contains("experiment_file") || !manifest["experiment_file"].is_string())
    throw ConfigError(paths.store().string(), "meta.manifest.experiment_file", "campaign store is incomplete",
                      "the experiment file's path", "nothing");
  // The stored canonical experiment, with relative paths resolved where the original file was.
  const std::filesystem::path original = manifest["experiment_file"].get<std::string>();
  ExperimentConfig cfg = parse_stored_experiment(store.experiment(), original);
  if (options.extra_generations != 0) extend_generations(cfg, store, paths, options.extra_generations);
  Runner runner(std::move(cfg), paths, options);
  runner.prepare();
  runner.resume_from(std::move(store));
  return runner.search();
}

}  // namespace nas4ml::campaign
