#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/pareto.hpp"

using namespace nas4ml;
using namespace nas4ml::search;

namespace {
// Counts unit cells [c, c+1)^d of the grid [0, ref)^d dominated by some point (integer points).
double grid_count(const std::vector<Point>& pts, int ref, std::size_t d) {
  std::vector<int> cell(d, 0);
  double count = 0;
  while (true) {
    for (const auto& p : pts) {
      bool dom = true;
      for (std::size_t k = 0; k < d; ++k) dom = dom && p[k] <= cell[k];
      if (dom) {
        ++count;
        break;
      }
    }
    std::size_t k = 0;
    while (k < d && ++cell[k] == ref) cell[k++] = 0;
    if (k == d) break;
  }
  return count;
}

std::vector<Point> random_points(Rng& rng, std::size_t n, std::size_t d, int ref) {
  std::vector<Point> pts(n, Point(d));
  for (auto& p : pts)
    for (auto& x : p) x = static_cast<double>(rng.below(static_cast<std::uint64_t>(ref) + 1));  // some on the ref
  return pts;
}
}  // namespace

TEST_CASE("hypervolume of known sets", "[search][hypervolume]") {
  CHECK(hypervolume({{1.0}}, {3.0}) == 2.0);
  CHECK(hypervolume({{1, 1}}, {3, 2}) == Approx(2.0));
  CHECK(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}) == Approx(6.0));
  // duplicates, dominated points and points beyond the reference change nothing
  CHECK(hypervolume({{1, 3}, {2, 2}, {3, 1}, {2, 2}, {3, 3}, {5, 0}}, {4, 4}) == Approx(6.0));
  CHECK(hypervolume({{5, 5}}, {4, 4}) == 0.0);
  CHECK(hypervolume({}, {1, 1}) == 0.0);
  CHECK(hypervolume({{1, 1, 1}}, {2, 3, 4}) == Approx(6.0));
  // 3-D staircase: union of three boxes, by inclusion-exclusion
  // boxes [0,2]x[1,2]x[0,2]... use points (0,1,1),(1,0,1),(1,1,0) with ref 2: 8 - 1 - (cube corners)
  // each box is 2*1*1 = 2; pairwise intersections are 1*1*1 = 1 each; triple 1 -> 6 - 3 + 1 = 4
  CHECK(hypervolume({{0, 1, 1}, {1, 0, 1}, {1, 1, 0}}, {2, 2, 2}) == Approx(4.0));
  CHECK(hypervolume({{1, 1, 1, 1}}, {2, 2, 3, 2}) == Approx(2.0));
  CHECK_THROWS_AS(hypervolume({{1, 1}}, {2, 2, 2}), std::invalid_argument);
}

TEST_CASE("hypervolume of the true ZDT1 and DTLZ2 fronts matches the closed form", "[search][hypervolume]") {
  // ZDT1: f2 = 1 - sqrt(f1); HV(ref 1.1) = 0.1*1.1 + int_0^1 (0.1 + sqrt f1) df1 = 1.21 - 1/3
  std::vector<Point> zdt1;
  const int n = 200000;
  for (int i = 0; i <= n; ++i) {
    const double f1 = static_cast<double>(i) / n;
    zdt1.push_back({f1, 1.0 - std::sqrt(f1)});
  }
  CHECK(hypervolume(zdt1, {1.1, 1.1}) == Approx(1.21 - 1.0 / 3.0).epsilon(1e-5));
  // DTLZ2: unit sphere octant; HV(ref 1.1) = 1.1^3 - pi/6
  std::vector<Point> sphere;
  const int k = 300;
  for (int i = 0; i <= k; ++i)
    for (int j = 0; j <= k; ++j) {
      const double a = std::numbers::pi / 2 * i / k, b = std::numbers::pi / 2 * j / k;
      sphere.push_back({std::cos(a) * std::cos(b), std::cos(a) * std::sin(b), std::sin(a)});
    }
  CHECK(hypervolume(sphere, {1.1, 1.1, 1.1}) == Approx(1.331 - std::numbers::pi / 6).epsilon(5e-3));
}

TEST_CASE("hypervolume equals a brute-force grid count on random small fronts", "[search][hypervolume]") {
  Rng rng(2024);
  for (std::size_t d : {2u, 3u, 4u, 5u}) {
    const int ref = d <= 3 ? 12 : 6;
    for (int trial = 0; trial < 60; ++trial) {
      const std::size_t n = 1 + rng.below(d <= 3 ? 25 : 10);
      const auto pts = random_points(rng, n, d, ref);
      INFO("d = " << d << ", trial " << trial << ", n = " << n);
      CHECK(hypervolume(pts, Point(d, ref)) == grid_count(pts, ref, d));
    }
  }
}

TEST_CASE("hypervolume does not depend on the order of the points", "[search][hypervolume]") {
  Rng rng(7);
  for (std::size_t d : {2u, 3u, 4u}) {
    std::vector<Point> pts(30, Point(d));
    for (auto& p : pts)
      for (auto& x : p) x = rng.uniform();
    const double a = hypervolume(pts, Point(d, 1.0));
    rng.shuffle(pts.begin(), pts.end());
    CHECK(hypervolume(pts, Point(d, 1.0)) == Approx(a).epsilon(1e-12));
  }
}
