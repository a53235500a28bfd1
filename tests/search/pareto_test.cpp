#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nas4ml/search/pareto.hpp"

using namespace nas4ml::search;
static const double kInf = std::numeric_limits<double>::infinity();

TEST_CASE("dominates needs no-worse everywhere and better somewhere", "[search][pareto]") {
  CHECK(dominates({1, 2}, {2, 3}));
  CHECK(dominates({1, 2}, {1, 3}));
  CHECK_FALSE(dominates({1, 2}, {1, 2}));  // equal: neither dominates
  CHECK_FALSE(dominates({1, 3}, {2, 2}));  // trade-off
  CHECK_FALSE(dominates({2, 3}, {1, 2}));
  CHECK(dominates({0, 0, 0}, {0, 0, 1e-12}));
}

TEST_CASE("constrained domination follows Deb 2000", "[search][pareto]") {
  // feasible beats infeasible whatever the objectives
  CHECK(constrained_dominates({9, 9}, 0.0, {0, 0}, 0.1));
  CHECK_FALSE(constrained_dominates({0, 0}, 0.1, {9, 9}, 0.0));
  // two infeasible: smaller total violation wins, objectives ignored
  CHECK(constrained_dominates({9, 9}, 0.5, {0, 0}, 2.0));
  CHECK_FALSE(constrained_dominates({0, 0}, 2.0, {9, 9}, 0.5));
  CHECK_FALSE(constrained_dominates({0, 0}, 1.0, {9, 9}, 1.0));
  // two feasible: plain domination
  CHECK(constrained_dominates({1, 1}, 0.0, {2, 2}, 0.0));
  CHECK_FALSE(constrained_dominates({1, 3}, 0.0, {2, 2}, 0.0));
  // a failed candidate (infinite or NaN violation) loses to any finite violation
  CHECK(constrained_dominates({5, 5}, 1e9, {0, 0}, kInf));
  CHECK(constrained_dominates({5, 5}, 1e9, {0, 0}, std::nan("")));
  CHECK(total_violation({-1.0, 0.5, 2.0}) == 2.5);
  CHECK(total_violation({-1.0, 0.0}) == 0.0);
  CHECK(std::isinf(total_violation({std::nan("")})));
}

TEST_CASE("non-dominated sort on a hand-worked set", "[search][pareto]") {
  // index: 0 (1,5) 1 (2,3) 2 (4,1) 3 (3,4) 4 (5,5) 5 (2,3) duplicate of 1, 6 (6,6)
  //   front 0: 0, 1, 2, 5 ; front 1: 3 (dominated by 1 and 5) ; front 2: 4 ; front 3: 6
  const std::vector<Point> pts{{1, 5}, {2, 3}, {4, 1}, {3, 4}, {5, 5}, {2, 3}, {6, 6}};
  const auto s = non_dominated_sort(pts);
  REQUIRE(s.fronts.size() == 4);
  CHECK(s.fronts[0] == std::vector<std::size_t>{0, 1, 2, 5});
  CHECK(s.fronts[1] == std::vector<std::size_t>{3});
  CHECK(s.fronts[2] == std::vector<std::size_t>{4});
  CHECK(s.fronts[3] == std::vector<std::size_t>{6});
  CHECK(s.rank == std::vector<std::size_t>{0, 0, 0, 1, 2, 0, 3});
  CHECK(non_dominated_indices(pts) == std::vector<std::size_t>{0, 1, 2, 5});
}

TEST_CASE("constrained non-dominated sort ranks feasible first, then by violation", "[search][pareto]") {
  const std::vector<Point> pts{{0, 0}, {1, 1}, {2, 0}, {0, 2}, {3, 3}};
  const std::vector<double> v{0.5, 0.0, 0.0, 0.0, 0.2};
  const auto s = non_dominated_sort(pts, v);
  // feasible {1,2,3}: (1,1), (2,0), (0,2) mutually non-dominated -> front 0
  // then violation 0.2 (index 4), then 0.5 (index 0)
  REQUIRE(s.fronts.size() == 3);
  CHECK(s.fronts[0] == std::vector<std::size_t>{1, 2, 3});
  CHECK(s.fronts[1] == std::vector<std::size_t>{4});
  CHECK(s.fronts[2] == std::vector<std::size_t>{0});
}

TEST_CASE("crowding distance on a hand-worked front", "[search][pareto]") {
  // f1: 0, 1, 3, 4 (range 4) ; f2: 4, 2, 1, 0 (range 4)
  const std::vector<Point> front{{0, 4}, {1, 2}, {3, 1}, {4, 0}};
  const auto d = crowding_distance(front);
  CHECK(std::isinf(d[0]));
  CHECK(std::isinf(d[3]));
  // point 1: (3 - 0)/4 + (4 - 1)/4 = 1.5 ; point 2: (4 - 1)/4 + (2 - 0)/4 = 1.25
  CHECK(d[1] == Approx(1.5));
  CHECK(d[2] == Approx(1.25));
  // order of the input does not matter
  const auto e = crowding_distance({{3, 1}, {0, 4}, {4, 0}, {1, 2}});
  CHECK(e[0] == Approx(1.25));
  CHECK(e[3] == Approx(1.5));
  // tiny fronts are all boundary
  const auto two = crowding_distance({{0, 1}, {1, 0}});
  CHECK((std::isinf(two[0]) && std::isinf(two[1])));
  // a constant objective adds nothing
  const auto flat = crowding_distance({{0, 5}, {1, 5}, {2, 5}, {4, 5}});
  CHECK(flat[1] == Approx(0.5));
  CHECK(flat[2] == Approx(0.75));
}

TEST_CASE("ideal, nadir and normalization", "[search][pareto]") {
  const std::vector<Point> pts{{1, 5}, {2, 3}, {4, 1}, {9, 9}};
  CHECK(ideal_point(pts) == Point{1, 1});
  CHECK(nadir_point(pts) == Point{4, 5});  // (9,9) is dominated: not part of the nadir
  const auto n = normalize(pts, {1, 1}, {4, 5});
  CHECK(n[0] == Point{0, 1});
  CHECK(n[1][0] == Approx(1.0 / 3.0));
  CHECK(n[2] == Point{1, 0});
  CHECK(normalize({{3, 2}}, {3, 0}, {3, 4})[0] == Point{0, 0.5});
  CHECK_THROWS_AS(ideal_point({}), std::invalid_argument);
  CHECK_THROWS_AS(nadir_point({}), std::invalid_argument);
}
