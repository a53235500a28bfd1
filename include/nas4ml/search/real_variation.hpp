#pragma once
/// \file Variation for real-valued box-bounded problems: simulated binary crossover (SBX) and
/// polynomial mutation, as in Deb's NSGA-II reference code and pagmo2's nsga2; and differential
/// variation DE/rand/1/bin (Storn & Price 1997) as MOEA/D-DE uses it (H. Li, Q. Zhang,
/// "Multiobjective optimization problems with complicated Pareto sets, MOEA/D and NSGA-II", IEEE
/// Trans. Evol. Comput. 13(2):284-302, 2009: F 0.5, CR 1), here with CR 0.5 (measured better at
/// a campaign's budget, docs/search.md).
///
/// References: K. Deb, R. B. Agrawal, "Simulated binary crossover for continuous search space",
/// Complex Systems 9:115-148, 1995; K. Deb, M. Goyal, "A combined genetic adaptive search
/// (GeneAS) for engineering design", Computer Science and Informatics 26(4):30-45, 1996
/// (polynomial mutation); the bounded forms of both as in Deb et al. 2002 (NSGA-II).
#include <string>
#include <vector>

#include "nas4ml/search/variation.hpp"

namespace nas4ml::search {

/// Parameters of SBX and polynomial mutation; the defaults are pagmo2's nsga2 defaults.
struct RealVariationOptions {
  double crossover_probability = 0.95;  ///< cr: chance a pair is recombined at all, in [0, 1]
  double eta_c = 10.0;                  ///< SBX distribution index, in [1, 100]
  double mutation_probability = -1.0;  ///< m: per-variable chance, in [0, 1]; < 0 means 1/n
  double eta_m = 50.0;                  ///< polynomial mutation distribution index, in [1, 100]
  double de_f = 0.5;                    ///< differential variation: scale F of the difference, in (0, 2]
  double de_cr = 0.5;                   ///< differential variation: per-variable crossover rate CR, in [0, 1] (docs/search.md)
  /// differential variation: a mutant gene outside the box becomes "random" (a uniform point
  /// between the base and the bound it crossed) or "clamp" (the bound itself)
  std::string de_bounds = "random";
};

/// Throws ConfigError (location "real_variation.<field>") stating the range and the bad value.
void validate(const RealVariationOptions& options);

/// The Variation for genomes with `reals` inside [lower[i], upper[i]] (and no `choices`).
/// Throws ConfigError when the bounds are empty, of different sizes, not finite or lower >= upper.
Variation make_real_variation(const std::vector<double>& lower, const std::vector<double>& upper,
                              const RealVariationOptions& options = {});

}  // namespace nas4ml::search
