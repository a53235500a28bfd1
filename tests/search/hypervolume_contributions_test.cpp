#include <catch2/catch.hpp>

#include <algorithm>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/hypervolume_contributions.hpp"
#include "nas4ml/search/pareto.hpp"
#include "nas4ml/search/smsemoa_survival.hpp"

using namespace nas4ml;
using namespace nas4ml::search;

namespace {
// Unit cells of [0, ref)^d dominated by point i and by no other point (integer coordinates).
double exclusive_cells(const std::vector<Point>& pts, std::size_t i, int ref) {
  const std::size_t d = pts[i].size();
  std::vector<int> cell(d, 0);
  double count = 0;
  auto covers = [&](const Point& p) {
    for (std::size_t k = 0; k < d; ++k)
      if (p[k] > cell[k]) return false;
    return true;
  };
  while (true) {
    if (covers(pts[i])) {
      bool other = false;
      for (std::size_t j = 0; j < pts.size() && !other; ++j) other = j != i && covers(pts[j]);
      if (!other) ++count;
    }
    std::size_t k = 0;
    while (k < d && ++cell[k] == ref) cell[k++] = 0;
    if (k == d) break;
  }
  return count;
}

std::vector<Point> random_integer_points(Rng& rng, std::size_t n, std::size_t d, int ref) {
  std::vector<Point> pts;
  for (std::size_t i = 0; i < n; ++i) {
    Point p(d);
    for (auto& x : p) x = static_cast<double>(rng.below(static_cast<std::uint64_t>(ref) + 1));  // ref itself: outside
    pts.push_back(p);
  }
  pts.push_back(pts.front());  // a duplicate: neither copy contributes exclusively
  return pts;
}
}  // namespace

TEST_CASE("hypervolume contributions equal brute-force cell counts in 1-4 objectives", "[search][smsemoa]") {
  Rng rng(42);
  for (std::size_t d : {1u, 2u, 3u, 4u}) {
    const int ref = d <= 2 ? 12 : (d == 3 ? 8 : 6);
    for (int trial = 0; trial < 12; ++trial) {
      const auto pts = random_integer_points(rng, 4 + rng.below(10), d, ref);
      const Point reference(d, ref);
      const auto c = hypervolume_contributions(pts, reference);
      REQUIRE(c.size() == pts.size());
      for (std::size_t i = 0; i < pts.size(); ++i) {
        INFO("d = " << d << ", trial " << trial << ", point " << i);
        CHECK(c[i] == Approx(exclusive_cells(pts, i, ref)).margin(1e-9));
        CHECK(hypervolume_contribution(pts, i, reference) == Approx(c[i]).margin(1e-9));
      }
      CHECK(c.front() == 0.0);  // duplicated
      CHECK(c.back() == 0.0);
    }
  }
}

TEST_CASE("hypervolume contributions equal leave-one-out hypervolumes on real-valued fronts", "[search][smsemoa]") {
  Rng rng(7);
  for (std::size_t d : {2u, 3u, 4u, 5u}) {
    std::vector<Point> pts;
    for (int i = 0; i < 30; ++i) {  // mostly non-dominated: points near the simplex
      Point p(d);
      double sum = 0.0;
      for (auto& x : p) sum += (x = rng.uniform());
      for (auto& x : p) x = x / sum + 0.05 * rng.uniform();
      pts.push_back(p);
    }
    const Point reference(d, 1.2);
    const auto c = hypervolume_contributions(pts, reference);
    const double all = hypervolume(pts, reference);
    for (std::size_t i = 0; i < pts.size(); ++i) {
      auto rest = pts;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
      CHECK(c[i] == Approx(all - hypervolume(rest, reference)).margin(1e-12));
    }
  }
  CHECK_THROWS(hypervolume_contributions({{1.0, 2.0}}, {3.0}));
  CHECK_THROWS(hypervolume_contributions({}, {}));
}

TEST_CASE("hypervolume truncation with incremental updates equals recomputing after every removal", "[search][smsemoa]") {
  Rng rng(3);
  for (std::size_t d : {2u, 3u, 4u}) {
    std::vector<Point> pts;
    for (int i = 0; i < 40; ++i) {
      Point p(d);
      double sum = 0.0;
      for (auto& x : p) sum += (x = i % 5 == 0 ? 0.3 + 0.01 * rng.uniform() : rng.uniform());
      for (auto& x : p) x = 10.0 * x / sum;  // scaled: the truncation normalizes by the front
      pts.push_back(p);
    }
    std::vector<std::size_t> front(pts.size());
    for (std::size_t i = 0; i < front.size(); ++i) front[i] = i;
    const auto fast = hypervolume_truncation(pts, front, 12);
    // the rule written out: normalize by the front's min and max, reference 1.1, the member
    // with the smallest value of each objective kept to the end, smallest contribution first
    const Point lo = ideal_point(pts);
    Point hi = lo;
    for (const auto& p : pts)
      for (std::size_t k = 0; k < d; ++k) hi[k] = std::max(hi[k], p[k]);
    const auto norm = normalize(pts, lo, hi);
    std::vector<char> extreme(pts.size(), 0);
    for (std::size_t k = 0; k < d; ++k) {
      std::size_t best = 0;
      for (std::size_t i = 1; i < pts.size(); ++i)
        if (norm[i][k] < norm[best][k]) best = i;
      extreme[best] = 1;
    }
    std::vector<std::size_t> left = front;
    while (left.size() > 12) {
      std::vector<Point> sub;
      for (auto i : left) sub.push_back(norm[i]);
      const auto c = hypervolume_contributions(sub, Point(d, 1.1));
      std::size_t worst = 0;
      for (std::size_t i = 1; i < left.size(); ++i) {
        const std::size_t a = left[i], b = left[worst];
        if (extreme[a] < extreme[b] || (extreme[a] == extreme[b] && c[i] <= c[worst])) worst = i;
      }
      left.erase(left.begin() + static_cast<std::ptrdiff_t>(worst));
    }
    INFO("d = " << d);
    CHECK(fast == left);
    for (std::size_t k = 0; k < d; ++k) {  // the extremes survived
      std::size_t best = 0;
      for (std::size_t i = 1; i < pts.size(); ++i)
        if (norm[i][k] < norm[best][k]) best = i;
      CHECK(std::find(fast.begin(), fast.end(), best) != fast.end());
    }
  }
}
