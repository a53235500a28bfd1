#include <catch2/catch.hpp>

#include <cmath>

#include "nas4ml/data/preprocessing.hpp"

using namespace nas4ml::data;
using Catch::Detail::Approx;

namespace {
FeatureMatrix matrix(std::initializer_list<std::initializer_list<float>> rows) {
  FeatureMatrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
  Eigen::Index r = 0;
  for (const auto& row : rows) {
    Eigen::Index c = 0;
    for (float v : row) m(r, c++) = v;
    ++r;
  }
  return m;
}
}  // namespace

TEST_CASE("standardize is fitted on the training rows only", "[data][preprocessing]") {
  FeatureMatrix train = matrix({{1, 10, 5}, {2, 20, 5}, {3, 30, 5}, {4, 40, 5}});
  FeatureMatrix test = matrix({{5, 50, 6}, {6, 60, 7}});
  const Preprocessing p = fit_preprocessing(train, "standardize");
  CHECK(p.offset[0] == Approx(2.5));
  CHECK(p.scale[0] == Approx(1.0 / std::sqrt(1.25)));  // population deviation
  CHECK(p.scale[2] == 1.0);                            // constant feature
  apply_preprocessing(p, train);
  apply_preprocessing(p, test);
  for (int c = 0; c < 2; ++c) {
    CHECK(train.col(c).mean() == Approx(0.0).margin(1e-6));
    CHECK(std::sqrt(train.col(c).array().square().mean()) == Approx(1.0));
  }
  // The test rows are mapped with the training statistics: their mean is not forced to 0.
  CHECK(test(0, 0) == Approx((5 - 2.5) / std::sqrt(1.25)));
  CHECK(test.col(0).mean() > 2.0);
  CHECK(test(1, 2) == Approx(2.0));
}

TEST_CASE("minmax maps the training range to [0, 1]", "[data][preprocessing]") {
  FeatureMatrix train = matrix({{-2, 3}, {2, 3}, {0, 3}});
  FeatureMatrix test = matrix({{4, 4}});
  const Preprocessing p = fit_preprocessing(train, "minmax");
  apply_preprocessing(p, train);
  apply_preprocessing(p, test);
  CHECK(train(0, 0) == 0.0f);
  CHECK(train(1, 0) == 1.0f);
  CHECK(train(2, 0) == 0.5f);
  CHECK(train(0, 1) == 0.0f);  // constant: offset min, scale 1
  CHECK(test(0, 0) == 1.5f);   // outside the training range stays outside
  CHECK(test(0, 1) == 1.0f);
}

TEST_CASE("none leaves the values alone", "[data][preprocessing]") {
  FeatureMatrix train = matrix({{1, 2}, {3, 4}});
  const Preprocessing p = fit_preprocessing(train, "none");
  CHECK(p.offset == std::vector<double>{0, 0});
  CHECK(p.scale == std::vector<double>{1, 1});
  apply_preprocessing(p, train);
  CHECK(train(1, 1) == 4.0f);
}
