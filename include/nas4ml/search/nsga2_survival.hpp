#pragma once
/// \file "nsga2" survival: constrained non-dominated sort, whole fronts while they fit, the last
/// front cut by crowding distance; mating merit = crowding distance.
///
/// K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist multiobjective genetic
/// algorithm: NSGA-II", IEEE Trans. Evol. Comput. 6(2):182-197, 2002. Iterative truncation:
/// S. Kukkonen, K. Deb, "Improved pruning of non-dominated solutions based on crowding distance
/// for bi-objective optimization problems", CEC 2006.
#include <memory>

#include "nas4ml/search/survival.hpp"

namespace nas4ml::search {

/// NSGA-II's survival (settings.truncation picks plain or iterative crowding).
class Nsga2Survival final : public Survival {
 public:
  explicit Nsga2Survival(Truncation truncation) : truncation_(truncation) {}
  std::string kind() const override { return "nsga2"; }
  std::vector<std::size_t> select(const std::vector<Point>& points, const std::vector<double>& violations,
                                  std::size_t mu, Rng& rng) const override;
  SurvivalScores score(const std::vector<Point>& points, const std::vector<double>& violations) const override;

 private:
  Truncation truncation_;
};

/// Factory registered as "nsga2".
std::unique_ptr<Survival> make_nsga2_survival(const SurvivalSettings& settings);

}  // namespace nas4ml::search
