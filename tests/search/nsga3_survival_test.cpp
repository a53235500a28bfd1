#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <set>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/nsga3_survival.hpp"

using namespace nas4ml;
using namespace nas4ml::search;

TEST_CASE("Das-Dennis directions: counts, simplex and a hand-listed case", "[search][nsga3]") {
  const auto w = das_dennis_directions(3, 2);
  const std::vector<Point> expected = {{1, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 1, 0}, {0, 0.5, 0.5}, {0, 0, 1}};
  CHECK(w == expected);
  CHECK(das_dennis_directions(3, 12).size() == 91);
  CHECK(das_dennis_count(3, 12) == 91);
  CHECK(das_dennis_count(5, 4) == 70);
  CHECK(das_dennis_directions(5, 4).size() == 70);
  CHECK(das_dennis_count(2, 19) == 20);
  for (const auto& d : das_dennis_directions(4, 5)) {
    CHECK(std::accumulate(d.begin(), d.end(), 0.0) == Approx(1.0));
    for (double x : d) CHECK(x >= 0.0);
  }
  const auto all = das_dennis_directions(4, 5);
  CHECK(std::set<Point>(all.begin(), all.end()).size() == all.size());
  CHECK(default_divisions(3, 100) == 12);  // 91 directions (Deb & Jain's 3-objective setting)
  CHECK(default_divisions(3, 90) == 11);   // 78
  CHECK(default_divisions(2, 20) == 19);
  CHECK(default_divisions(6, 20) == 1);    // 21 directions for h = 2 would be too many
}

TEST_CASE("NSGA-III normalization: ideal point and the extreme points' hyperplane, by hand", "[search][nsga3]") {
  // ideal (1, 1, 1); extremes on each axis at distances 2, 4 and 1: intercepts 2, 4, 1
  const std::vector<Point> pts = {{3, 1, 1}, {1, 5, 1}, {1, 1, 2}, {2, 3, 1.5}};
  const auto n = nsga3_normalize(pts);
  const std::vector<Point> expected = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.5, 0.5, 0.5}};
  for (std::size_t i = 0; i < n.size(); ++i)
    for (std::size_t k = 0; k < 3; ++k) CHECK(n[i][k] == Approx(expected[i][k]).margin(1e-12));
  // a degenerate plane (the same point is extreme for two axes): the largest values are used
  const std::vector<Point> flat = {{4, 2}, {0, 2}, {2, 2}};
  const auto m = nsga3_normalize(flat);
  CHECK(m[0] == Point{1.0, 0.0});
  CHECK(m[1] == Point{0.0, 0.0});
  CHECK(m[2] == Point{0.5, 0.0});
}

TEST_CASE("NSGA-III association by perpendicular distance, by hand", "[search][nsga3]") {
  const std::vector<Point> dirs = {{1, 0}, {0.5, 0.5}, {0, 1}};
  const auto a = associate({{0.9, 0.1}, {0.4, 0.5}, {0.0, 0.0}}, dirs);
  CHECK(a.direction == std::vector<std::size_t>{0, 1, 0});
  CHECK(a.distance[0] == Approx(0.1));
  CHECK(a.distance[1] == Approx(std::sqrt(2.0) * 0.05));
  CHECK(a.distance[2] == 0.0);  // the ideal point itself lies on every line: the first wins
}

TEST_CASE("NSGA-III niching fills empty niches first, closest member first", "[search][nsga3]") {
  const Nsga3Survival s(2, 2);  // directions (1, 0), (0.5, 0.5), (0, 1)
  // one front of four; (0, 1) and (0.1, 0.9) share the niche of (0, 1): the closer one wins
  const std::vector<Point> pts = {{0.1, 0.9}, {0.5, 0.5}, {1, 0}, {0, 1}};
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng(seed);
    CHECK(s.select(pts, std::vector<double>(4, 0.0), 3, rng) == std::vector<std::size_t>{1, 2, 3});
  }
  // the first front (0.4, 0.4) sits at the ideal point and fills the niche of (1, 0) (every line
  // passes through the ideal point; the first wins); of the second front, (1, 0.45) shares that
  // niche and is left out, the two empty niches get a member each, whatever the coin says
  const std::vector<Point> two = {{0.4, 0.4}, {1.0, 0.45}, {0.45, 1.0}, {0.6, 0.6}};
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng(seed);
    CHECK(s.select(two, std::vector<double>(4, 0.0), 3, rng) == std::vector<std::size_t>{0, 2, 3});
  }
}
