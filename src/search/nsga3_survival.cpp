#include "nas4ml/search/nsga3_survival.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::search {

namespace {
constexpr std::size_t kMaxDirections = 100000;

void das_dennis_fill(std::size_t m, std::size_t left, std::size_t h, std::vector<std::size_t>& cur,
                     std::vector<Point>& out) {
  if (cur.size() + 1 == m) {
    cur.push_back(left);
    Point w(m);
    for (std::size_t k = 0; k < m; ++k) w[k] = static_cast<double>(cur[k]) / static_cast<double>(h);
    out.push_back(std::move(w));
    cur.pop_back();
    return;
  }
  for (std::size_t v = left + 1; v-- > 0;) {
    cur.push_back(v);
    das_dennis_fill(m, left - v, h, cur, out);
    cur.pop_back();
  }
}

// Solves A x = b by Gaussian elimination with partial pivoting; false when (nearly) singular.
bool solve(std::vector<std::vector<double>> a, std::vector<double> b, std::vector<double>& x) {
  const std::size_t n = b.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r][c]) > std::abs(a[p][c])) p = r;
    if (std::abs(a[p][c]) < 1e-12) return false;
    std::swap(a[p], a[c]);
    std::swap(b[p], b[c]);
    for (std::size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (std::size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  x.assign(n, 0.0);
  for (std::size_t c = n; c-- > 0;) {
    double s = b[c];
    for (std::size_t k = c + 1; k < n; ++k) s -= a[c][k] * x[k];
    x[c] = s / a[c][c];
  }
  return true;
}
}  // namespace

std::size_t das_dennis_count(std::size_t m, std::size_t h) {
  // C(h + m - 1, m - 1), computed incrementally (each step's value is an integer).
  double c = 1.0;
  for (std::size_t i = 1; i < m; ++i) c = c * static_cast<double>(h + i) / static_cast<double>(i);
  const double rounded = std::round(c);
  return rounded >= static_cast<double>(std::numeric_limits<std::size_t>::max())
             ? std::numeric_limits<std::size_t>::max()
             : static_cast<std::size_t>(rounded);
}

std::vector<Point> das_dennis_directions(std::size_t m, std::size_t h) {
  NAS4ML_ASSERT(m >= 1 && h >= 1, "das_dennis_directions needs m >= 1 and h >= 1");
  std::vector<Point> out;
  std::vector<std::size_t> cur;
  if (m == 1) return {Point{1.0}};
  das_dennis_fill(m, h, h, cur, out);
  return out;
}

std::size_t default_divisions(std::size_t m, std::size_t population) {
  std::size_t h = 1;
  while (das_dennis_count(m, h + 1) <= population) ++h;
  return h;
}

std::vector<Point> nsga3_normalize(const std::vector<Point>& points) {
  if (points.empty()) return {};
  const std::size_t m = points[0].size();
  const Point ideal = ideal_point(points);
  std::vector<Point> t = points;
  for (auto& p : t)
    for (std::size_t k = 0; k < m; ++k) p[k] -= ideal[k];
  // Extreme point per axis: the smallest achievement scalarizing function max_k t_k / w_k.
  std::vector<std::vector<double>> extremes;
  for (std::size_t j = 0; j < m; ++j) {
    std::size_t best = 0;
    double best_asf = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < t.size(); ++i) {
      double asf = 0.0;
      for (std::size_t k = 0; k < m; ++k) asf = std::max(asf, t[i][k] / (k == j ? 1.0 : 1e-6));
      if (asf < best_asf) {
        best_asf = asf;
        best = i;
      }
    }
    extremes.push_back(t[best]);
  }
  std::vector<double> x;
  Point intercepts(m, 0.0);
  bool ok = solve(extremes, std::vector<double>(m, 1.0), x);
  for (std::size_t k = 0; ok && k < m; ++k) {
    intercepts[k] = 1.0 / x[k];
    ok = std::isfinite(intercepts[k]) && intercepts[k] > 1e-10;
  }
  if (!ok)
    for (std::size_t k = 0; k < m; ++k) {
      intercepts[k] = 0.0;
      for (const auto& p : t) intercepts[k] = std::max(intercepts[k], p[k]);
    }
  for (auto& p : t)
    for (std::size_t k = 0; k < m; ++k) p[k] = intercepts[k] > 1e-10 ? p[k] / intercepts[k] : 0.0;
  return t;
}

Association associate(const std::vector<Point>& normalized, const std::vector<Point>& directions) {
  Association a;
  a.direction.assign(normalized.size(), 0);
  a.distance.assign(normalized.size(), std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < normalized.size(); ++i) {
    const Point& p = normalized[i];
    for (std::size_t j = 0; j < directions.size(); ++j) {
      const Point& w = directions[j];
      double dot = 0.0, ww = 0.0;
      for (std::size_t k = 0; k < p.size(); ++k) {
        dot += p[k] * w[k];
        ww += w[k] * w[k];
      }
      double d2 = 0.0;
      for (std::size_t k = 0; k < p.size(); ++k) {
        const double e = p[k] - dot / ww * w[k];
        d2 += e * e;
      }
      const double d = std::sqrt(d2);
      if (d < a.distance[i]) {
        a.distance[i] = d;
        a.direction[i] = j;
      }
    }
  }
  return a;
}

Nsga3Survival::Nsga3Survival(std::size_t objectives, std::size_t divisions)
    : directions_(das_dennis_directions(objectives, divisions)) {}

std::vector<std::size_t> Nsga3Survival::select(const std::vector<Point>& points, const std::vector<double>& violations,
                                               std::size_t mu, Rng& rng) const {
  FrontSplit split = split_fronts(points, violations, mu);
  std::vector<std::size_t> keep = std::move(split.kept);
  const std::size_t room = mu - keep.size();
  if (!split.last.empty() && !split.last_feasible) {
    keep.insert(keep.end(), split.last.begin(), split.last.begin() + static_cast<std::ptrdiff_t>(room));
  } else if (!split.last.empty()) {
    // S_t = kept + last front, all feasible: normalize and associate them together.
    std::vector<Point> s;
    for (std::size_t i : keep) s.push_back(points[i]);
    for (std::size_t i : split.last) s.push_back(points[i]);
    const Association a = associate(nsga3_normalize(s), directions_);
    const std::size_t base = keep.size();  // last-front members start here in s
    std::vector<std::size_t> niche(directions_.size(), 0);
    for (std::size_t i = 0; i < base; ++i) ++niche[a.direction[i]];
    std::vector<char> excluded(directions_.size(), 0), chosen(split.last.size(), 0);
    for (std::size_t added = 0; added < room;) {
      std::size_t least = std::numeric_limits<std::size_t>::max();
      std::vector<std::size_t> j_min;
      for (std::size_t j = 0; j < directions_.size(); ++j) {
        if (excluded[j]) continue;
        if (niche[j] < least) {
          least = niche[j];
          j_min.clear();
        }
        if (niche[j] == least) j_min.push_back(j);
      }
      NAS4ML_ASSERT(!j_min.empty(), "nsga3 niching ran out of directions");
      const std::size_t j = j_min[rng.below(j_min.size())];
      std::vector<std::size_t> members;  // positions in split.last associated with j, not chosen
      for (std::size_t k = 0; k < split.last.size(); ++k)
        if (!chosen[k] && a.direction[base + k] == j) members.push_back(k);
      if (members.empty()) {
        excluded[j] = 1;
        continue;
      }
      std::size_t pick = members.front();
      if (niche[j] == 0) {
        for (std::size_t k : members)
          if (a.distance[base + k] < a.distance[base + pick]) pick = k;
      } else {
        pick = members[rng.below(members.size())];
      }
      chosen[pick] = 1;
      ++niche[j];
      ++added;
      keep.push_back(split.last[pick]);
    }
  }
  std::sort(keep.begin(), keep.end());
  return keep;
}

SurvivalScores Nsga3Survival::score(const std::vector<Point>& points, const std::vector<double>& violations) const {
  const auto sorted = non_dominated_sort(points, violations);
  return {sorted.rank, std::vector<double>(points.size(), 0.0)};
}

std::unique_ptr<Survival> make_nsga3_survival(const SurvivalSettings& s) {
  const std::size_t h = s.reference_divisions ? s.reference_divisions : default_divisions(s.objectives, s.population);
  const std::size_t count = das_dennis_count(s.objectives, h);
  if (count > kMaxDirections)
    throw ConfigError("", "search.reference_divisions", "too many reference directions",
                      fmt::format("at most {} directions (C(h + M - 1, M - 1) with M = {})", kMaxDirections, s.objectives),
                      fmt::format("{} divisions ({} directions)", h, count));
  return std::make_unique<Nsga3Survival>(s.objectives, h);
}

}  // namespace nas4ml::search
