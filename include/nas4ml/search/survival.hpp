#pragma once
/// \file The Survival seam: how the optimizer's elitist (mu + lambda) loop (nsga2.hpp) picks the
/// next population from population + children, and how it scores members for mating. Kinds:
///  - "nsga2":   constrained non-dominated sort + crowding distance (Deb et al. 2002),
///               nsga2_survival.hpp
///  - "smsemoa": constrained non-dominated sort + least hypervolume contributor removed one at a
///               time (Beume, Naujoks, Emmerich 2007), smsemoa_survival.hpp
///  - "nsga3":   constrained non-dominated sort + reference-direction niching (Deb & Jain 2014),
///               nsga3_survival.hpp
/// A new kind is a class implementing Survival and one line in survival.cpp's registry.
///
/// Every kind keeps constrained domination (Deb 2000): feasible before infeasible, infeasible by
/// violation, failed candidates (violation +infinity) last; only the feasible last front is cut
/// by the kind's own criterion.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/pareto.hpp"

namespace nas4ml::search {

/// How the last front that does not fit whole is cut down by "nsga2".
enum class Truncation {
  crowding,           ///< Deb et al. 2002: keep the largest crowding distances, computed once
  iterative_crowding  ///< drop the most crowded point, recompute its neighbours, repeat
                      ///< (Kukkonen & Deb, "Improved pruning of non-dominated solutions based on
                      ///< crowding distance for bi-objective optimization problems", CEC 2006)
};

/// What a Survival kind may be configured with (filled from the optimizer's options).
struct SurvivalSettings {
  std::size_t objectives = 2;                          ///< M
  std::size_t population = 100;                        ///< mu
  Truncation truncation = Truncation::iterative_crowding;  ///< nsga2 only
  std::size_t reference_divisions = 0;                 ///< nsga3 only: Das-Dennis H; 0 = automatic
};

/// Mating scores of a population: binary tournaments prefer the lower rank, then the larger merit.
struct SurvivalScores {
  std::vector<std::size_t> rank;  ///< constrained non-domination rank (0 = best)
  std::vector<double> merit;      ///< the kind's secondary criterion (0 when it has none)
};

/// One survival scheme. Implementations are stateless between calls (everything they need is in
/// the points), so an optimizer's JSON state stays the population, the RNG and the counters.
class Survival {
 public:
  virtual ~Survival() = default;
  /// The registered kind, e.g. "smsemoa".
  virtual std::string kind() const = 0;
  /// The `mu` survivors among `points` (all objectives minimized; failed candidates have
  /// violation +infinity and meaningless points), as ascending indices. Called only with
  /// points.size() > mu. Randomness only from `rng`.
  virtual std::vector<std::size_t> select(const std::vector<Point>& points, const std::vector<double>& violations,
                                          std::size_t mu, Rng& rng) const = 0;
  /// Rank and merit of every member of a population (deterministic, no randomness).
  virtual SurvivalScores score(const std::vector<Point>& points, const std::vector<double>& violations) const = 0;
};

/// Builds a Survival from settings (validated by the kind; ConfigError on a bad value).
using SurvivalFactory = std::function<std::unique_ptr<Survival>(const SurvivalSettings&)>;

/// The registered kinds, in registration order ("nsga2", "smsemoa", "nsga3").
std::vector<std::string> survival_kinds();

/// A new Survival of the named kind; ConfigError (location `field`) listing the kinds when unknown.
std::unique_ptr<Survival> make_survival(const std::string& kind, const SurvivalSettings& settings,
                                        const std::string& field = "search.algorithm");

// ---- helpers shared by the kinds ------------------------------------------------------------

/// The fronts of a constrained non-dominated sort split at `mu`: `kept` holds every member of
/// the fronts that fit whole, `last` the front that must be cut (empty when none must).
struct FrontSplit {
  NonDominatedSort sorted;
  std::vector<std::size_t> kept;
  std::vector<std::size_t> last;
  bool last_feasible = false;  ///< the front to cut is feasible (else: one violation level)
};
/// Sorts with constrained domination and splits at mu.
FrontSplit split_fronts(const std::vector<Point>& points, const std::vector<double>& violations, std::size_t mu);

}  // namespace nas4ml::search
