#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/pareto.hpp"
#include "nas4ml/search/test_problems.hpp"

using namespace nas4ml;
using namespace nas4ml::search;

TEST_CASE("test problems give their known Pareto-optimal values", "[search][problems]") {
  std::vector<double> x(30, 0.0);
  x[0] = 0.25;
  CHECK(make_problem("zdt1").objectives(x)[1] == Approx(0.5));
  CHECK(make_problem("zdt2").objectives(x)[1] == Approx(1.0 - 0.0625));
  CHECK(make_problem("zdt3").objectives(x)[1] == Approx(1.0 - 0.5 - 0.25 * std::sin(2.5 * std::numbers::pi)));
  // off the front, g grows: all other variables at 1 -> g = 10
  std::vector<double> y(30, 1.0);
  y[0] = 0.25;
  CHECK(make_problem("zdt1").objectives(y)[1] == Approx(10.0 * (1.0 - std::sqrt(0.025))));
  std::vector<double> z(10, 0.0);
  z[0] = 0.36;
  CHECK(make_problem("zdt4").objectives(z)[1] == Approx(0.4));
  // DTLZ2: distance variables at 0.5 put the point on the unit sphere
  std::vector<double> d(12, 0.5);
  d[0] = 0.3;
  d[1] = 0.8;
  const auto f = make_problem("dtlz2").objectives(d);
  REQUIRE(f.size() == 3);
  CHECK(f[0] * f[0] + f[1] * f[1] + f[2] * f[2] == Approx(1.0));
  CHECK(f[2] == Approx(std::sin(0.3 * std::numbers::pi / 2)));
  // DTLZ1: on the front the objectives sum to 0.5
  std::vector<double> e(7, 0.5);
  e[0] = 0.2;
  e[1] = 0.9;
  const auto h = make_problem("dtlz1").objectives(e);
  CHECK(h[0] + h[1] + h[2] == Approx(0.5));
  CHECK(h[0] == Approx(0.5 * 0.2 * 0.9));
  // BNH: (0,0) is feasible; (0,3) breaks C1 by (0-5)^2 + 3^2 - 25 = 9
  const auto bnh = make_problem("bnh");
  CHECK(bnh.objectives({1.0, 1.0}) == std::vector<double>{8.0, 32.0});
  CHECK(total_violation(bnh.constraints({0.0, 0.0})) == 0.0);
  CHECK(total_violation(bnh.constraints({0.0, 3.0})) == Approx(9.0));
  // TNK: (1, 1) is feasible, (0.2, 0.2) is inside the unit circle (C1 broken)
  const auto tnk = make_problem("tnk");
  CHECK(total_violation(tnk.constraints({1.0, 1.0})) == 0.0);
  CHECK(total_violation(tnk.constraints({0.2, 0.2})) > 0.0);
}

TEST_CASE("closed-form true-front hypervolumes", "[search][problems]") {
  CHECK(make_problem("zdt1").true_front_hypervolume == Approx(0.8766667).epsilon(1e-6));
  CHECK(make_problem("zdt2").true_front_hypervolume == Approx(0.5433333).epsilon(1e-6));
  CHECK(make_problem("dtlz2").true_front_hypervolume == Approx(1.331 - std::numbers::pi / 6));
  CHECK(make_problem("dtlz1").true_front_hypervolume == Approx(1.331 - 0.125 / 6));
  // ZDT6's front starts at f1 = 0.2807753191 (Zitzler, Deb, Thiele 2000)
  const double a = 0.2807753191;
  CHECK(make_problem("zdt6").true_front_hypervolume == Approx(0.1 * (1 - a) + (1 - a * a * a) / 3 + 0.11).epsilon(1e-8));
  CHECK(std::isnan(make_problem("zdt3").true_front_hypervolume));
}

TEST_CASE("unknown problems and bad sizes are config errors", "[search][problems]") {
  CHECK_THROWS_WITH(make_problem("ztd1"), Catch::Contains("unknown test problem") && Catch::Contains("\"zdt1\""));
  CHECK_THROWS_WITH(make_problem("zdt1", 1), Catch::Contains("[2, 10000]") && Catch::Contains("got 1"));
  CHECK_THROWS_AS(make_problem("dtlz2", 0, 1), ConfigError);
  CHECK(make_problem("dtlz2", 0, 5).objectives(std::vector<double>(14, 0.5)).size() == 5);
}
