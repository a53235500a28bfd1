#pragma once
/// \file Multi-fidelity early stopping of candidates that cannot plausibly reach the front.
///
/// A candidate is trained for a fraction of its epochs first (never before its pruning schedule
/// has reached the final sparsity, so its hardware estimates are those of a final-sparsity model),
/// then its integer model is measured and estimated like a finished one. It stops early when that
/// partial objective vector, moved toward "better" by a margin in every objective, is still
/// dominated by a member of the front the generation started from; otherwise it trains to the
/// end, bit-identical to a run without the check. The margins are the slacks of
/// MultiFidelityConfig times each objective's range in the first generation with a successful
/// candidate: training metrics get a large slack (they still improve), hardware costs a small one
/// (the sparsity and bit widths are final; only the weight values still move).
///
/// This is a conservative form of the low-fidelity screening of successive halving and
/// Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh, Talwalkar, "Hyperband: A Novel Bandit-Based
/// Approach to Hyperparameter Optimization", JMLR 18(185), 2018) and of learning-curve based
/// termination (Domhan, Springenberg, Hutter, "Speeding up Automatic Hyperparameter Optimization
/// of Deep Neural Networks by Extrapolation of Learning Curves", IJCAI 2015): instead of keeping a
/// fixed fraction, only candidates dominated with a margin are dropped, in every objective at once.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/core/json.hpp"

namespace nas4ml::campaign {

/// What a generation's candidates are checked against, fixed before the generation starts (so
/// every decision is a function of the stored campaign: deterministic, resumable).
struct EarlyStopRule {
  double fraction = 0.5;                       ///< of the candidate's epochs before the check
  std::vector<double> signs;                   ///< +1 minimized objective, -1 maximized
  std::vector<double> margins;                 ///< per objective, in its units (>= 0)
  std::vector<std::string> front_ids;          ///< genome hashes of the front members
  std::vector<std::vector<double>> front;      ///< their objective vectors, as measured
};

/// True for metrics that training still improves (accuracy, auc, the task metrics); false for
/// hardware estimates.
bool is_training_metric(const std::string& metric);

/// The rule for a generation: `front` (ids and measured objective vectors of the feasible
/// front) and the per-objective range [lo, hi] in minimized units (hypervolume_bounds.hpp).
EarlyStopRule make_early_stop_rule(const MultiFidelityConfig& config, const std::vector<Objective>& objectives,
                                   const std::vector<std::string>& front_ids,
                                   const std::vector<std::vector<double>>& front, const std::vector<double>& lo,
                                   const std::vector<double>& hi);

/// The number of completed epochs after which a candidate with `epochs` epochs, `prune_rounds`
/// pruning rounds and final sparsity `sparsity` is checked: max(ceil(fraction * epochs), the
/// epoch after the final sparsity is applied); 0 (no check) when that leaves no epoch to save.
int check_epoch(double fraction, int epochs, int prune_rounds, double sparsity);

/// The index of a front member that dominates `objectives` (as measured) moved toward better by
/// the margins, or nothing (the candidate may still reach the front and keeps training). An
/// objective may be infinite (a bound on what is not measured yet); a NaN one is never dominated.
std::optional<std::size_t> dominating_member(const EarlyStopRule& rule, const std::vector<double>& objectives);

/// JSON form carried by a CandidateJob (exact round trip).
Json to_json(const EarlyStopRule& rule);
EarlyStopRule early_stop_rule_from_json(const Json& json);

}  // namespace nas4ml::campaign
