#pragma once
/// \file The Executor seam (docs/architecture.md): who evaluates a generation's candidates and
/// runs the synthesis jobs. A campaign asks its executor to evaluate a batch and gets one record
/// per job back, in job order, whatever ran where; every record is evaluate_candidate() of its job
/// (candidate_evaluation.hpp), so the kind of executor never changes a result.
///
/// Kinds are registered by name: `local` (a TBB pool of this process's threads) and, when built
/// with MPI, `mpi` (ranks under mpirun or srun: rank 0 coordinates, the others evaluate; see
/// mpi_executor.hpp and docs/cluster.md). A kind is a factory for the coordinator's Executor plus
/// a `serve` function that the other processes of the kind run until the coordinator is done.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/campaign/candidate_evaluation.hpp"

namespace nas4ml::campaign {

/// How an executor runs (none of it changes results).
struct ExecutorOptions {
  int threads = 1;          ///< evaluation threads of this process (per rank for `mpi`); >= 1
  int synthesis_jobs = 1;   ///< synthesis processes at once (per rank for `mpi`); >= 1
};

/// The evaluation threads a process uses: `requested` when >= 0 (the --threads option), else the
/// experiment's `threads`; 0 means every core TBB sees.
int resolve_threads(int requested, const ExperimentConfig& config);

/// Evaluates batches of candidates and runs synthesis rounds for one campaign.
class Executor {
 public:
  virtual ~Executor() = default;
  /// The kind's name ("local", "mpi").
  virtual std::string name() const = 0;
  /// Evaluates every job; record i belongs to jobs[i]. Throws only for internal errors (the one
  /// of the lowest job index) or a lost worker.
  virtual std::vector<EvaluationRecord> evaluate(const std::vector<CandidateJob>& jobs) = 0;
  /// Starts a synthesis round in the background (one round at a time: the previous one must
  /// have been collected).
  virtual void submit_synthesis(std::vector<SynthesisJob> jobs) = 0;
  /// Whether a submitted round has not been collected yet.
  virtual bool synthesis_pending() const = 0;
  /// The submitted round's records in job order: waits for them when `wait`, otherwise returns
  /// nothing unless the round is done.
  virtual std::optional<std::vector<SynthesisRecord>> collect_synthesis(bool wait) = 0;
  /// A short description for logs ("2 threads", "4 ranks x 1 thread").
  virtual std::string describe() const = 0;
};

/// A registered kind of executor.
struct ExecutorKind {
  std::string name;
  std::string description;  ///< one line for --help
  /// Whether this process serves evaluations instead of coordinating (false for `local`; for
  /// `mpi`, true on every rank but 0). May start the kind's runtime (MPI_Init) on first call.
  std::function<bool()> is_server;
  /// Serves evaluations until the coordinator is done (only where is_server()); `threads` is
  /// resolve_threads()' `requested` (the experiment is known only once the coordinator sent it).
  std::function<void(int threads)> serve;
  /// The coordinator's executor over `context` (for `mpi`: sends the context to the servers and
  /// checks that each loaded the same data; a mismatch is a DataError naming rank, host, file).
  std::function<std::unique_ptr<Executor>(const EvaluationContext&, const ExecutorOptions&)> make;
};

/// Adds (or replaces) a kind of executor.
void register_executor(ExecutorKind kind);

/// The kind called `name`; ConfigError naming the available kinds otherwise (`field` names the
/// option or key that chose it in the message).
const ExecutorKind& executor_kind(std::string_view name, std::string_view field = "--executor");

/// Names of every registered kind, sorted.
std::vector<std::string> executor_names();

/// The `local` executor: jobs evaluated by `options.threads` TBB threads of this process, the
/// synthesis round run by `options.synthesis_jobs` background threads.
std::unique_ptr<Executor> make_local_executor(const EvaluationContext& context, const ExecutorOptions& options);

}  // namespace nas4ml::campaign
