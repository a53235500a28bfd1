#pragma once
/// \file Magnitude pruning with a polynomial sparsity schedule (Zhu & Gupta 2017, "To prune, or
/// not to prune", arXiv:1710.01878), applied in iterative prune + fine-tune rounds (Han et al.
/// 2015, arXiv:1506.02626) to the quantized weights (quantization-aware pruning, Hawks et al.
/// 2021, arXiv:2102.11289). Masks are persistent: a pruned weight never comes back.
#include <cstddef>
#include <span>

namespace nas4ml::nn {

/// Zhu & Gupta's cubic ramp: s_final + (s_initial - s_final) * (1 - progress)^3, progress in [0, 1].
double polynomial_sparsity(double s_initial, double s_final, double progress) noexcept;

/// When and how far to prune during a training of `epochs` epochs split into `rounds` rounds.
/// Round r (0-based) moves the sparsity from s_r to s_{r+1}, s_r = s_final * (1 - (1 - r/R)^3):
/// it holds s_r for its first floor(len/8) epochs, then follows the cubic ramp over max(1, len/2)
/// epochs, then fine-tunes for the rest. Targets are applied at the start of an epoch.
class PruningSchedule {
 public:
  PruningSchedule(int epochs, int rounds, double final_sparsity);
  /// The sparsity to reach at the start of `epoch` (0-based); non-decreasing in epoch.
  double target(int epoch) const noexcept;
  /// The first epoch at whose start the final sparsity is applied.
  int final_epoch() const noexcept { return final_epoch_; }
  /// Rounds actually used (min(rounds, epochs)).
  int rounds() const noexcept { return rounds_; }

 private:
  int epochs_, rounds_, final_epoch_ = 0;
  double final_;
};

/// Number of zeros a layer of `n` weights has at sparsity `s`: round(s * n), halves up.
std::size_t pruned_count(double sparsity, std::size_t n) noexcept;

/// Unstructured magnitude pruning: sets mask entries (1 kept, 0 pruned) to 0 until exactly
/// `target_zeros` are 0, removing the kept weights of smallest |primary| first (ties: smaller
/// |secondary|, then lower index). Entries already 0 stay 0; if more than `target_zeros` are
/// already 0 nothing changes.
void prune_weights(std::span<const float> primary, std::span<const float> secondary, std::span<float> mask,
                   std::size_t target_zeros);

/// Neuron-level (structured) pruning of a layer stored column-major n_out x n_in (weight of
/// output o, input i at o + i * n_out): prunes whole output neurons of smallest L1 norm of
/// `primary` (ties: `secondary`, then index) until `target_neurons` are pruned, zeroing their
/// weight mask rows and their bias mask entries.
void prune_neurons(std::span<const float> primary, std::span<const float> secondary, int n_out, int n_in,
                   std::span<float> weight_mask, std::span<float> bias_mask, int target_neurons);

}  // namespace nas4ml::nn
