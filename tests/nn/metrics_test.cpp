#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nas4ml/nn/metrics.hpp"

using namespace nas4ml::nn;

TEST_CASE("ROC AUC of a small hand-made example", "[nn][metrics]") {
  // Positives 0.9, 0.4, 0.35 ; negatives 0.8, 0.3, 0.1. Pairs (pos > neg): 0.9 beats all 3,
  // 0.4 beats 2, 0.35 beats 2 -> 7 of 9.
  const std::vector<double> s = {0.9, 0.8, 0.4, 0.35, 0.3, 0.1};
  const std::vector<std::uint8_t> pos = {1, 0, 1, 1, 0, 0};
  CHECK(roc_auc(s, pos) == Approx(7.0 / 9.0));
  // Ties count one half: positive 0.5 vs negative 0.5.
  CHECK(roc_auc(std::vector<double>{0.5, 0.5, 0.9}, std::vector<std::uint8_t>{1, 0, 1}) == Approx((0.5 + 1.0) / 2.0));
  CHECK(std::isnan(roc_auc(std::vector<double>{0.1, 0.2}, std::vector<std::uint8_t>{1, 1})));
}

TEST_CASE("background rejection at 50% signal efficiency", "[nn][metrics]") {
  // 4 signal: 0.9 0.8 0.7 0.2 -> threshold = 2nd highest = 0.8. Background: 0.85 0.5 0.3 0.1 0.05
  // -> 1 of 5 accepted (0.85 >= 0.8): FPR 0.2, rejection 5.
  const std::vector<double> s = {0.9, 0.8, 0.7, 0.2, 0.85, 0.5, 0.3, 0.1, 0.05};
  const std::vector<std::uint8_t> pos = {1, 1, 1, 1, 0, 0, 0, 0, 0};
  CHECK(background_rejection(s, pos, 0.5) == Approx(5.0));
  // 3 signal -> ceil(1.5) = 2nd highest.
  CHECK(background_rejection(std::vector<double>{3, 2, 1, 2.5, 0}, std::vector<std::uint8_t>{1, 1, 1, 0, 0}) ==
        Approx(2.0));
  // No background above the threshold: infinite rejection.
  CHECK(std::isinf(background_rejection(std::vector<double>{3, 2, 1, 0}, std::vector<std::uint8_t>{1, 1, 0, 0})));
}

TEST_CASE("accuracy, per-class accuracy, loss and one-vs-rest AUC from logits", "[nn][metrics]") {
  // 3 classes, 4 samples. Predictions: 0, 1, 2 (tie 2 vs 2 -> first, class 1... see below), 0.
  const std::vector<double> logits = {2, 0, 0,    // y=0, pred 0
                                      0, 1, 0,    // y=1, pred 1
                                      0, 3, 3,    // y=2, pred 1 (first of the tie)
                                      1, 0, 0.5}; // y=1, pred 0
  const std::vector<std::int32_t> y = {0, 1, 2, 1};
  const Metrics m = compute_metrics(logits, y, 3);
  CHECK(m.samples == 4);
  CHECK(m.accuracy == Approx(0.5));
  CHECK(m.class_accuracy[0] == Approx(1.0));
  CHECK(m.class_accuracy[1] == Approx(0.5));
  CHECK(m.class_accuracy[2] == Approx(0.0));
  auto ce = [](double a, double b, double c, double t) { return std::log(std::exp(a) + std::exp(b) + std::exp(c)) - t; };
  CHECK(m.loss == Approx((ce(2, 0, 0, 2) + ce(0, 1, 0, 1) + ce(0, 3, 3, 3) + ce(1, 0, 0.5, 0)) / 4));
  REQUIRE(m.class_auc.size() == 3);
  CHECK(m.class_auc[0] == Approx(1.0));  // p0 of sample 0 is the largest p0
  CHECK(std::isnan(m.background_rejection));
  CHECK(m.auc == Approx((m.class_auc[0] + m.class_auc[1] + m.class_auc[2]) / 3));
  const auto j = m.to_json();
  CHECK(j["background_rejection_at_50"].is_null());
}

TEST_CASE("binary metrics use the logit difference", "[nn][metrics]") {
  const std::vector<double> logits = {0, 1, 0, -1, 1, 0, 0, 2};
  const std::vector<std::int32_t> y = {1, 0, 0, 1};
  const Metrics m = compute_metrics(logits, y, 2);
  // Scores l1 - l0: 1, -1, -1, 2 ; positives {1, 2}, negatives {-1, -1}: AUC 1.
  CHECK(m.auc == Approx(1.0));
  CHECK(std::isinf(m.background_rejection));
  CHECK(m.accuracy == Approx(1.0));
}
