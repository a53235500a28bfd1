#pragma once
/// \file One NSGA-II run on a test problem (test_problems.hpp): what `nas4ml moo-bench` and the
/// benchmarks run. Evaluation is serial and inline: the problems cost nanoseconds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nas4ml/search/nsga2.hpp"
#include "nas4ml/search/pareto.hpp"
#include "nas4ml/search/real_variation.hpp"

namespace nas4ml::search {

/// What to run.
struct MooRunOptions {
  std::string problem = "zdt1";
  std::size_t population = 100;    ///< in [4, 100000]
  std::size_t generations = 250;   ///< generations after the initial population, in [0, 1000000]
  std::uint64_t seed = 1;
  std::size_t n_variables = 0;     ///< 0: the problem's usual size
  std::size_t n_objectives = 0;    ///< DTLZ only; 0: 3
  RealVariationOptions variation;  ///< SBX / polynomial mutation (pagmo2 defaults)
  Truncation truncation = Truncation::iterative_crowding;
};

/// What came out.
struct MooRunResult {
  std::vector<Point> front;          ///< feasible non-dominated points of the final population
  Point reference;                   ///< hypervolume reference point
  double hypervolume = 0.0;          ///< of `front` against `reference`
  double true_front_hypervolume = 0; ///< the problem's, NaN when unknown
  std::size_t evaluations = 0;       ///< population * (generations + 1)
  double seconds = 0.0;              ///< wall time of the run (optimizer + evaluations)
};

/// Runs NSGA-II: an initial random population, then `generations` rounds of ask(population) /
/// evaluate / tell. Throws ConfigError on bad options.
MooRunResult run_moo_benchmark(const MooRunOptions& options);

}  // namespace nas4ml::search
