// ROC curves and confusion matrices against hand-computed values.
#include <catch2/catch.hpp>

#include "nas4ml/nn/metrics.hpp"
#include "nas4ml/nn/roc_curve.hpp"

using namespace nas4ml::nn;

TEST_CASE("the ROC curve steps through every distinct score", "[nn][metrics][roc]") {
  const std::vector<double> scores = {0.9, 0.8, 0.7, 0.6, 0.5};
  const std::vector<std::uint8_t> signal = {1, 0, 1, 0, 1};
  const RocCurve c = roc_curve(scores, signal);
  CHECK(c.efficiency == std::vector<double>{0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1});
  CHECK(c.fpr == std::vector<double>{0, 0, 0.5, 0.5, 1, 1});
  // Working point: half the signal needs 2 of 3 signal samples (threshold 0.7), which accepts 1 of
  // 2 background samples: rejection 2.
  CHECK(background_rejection(scores, signal, 0.5) == Approx(2.0));
  // The area under this curve, 1/3 * 0.5 + 2/3 * 0.5, is the Mann-Whitney statistic: 3 of the 6
  // (signal, background) pairs are ordered right.
  double area = 0;
  for (std::size_t i = 1; i < c.fpr.size(); ++i)
    area += (c.fpr[i] - c.fpr[i - 1]) * (c.efficiency[i] + c.efficiency[i - 1]) / 2;
  CHECK(area == Approx(0.5));
  CHECK(roc_auc(scores, signal) == Approx(0.5));
}

TEST_CASE("tied scores are one threshold", "[nn][metrics][roc]") {
  const RocCurve c = roc_curve(std::vector<double>{1, 1, 0}, std::vector<std::uint8_t>{1, 0, 1});
  CHECK(c.efficiency == std::vector<double>{0, 0.5, 1});
  CHECK(c.fpr == std::vector<double>{0, 1, 1});
  CHECK(roc_curve(std::vector<double>{1, 2}, std::vector<std::uint8_t>{1, 1}).fpr.empty());
}

TEST_CASE("the confusion matrix counts [true][predicted]", "[nn][metrics][roc]") {
  const std::vector<std::int32_t> labels = {0, 1, 2, 2, 7};
  const std::vector<std::int32_t> predicted = {0, 2, 2, 1, 0};
  CHECK(confusion_matrix(labels, predicted, 3) ==
        std::vector<std::vector<std::int64_t>>{{1, 0, 0}, {0, 0, 1}, {0, 1, 1}});
}
