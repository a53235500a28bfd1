// The report's anomaly-detection and regression plots, checked by content: the plotted points
// are the figures computed by hand on small cases.
#include <catch2/catch.hpp>

#include <cmath>

#include "nas4ml/campaign/task_physics.hpp"
#include "nas4ml/nn/metrics.hpp"
#include "nas4ml/nn/task_metrics.hpp"

using namespace nas4ml;
using namespace nas4ml::campaign;

namespace {
TaskPhysics anomaly_member(const std::vector<double>& scores, const std::vector<std::uint8_t>& anomalous) {
  TaskPhysics m;
  m.id = "m";
  m.kind = "autoencoder";
  m.roc = nn::roc_curve(scores, anomalous);
  m.auc = nn::roc_auc(scores, anomalous);
  for (double f : {1e-2, 1e-3, 1e-4}) m.working_points.emplace_back(f, nn::tpr_at_fpr(scores, anomalous, f));
  return m;
}
}  // namespace

TEST_CASE("anomaly plots: rejection and ROC points are the hand-computed curve", "[campaign][report][task]") {
  // Background scores 1, 2, 3, 4; anomalies 2.5 and 5. Thresholds (score >= t), highest first:
  // t=5: eff 1/2, fpr 0; t=4: 1/2, 1/4; t=3: 1/2, 1/2; t=2.5: 1, 1/2; t=2: 1, 3/4; t=1: 1, 1.
  const TaskPhysics m = anomaly_member({1, 2, 3, 4, 2.5, 5}, {0, 0, 0, 0, 1, 1});
  const Plot rej = anomaly_plot({m}, true);
  REQUIRE(rej.series.size() == 2);
  const auto& curve = rej.series[0];
  CHECK(curve.x == std::vector<double>{0.5, 0.5, 1, 1, 1});  // fpr 0 is off the log axis
  CHECK(curve.y == std::vector<double>{4, 2, 2, 4.0 / 3.0, 1});
  CHECK(rej.log_y);
  const Plot roc = anomaly_plot({m}, false);
  CHECK(roc.series[0].x == std::vector<double>{0.25, 0.5, 0.5, 0.75, 1});
  CHECK(roc.series[0].y == std::vector<double>{0.5, 0.5, 1, 1, 1});
  CHECK_THAT(roc.series[0].label, Catch::Contains("AUC 0.7500"));  // 6 of the 8 pairs ordered right
}

TEST_CASE("anomaly plots: the rings are the TPR at FPR 1e-2, 1e-3, 1e-4 working points", "[campaign][report][task]") {
  // 200 background scores 0..199; 10 anomalies. At FPR 1e-2, 2 background may pass: threshold =
  // the 3rd highest background score (197), flagged strictly above it: 199.5 and 198.5 -> 0.2.
  // At 1e-3 and 1e-4 none may pass: threshold 199 -> only 199.5 -> 0.1.
  std::vector<double> scores;
  std::vector<std::uint8_t> anomalous;
  for (int i = 0; i < 200; ++i) scores.push_back(i), anomalous.push_back(0);
  for (double s : {199.5, 198.5, 197.0, 150.0, 120.0, 100.0, 80.0, 50.0, 20.0, 5.0}) scores.push_back(s), anomalous.push_back(1);
  const TaskPhysics m = anomaly_member(scores, anomalous);
  const Plot rej = anomaly_plot({m}, true);
  const auto& rings = rej.series.back();
  CHECK(rings.x == std::vector<double>{0.2, 0.1, 0.1});
  REQUIRE(rings.y.size() == 3);
  CHECK(rings.y[0] == Approx(100.0));
  CHECK(rings.y[1] == Approx(1000.0));
  CHECK(rings.y[2] == Approx(10000.0));
  const Plot roc = anomaly_plot({m}, false);
  CHECK(roc.series.back().x == std::vector<double>{1e-2, 1e-3, 1e-4});
  CHECK(roc.series.back().y == std::vector<double>{0.2, 0.1, 0.1});
  const std::string html = task_physics_html({m});
  CHECK_THAT(html, Catch::Contains("<td>0.2000</td><td>0.1000</td><td>0.1000</td>"));
}

TEST_CASE("regression plots: predicted vs true and the relative residuals by hand", "[campaign][report][task]") {
  TaskPhysics m;
  m.id = "r";
  m.kind = "regression";
  m.target = "m_bb";
  m.truth = {1.0, 2.0, 4.0, 0.0};
  m.predicted = {1.1, 1.8, 4.4, 0.3};
  const auto q = nn::regression_quality(std::vector<double>(m.predicted.begin(), m.predicted.begin() + 3),
                                        std::vector<double>(m.truth.begin(), m.truth.begin() + 3));
  m.resolution = q.resolution;
  m.bias = q.bias;
  // Relative residuals 0.1, -0.1, 0.1: bias 1/30, resolution sqrt(0.01 - 1/900).
  CHECK(m.bias == Approx(1.0 / 30.0));
  CHECK(m.resolution == Approx(std::sqrt(0.01 - 1.0 / 900.0)));
  const Plot scatter = regression_plot(m, false);
  CHECK(scatter.diagonal);
  CHECK(scatter.series[0].x == m.truth);
  CHECK(scatter.series[0].y == m.predicted);
  CHECK(scatter.x_label == "true m_bb");
  const Plot res = regression_plot(m, true);
  REQUIRE(res.series.size() == 2);
  CHECK(res.series[0].x == std::vector<double>{1.0, 2.0, 4.0});  // true 0: no relative error
  REQUIRE(res.series[0].y.size() == 3);
  CHECK(res.series[0].y[0] == Approx(0.1));
  CHECK(res.series[0].y[1] == Approx(-0.1));
  CHECK(res.series[0].y[2] == Approx(0.1));
  CHECK(res.series[1].y == std::vector<double>{m.bias, m.bias});  // the bias line
  CHECK_THAT(res.notes.at(0), Catch::Contains("resolution (std of the relative residual) 0.0943"));
  // At most max_points points: every k-th row.
  TaskPhysics big = m;
  big.truth.assign(1000, 2.0);
  big.predicted.assign(1000, 2.5);
  CHECK(regression_plot(big, false, 100).series[0].x.size() == 100);
}
