#pragma once
/// \file "nsga3" survival: constrained non-dominated sort, whole fronts while they fit, the last
/// front cut by niching around reference directions.
///
/// K. Deb, H. Jain, "An evolutionary many-objective optimization algorithm using reference-point-
/// based nondominated sorting approach, part I: solving problems with box constraints", IEEE
/// Trans. Evol. Comput. 18(4):577-601, 2014 (normalization by the ideal point and the extreme
/// points' hyperplane, association by perpendicular distance, niching). Reference directions:
/// I. Das, J. E. Dennis, "Normal-boundary intersection", SIAM J. Optim. 8(3):631-657, 1998.
/// Constraints: H. Jain, K. Deb, part II (IEEE TEC 18(4):602-622, 2014) rank infeasible members
/// by violation, which constrained non-dominated sort already does.
#include <cstddef>
#include <memory>

#include "nas4ml/search/survival.hpp"

namespace nas4ml::search {

/// Das-Dennis directions: every vector of `m` multiples of 1/h summing to 1, C(h + m - 1, m - 1)
/// of them, in lexicographic order of their integer numerators (descending first component).
std::vector<Point> das_dennis_directions(std::size_t m, std::size_t h);

/// Number of Das-Dennis directions, C(h + m - 1, m - 1) (saturates at SIZE_MAX).
std::size_t das_dennis_count(std::size_t m, std::size_t h);

/// The largest h >= 1 with das_dennis_count(m, h) <= population (1 when even h = 1 gives more).
std::size_t default_divisions(std::size_t m, std::size_t population);

/// Deb & Jain's normalization of `points` (minimized): translated by the ideal point, divided by
/// the intercepts of the hyperplane through the extreme points (achievement scalarizing function
/// with weights 1e-6 off the axis); when that plane is degenerate (singular, or an intercept not
/// positive and finite) the intercepts are the largest translated value of each objective.
std::vector<Point> nsga3_normalize(const std::vector<Point>& points);

/// Association: for every normalized point, the index of the direction at the smallest
/// perpendicular distance (ties: the lower index) and that distance.
struct Association {
  std::vector<std::size_t> direction;
  std::vector<double> distance;
};
Association associate(const std::vector<Point>& normalized, const std::vector<Point>& directions);

/// NSGA-III's survival.
class Nsga3Survival final : public Survival {
 public:
  Nsga3Survival(std::size_t objectives, std::size_t divisions);
  std::string kind() const override { return "nsga3"; }
  std::vector<std::size_t> select(const std::vector<Point>& points, const std::vector<double>& violations,
                                  std::size_t mu, Rng& rng) const override;
  SurvivalScores score(const std::vector<Point>& points, const std::vector<double>& violations) const override;
  const std::vector<Point>& directions() const noexcept { return directions_; }

 private:
  std::vector<Point> directions_;
};

/// Factory registered as "nsga3": settings.reference_divisions (0 = default_divisions(M, mu)),
/// at most 100,000 directions (ConfigError "search.reference_divisions" otherwise).
std::unique_ptr<Survival> make_nsga3_survival(const SurvivalSettings& settings);

}  // namespace nas4ml::search
