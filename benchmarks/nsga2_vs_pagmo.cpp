// nsga2_vs_pagmo: the search's optimizer (nas4ml::search, survival kinds nsga2, smsemoa, nsga3)
// against pagmo2's multi-objective algorithms (nsga2, nspso, moead) on ZDT1, ZDT2, ZDT3 and
// DTLZ2 (3 objectives), in one run, over 10 seeds, with the same hypervolume function for every
// front (reference point 1.1 per objective; cross-checked against pagmo::hypervolume on seed 1).
//
// Two protocols:
//  --protocol final   (default) population 100 x 250 generations, ZDT 30 variables, DTLZ2 12:
//                     hypervolume of the final population, and the optimizer's time per generation.
//  --protocol archive a campaign's budget: population 20 x 25 generations (520 evaluations), ZDT
//                     6 variables, DTLZ2 5: hypervolume of every point evaluated (each wrapped
//                     problem records its fitness calls), what a campaign's store keeps.
// Every cell is "median [min, max]" over the seeds. Our variation is SBX + polynomial mutation
// with pagmo nsga2's parameters (cr 0.95, eta_c 10, eta_m 50) and m = 1/n for both; rows "+ de"
// use differential variation instead (DE/rand/1/bin with the dropped-genome archive, F 0.5,
// CR 0.5, then the same polynomial mutation), "+ de clamp" with mutant variables outside the box
// set to the bound (docs/search.md "Small budgets").
//
// Usage: nsga2_vs_pagmo [--protocol final|archive] [--pop N] [--gens N] [--seeds N]
//                       [--offspring N] (children per generation for ours; 0 = the population)
//                       [--truncation iterative_crowding|crowding] (our nsga2's last-front cut)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/moead.hpp>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/algorithms/nspso.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>
#include <pagmo/problems/dtlz.hpp>
#include <pagmo/problems/zdt.hpp>
#include <pagmo/utils/hypervolume.hpp>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/moo_benchmark.hpp"
#include "nas4ml/search/pareto.hpp"
#include "nas4ml/search/survival.hpp"
#include "nas4ml/search/test_problems.hpp"

namespace {
using namespace nas4ml;
using Clock = std::chrono::steady_clock;
using Points = std::vector<search::Point>;

struct Outcome {
  double hv = 0.0;
  double ms_per_gen = 0.0;
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

Points front_of(const Points& pts) {
  Points front;
  for (std::size_t i : search::non_dominated_indices(pts)) front.push_back(pts[i]);
  return front;
}

// A pagmo problem that forwards to another and records every objective vector it returns.
struct Recording {
  pagmo::problem inner;
  std::shared_ptr<Points> log = std::make_shared<Points>();
  pagmo::vector_double fitness(const pagmo::vector_double& x) const {
    auto f = inner.fitness(x);
    log->push_back(f);
    return f;
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const { return inner.get_bounds(); }
  pagmo::vector_double::size_type get_nobj() const { return inner.get_nobj(); }
  std::string get_name() const { return "recording " + inner.get_name(); }
};

void cross_check(const Points& front, const search::Problem& p, double hv) {
  Points inside;
  for (const auto& f : front) {
    bool ok = true;
    for (std::size_t k = 0; k < f.size(); ++k) ok = ok && f[k] < p.reference[k];
    if (ok) inside.push_back(f);
  }
  const double theirs = inside.empty() ? 0.0 : pagmo::hypervolume(inside).compute(p.reference);
  if (std::abs(theirs - hv) > 1e-9 * std::max(1.0, hv)) {
    std::cerr << fmt::format("hypervolume mismatch on {}: ours {} pagmo {}\n", p.name, hv, theirs);
    std::exit(1);
  }
}

search::Truncation g_truncation = search::Truncation::iterative_crowding;  // for nsga2

Outcome run_ours(const search::Problem& p, const std::string& kind, const std::string& op, std::size_t pop,
                 std::size_t gens, std::size_t offspring, unsigned seed, bool archive) {
  search::MooRunOptions o;
  o.problem = p.name;
  o.n_variables = p.lower.size();
  o.n_objectives = p.n_objectives;
  o.population = pop;
  o.generations = gens;
  o.seed = seed;
  o.algorithm = kind;
  o.offspring = offspring;
  o.archive = archive;
  o.truncation = g_truncation;
  o.variation.mutation_probability = 1.0 / static_cast<double>(p.lower.size());
  if (op != "sbx") o.operator_kind = "differential";
  if (op == "de clamp") o.variation.de_bounds = "clamp";
  const auto r = search::run_moo_benchmark(o);
  return {archive ? r.archive_hypervolume : r.hypervolume, 1e3 * r.seconds / static_cast<double>(gens + 1)};
}

pagmo::algorithm make_peer(const std::string& name, std::size_t pop, std::size_t gens, std::size_t n, unsigned seed) {
  const auto g = static_cast<unsigned>(gens);
  if (name == "nsga2") return pagmo::algorithm(pagmo::nsga2(g, 0.95, 10.0, 1.0 / static_cast<double>(n), 50.0, seed));
  if (name == "nspso") return pagmo::algorithm(pagmo::nspso(g, 0.6, 2.0, 2.0, 1.0, 0.5, 60u, "crowding distance", false, seed));
  return pagmo::algorithm(pagmo::moead(g, "low discrepancy", "tchebycheff", std::min<std::size_t>(20, pop - 1), 1.0,
                                       0.5, 20.0, 0.9, 2u, true, seed));
}

Outcome run_peer(const std::string& name, const pagmo::problem& prob, const search::Problem& p, std::size_t pop,
                 std::size_t gens, unsigned seed, bool archive, bool check) {
  Recording rec{prob};
  auto log = rec.log;
  pagmo::population population(pagmo::problem{rec}, pop, seed);
  auto algo = make_peer(name, pop, gens, p.lower.size(), seed);
  const auto t0 = Clock::now();
  population = algo.evolve(population);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  const Points pts = archive ? *log : Points(population.get_f().begin(), population.get_f().end());
  const Points front = front_of(pts);
  const double hv = search::hypervolume(front, p.reference);
  if (check) cross_check(front, p, hv);
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

std::string cell(const std::vector<double>& v) {
  return fmt::format("{:.4f} [{:.4f}, {:.4f}]", quantile(v, 0.5), quantile(v, 0.0), quantile(v, 1.0));
}
}  // namespace

int main(int argc, char** argv) {
  std::string protocol = "final";
  std::size_t pop = 0, gens = 0, seeds = 10, offspring = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--protocol") protocol = v;
    else if (k == "--pop") pop = std::stoul(v);
    else if (k == "--gens") gens = std::stoul(v);
    else if (k == "--seeds") seeds = std::stoul(v);
    else if (k == "--offspring") offspring = std::stoul(v);
    else if (k == "--truncation") g_truncation = search::parse_truncation(v);
    else {
      std::cerr << "usage: nsga2_vs_pagmo [--protocol final|archive] [--pop N] [--gens N] [--seeds N] [--offspring N] [--truncation crowding|iterative_crowding]\n";
      return 2;
    }
  }
  if (protocol != "final" && protocol != "archive") {
    std::cerr << "error: --protocol: expected final or archive, got " << protocol << "\n";
    return 2;
  }
  const bool archive = protocol == "archive";
  if (!pop) pop = archive ? 20 : 100;
  if (!gens) gens = archive ? 25 : 250;
  const std::size_t zdt_n = archive ? 6 : 30, dtlz_n = archive ? 5 : 12;
  struct Case {
    std::string name;
    pagmo::problem prob;
  };
  std::vector<Case> cases;
  cases.push_back({"zdt1", pagmo::problem{pagmo::zdt(1, static_cast<unsigned>(zdt_n))}});
  cases.push_back({"zdt2", pagmo::problem{pagmo::zdt(2, static_cast<unsigned>(zdt_n))}});
  cases.push_back({"zdt3", pagmo::problem{pagmo::zdt(3, static_cast<unsigned>(zdt_n))}});
  cases.push_back({"dtlz2", pagmo::problem{pagmo::dtlz(2, static_cast<unsigned>(dtlz_n), 3)}});
  const std::vector<std::string> ours = search::survival_kinds();
  const std::vector<std::string> peers = {"nsga2", "nspso", "moead"};

  std::cout << fmt::format("protocol {}: population {} x {} generations ({} evaluations), {} seeds, hypervolume of "
                           "{} (reference 1.1 per objective), median [min, max]; pagmo2 {}.{}.{}{}\n\n",
                           protocol, pop, gens, pop * (gens + 1), seeds,
                           archive ? "every evaluated point" : "the final population", PAGMO_VERSION_MAJOR,
                           PAGMO_VERSION_MINOR, PAGMO_VERSION_PATCH,
                           offspring ? fmt::format("; ours with {} children per generation", offspring) : "");
  std::cout << "| problem | n | algorithm | hypervolume | ms/gen |\n|---|---|---|---|---|\n";
  for (auto& c : cases) {
    const search::Problem p = search::make_problem(c.name, c.name == "dtlz2" ? dtlz_n : zdt_n, c.name == "dtlz2" ? 3 : 0);
    check_same_problem(c.prob, p);
    auto row = [&](const std::string& label, auto&& run) {
      std::vector<double> hv, ms;
      for (std::size_t s = 1; s <= seeds; ++s) {
        const Outcome o = run(static_cast<unsigned>(s));
        hv.push_back(o.hv);
        ms.push_back(o.ms_per_gen);
      }
      std::cout << fmt::format("| {} | {} | {} | {} | {:.3f} |\n", c.name, p.lower.size(), label, cell(hv),
                               quantile(ms, 0.5));
      std::cout.flush();
    };
    for (const std::string op : {"sbx", "de", "de clamp"})
      for (const auto& k : ours)
        row("nas4ml " + k + (op == "sbx" ? "" : " + " + op),
            [&](unsigned s) { return run_ours(p, k, op, pop, gens, offspring, s, archive); });
    for (const auto& k : peers)
      row("pagmo " + k, [&](unsigned s) { return run_peer(k, c.prob, p, pop, gens, s, archive, s == 1); });
  }
  return 0;
}
