#include "nas4ml/search/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

#include "nas4ml/core/error.hpp"

namespace nas4ml::search {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double clean_violation(double v) { return std::isnan(v) ? kInf : std::max(0.0, v); }
}  // namespace

bool dominates(const Point& a, const Point& b) {
  NAS4ML_ASSERT(a.size() == b.size(), "points of different dimension");
  bool strictly = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
}

bool constrained_dominates(const Point& a, double va, const Point& b, double vb) {
  va = clean_violation(va);
  vb = clean_violation(vb);
  const bool fa = va == 0.0, fb = vb == 0.0;
  if (fa && fb) return dominates(a, b);
  if (fa != fb) return fa;
  return va < vb;
}

double total_violation(const std::vector<double>& constraint_values) {
  double total = 0.0;
  for (double g : constraint_values) {
    if (std::isnan(g)) return kInf;
    if (g > 0.0) total += g;
  }
  return total;
}

namespace {
// Points stored row-major in one array; compare() returns +1 when point a dominates point b,
// -1 when b dominates a, 0 otherwise, in a single pass over the objectives.
struct FlatPoints {
  std::vector<double> v;
  std::size_t m = 0;
  explicit FlatPoints(const std::vector<Point>& pts) : m(pts.empty() ? 0 : pts[0].size()) {
    v.reserve(pts.size() * m);
    for (const auto& p : pts) {
      NAS4ML_ASSERT(p.size() == m, "points of different dimension");
      v.insert(v.end(), p.begin(), p.end());
    }
  }
  int compare(std::size_t a, std::size_t b) const noexcept {
    const double* x = v.data() + a * m;
    const double* y = v.data() + b * m;
    bool a_better = false, b_better = false;
    for (std::size_t k = 0; k < m; ++k) {
      if (x[k] < y[k]) a_better = true;
      else if (y[k] < x[k]) b_better = true;
      if (a_better && b_better) return 0;
    }
    return a_better ? 1 : (b_better ? -1 : 0);
  }
};

template <class Compare>
NonDominatedSort sort_fronts(std::size_t n, Compare&& compare) {
  NonDominatedSort out;
  out.rank.assign(n, 0);
  std::vector<std::vector<std::size_t>> dominated(n);  // S_p: points p dominates
  std::vector<std::size_t> count(n, 0);                // n_p: how many dominate p
  std::vector<std::size_t> current;
  for (std::size_t p = 0; p < n; ++p) {
    for (std::size_t q = p + 1; q < n; ++q) {
      const int c = compare(p, q);
      if (c > 0) {
        dominated[p].push_back(q);
        ++count[q];
      } else if (c < 0) {
        dominated[q].push_back(p);
        ++count[p];
      }
    }
  }
  for (std::size_t p = 0; p < n; ++p)
    if (count[p] == 0) current.push_back(p);
  std::size_t r = 0;
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t p : current) {
      out.rank[p] = r;
      for (std::size_t q : dominated[p])
        if (--count[q] == 0) next.push_back(q);
    }
    std::sort(next.begin(), next.end());
    out.fronts.push_back(std::move(current));
    current = std::move(next);
    ++r;
  }
  return out;
}
}  // namespace

NonDominatedSort non_dominated_sort(const std::vector<Point>& points) {
  const FlatPoints flat(points);
  return sort_fronts(points.size(), [&](std::size_t a, std::size_t b) { return flat.compare(a, b); });
}

NonDominatedSort non_dominated_sort(const std::vector<Point>& points, const std::vector<double>& violations) {
  NAS4ML_ASSERT(points.size() == violations.size(), "one violation per point");
  const FlatPoints flat(points);
  std::vector<double> v(violations.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = clean_violation(violations[i]);
  return sort_fronts(points.size(), [&](std::size_t a, std::size_t b) {
    if (v[a] == 0.0 && v[b] == 0.0) return flat.compare(a, b);  // both feasible: Pareto domination
    if (v[a] == 0.0) return 1;                                   // feasible beats infeasible
    if (v[b] == 0.0) return -1;
    return v[a] < v[b] ? 1 : (v[b] < v[a] ? -1 : 0);             // smaller violation wins
  });
}

std::vector<std::size_t> non_dominated_indices(const std::vector<Point>& points) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j)
      dominated = j != i && dominates(points[j], points[i]);
    if (!dominated) out.push_back(i);
  }
  return out;
}

std::vector<double> crowding_distance(const std::vector<Point>& front) {
  const std::size_t n = front.size();
  std::vector<double> d(n, 0.0);
  if (n <= 2) {
    std::fill(d.begin(), d.end(), kInf);
    return d;
  }
  const std::size_t m = front[0].size();
  std::vector<std::size_t> order(n);
  for (std::size_t k = 0; k < m; ++k) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return front[a][k] < front[b][k] || (front[a][k] == front[b][k] && a < b);
    });
    const double lo = front[order.front()][k], hi = front[order.back()][k];
    d[order.front()] = kInf;
    d[order.back()] = kInf;
    if (!(hi > lo)) continue;
    for (std::size_t i = 1; i + 1 < n; ++i)
      d[order[i]] += (front[order[i + 1]][k] - front[order[i - 1]][k]) / (hi - lo);
  }
  return d;
}

// ---- hypervolume --------------------------------------------------------------------------

namespace {

double hv2d(std::vector<Point> pts, double rx, double ry) {
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) {
    return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
  });
  double area = 0.0, cur_y = ry;
  for (const auto& p : pts) {
    if (p[1] < cur_y) {
      area += (rx - p[0]) * (cur_y - p[1]);
      cur_y = p[1];
    }
  }
  return area;
}

// Dimension sweep along the third objective; the 2-D staircase of the points seen so far is kept
// in a map x -> y (x ascending, y descending) together with the area it dominates.
double hv3d(std::vector<Point> pts, const Point& ref) {
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a[2] < b[2]; });
  const double rx = ref[0], ry = ref[1], rz = ref[2];
  std::map<double, double> stair;
  double area = 0.0, volume = 0.0, prev_z = pts.empty() ? rz : pts.front()[2];
  for (const auto& p : pts) {
    volume += area * (p[2] - prev_z);
    prev_z = p[2];
    const double px = p[0], py = p[1];
    auto start = stair.lower_bound(px);
    auto after = stair.upper_bound(px);
    if (after != stair.begin() && std::prev(after)->second <= py) continue;  // dominated in 2-D
    double cover = start == stair.begin() ? ry : std::prev(start)->second;
    double seg_start = px, old_area = 0.0;
    auto cur = start;
    while (cur != stair.end() && cur->second >= py) {
      old_area += (cur->first - seg_start) * (ry - cover);
      seg_start = cur->first;
      cover = cur->second;
      cur = stair.erase(cur);
    }
    const double right_x = cur != stair.end() ? cur->first : rx;
    old_area += (right_x - seg_start) * (ry - cover);
    area += (right_x - px) * (ry - py) - old_area;
    stair.emplace(px, py);
  }
  volume += area * (rz - prev_z);
  return volume;
}

std::vector<Point> keep_non_dominated(std::vector<Point> pts) {
  // Sort by the first objective so a point can only be dominated by an earlier one (or an equal).
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  std::vector<Point> out;
  for (auto& p : pts) {
    bool dominated = false;
    for (const auto& q : out)
      if (dominates(q, p)) {
        dominated = true;
        break;
      }
    if (!dominated) out.push_back(std::move(p));
  }
  return out;
}

double hv_recursive(std::vector<Point> pts, const Point& ref);

// WFG (While et al. 2012) with slicing on the last objective: points sorted by the last
// objective descending, so every limited point shares point k's last coordinate and the
// exclusive volume of k is a (d-1)-dimensional problem times a slab height.
double hv_wfg(std::vector<Point> pts, const Point& ref) {
  const std::size_t d = ref.size(), last = d - 1;
  std::sort(pts.begin(), pts.end(), [&](const Point& a, const Point& b) { return a[last] > b[last]; });
  Point sub_ref(ref.begin(), ref.end() - 1);
  double total = 0.0;
  for (std::size_t k = 0; k < pts.size(); ++k) {
    double box = 1.0;
    for (std::size_t i = 0; i < last; ++i) box *= ref[i] - pts[k][i];
    std::vector<Point> limited;
    limited.reserve(pts.size() - k - 1);
    for (std::size_t j = k + 1; j < pts.size(); ++j) {
      Point q(last);
      for (std::size_t i = 0; i < last; ++i) q[i] = std::max(pts[k][i], pts[j][i]);
      limited.push_back(std::move(q));
    }
    const double covered = limited.empty() ? 0.0 : hv_recursive(keep_non_dominated(std::move(limited)), sub_ref);
    total += (ref[last] - pts[k][last]) * (box - covered);
  }
  return total;
}

double hv_recursive(std::vector<Point> pts, const Point& ref) {
  switch (ref.size()) {
    case 1: {
      double best = ref[0];
      for (const auto& p : pts) best = std::min(best, p[0]);
      return ref[0] - best;
    }
    case 2: return hv2d(std::move(pts), ref[0], ref[1]);
    case 3: return hv3d(std::move(pts), ref);
    default: return hv_wfg(std::move(pts), ref);
  }
}

}  // namespace

double hypervolume(const std::vector<Point>& points, const Point& reference) {
  if (reference.empty()) throw std::invalid_argument("hypervolume: empty reference point");
  std::vector<Point> inside;
  for (const auto& p : points) {
    if (p.size() != reference.size())
      throw std::invalid_argument("hypervolume: a point's dimension differs from the reference point's");
    bool ok = true;
    for (std::size_t i = 0; i < p.size(); ++i) ok = ok && std::isfinite(p[i]) && p[i] < reference[i];
    if (ok) inside.push_back(p);
  }
  if (inside.empty()) return 0.0;
  if (reference.size() >= 4) inside = keep_non_dominated(std::move(inside));
  return hv_recursive(std::move(inside), reference);
}

Point ideal_point(const std::vector<Point>& points) {
  if (points.empty()) throw std::invalid_argument("ideal_point: no points");
  Point out = points.front();
  for (const auto& p : points)
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::min(out[i], p[i]);
  return out;
}

Point nadir_point(const std::vector<Point>& points) {
  if (points.empty()) throw std::invalid_argument("nadir_point: no points");
  const auto front = non_dominated_indices(points);
  Point out = points[front.front()];
  for (std::size_t idx : front)
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::max(out[i], points[idx][i]);
  return out;
}

std::vector<Point> normalize(const std::vector<Point>& points, const Point& lo, const Point& hi) {
  std::vector<Point> out = points;
  for (auto& p : out) {
    NAS4ML_ASSERT(p.size() == lo.size() && p.size() == hi.size(), "normalize: dimension mismatch");
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = hi[i] > lo[i] ? (p[i] - lo[i]) / (hi[i] - lo[i]) : 0.0;
  }
  return out;
}

}  // namespace nas4ml::search
