#pragma once
/// \file The experiment file (experiments/*.json, documented field by field in docs/config.md):
/// everything one campaign reads — dataset spec, search space, objectives with directions,
/// constraints, device and estimator flavor, search budget, per-candidate training budget,
/// synthesis schedule, seed and threads.
///
/// load_experiment() reads the file through JsonView and validates all of it (unknown keys with
/// the nearest valid key, types, ranges, missing fields and files, objective and constraint
/// metrics, the device) before anything runs; every problem is a ConfigError
///   <file>:<json-path>: <what>, expected <x>, got <y>
/// to_json() gives the canonical form (every default filled in) and experiment_hash() its
/// SHA-256, which names the experiment in a campaign's manifest.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/campaign/teacher.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/task.hpp"

namespace nas4ml::campaign {

/// Whether an objective is to be made small or large.
enum class Direction { minimize, maximize };

/// "minimize" or "maximize".
std::string_view to_string(Direction direction) noexcept;

/// Every metric a candidate evaluation reports and an objective or constraint may name:
/// accuracy, auc, lut, ff, dsp, bram, latency_ns, latency_cycles, ii, bops, ebops,
/// max_utilization, then the task metrics (nn::task_metric_names(): mse, resolution,
/// tpr_at_fpr_1e-3, ...; units and meaning in docs/config.md).
const std::vector<std::string>& metric_names();

/// The direction that makes sense for `metric`: maximize for accuracy and auc, minimize for
/// every cost. Precondition: `metric` is one of metric_names().
Direction natural_direction(std::string_view metric);

/// The device resources a `max_fraction_of_device` constraint may bound: lut, ff, dsp, bram.
const std::vector<std::string>& device_resource_names();

/// One objective of the multi-objective search.
struct Objective {
  std::string metric;                       ///< one of metric_names()
  Direction direction = Direction::minimize;
};

/// How a constraint bounds its metric.
enum class ConstraintOp {
  max,                     ///< metric <= value
  min,                     ///< metric >= value
  max_fraction_of_device,  ///< metric <= value * the device's total of that resource
};

/// The JSON key of an operator: "max", "min", "max_fraction_of_device".
std::string_view to_string(ConstraintOp op) noexcept;

/// One feasibility constraint (NSGA-II's constrained domination uses the violation).
struct Constraint {
  std::string metric;  ///< one of metric_names()
  ConstraintOp op = ConstraintOp::max;
  double value = 0.0;  ///< the bound, in the metric's unit (a fraction for max_fraction_of_device)
};

/// Target device and how candidates are costed.
struct HardwareConfig {
  std::string device;                      ///< part name, e.g. "xcvu9p": estimators/<vendor>/<device>.json
  std::string target = "rtl";              ///< implementation target (synth/target.hpp): rtl or hls
  std::string estimator = "rtl";           ///< estimator flavor: rtl or hls (default: the target's)
  double clock_ns = 5.0;                   ///< target clock period in ns (200 MHz)
  bool use_dsp = false;                    ///< products as DSP multiplies instead of CSD shift-adds in LUTs
  std::string sharing = "cse";             ///< rtl lowering: "cse" (shared subexpressions) or "none"
  int sharing_effort = 1;                  ///< with cse: runs of the subexpression search per layer
                                           ///< (pricing every candidate, periodic synthesis)
  int emit_sharing_effort = 8;             ///< with cse: the same for the designs `nas4ml emit` writes
  std::filesystem::path device_file;       ///< resolved estimators/<vendor>/<device>.json (not in to_json)
};

/// Multi-fidelity early stopping (campaign/early_stopping.hpp, docs/search.md "Cheaper
/// candidates"): check each candidate after `fraction` of its epochs; stop it when even its
/// objectives moved by the slacks (fractions of each objective's first-generation range) are
/// dominated by the current front.
struct MultiFidelityConfig {
  double fraction = 0.5;         ///< of the candidate's epochs, before the check (at least until pruning is done)
  double quality_slack = 0.25;   ///< training metrics (accuracy, auc, task metrics) may still improve this much
  double hardware_slack = 0.05;  ///< estimated costs (lut, ff, latency, bops, ...) may still improve this much
};

/// The optimizer and its budget: exactly one of generations and max_evaluations is set.
struct SearchConfig {
  std::string algorithm = "nsga2";              ///< survival kind: "nsga2", "smsemoa", "nsga3" (search/survival.hpp)
  int population = 32;                          ///< candidates per generation
  int prescreen = 1;                            ///< surrogate pre-screening: best of k bred children (1 = off)
  std::string initial_design = "random";        ///< first population: random | lhs (Latin hypercube)
  std::string parents = "population";           ///< tournament parents: population | archive (+ elite)
  std::optional<int> generations;               ///< stop after this many generations
  std::optional<std::int64_t> max_evaluations;  ///< or after this many candidate evaluations
  std::optional<MultiFidelityConfig> multi_fidelity;  ///< early stopping of hopeless candidates (absent = off)
  bool inherit_weights = false;  ///< a bred child starts from its parent's trained weights where shapes match
  std::string operator_kind = "crossover";  ///< how children are bred: crossover | differential (search.operator)
  /// search.differential: F, CR and the bound rule of the differential operator (space/operators.hpp)
  double de_f = 0.5, de_cr = 0.5;
  std::string de_bounds = "random";
};

/// The budget one candidate gets for training.
struct TrainingBudget {
  int max_epochs = 50;                      ///< caps the epochs the search space decodes to
  double timeout_seconds = 300.0;           ///< wall clock per candidate; over it the candidate fails
  std::string metrics_split = "validation"; ///< split the accuracy/auc objectives are measured on
  std::string init = "he";                  ///< every candidate's weight initialization (nn/mlp.hpp)
};

/// When real synthesis checks and recalibrates the estimator.
struct SynthesisSchedule {
  bool enabled = true;             ///< false: no synthesis at all (estimates only)
  std::string backend = "yosys";   ///< synthesis tool
  int every_generations = 5;       ///< K: synthesize after every K-th generation
  int top_n = 3;                   ///< N: how many members of the current front each time
  double timeout_seconds = 600.0;  ///< wall clock per synthesis run; over it the run is a failure
  int memory_limit_mb = 4096;      ///< address-space limit of one tool process, MiB
  int jobs = 1;                    ///< synthesis processes running at the same time
  bool recalibrate = true;         ///< refit the estimator's calibration after each round
  int final_top_n = 5;             ///< front members synthesized at the end (0: none)
  bool simulate = true;            ///< simulate emitted firmware against the golden model
  int simulate_samples = 1000;     ///< test-split samples in each simulation
  bool csim = false;               ///< C-simulate each emitted winner's HLS project (g++, ap_types headers)
  bool fold_standardization = false;  ///< also emit each winner reading raw units (campaign/raw_inputs.hpp)
};

/// A reference design the experiment compares the search with (e.g. the hls4ml jet network): a
/// model spec, trained and evaluated once like a candidate, stored, and marked wherever the front
/// is shown.
struct Baseline {
  std::string name;                    ///< a safe name, unique in the experiment
  std::string model;                   ///< model spec or QuantizedModel path as written (docs/model.md)
  std::filesystem::path model_path;    ///< resolved against the experiment file's folder
  bool quantized = false;              ///< the file is a QuantizedModel (evaluated, not trained)
  bool seed_population = false;        ///< its genome joins the first generation (model specs only)
};

/// One experiment file, validated, with every default filled in.
struct ExperimentConfig {
  int version = 1;                         ///< schema version of the file
  std::string name;                        ///< default: the file's stem; a safe folder name
  std::string description;
  std::string dataset;                     ///< dataset spec path as written
  std::string dataset_source;              ///< optional replacement of the spec's data file (CSV/ARFF); "" = none
  std::string search_space;                ///< search space path as written
  std::vector<Objective> objectives;
  std::vector<Constraint> constraints;
  HardwareConfig hardware;
  SearchConfig search;
  TrainingBudget training;
  SynthesisSchedule synthesis;
  std::uint64_t seed = 1;                  ///< campaign seed of every Rng::stream
  int threads = 0;                         ///< evaluation threads; 0 = all cores
  std::vector<Baseline> baselines;         ///< reference designs (optional)
  nn::TaskSpec task;                       ///< what the networks learn (default classification)
  DistillationConfig distillation;         ///< knowledge distillation from a teacher (campaign/teacher.hpp)

  // Where things are (resolved at load time, not part of to_json or the hash).
  std::filesystem::path source_file;       ///< the experiment file
  std::filesystem::path dataset_path;      ///< `dataset` resolved against the file's folder
  std::filesystem::path dataset_source_path; ///< `dataset_source` resolved, empty when not given
  std::filesystem::path search_space_path; ///< `search_space` resolved against the file's folder
  std::filesystem::path estimators_dir;    ///< the estimators/ folder the device was found in
};

/// Options of load_experiment().
struct LoadOptions {
  /// The estimators/ folder holding <vendor>/<part>.json device files. Unset: the nearest
  /// folder named `estimators` in the experiment file's folder or one of its parents.
  std::optional<std::filesystem::path> estimators_dir;
};

/// Reads and validates an experiment file. Throws ConfigError on the first problem.
ExperimentConfig load_experiment(const std::filesystem::path& file, const LoadOptions& options = {});

/// Validates an already parsed experiment; `file` names it in messages and anchors relative paths.
ExperimentConfig parse_experiment(const Json& document, const std::filesystem::path& file,
                                  const LoadOptions& options = {});

/// parse_experiment() of a canonical experiment a campaign stored (store, evaluation description).
/// One stored before "sharing" became "cse" by default has no hardware.sharing, which then meant
/// "none": it is read as "none", so an older campaign resumes, reports and emits its own lowering.
ExperimentConfig parse_stored_experiment(const Json& document, const std::filesystem::path& file);

/// The canonical JSON of `config`: every field with its value or default, paths as written.
/// Loading it again (from the same folder) gives the same config.
Json to_json(const ExperimentConfig& config);

/// Hex SHA-256 of the compact dump of to_json(config) without hardware.sharing when it is "none"
/// (as before the key was written always): the experiment's identity in manifests. An experiment
/// saying "sharing": "none" keeps its hash from before cse became the default; one without the
/// key (now cse) gets another.
std::string experiment_hash(const ExperimentConfig& config);

/// One line for people: `dataset magic, 4 objectives (...), 2 constraints, device xcvu9p, ...`.
std::string describe(const ExperimentConfig& config);

/// What check_data() found in the data set.
struct DataCheck {
  std::size_t features = 0;
  std::size_t classes = 0;
  std::size_t train_rows = 0, validation_rows = 0, test_rows = 0;
};

/// The metrics an experiment of task `task` may name (metric_names() without the metrics other
/// tasks report).
bool metric_fits_task(const std::string& metric, const nn::TaskSpec& task);

/// Loads the experiment's data set for real (readers, split, preprocessing; `dataset_source`
/// applied) and checks that its feature and class counts fit the search space. load_experiment()
/// checks this only where the dataset spec states the counts (`classes`, `feature_columns`).
/// Throws ConfigError or DataError.
DataCheck check_data(const ExperimentConfig& config);

/// The estimators/ folder used when none is given: the nearest `estimators` folder at or above
/// `start` (a folder), else estimate::default_estimators_dir() ($NAS4ML_ESTIMATORS, or the one
/// beside the executable). Throws ConfigError (naming `file`) when there is none.
std::filesystem::path find_estimators_dir(const std::filesystem::path& start, const std::string& file);

/// The device file of `device` under `estimators_dir`, if there is one.
std::optional<std::filesystem::path> find_device_file(const std::filesystem::path& estimators_dir,
                                                      std::string_view device);

}  // namespace nas4ml::campaign
