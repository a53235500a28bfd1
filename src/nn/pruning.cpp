#include "nas4ml/nn/pruning.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "nas4ml/core/error.hpp"

namespace nas4ml::nn {

double polynomial_sparsity(double s_initial, double s_final, double progress) noexcept {
  const double p = std::clamp(progress, 0.0, 1.0);
  const double r = 1.0 - p;
  return s_final + (s_initial - s_final) * r * r * r;
}

PruningSchedule::PruningSchedule(int epochs, int rounds, double final_sparsity)
    : epochs_(std::max(1, epochs)), rounds_(std::clamp(rounds, 1, std::max(1, epochs))), final_(final_sparsity) {
  const int len_last = epochs_ - (rounds_ - 1) * (epochs_ / rounds_);
  final_epoch_ = (rounds_ - 1) * (epochs_ / rounds_) + len_last / 8 + std::max(1, len_last / 2) - 1;
}

double PruningSchedule::target(int epoch) const noexcept {
  if (final_ <= 0.0) return 0.0;
  const int len = epochs_ / rounds_;
  const int r = std::min(rounds_ - 1, epoch / std::max(1, len));
  const int start = r * len;
  const int round_len = (r == rounds_ - 1) ? epochs_ - start : len;
  const int ramp = std::max(1, round_len / 2);
  const double s0 = polynomial_sparsity(0.0, final_, static_cast<double>(r) / rounds_);
  const double s1 = polynomial_sparsity(0.0, final_, static_cast<double>(r + 1) / rounds_);
  const int delay = round_len / 8;  // let the weights settle before the first cut of a round
  const int j = epoch - start - delay;
  if (j < 0) return s0;
  if (j >= ramp) return s1;
  return polynomial_sparsity(s0, s1, static_cast<double>(j + 1) / ramp);
}

std::size_t pruned_count(double sparsity, std::size_t n) noexcept {
  return static_cast<std::size_t>(std::floor(sparsity * static_cast<double>(n) + 0.5));
}

namespace {
// Orders candidates: smaller primary magnitude first, then secondary, then index.
struct ByMagnitude {
  std::span<const float> p, s;
  bool operator()(std::size_t a, std::size_t b) const {
    const float pa = std::fabs(p[a]), pb = std::fabs(p[b]);
    if (pa != pb) return pa < pb;
    const float sa = std::fabs(s[a]), sb = std::fabs(s[b]);
    if (sa != sb) return sa < sb;
    return a < b;
  }
};
}  // namespace

void prune_weights(std::span<const float> primary, std::span<const float> secondary, std::span<float> mask,
                   std::size_t target_zeros) {
  NAS4ML_ASSERT(primary.size() == mask.size() && secondary.size() == mask.size(), "pruning spans differ in size");
  std::vector<std::size_t> kept;
  kept.reserve(mask.size());
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (mask[i] != 0.0f) kept.push_back(i);
  const std::size_t zeros = mask.size() - kept.size();
  if (target_zeros <= zeros) return;
  const std::size_t more = std::min(target_zeros - zeros, kept.size());
  std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(more) - 1, kept.end(),
                   ByMagnitude{primary, secondary});
  for (std::size_t k = 0; k < more; ++k) mask[kept[k]] = 0.0f;
}

void prune_neurons(std::span<const float> primary, std::span<const float> secondary, int n_out, int n_in,
                   std::span<float> weight_mask, std::span<float> bias_mask, int target_neurons) {
  const auto no = static_cast<std::size_t>(n_out), ni = static_cast<std::size_t>(n_in);
  NAS4ML_ASSERT(primary.size() == no * ni && weight_mask.size() == no * ni && bias_mask.size() == no,
                "structured pruning spans differ in size");
  std::vector<float> norm(no, 0.0f), norm2(no, 0.0f);
  std::vector<std::size_t> kept;
  for (std::size_t o = 0; o < no; ++o) {
    for (std::size_t i = 0; i < ni; ++i) {
      norm[o] += std::fabs(primary[o + i * no]) * weight_mask[o + i * no];
      norm2[o] += std::fabs(secondary[o + i * no]) * weight_mask[o + i * no];
    }
    if (bias_mask[o] != 0.0f) kept.push_back(o);
  }
  const std::size_t pruned = no - kept.size();
  const auto target = static_cast<std::size_t>(std::max(0, target_neurons));
  if (target <= pruned) return;
  const std::size_t more = std::min(target - pruned, kept.size());
  std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(more) - 1, kept.end(),
                   ByMagnitude{norm, norm2});
  for (std::size_t k = 0; k < more; ++k) {
    const std::size_t o = kept[k];
    bias_mask[o] = 0.0f;
    for (std::size_t i = 0; i < ni; ++i) weight_mask[o + i * no] = 0.0f;
  }
}

}  // namespace nas4ml::nn
