#include <catch2/catch.hpp>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/synth/calibration.hpp"

using namespace nas4ml;
using namespace nas4ml::synth;

TEST_CASE("percentiles interpolate like numpy", "[synth][calibration]") {
  CHECK(percentile({}, 50) == 0.0);
  CHECK(percentile({3.0}, 90) == 3.0);
  CHECK(percentile({1, 2, 3, 4}, 50) == Approx(2.5));
  CHECK(percentile({4, 1, 3, 2, 5}, 90) == Approx(4.6));  // rank 3.6 between 4 and 5
}

TEST_CASE("the relative least-squares scale", "[synth][calibration]") {
  // Estimates exactly 10% high: the scale undoes it and the error vanishes.
  const std::vector<double> m = {100, 250, 1000, 4000};
  std::vector<double> e;
  for (double v : m) e.push_back(1.1 * v);
  const double s = fit_scale(e, m);
  CHECK(s == Approx(1.0 / 1.1));
  CHECK(relative_errors(e, m, 1.0).median == Approx(0.1));
  CHECK(relative_errors(e, m, s).median == Approx(0.0).margin(1e-12));
  // Hand-worked: r = e/m = {2, 1} -> s = (2 + 1) / (4 + 1) = 0.6.
  CHECK(fit_scale(std::vector<double>{20, 10}, std::vector<double>{10, 10}) == Approx(0.6));
  // Designs with a zero measurement are left out.
  CHECK(relative_errors(std::vector<double>{5, 10}, std::vector<double>{0, 10}).n == 1);
}

TEST_CASE("fitting needs enough points", "[synth][calibration]") {
  CHECK_THROWS_AS(fit_scale(std::vector<double>{1}, std::vector<double>{1}), ConfigError);
  CHECK_THROWS_AS(fit_scale(std::vector<double>{0, 0}, std::vector<double>{0, 5}), ConfigError);
  CHECK_THROWS_AS(fit_scale(std::vector<double>{1, 2}, std::vector<double>{1}), ConfigError);
}

TEST_CASE("the fit reduces the error on held-back designs", "[synth][calibration]") {
  // Synthetic designs: the estimator is 7% high with +-2% scatter; fit on the even half,
  // check on the odd half.
  Rng rng = Rng::stream(5, 0, 0, "test.calibration");
  std::vector<double> e, m;
  std::vector<bool> held;
  for (int i = 0; i < 40; ++i) {
    const double truth = rng.uniform(200, 40000);
    m.push_back(truth);
    e.push_back(truth * 1.07 * (1.0 + rng.uniform(-0.02, 0.02)));
    held.push_back(i % 2 == 1);
  }
  const ResourceFit f = calibrate_resource("lut", e, m, held);
  CHECK(f.before.n == 20);
  CHECK(f.held_before.n == 20);
  CHECK(f.scale == Approx(1.0 / 1.07).epsilon(0.01));
  CHECK(f.held_before.median > 0.05);
  CHECK(f.held_after.median < 0.02);
  CHECK(f.held_after.p90 < f.held_before.p90);
  CHECK(f.after.median < f.before.median);
}
