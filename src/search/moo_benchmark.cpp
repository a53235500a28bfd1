#include "nas4ml/search/moo_benchmark.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/test_problems.hpp"

namespace nas4ml::search {

namespace {
std::vector<Point> non_dominated_points(std::vector<Point> points) {
  std::vector<Point> out;
  for (std::size_t i : non_dominated_indices(points)) out.push_back(std::move(points[i]));
  return out;
}
}  // namespace

MooRunResult run_moo_benchmark(const MooRunOptions& o) {
  if (o.population < 4 || o.population > 100000)
    throw ConfigError("", "moo-bench --pop", "value out of range", "an integer in [4, 100000]",
                      std::to_string(o.population));
  if (o.generations > 1000000)
    throw ConfigError("", "moo-bench --gens", "value out of range", "an integer in [0, 1000000]",
                      std::to_string(o.generations));
  const std::size_t lambda = o.offspring ? o.offspring : o.population;
  if (lambda > o.population)
    throw ConfigError("", "moo-bench --offspring", "value out of range",
                      fmt::format("an integer in [0, {}] (0 = the population)", o.population), std::to_string(lambda));
  const Problem problem = make_problem(o.problem, o.n_variables, o.n_objectives);
  Nsga2Options nopt;
  nopt.population_size = o.population;
  nopt.directions.assign(problem.n_objectives, Direction::minimize);
  nopt.seed = o.seed;
  nopt.truncation = o.truncation;
  nopt.survival = o.algorithm;
  nopt.prescreen = o.prescreen;
  nopt.initial_design = o.initial_design;
  nopt.parents = o.parents;
  nopt.operator_kind = o.operator_kind;
  (void)make_survival(o.algorithm, survival_settings(nopt), "moo-bench --algorithm");  // the CLI's name for it
  Nsga2 nsga2(nopt, make_real_variation(problem.lower, problem.upper, o.variation));

  std::vector<Point> archive;  // every feasible point evaluated, pruned to its front now and then
  std::size_t prune_at = 4096;
  const auto start = std::chrono::steady_clock::now();
  const std::size_t total = o.population * (o.generations + 1);
  while (nsga2.evaluations() < total) {
    const std::size_t n = nsga2.evaluations() == 0 ? o.population : std::min(lambda, total - nsga2.evaluations());
    const auto genomes = nsga2.ask(n);
    if (genomes.empty()) break;
    std::vector<std::vector<double>> objectives;
    std::vector<double> violations;
    objectives.reserve(genomes.size());
    violations.reserve(genomes.size());
    for (const auto& g : genomes) {
      objectives.push_back(problem.objectives(g.reals));
      violations.push_back(problem.constraints ? total_violation(problem.constraints(g.reals)) : 0.0);
      if (o.archive && violations.back() == 0.0) archive.push_back(objectives.back());
    }
    if (archive.size() > prune_at) {
      archive = non_dominated_points(std::move(archive));
      prune_at = 2 * archive.size() + 4096;
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
  r.archive_hypervolume = std::numeric_limits<double>::quiet_NaN();
  if (o.archive) {
    archive = non_dominated_points(std::move(archive));
    r.archive_size = archive.size();
    r.archive_hypervolume = hypervolume(archive, r.reference);
  }
  return r;
}

}  // namespace nas4ml::search
