#include "nas4ml/nn/task_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "nas4ml/core/error.hpp"

namespace nas4ml::nn {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}

RegressionQuality regression_quality(std::span<const double> predicted, std::span<const double> truth) {
  NAS4ML_ASSERT(predicted.size() == truth.size(), "predictions and truth differ in length");
  RegressionQuality q;
  if (predicted.empty()) return {nan, nan, nan, nan};
  double se = 0.0, ae = 0.0, rel_sum = 0.0;
  std::size_t n_rel = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    const double d = predicted[i] - truth[i];
    se += d * d;
    ae += std::abs(d);
    if (truth[i] != 0.0) {
      rel_sum += d / truth[i];
      ++n_rel;
    }
  }
  const auto n = static_cast<double>(predicted.size());
  q.mse = se / n;
  q.mae = ae / n;
  if (n_rel == 0) {
    q.resolution = q.bias = nan;
    return q;
  }
  q.bias = rel_sum / static_cast<double>(n_rel);
  double var = 0.0;
  for (std::size_t i = 0; i < predicted.size(); ++i)
    if (truth[i] != 0.0) {
      const double r = (predicted[i] - truth[i]) / truth[i] - q.bias;
      var += r * r;
    }
  q.resolution = std::sqrt(var / static_cast<double>(n_rel));
  return q;
}

double tpr_at_fpr(std::span<const double> scores, std::span<const std::uint8_t> positive, double fpr) {
  NAS4ML_ASSERT(scores.size() == positive.size(), "scores and labels differ in length");
  std::vector<double> background;
  std::size_t n_signal = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (positive[i])
      ++n_signal;
    else
      background.push_back(scores[i]);
  }
  if (n_signal == 0 || background.empty()) return nan;
  const auto k = static_cast<std::size_t>(std::floor(fpr * static_cast<double>(background.size())));
  if (k >= background.size()) return 1.0;
  std::nth_element(background.begin(), background.begin() + static_cast<std::ptrdiff_t>(k), background.end(),
                   std::greater<double>());
  const double threshold = background[k];
  std::size_t flagged = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) flagged += positive[i] && scores[i] > threshold;
  return static_cast<double>(flagged) / static_cast<double>(n_signal);
}

}  // namespace nas4ml::nn
