#pragma once
/// \file The campaign store: one SQLite file per campaign (runs/NAME/campaign.sqlite) holding the
/// experiment, the manifest, every evaluation, the optimizer state after each generation, the
/// synthesis runs and the fronts. WAL journal, one writer (the campaign's main thread); each
/// generation's evaluations and the optimizer state are committed in one transaction, which is
/// what makes resume exact (a killed campaign loses at most the generation in flight).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nas4ml/core/json.hpp"

struct sqlite3;

namespace nas4ml::campaign {

/// One trained-and-estimated candidate (or one that failed, with the reason).
struct EvaluationRecord {
  int generation = 0;
  int index = 0;                 ///< position in its generation's batch
  std::string genome_hash;       ///< hex of the genome's 64-bit hash; unique within a campaign
  Json genome;                   ///< the genome as the search space serializes it
  Json model_spec;               ///< decoded ModelSpec
  Json model;                    ///< QuantizedModel JSON (null when training failed)
  Json metrics;                  ///< accuracy, auc, ... (fixed-point, from the golden model)
  Json estimates;                ///< estimator output
  Json objectives;               ///< objective values as the optimizer saw them (array)
  double violation = 0.0;        ///< total constraint violation (0 = feasible)
  std::string status = "ok";     ///< ok | failed
  std::string failure_reason;    ///< why, when failed
  double train_seconds = 0.0;
  double estimate_seconds = 0.0;
  std::uint64_t seed = 0;        ///< the candidate's training seed
};

/// One synthesis of one candidate.
struct SynthesisRecord {
  std::string genome_hash;
  int generation = 0;            ///< generation whose front it came from
  std::string backend;           ///< yosys, vivado, ...
  std::string status = "ok";     ///< ok | failed | timeout
  std::string failure_reason;
  Json result;                   ///< parsed counts, tool version, wall time, ...
};

/// Open handle on a campaign store. Not thread-safe: the campaign's main thread is its only user.
class Store {
 public:
  /// Creates a new store at `path` (must not exist) holding the experiment and manifest.
  static Store create(const std::filesystem::path& path, const Json& experiment,
                      const std::string& experiment_hash, const Json& manifest);
  /// Opens an existing store. A missing file, a file that is not SQLite, a SQLite file that is not a
  /// nas4ml store, or a store of another schema version is a ConfigError naming the path.
  static Store open(const std::filesystem::path& path);
  /// Opens an existing store for reading only (front, show, export): like open() when the store
  /// is writable; a store on a read-only file system or without write permission is read without
  /// writing anything beside it. Writing through the handle then fails with a ConfigError.
  static Store open_read_only(const std::filesystem::path& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::filesystem::path& path() const noexcept { return path_; }
  Json experiment() const;
  std::string experiment_hash() const;
  Json manifest() const;
  /// Replaces the manifest (e.g. when the yosys version becomes known).
  void set_manifest(const Json& manifest);
  /// A cached value of the meta table under `key` (the distillation teacher: "teacher"), or
  /// nullopt when absent.
  std::optional<std::string> cached(const std::string& key) const;
  /// Stores (or replaces) a cached value of the meta table under `key`.
  void set_cached(const std::string& key, const std::string& value);

  /// Replaces the experiment and its hash in one transaction (a campaign extended by
  /// `resume --generations +K` becomes the campaign configured with those generations).
  void set_experiment(const Json& experiment, const std::string& experiment_hash);
  /// Commits a whole generation atomically: its evaluations, the optimizer state after tell(),
  /// and the front after this generation (ids and objective values) with its hypervolume.
  void commit_generation(int generation, const std::vector<EvaluationRecord>& evaluations,
                         const Json& optimizer_state, const Json& front, double hypervolume);
  /// The last generation committed, if any.
  std::optional<int> last_generation() const;
  /// The optimizer state committed with `generation`.
  Json optimizer_state(int generation) const;
  /// Evaluations in (generation, index) order; all of them when `generation` is empty.
  std::vector<EvaluationRecord> evaluations(std::optional<int> generation = std::nullopt) const;
  /// The evaluation of the genome with this hash, if stored.
  std::optional<EvaluationRecord> evaluation(const std::string& genome_hash) const;
  /// Number of evaluations stored, and how many failed. Counted once per open handle, then kept
  /// up to date by commit_generation() (this handle is the store's only writer: the run lock).
  std::int64_t count_evaluations(bool failed_only = false) const;
  /// The genome hashes of the evaluations of generations 0..`generation`, in (generation, index) order.
  std::vector<std::string> genome_hashes(int generation) const;

  /// Stores (or replaces) the evaluation of baseline `name` (its genome_hash is ignored).
  void add_baseline(const std::string& name, const EvaluationRecord& record);
  /// (name, evaluation) of every stored baseline, in insertion order; each record's genome_hash
  /// is the baseline's name and its generation 0.
  std::vector<std::pair<std::string, EvaluationRecord>> baselines() const;

  void add_synthesis(const SynthesisRecord& record);
  std::vector<SynthesisRecord> synthesis_runs() const;

  /// (generation, hypervolume) for every stored front, in order.
  std::vector<std::pair<int, double>> hypervolume_history() const;
  /// The front stored for `generation` (the last one when empty).
  Json front(std::optional<int> generation = std::nullopt) const;

 private:
  Store(std::filesystem::path path, sqlite3* db) noexcept : path_(std::move(path)), db_(db) {}
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  struct Counts {
    std::int64_t all = 0, failed = 0;
  };
  mutable std::optional<Counts> counts_;  // cached by count_evaluations()
};

}  // namespace nas4ml::campaign
