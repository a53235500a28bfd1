#pragma once
/// \file How the search creates and changes genomes, without knowing what they mean. NSGA-II
/// takes one Variation; the network search builds it from a search space
/// (nas4ml/space/search_adapter.hpp), the test problems from real bounds (real_variation.hpp).
#include <functional>
#include <string>
#include <utility>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/genome.hpp"

namespace nas4ml::search {

/// The operators of one encoding. Every function must draw randomness only from the Rng it is
/// given, so the search stays a pure function of its seed.
struct Variation {
  /// Names the encoding and its parameters, e.g. "real(n=30,cr=0.95,...)". Saved in the NSGA-II
  /// state; restoring with a different fingerprint is refused.
  std::string fingerprint;
  /// A uniformly random valid genome (initial population, fallback when children are duplicates).
  std::function<Genome(Rng&)> random;
  /// Optional: n valid genomes that cover the space evenly (a Latin hypercube: every gene's range
  /// split into n strata, each stratum used once), for an initial population; empty = none.
  std::function<std::vector<Genome>(std::size_t, Rng&)> design;
  /// Recombines two parents into two children (may return copies when crossover is skipped).
  std::function<std::pair<Genome, Genome>(const Genome&, const Genome&, Rng&)> crossover;
  /// Optional: differential variation (DE/rand/1/bin; R. Storn, K. Price, "Differential evolution
  /// - a simple and efficient heuristic for global optimization over continuous spaces", J. Global
  /// Optim. 11:341-359, 1997): a child of `target` whose genes come, each with the encoding's
  /// crossover rate (and at least one), from base + F (a - b); empty = the encoding has none.
  std::function<Genome(const Genome& target, const Genome& base, const Genome& a, const Genome& b, Rng&)> differential;
  /// Mutates a genome in place.
  std::function<void(Genome&, Rng&)> mutate;
  /// Makes any genome the operators produce valid and canonical (equal candidates -> equal genomes).
  std::function<void(Genome&)> repair;
  /// Empty when `genome` is valid for this encoding, else the reason it is not.
  std::function<std::string(const Genome&)> check;
};

}  // namespace nas4ml::search
