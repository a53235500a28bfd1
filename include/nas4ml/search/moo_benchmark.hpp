#pragma once
/// \file One optimizer run (any survival kind) on a test problem (test_problems.hpp): what `nas4ml moo-bench` and the
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
  std::string algorithm = "nsga2"; ///< survival kind (survival.hpp)
  std::size_t prescreen = 1;       ///< Nsga2Options::prescreen (1 = off)
  std::string initial_design = "random";  ///< Nsga2Options::initial_design
  std::string parents = "population";     ///< Nsga2Options::parents
  std::string operator_kind = "crossover";  ///< Nsga2Options::operator_kind
  bool archive = false;            ///< keep every evaluated point for archive_hypervolume
  std::size_t offspring = 0;       ///< children per tell, in [1, population]; 0: the population
                                   ///< (1 = steady state, as in SMS-EMOA's paper)
};

/// What came out.
struct MooRunResult {
  std::vector<Point> front;          ///< feasible non-dominated points of the final population
  Point reference;                   ///< hypervolume reference point
  double hypervolume = 0.0;          ///< of `front` against `reference`
  double archive_hypervolume = 0.0;  ///< of every feasible point evaluated (what a campaign keeps);
                                     ///< NaN unless options.archive
  double true_front_hypervolume = 0; ///< the problem's, NaN when unknown
  std::size_t evaluations = 0;       ///< population * (generations + 1)
  std::size_t archive_size = 0;      ///< non-dominated feasible points among all evaluated
  double seconds = 0.0;              ///< wall time of the run (optimizer + evaluations)
};

/// Runs the optimizer: an initial random population, then population * generations more
/// evaluations, `offspring` per ask / evaluate / tell round. Throws ConfigError on bad options.
MooRunResult run_moo_benchmark(const MooRunOptions& options);

}  // namespace nas4ml::search
