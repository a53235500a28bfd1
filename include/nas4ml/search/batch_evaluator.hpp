#pragma once
/// \file Parallel evaluation of a batch of genomes over TBB (after pagmo2's thread_bfe,
/// after pagmo2's thread_bfe): each candidate gets its own random stream
/// Rng::stream(seed, generation, first_index + i, purpose), so results do not depend on the
/// number of threads or on timing. A candidate that throws is marked failed with the reason and
/// the batch goes on; only internal errors (bugs) are collected and the first one rethrown once
/// the whole batch is done, at a single point.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/genome.hpp"

namespace nas4ml::search {

/// What evaluating one candidate produced.
struct Evaluation {
  std::vector<double> objectives;    ///< as defined by the caller (NaN when failed)
  double violation = 0.0;            ///< total constraint violation; +inf when failed
  bool failed = false;               ///< the evaluation threw
  std::string failure;               ///< why it failed (the exception's message)
  double seconds = 0.0;              ///< wall time of this evaluation
};

/// Where a batch sits in the campaign, which decides every candidate's random stream.
struct BatchContext {
  std::uint64_t seed = 0;        ///< campaign seed
  std::uint64_t generation = 0;  ///< generation of the batch
  std::uint64_t first_index = 0; ///< index of the batch's first candidate within its generation
  std::string purpose = "evaluate";
  std::size_t n_objectives = 0;  ///< expected objectives per candidate; 0 = do not check
  bool rethrow_internal_errors = true;  ///< rethrow nas4ml::InternalError after the batch
};

/// Evaluates one genome; `rng` is the candidate's own stream, `index` its index in the generation.
using EvaluateFn = std::function<Evaluation(const Genome& genome, Rng& rng, std::uint64_t index)>;

/// Evaluates every genome in parallel (the calling thread's TBB arena decides the thread count).
/// Result i belongs to genomes[i]. A non-finite objective from a non-failed evaluation, or a
/// wrong number of objectives, turns that candidate into a failure with that reason.
std::vector<Evaluation> evaluate_batch(const std::vector<Genome>& genomes, const EvaluateFn& evaluate,
                                       const BatchContext& context);

}  // namespace nas4ml::search
