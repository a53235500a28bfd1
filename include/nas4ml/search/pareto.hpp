#pragma once
/// \file Pareto math as free functions (after pagmo2's utilities). Every function here
/// works on objective vectors that are all *minimized*; callers with maximized objectives negate
/// them first (Nsga2 does this for its users).
///
/// References:
///  - K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist multiobjective genetic
///    algorithm: NSGA-II", IEEE Trans. Evol. Comput. 6(2):182-197, 2002 (fast non-dominated sort,
///    crowding distance).
///  - K. Deb, "An efficient constraint handling method for genetic algorithms", Comput. Methods
///    Appl. Mech. Eng. 186:311-338, 2000 (constrained domination).
///  - N. Beume, C. M. Fonseca, M. Lopez-Ibanez, L. Paquete, J. Vahrenhold, "On the complexity of
///    computing the hypervolume indicator", IEEE Trans. Evol. Comput. 13(5):1075-1082, 2009
///    (the O(n log n) 3-D dimension sweep used for three objectives).
///  - L. While, L. Bradstreet, L. Barone, "A fast way of calculating exact hypervolumes", IEEE
///    Trans. Evol. Comput. 16(1):86-95, 2012 (WFG, used for four and more objectives).
#include <cstddef>
#include <vector>

namespace nas4ml::search {

/// One objective vector (all objectives minimized).
using Point = std::vector<double>;

/// true when `a` Pareto-dominates `b`: no worse in every objective, strictly better in one.
/// Both must have the same size.
bool dominates(const Point& a, const Point& b);

/// Constrained domination (Deb 2000): with total constraint violations `va`, `vb` (0 = feasible,
/// larger = worse, +infinity = failed candidate): a feasible point beats an infeasible one; of two
/// infeasible points the smaller violation wins; of two feasible points plain domination decides.
bool constrained_dominates(const Point& a, double va, const Point& b, double vb);

/// Total violation of constraints written as g_i(x) <= 0: the sum of max(0, g_i). NaN counts as
/// +infinity.
double total_violation(const std::vector<double>& constraint_values);

/// Result of a non-dominated sort.
struct NonDominatedSort {
  std::vector<std::vector<std::size_t>> fronts;  ///< fronts[0] = indices of the best front, ...
  std::vector<std::size_t> rank;                 ///< rank[i] = index of the front of point i
};

/// Fast non-dominated sort (Deb et al. 2002, O(M N^2)). Indices inside each front are ascending.
/// Identical points share a front.
NonDominatedSort non_dominated_sort(const std::vector<Point>& points);

/// Constrained non-dominated sort: as above with constrained_dominates() (Deb 2000).
/// `violations` has one entry per point.
NonDominatedSort non_dominated_sort(const std::vector<Point>& points, const std::vector<double>& violations);

/// Indices of the non-dominated points (the first front), ascending.
std::vector<std::size_t> non_dominated_indices(const std::vector<Point>& points);

/// Crowding distance of each point of one front (Deb et al. 2002): per objective, boundary
/// points get +infinity and inner points the normalized gap between their neighbours; an
/// objective with zero range adds nothing. Fronts of one or two points are all +infinity.
/// Ties in an objective are broken by index, so the result does not depend on the input order
/// beyond that rule.
std::vector<double> crowding_distance(const std::vector<Point>& front);

/// Exact hypervolume dominated by `points` and bounded by `reference` (all minimized). Points that
/// do not strictly dominate the reference contribute nothing. Dominated points and duplicates are
/// allowed. Algorithms: 1-D trivial, 2-D sort and sweep O(n log n), 3-D dimension sweep
/// (Beume et al. 2009) O(n log n), 4 and more objectives WFG (While et al. 2012), exact but
/// exponential in the worst case (fine for a few hundred points in 4-5 objectives).
double hypervolume(const std::vector<Point>& points, const Point& reference);

/// Per-objective minimum over `points` (the ideal point). Throws std::invalid_argument when empty.
Point ideal_point(const std::vector<Point>& points);

/// Per-objective maximum over the *non-dominated* points (the nadir point of the front).
/// Throws std::invalid_argument when empty.
Point nadir_point(const std::vector<Point>& points);

/// Maps every objective to [0, 1] with (f - lo) / (hi - lo); an objective with hi == lo maps to 0.
std::vector<Point> normalize(const std::vector<Point>& points, const Point& lo, const Point& hi);

}  // namespace nas4ml::search
