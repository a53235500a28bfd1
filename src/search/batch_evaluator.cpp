#include "nas4ml/search/batch_evaluator.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/parallel_for.hpp"

namespace nas4ml::search {

namespace {
Evaluation failed_with(std::string reason, std::size_t n_objectives) {
  Evaluation e;
  e.failed = true;
  e.failure = std::move(reason);
  e.violation = std::numeric_limits<double>::infinity();
  e.objectives.assign(n_objectives, std::numeric_limits<double>::quiet_NaN());
  return e;
}
}  // namespace

std::vector<Evaluation> evaluate_batch(const std::vector<Genome>& genomes, const EvaluateFn& evaluate,
                                       const BatchContext& ctx) {
  NAS4ML_ASSERT(static_cast<bool>(evaluate), "evaluate_batch needs an evaluation function");
  std::vector<Evaluation> results(genomes.size());
  std::exception_ptr first_internal;
  std::size_t first_internal_index = genomes.size();
  std::mutex mutex;
  parallel_for(genomes.size(), [&](std::size_t i) {
    const std::uint64_t index = ctx.first_index + i;
    Rng rng = Rng::stream(ctx.seed, ctx.generation, index, ctx.purpose);
    const auto start = std::chrono::steady_clock::now();
    Evaluation e;
    try {
      e = evaluate(genomes[i], rng, index);
      if (!e.failed) {
        if (ctx.n_objectives != 0 && e.objectives.size() != ctx.n_objectives)
          e = failed_with(fmt::format("evaluation returned {} objectives, expected {}", e.objectives.size(),
                                      ctx.n_objectives),
                          ctx.n_objectives);
        for (double f : e.objectives)
          if (!e.failed && !std::isfinite(f)) e = failed_with(fmt::format("non-finite objective {}", f), e.objectives.size());
        if (!e.failed && !(e.violation >= 0.0))
          e = failed_with(fmt::format("invalid constraint violation {}", e.violation), e.objectives.size());
      } else {
        e.violation = std::numeric_limits<double>::infinity();
      }
    } catch (const InternalError& ex) {
      e = failed_with(std::string("internal error: ") + ex.what(), ctx.n_objectives);
      if (ctx.rethrow_internal_errors) {
        std::lock_guard lock(mutex);
        // Keep the lowest index, not the first in time, so the rethrown error is deterministic.
        if (i < first_internal_index) {
          first_internal_index = i;
          first_internal = std::current_exception();
        }
      }
    } catch (const std::exception& ex) {
      e = failed_with(ex.what(), ctx.n_objectives);
    } catch (...) {
      e = failed_with("unknown exception", ctx.n_objectives);
    }
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    results[i] = std::move(e);
  });
  if (first_internal) std::rethrow_exception(first_internal);
  return results;
}

}  // namespace nas4ml::search
