// nsga2_vs_pagmo: our NSGA-II (nas4ml::search) against pagmo2's nsga2 on ZDT1, ZDT2, ZDT3 and
// DTLZ2 (3 objectives), with the same population, generations and variation parameters, over
// 10 seeds. Prints the median hypervolume of each (reference point 1.1 in every objective, both
// fronts measured with the same function, cross-checked against pagmo's own hypervolume) and the
// optimizer's time per generation (evolution only; the initial population is not timed).
//
// Usage: nsga2_vs_pagmo [--pop 100] [--gens 250] [--seeds 10] [--truncation iterative_crowding|crowding]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>
#include <pagmo/problems/dtlz.hpp>
#include <pagmo/problems/zdt.hpp>
#include <pagmo/utils/hypervolume.hpp>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/nsga2.hpp"
#include "nas4ml/search/pareto.hpp"
#include "nas4ml/search/real_variation.hpp"
#include "nas4ml/search/test_problems.hpp"

namespace {
using namespace nas4ml;
using Clock = std::chrono::steady_clock;

struct Outcome {
  double hv = 0.0;
  double ms_per_gen = 0.0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double front_hv(const std::vector<search::Point>& pts, const search::Point& ref) {
  std::vector<search::Point> front;
  for (std::size_t i : search::non_dominated_indices(pts)) front.push_back(pts[i]);
  return search::hypervolume(front, ref);
}

Outcome run_ours(const search::Problem& p, std::size_t pop, std::size_t gens, unsigned seed,
                 const search::RealVariationOptions& vo, search::Truncation truncation) {
  search::Nsga2Options o;
  o.population_size = pop;
  o.directions.assign(p.n_objectives, search::Direction::minimize);
  o.seed = seed;
  o.truncation = truncation;
  search::Nsga2 nsga2(o, search::make_real_variation(p.lower, p.upper, vo));
  auto step = [&] {
    const auto genomes = nsga2.ask(pop);
    std::vector<std::vector<double>> f;
    f.reserve(genomes.size());
    for (const auto& g : genomes) f.push_back(p.objectives(g.reals));
    nsga2.tell(genomes, f, std::vector<double>(genomes.size(), 0.0));
  };
  step();  // initial population, not timed (pagmo builds it before evolve())
  const auto t0 = Clock::now();
  for (std::size_t g = 0; g < gens; ++g) step();
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<search::Point> pts;
  for (const auto& ind : nsga2.population()) pts.push_back(ind.objectives);
  return {front_hv(pts, p.reference), 1e3 * s / static_cast<double>(gens)};
}

Outcome run_pagmo(const pagmo::problem& prob, const search::Problem& p, std::size_t pop, std::size_t gens,
                  unsigned seed, const search::RealVariationOptions& vo, double m, bool cross_check) {
  pagmo::population population(prob, pop, seed);
  pagmo::algorithm algo(pagmo::nsga2(static_cast<unsigned>(gens), vo.crossover_probability, vo.eta_c, m, vo.eta_m, seed));
  const auto t0 = Clock::now();
  population = algo.evolve(population);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<search::Point> pts(population.get_f().begin(), population.get_f().end());
  const double hv = front_hv(pts, p.reference);
  if (cross_check) {
    // pagmo's hypervolume needs every point strictly inside the reference box
    std::vector<pagmo::vector_double> inside;
    for (std::size_t i : search::non_dominated_indices(pts)) {
      bool ok = true;
      for (std::size_t k = 0; k < pts[i].size(); ++k) ok = ok && pts[i][k] < p.reference[k];
      if (ok) inside.push_back(pts[i]);
    }
    const double theirs = inside.empty() ? 0.0 : pagmo::hypervolume(inside).compute(p.reference);
    if (std::abs(theirs - hv) > 1e-9 * std::max(1.0, hv)) {
      std::cerr << fmt::format("hypervolume mismatch on {}: ours {} pagmo {}\n", p.name, hv, theirs);
      std::exit(1);
    }
  }
  return {hv, 1e3 * s / static_cast<double>(gens)};
}

// The two implementations of each problem must agree before their optimizers are compared.
void check_same_problem(const pagmo::problem& prob, const search::Problem& p) {
  Rng rng(12345);
  for (int t = 0; t < 100; ++t) {
    std::vector<double> x(p.lower.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(p.lower[i], p.upper[i]);
    const auto a = p.objectives(x);
    const auto b = prob.fitness(x);
    for (std::size_t k = 0; k < a.size(); ++k)
      if (std::abs(a[k] - b[k]) > 1e-9 * std::max(1.0, std::abs(a[k]))) {
        std::cerr << fmt::format("{}: objective {} differs from pagmo's: {} vs {}\n", p.name, k, a[k], b[k]);
        std::exit(1);
      }
  }
}
}  // namespace

int main(int argc, char** argv) {
  std::size_t pop = 100, gens = 250, seeds = 10;
  std::string truncation = "iterative_crowding";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--pop") pop = std::stoul(v);
    else if (k == "--gens") gens = std::stoul(v);
    else if (k == "--seeds") seeds = std::stoul(v);
    else if (k == "--truncation") truncation = v;
    else {
      std::cerr << "usage: nsga2_vs_pagmo [--pop N] [--gens N] [--seeds N] [--truncation crowding|iterative_crowding]\n";
      return 2;
    }
  }
  const auto trunc = search::parse_truncation(truncation);
  struct Case {
    std::string name;
    pagmo::problem prob;
  };
  std::vector<Case> cases;
  cases.push_back({"zdt1", pagmo::problem{pagmo::zdt(1, 30)}});
  cases.push_back({"zdt2", pagmo::problem{pagmo::zdt(2, 30)}});
  cases.push_back({"zdt3", pagmo::problem{pagmo::zdt(3, 30)}});
  cases.push_back({"dtlz2", pagmo::problem{pagmo::dtlz(2, 12, 3)}});

  std::cout << fmt::format("NSGA-II: nas4ml (truncation {}) vs pagmo2 {}.{}.{}; population {}, {} generations, "
                           "{} seeds; cr 0.95, eta_c 10, m 1/n, eta_m 50; hypervolume reference 1.1 per objective\n\n",
                           truncation, PAGMO_VERSION_MAJOR, PAGMO_VERSION_MINOR, PAGMO_VERSION_PATCH, pop, gens, seeds);
  std::cout << "| problem | n | median HV nas4ml | median HV pagmo2 | true front HV | ms/gen nas4ml | ms/gen pagmo2 |\n";
  std::cout << "|---|---|---|---|---|---|---|\n";
  for (auto& c : cases) {
    const search::Problem p = search::make_problem(c.name, c.name == "dtlz2" ? 12 : 30, c.name == "dtlz2" ? 3 : 0);
    check_same_problem(c.prob, p);
    search::RealVariationOptions vo;  // pagmo's defaults for cr, eta_c, eta_m
    const double m = 1.0 / static_cast<double>(p.lower.size());
    vo.mutation_probability = m;
    std::vector<double> hv_ours, hv_pagmo, t_ours, t_pagmo;
    for (std::size_t s = 1; s <= seeds; ++s) {
      const auto a = run_ours(p, pop, gens, static_cast<unsigned>(s), vo, trunc);
      const auto b = run_pagmo(c.prob, p, pop, gens, static_cast<unsigned>(s), vo, m, s == 1);
      hv_ours.push_back(a.hv);
      hv_pagmo.push_back(b.hv);
      t_ours.push_back(a.ms_per_gen);
      t_pagmo.push_back(b.ms_per_gen);
    }
    std::cout << fmt::format("| {} | {} | {:.5f} | {:.5f} | {:.5f} | {:.3f} | {:.3f} |\n", c.name, p.lower.size(),
                             median(hv_ours), median(hv_pagmo), p.true_front_hypervolume, median(t_ours),
                             median(t_pagmo));
    std::cout.flush();
  }
  return 0;
}
