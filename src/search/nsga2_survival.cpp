#include "nas4ml/search/nsga2_survival.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nas4ml::search {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// Crowding distances of the members `idx` of one front; a front of failed candidates (infinite
// violation, objectives meaningless) gets zeros.
std::vector<double> front_crowding(const std::vector<Point>& mins, const std::vector<double>& viol,
                                   const std::vector<std::size_t>& idx) {
  if (!idx.empty() && std::isinf(viol[idx.front()])) return std::vector<double>(idx.size(), 0.0);
  std::vector<Point> pts;
  pts.reserve(idx.size());
  for (std::size_t i : idx) pts.push_back(mins[i]);
  return crowding_distance(pts);
}

// Removes the most crowded member of `front` (smallest crowding distance; ties: the later one)
// and recomputes the crowding of its neighbours, until `room` members are left. Gives exactly
// what recomputing crowding_distance() on the remaining members after every removal would give:
// per objective the members stay in one sorted doubly linked list, and a removal only changes the
// distances of the removed member's neighbours (or, when a boundary member goes, every one).
std::vector<std::size_t> iterative_truncation(const std::vector<Point>& mins, const std::vector<std::size_t>& front,
                                              std::size_t room) {
  const std::size_t n = front.size(), m = mins[front[0]].size();
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  auto f = [&](std::size_t i, std::size_t k) { return mins[front[i]][k]; };
  std::vector<std::vector<std::size_t>> prev(m, std::vector<std::size_t>(n)), next(m, std::vector<std::size_t>(n));
  std::vector<std::size_t> first(m), last(m);
  for (std::size_t k = 0; k < m; ++k) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return f(a, k) < f(b, k) || (f(a, k) == f(b, k) && a < b);
    });
    for (std::size_t p = 0; p < n; ++p) {
      prev[k][order[p]] = p == 0 ? none : order[p - 1];
      next[k][order[p]] = p + 1 == n ? none : order[p + 1];
    }
    first[k] = order.front();
    last[k] = order.back();
  }
  std::vector<char> alive(n, 1);
  std::size_t left = n;
  std::vector<double> cd(n, 0.0);
  auto distance = [&](std::size_t i) {
    if (left <= 2) return kInf;
    double d = 0.0;
    for (std::size_t k = 0; k < m; ++k) {
      if (prev[k][i] == none || next[k][i] == none) return kInf;
      const double lo = f(first[k], k), hi = f(last[k], k);
      if (!(hi > lo)) continue;
      d += (f(next[k][i], k) - f(prev[k][i], k)) / (hi - lo);
    }
    return d;
  };
  for (std::size_t i = 0; i < n; ++i) cd[i] = distance(i);
  while (left > room) {
    std::size_t worst = none;
    for (std::size_t i = 0; i < n; ++i)
      if (alive[i] && (worst == none || cd[i] <= cd[worst])) worst = i;
    const bool boundary = std::isinf(cd[worst]);
    alive[worst] = 0;
    --left;
    std::vector<std::size_t> touched;
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t p = prev[k][worst], q = next[k][worst];
      if (p != none) next[k][p] = q;
      else first[k] = q;
      if (q != none) prev[k][q] = p;
      else last[k] = p;
      if (p != none) touched.push_back(p);
      if (q != none) touched.push_back(q);
    }
    if (boundary || left <= 2) {
      for (std::size_t i = 0; i < n; ++i)
        if (alive[i]) cd[i] = distance(i);
    } else {
      for (std::size_t i : touched) cd[i] = distance(i);
    }
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i)
    if (alive[i]) out.push_back(front[i]);
  return out;
}
}  // namespace

std::vector<std::size_t> Nsga2Survival::select(const std::vector<Point>& mins, const std::vector<double>& viol,
                                               std::size_t mu, Rng&) const {
  FrontSplit split = split_fronts(mins, viol, mu);
  std::vector<std::size_t> keep = std::move(split.kept);
  const auto& front = split.last;
  if (!front.empty()) {
    const std::size_t room = mu - keep.size();
    if (truncation_ == Truncation::crowding || std::isinf(viol[front.front()])) {
      const auto cd = front_crowding(mins, viol, front);
      std::vector<std::size_t> order(front.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cd[a] > cd[b]; });
      for (std::size_t i = 0; i < room; ++i) keep.push_back(front[order[i]]);
    } else {
      const auto kept = iterative_truncation(mins, front, room);
      keep.insert(keep.end(), kept.begin(), kept.end());
    }
  }
  std::sort(keep.begin(), keep.end());
  return keep;
}

SurvivalScores Nsga2Survival::score(const std::vector<Point>& mins, const std::vector<double>& viol) const {
  const auto sorted = non_dominated_sort(mins, viol);
  SurvivalScores s;
  s.rank.assign(mins.size(), 0);
  s.merit.assign(mins.size(), 0.0);
  for (std::size_t r = 0; r < sorted.fronts.size(); ++r) {
    const auto& front = sorted.fronts[r];
    const auto cd = front_crowding(mins, viol, front);
    for (std::size_t i = 0; i < front.size(); ++i) {
      s.rank[front[i]] = r;
      s.merit[front[i]] = cd[i];
    }
  }
  return s;
}

std::unique_ptr<Survival> make_nsga2_survival(const SurvivalSettings& settings) {
  return std::make_unique<Nsga2Survival>(settings.truncation);
}

}  // namespace nas4ml::search
