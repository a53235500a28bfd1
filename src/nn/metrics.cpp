#include "nas4ml/nn/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nas4ml/core/error.hpp"

namespace nas4ml::nn {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

Json number_or_null(double v) {
  if (std::isnan(v)) return nullptr;
  if (std::isinf(v)) return v > 0 ? Json("inf") : Json("-inf");
  return v;
}
}  // namespace

Json Metrics::to_json() const {
  Json j;
  j["samples"] = samples;
  j["accuracy"] = number_or_null(accuracy);
  j["loss"] = number_or_null(loss);
  j["auc"] = number_or_null(auc);
  Json ca = Json::array(), cu = Json::array();
  for (double v : class_accuracy) ca.push_back(number_or_null(v));
  for (double v : class_auc) cu.push_back(number_or_null(v));
  j["class_accuracy"] = ca;
  j["class_auc"] = cu;
  j["background_rejection_at_50"] = number_or_null(background_rejection);
  for (const auto& [name, v] : task) j[name] = number_or_null(v);
  return j;
}

double roc_auc(std::span<const double> scores, std::span<const std::uint8_t> positive) {
  NAS4ML_ASSERT(scores.size() == positive.size(), "scores and labels differ in length");
  const std::size_t n = scores.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  // Sum of the (average, for ties) ranks of the positives.
  double rank_sum = 0.0;
  std::size_t n_pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);  // ranks i+1 .. j
    for (std::size_t k = i; k < j; ++k)
      if (positive[order[k]]) {
        rank_sum += avg_rank;
        ++n_pos;
      }
    i = j;
  }
  const std::size_t n_neg = n - n_pos;
  if (n_pos == 0 || n_neg == 0) return nan;
  const double np = static_cast<double>(n_pos), nn = static_cast<double>(n_neg);
  return (rank_sum - np * (np + 1.0) / 2.0) / (np * nn);
}

double background_rejection(std::span<const double> scores, std::span<const std::uint8_t> positive,
                            double efficiency) {
  NAS4ML_ASSERT(scores.size() == positive.size(), "scores and labels differ in length");
  std::vector<double> sig, bkg;
  for (std::size_t i = 0; i < scores.size(); ++i) (positive[i] ? sig : bkg).push_back(scores[i]);
  if (sig.empty() || bkg.empty()) return nan;
  std::sort(sig.begin(), sig.end(), std::greater<>());
  const auto k = static_cast<std::size_t>(std::ceil(efficiency * static_cast<double>(sig.size())));
  const double threshold = sig[std::clamp<std::size_t>(k, 1, sig.size()) - 1];
  const auto accepted = std::count_if(bkg.begin(), bkg.end(), [&](double s) { return s >= threshold; });
  if (accepted == 0) return std::numeric_limits<double>::infinity();
  return static_cast<double>(bkg.size()) / static_cast<double>(accepted);
}

Metrics compute_metrics(std::span<const double> logits, std::span<const std::int32_t> labels, int n_classes,
                        int signal_class) {
  NAS4ML_ASSERT(n_classes >= 2, "metrics need at least two classes");
  const auto c = static_cast<std::size_t>(n_classes);
  const std::size_t n = labels.size();
  NAS4ML_ASSERT(logits.size() == n * c, "logits and labels differ in length");
  Metrics m;
  m.samples = n;
  std::vector<double> prob(n * c);
  std::vector<std::size_t> correct(c, 0), count(c, 0);
  double loss = 0.0;
  std::size_t hits = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const double* l = logits.data() + r * c;
    const auto y = static_cast<std::size_t>(labels[r]);
    NAS4ML_ASSERT(y < c, "label outside the class range");
    const std::size_t pred = static_cast<std::size_t>(std::max_element(l, l + c) - l);
    const double mx = l[pred];
    double sum = 0.0;
    for (std::size_t k = 0; k < c; ++k) sum += std::exp(l[k] - mx);
    for (std::size_t k = 0; k < c; ++k) prob[r * c + k] = std::exp(l[k] - mx) / sum;
    loss += std::log(sum) + mx - l[y];
    ++count[y];
    if (pred == y) {
      ++hits;
      ++correct[y];
    }
  }
  m.accuracy = n ? static_cast<double>(hits) / static_cast<double>(n) : nan;
  m.loss = n ? loss / static_cast<double>(n) : nan;
  std::vector<double> scores(n);
  std::vector<std::uint8_t> pos(n);
  double auc_sum = 0.0;
  int auc_n = 0;
  for (std::size_t k = 0; k < c; ++k) {
    m.class_accuracy.push_back(count[k] ? static_cast<double>(correct[k]) / static_cast<double>(count[k]) : nan);
    for (std::size_t r = 0; r < n; ++r) {
      scores[r] = prob[r * c + k];
      pos[r] = static_cast<std::size_t>(labels[r]) == k;
    }
    const double a = roc_auc(scores, pos);
    m.class_auc.push_back(a);
    if (!std::isnan(a)) {
      auc_sum += a;
      ++auc_n;
    }
  }
  if (c == 2) {
    // The logit difference orders samples like p(class 1) without rounding ties together.
    NAS4ML_ASSERT(signal_class == 0 || signal_class == 1, "signal class of a binary task must be 0 or 1");
    const auto s = static_cast<std::size_t>(signal_class);
    for (std::size_t r = 0; r < n; ++r) {
      scores[r] = logits[r * 2 + s] - logits[r * 2 + (1 - s)];
      pos[r] = labels[r] == signal_class;
    }
    m.auc = roc_auc(scores, pos);
    m.background_rejection = background_rejection(scores, pos, 0.5);
  } else {
    m.auc = auc_n ? auc_sum / auc_n : nan;
    m.background_rejection = nan;
  }
  return m;
}

}  // namespace nas4ml::nn
