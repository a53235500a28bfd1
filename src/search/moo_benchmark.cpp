#include "nas4ml/search/moo_benchmark.hpp"

#include <chrono>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/test_problems.hpp"

namespace nas4ml::search {

MooRunResult run_moo_benchmark(const MooRunOptions& o) {
  if (o.population < 4 || o.population > 100000)
    throw ConfigError("", "moo-bench --pop", "value out of range", "an integer in [4, 100000]",
                      std::to_string(o.population));
  if (o.generations > 1000000)
    throw ConfigError("", "moo-bench --gens", "value out of range", "an integer in [0, 1000000]",
                      std::to_string(o.generations));
  const Problem problem = make_problem(o.problem, o.n_variables, o.n_objectives);
  Nsga2Options nopt;
  nopt.population_size = o.population;
  nopt.directions.assign(problem.n_objectives, Direction::minimize);
  nopt.seed = o.seed;
  nopt.truncation = o.truncation;
  Nsga2 nsga2(nopt, make_real_variation(problem.lower, problem.upper, o.variation));

  const auto start = std::chrono::steady_clock::now();
  for (std::size_t gen = 0; gen <= o.generations; ++gen) {
    const auto genomes = nsga2.ask(o.population);
    std::vector<std::vector<double>> objectives;
    std::vector<double> violations;
    objectives.reserve(genomes.size());
    violations.reserve(genomes.size());
    for (const auto& g : genomes) {
      objectives.push_back(problem.objectives(g.reals));
      violations.push_back(problem.constraints ? total_violation(problem.constraints(g.reals)) : 0.0);
    }
    nsga2.tell(genomes, objectives, violations);
  }
  MooRunResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (std::size_t i : nsga2.front()) r.front.push_back(nsga2.population()[i].objectives);
  r.reference = problem.reference;
  r.hypervolume = hypervolume(r.front, r.reference);
  r.true_front_hypervolume = problem.true_front_hypervolume;
  r.evaluations = nsga2.evaluations();
  return r;
}

}  // namespace nas4ml::search
