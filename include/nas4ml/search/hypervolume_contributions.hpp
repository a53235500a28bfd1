#pragma once
/// \file Exclusive hypervolume contributions: how much hypervolume each point alone adds to a set.
/// The selection criterion of SMS-EMOA (smsemoa_survival.hpp).
///
/// References:
///  - N. Beume, B. Naujoks, M. Emmerich, "SMS-EMOA: Multiobjective selection based on dominated
///    hypervolume", European Journal of Operational Research 181(3):1653-1669, 2007.
///  - L. While, L. Bradstreet, L. Barone, "A fast way of calculating exact hypervolumes", IEEE
///    Trans. Evol. Comput. 16(1):86-95, 2012: the exclusive hypervolume of p is its box minus the
///    hypervolume of the other points "limited" by p (max(p, q) componentwise), which is how the
///    three-and-more-objective case is computed here.
#include <cstddef>
#include <vector>

#include "nas4ml/search/pareto.hpp"

namespace nas4ml::search {

/// contributions[i] = hypervolume(points, reference) - hypervolume(points without i, reference),
/// exactly (all objectives minimized). A point dominated by (or equal to) another one, or not
/// strictly inside the reference point, contributes 0. Algorithms: 2 objectives by one sort,
/// O(n log n); 3 objectives by n limited 3-D sweeps (Beume et al. 2009), O(n^2 log n); 4 and more
/// objectives by n limited WFG computations (While et al. 2012), exact but exponential in the
/// worst case (milliseconds for a hundred points in 4-5 objectives).
std::vector<double> hypervolume_contributions(const std::vector<Point>& points, const Point& reference);

/// The exclusive contribution of points[i] alone (same definition as above), without computing
/// the others'. `alive` (same size as points, or empty for all) excludes points marked 0.
double hypervolume_contribution(const std::vector<Point>& points, std::size_t i, const Point& reference,
                                const std::vector<char>& alive = {});

}  // namespace nas4ml::search
