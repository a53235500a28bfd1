#include "nas4ml/search/smsemoa_survival.hpp"

#include <algorithm>
#include <limits>

#include "nas4ml/search/hypervolume_contributions.hpp"

namespace nas4ml::search {

namespace {
constexpr double kReference = 1.1;  // in the front's normalized objectives

// true when some alive member other than q and r weakly dominates max(q, r).
bool shared_box_covered(const std::vector<Point>& pts, const std::vector<char>& alive, std::size_t q, std::size_t r) {
  const std::size_t m = pts[q].size();
  for (std::size_t s = 0; s < pts.size(); ++s) {
    if (!alive[s] || s == q || s == r) continue;
    bool covers = true;
    for (std::size_t k = 0; k < m && covers; ++k) covers = pts[s][k] <= std::max(pts[q][k], pts[r][k]);
    if (covers) return true;
  }
  return false;
}

std::vector<double> alive_contributions_2d(const std::vector<Point>& pts, const std::vector<char>& alive,
                                           const Point& ref) {
  std::vector<Point> sub;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (alive[i]) {
      sub.push_back(pts[i]);
      where.push_back(i);
    }
  const auto c = hypervolume_contributions(sub, ref);
  std::vector<double> out(pts.size(), 0.0);
  for (std::size_t i = 0; i < where.size(); ++i) out[where[i]] = c[i];
  return out;
}
}  // namespace

std::vector<std::size_t> hypervolume_truncation(const std::vector<Point>& points, const std::vector<std::size_t>& front,
                                                std::size_t room) {
  const std::size_t n = front.size(), m = points[front[0]].size();
  Point lo = points[front[0]], hi = lo;
  for (std::size_t i : front)
    for (std::size_t k = 0; k < m; ++k) {
      lo[k] = std::min(lo[k], points[i][k]);
      hi[k] = std::max(hi[k], points[i][k]);
    }
  std::vector<Point> pts;
  pts.reserve(n);
  for (std::size_t i : front) pts.push_back(points[i]);
  pts = normalize(pts, lo, hi);
  const Point ref(m, kReference);
  std::vector<char> alive(n, 1), extreme(n, 0);
  for (std::size_t k = 0; k < m; ++k) {  // the first member with the smallest value of objective k
    std::size_t best = 0;
    for (std::size_t i = 1; i < n; ++i)
      if (pts[i][k] < pts[best][k] || (pts[i][k] == pts[best][k] && pts[i] < pts[best])) best = i;
    extreme[best] = 1;
  }
  std::vector<double> c = hypervolume_contributions(pts, ref);
  for (std::size_t left = n; left > room; --left) {
    std::size_t worst = n;  // the smallest contribution, extremes last, ties: the later member
    for (std::size_t i = 0; i < n; ++i)
      if (alive[i] && (worst == n || extreme[i] < extreme[worst] || (extreme[i] == extreme[worst] && c[i] <= c[worst])))
        worst = i;
    alive[worst] = 0;
    if (m <= 2) {
      c = alive_contributions_2d(pts, alive, ref);
      continue;
    }
    for (std::size_t q = 0; q < n; ++q)
      if (alive[q] && !shared_box_covered(pts, alive, q, worst)) c[q] = hypervolume_contribution(pts, q, ref, alive);
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i)
    if (alive[i]) out.push_back(front[i]);
  return out;
}

std::vector<std::size_t> SmsEmoaSurvival::select(const std::vector<Point>& points, const std::vector<double>& violations,
                                                 std::size_t mu, Rng&) const {
  FrontSplit split = split_fronts(points, violations, mu);
  std::vector<std::size_t> keep = std::move(split.kept);
  if (!split.last.empty()) {
    const std::size_t room = mu - keep.size();
    if (split.last_feasible) {
      const auto kept = hypervolume_truncation(points, split.last, room);
      keep.insert(keep.end(), kept.begin(), kept.end());
    } else {  // one violation level: the earlier members (population before children)
      keep.insert(keep.end(), split.last.begin(), split.last.begin() + static_cast<std::ptrdiff_t>(room));
    }
  }
  std::sort(keep.begin(), keep.end());
  return keep;
}

SurvivalScores SmsEmoaSurvival::score(const std::vector<Point>& points, const std::vector<double>& violations) const {
  const auto sorted = non_dominated_sort(points, violations);
  return {sorted.rank, std::vector<double>(points.size(), 0.0)};
}

std::unique_ptr<Survival> make_smsemoa_survival(const SurvivalSettings&) { return std::make_unique<SmsEmoaSurvival>(); }

}  // namespace nas4ml::search
