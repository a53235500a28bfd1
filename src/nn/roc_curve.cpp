#include "nas4ml/nn/roc_curve.hpp"

#include <algorithm>
#include <numeric>

namespace nas4ml::nn {

RocCurve roc_curve(std::span<const double> scores, std::span<const std::uint8_t> positive) {
  RocCurve c;
  const std::size_t n = std::min(scores.size(), positive.size());
  std::size_t n_sig = 0;
  for (std::size_t i = 0; i < n; ++i) n_sig += positive[i] ? 1 : 0;
  const std::size_t n_bkg = n - n_sig;
  if (n_sig == 0 || n_bkg == 0) return c;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] > scores[b]; });
  c.efficiency.push_back(0.0);
  c.fpr.push_back(0.0);
  std::size_t sig = 0, bkg = 0;
  for (std::size_t k = 0; k < n; ++k) {
    (positive[order[k]] ? sig : bkg) += 1;
    if (k + 1 < n && scores[order[k + 1]] == scores[order[k]]) continue;  // a threshold takes all ties
    c.efficiency.push_back(static_cast<double>(sig) / static_cast<double>(n_sig));
    c.fpr.push_back(static_cast<double>(bkg) / static_cast<double>(n_bkg));
  }
  return c;
}

std::vector<std::vector<std::int64_t>> confusion_matrix(std::span<const std::int32_t> labels,
                                                        std::span<const std::int32_t> predicted, int n_classes) {
  std::vector<std::vector<std::int64_t>> m(static_cast<std::size_t>(n_classes),
                                           std::vector<std::int64_t>(static_cast<std::size_t>(n_classes), 0));
  for (std::size_t i = 0; i < std::min(labels.size(), predicted.size()); ++i)
    if (labels[i] >= 0 && labels[i] < n_classes && predicted[i] >= 0 && predicted[i] < n_classes)
      ++m[static_cast<std::size_t>(labels[i])][static_cast<std::size_t>(predicted[i])];
  return m;
}

}  // namespace nas4ml::nn
