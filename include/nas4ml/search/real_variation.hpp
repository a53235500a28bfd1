#pragma once
/// \file Variation for real-valued box-bounded problems: simulated binary crossover (SBX) and
/// polynomial mutation, as in Deb's NSGA-II reference code and pagmo2's nsga2.
///
/// References: K. Deb, R. B. Agrawal, "Simulated binary crossover for continuous search space",
/// Complex Systems 9:115-148, 1995; K. Deb, M. Goyal, "A combined genetic adaptive search
/// (GeneAS) for engineering design", Computer Science and Informatics 26(4):30-45, 1996
/// (polynomial mutation); the bounded forms of both as in Deb et al. 2002 (NSGA-II).
#include <vector>

#include "nas4ml/search/variation.hpp"

namespace nas4ml::search {

/// Parameters of SBX and polynomial mutation; the defaults are pagmo2's nsga2 defaults.
struct RealVariationOptions {
  double crossover_probability = 0.95;  ///< cr: chance a pair is recombined at all, in [0, 1]
  double eta_c = 10.0;                  ///< SBX distribution index, in [1, 100]
  double mutation_probability = -1.0;  ///< m: per-variable chance, in [0, 1]; < 0 means 1/n
  double eta_m = 50.0;                  ///< polynomial mutation distribution index, in [1, 100]
};

/// Throws ConfigError (location "real_variation.<field>") stating the range and the bad value.
void validate(const RealVariationOptions& options);

/// The Variation for genomes with `reals` inside [lower[i], upper[i]] (and no `choices`).
/// Throws ConfigError when the bounds are empty, of different sizes, not finite or lower >= upper.
Variation make_real_variation(const std::vector<double>& lower, const std::vector<double>& upper,
                              const RealVariationOptions& options = {});

}  // namespace nas4ml::search
