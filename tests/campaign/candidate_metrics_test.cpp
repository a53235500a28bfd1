#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nas4ml/campaign/candidate_metrics.hpp"

using namespace nas4ml::campaign;

namespace {
nas4ml::estimate::Estimate sample_estimate() {
  nas4ml::estimate::Estimate e;
  e.lut = 12000;
  e.ff = 3000;
  e.dsp = 0;
  e.bram18 = 2;
  e.latency_ns = 25;
  e.latency_cycles = 5;
  e.ii = 1;
  e.bops = 5000;
  e.ebops = 4000;
  e.lut_pct = 1.0;
  e.ff_pct = 0.25;
  e.dsp_pct = 0;
  e.bram18_pct = 0.05;
  return e;
}
nas4ml::estimate::DeviceModel device() {
  nas4ml::estimate::DeviceModel d;
  d.lut = 1'200'000;
  d.ff = 2'400'000;
  d.dsp = 6840;
  d.bram18 = 4320;
  return d;
}
}  // namespace

TEST_CASE("every metric an experiment may name is computed", "[campaign][candidate_metrics]") {
  nas4ml::nn::Metrics q;
  q.accuracy = 0.84;
  q.auc = 0.9;
  const auto m = candidate_metrics(q, sample_estimate());
  for (const auto& name : metric_names()) {
    INFO(name);
    CHECK(m.count(name) == 1);
  }
  CHECK(m.at("max_utilization") == Approx(0.01));
  CHECK(m.at("bram") == 2);
  const std::vector<Objective> objectives{{"accuracy", Direction::maximize}, {"lut", Direction::minimize}};
  CHECK(objective_values(m, objectives) == std::vector<double>{0.84, 12000});
}

TEST_CASE("constraint violation is the sum of relative excesses", "[campaign][candidate_metrics]") {
  nas4ml::nn::Metrics q;
  q.accuracy = 0.72;
  const auto m = candidate_metrics(q, sample_estimate());
  // All hold: latency 25 <= 50, LUT 12000 <= 10% of 1.2M, accuracy 0.72 >= 0.7.
  const std::vector<Constraint> ok{{"latency_ns", ConstraintOp::max, 50},
                                   {"lut", ConstraintOp::max_fraction_of_device, 0.10},
                                   {"accuracy", ConstraintOp::min, 0.7}};
  CHECK(constraint_violation(m, ok, device()) == 0.0);
  // latency 25 > 20 by 25%; LUT 12000 > 0.5% of 1.2M = 6000 by 100%; accuracy 0.72 < 0.8 by 10%.
  const std::vector<Constraint> bad{{"latency_ns", ConstraintOp::max, 20},
                                    {"lut", ConstraintOp::max_fraction_of_device, 0.005},
                                    {"accuracy", ConstraintOp::min, 0.8}};
  CHECK(constraint_violation(m, bad, device()) == Approx(0.25 + 1.0 + 0.1));
}

TEST_CASE("a NaN metric under a constraint is an infinite violation", "[campaign][candidate_metrics]") {
  nas4ml::nn::Metrics q;
  q.auc = std::numeric_limits<double>::quiet_NaN();
  const auto m = candidate_metrics(q, sample_estimate());
  CHECK(std::isinf(constraint_violation(m, {{"auc", ConstraintOp::min, 0.5}}, device())));
}
