#include "nas4ml/search/hypervolume_contributions.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace nas4ml::search {

namespace {

bool inside(const Point& p, const Point& ref) {
  for (std::size_t k = 0; k < p.size(); ++k)
    if (!(std::isfinite(p[k]) && p[k] < ref[k])) return false;
  return true;
}

// Two objectives: among the points inside the reference, sorted by (f1, f2), the non-dominated
// ones form a staircase; the exclusive area of a step is bounded by its right neighbour's f1 and
// its left neighbour's f2. Dominated or duplicated points get 0; when there are some, the steps'
// contributions are computed one by one (a dominated point covers part of its dominator's area).
std::vector<double> contributions_2d(const std::vector<Point>& pts, const Point& ref) {
  std::vector<double> out(pts.size(), 0.0);
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (inside(pts[i], ref)) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return pts[a][0] < pts[b][0] || (pts[a][0] == pts[b][0] && pts[a][1] < pts[b][1]);
  });
  std::vector<std::size_t> stair;  // non-dominated steps: f1 ascending, f2 strictly descending
  std::vector<char> duplicated;    // a step shared by equal points adds nothing exclusively
  bool all_on_stair = true;
  for (std::size_t i : order) {
    if (!stair.empty() && pts[stair.back()][1] <= pts[i][1]) {
      if (pts[stair.back()] == pts[i]) duplicated.back() = 1;
      all_on_stair = false;
      continue;
    }
    stair.push_back(i);
    duplicated.push_back(0);
  }
  if (!all_on_stair) {  // a dominated point may cover part of its dominator's exclusive area
    for (std::size_t s = 0; s < stair.size(); ++s)
      if (!duplicated[s]) out[stair[s]] = hypervolume_contribution(pts, stair[s], ref);
    return out;
  }
  for (std::size_t s = 0; s < stair.size(); ++s) {
    const Point& p = pts[stair[s]];
    const double right = s + 1 < stair.size() ? pts[stair[s + 1]][0] : ref[0];
    const double up = s > 0 ? pts[stair[s - 1]][1] : ref[1];
    out[stair[s]] = (right - p[0]) * (up - p[1]);
  }
  return out;
}

}  // namespace

double hypervolume_contribution(const std::vector<Point>& pts, std::size_t i, const Point& ref,
                                const std::vector<char>& alive) {
  const Point& p = pts[i];
  if (p.size() != ref.size()) throw std::invalid_argument("hypervolume_contribution: dimension mismatch");
  if (!inside(p, ref)) return 0.0;
  double box = 1.0;
  for (std::size_t k = 0; k < p.size(); ++k) box *= ref[k] - p[k];
  std::vector<Point> limited;
  limited.reserve(pts.size());
  for (std::size_t j = 0; j < pts.size(); ++j) {
    if (j == i || (!alive.empty() && !alive[j]) || !inside(pts[j], ref)) continue;
    Point q(p.size());
    bool covers = true;  // q weakly dominates p: p adds nothing
    for (std::size_t k = 0; k < p.size(); ++k) {
      q[k] = std::max(p[k], pts[j][k]);
      covers = covers && pts[j][k] <= p[k];
    }
    if (covers) return 0.0;
    limited.push_back(std::move(q));
  }
  return std::max(0.0, box - hypervolume(limited, ref));
}

std::vector<double> hypervolume_contributions(const std::vector<Point>& points, const Point& reference) {
  if (reference.empty()) throw std::invalid_argument("hypervolume_contributions: empty reference point");
  for (const auto& p : points)
    if (p.size() != reference.size())
      throw std::invalid_argument("hypervolume_contributions: a point's dimension differs from the reference point's");
  if (reference.size() == 1) {
    std::vector<double> out(points.size(), 0.0);
    std::vector<std::size_t> order(points.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return points[a][0] < points[b][0]; });
    if (!order.empty() && inside(points[order[0]], reference)) {
      const double next = order.size() > 1 ? std::min(points[order[1]][0], reference[0]) : reference[0];
      out[order[0]] = next - points[order[0]][0];
    }
    return out;
  }
  if (reference.size() == 2) return contributions_2d(points, reference);
  std::vector<double> out(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) out[i] = hypervolume_contribution(points, i, reference);
  return out;
}

}  // namespace nas4ml::search
