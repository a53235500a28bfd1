#pragma once
/// \file Running a campaign (docs/campaign.md): generation by generation, ask NSGA-II for
/// candidates, have the executor (executor.hpp: TBB threads, or MPI ranks) train and estimate
/// them, tell the results, and commit the
/// generation (evaluations + optimizer state + front) to the store in one transaction. Every K
/// generations the top N of the front are synthesized in the background; their results are
/// applied (recalibration) at a fixed later generation, so the front stays a pure function of the
/// experiment whatever the thread count, the timing or an interruption. At the end the front's
/// members are emitted as firmware and a report is written.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/core/json.hpp"

namespace nas4ml::campaign {

/// How a campaign process runs (none of this changes the results).
struct RunOptions {
  std::optional<int> threads;                 ///< overrides the experiment's `threads` (0 = all cores)
  std::function<bool()> stop_requested;       ///< polled after each committed generation (Ctrl-C)
  std::optional<int> stop_after_generation;   ///< stop once this generation is committed (as if interrupted)
  bool emit = true;                           ///< emit firmware and the report when the search is done
  bool progress = true;                       ///< one progress line per generation (logger, info)
  std::string executor = "local";             ///< who evaluates (executor.hpp): local, mpi
  int extra_generations = 0;                  ///< resume only: add this many generations to the budget
};

/// What a run or resume did.
struct CampaignSummary {
  std::filesystem::path run_dir;
  bool finished = false;          ///< the budget is spent (false: stopped early, resumable)
  int generations = 0;            ///< generations committed so far
  std::int64_t evaluations = 0;   ///< evaluations stored
  std::int64_t failed = 0;        ///< of which failed
  Json front;                     ///< the last stored front
  bool served = false;            ///< this process evaluated for another's campaign (an MPI worker): nothing else is set
};

/// Starts a new campaign from `experiment_file` in `run_dir` (created; must not hold a store).
CampaignSummary run_campaign(const std::filesystem::path& experiment_file, const std::filesystem::path& run_dir,
                             const RunOptions& options = {});

/// Continues the campaign in `run_dir` from its last committed generation. Refuses a missing,
/// foreign or corrupt store, and an experiment or data set that changed since the start.
CampaignSummary resume_campaign(const std::filesystem::path& run_dir, const RunOptions& options = {});

}  // namespace nas4ml::campaign
