#pragma once
/// \file Optimizers over flat parameter arrays: Adam (Kingma & Ba 2015, arXiv:1412.6980) and SGD
/// with momentum, plus the learning-rate schedules (cosine: Loshchilov & Hutter 2017,
/// arXiv:1608.03983, without restarts; step; constant).
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "nas4ml/nn/model_spec.hpp"

namespace nas4ml::nn {

/// Adam or SGD-momentum state for one flat parameter array.
class Optimizer {
 public:
  /// `kind` is "adam" or "sgd" (TrainingSpec::optimizer).
  Optimizer(const std::string& kind, double momentum, std::size_t n_params);
  /// One update with learning rate `lr`. Parameters whose mask is 0 are set to 0 (persistent
  /// pruning); their optimizer state is cleared so they cannot drift back.
  void step(std::span<float> params, std::span<const float> grads, std::span<const float> mask, double lr);
  /// Number of steps taken.
  long steps() const noexcept { return t_; }

 private:
  bool adam_;
  float beta1_ = 0.9f, beta2_ = 0.999f, eps_ = 1e-7f, momentum_;
  long t_ = 0;
  std::vector<float> m_, v_;
};

/// The learning rate of step `step` (0-based) of `total_steps`, in epoch `epoch` of `epochs`:
/// cosine decays base * (1 + cos(pi * step / total_steps)) / 2; step halves the rate every
/// max(1, epochs / 4) epochs; constant keeps it.
double learning_rate_at(const TrainingSpec& training, int epoch, int epochs, long step, long total_steps);

}  // namespace nas4ml::nn
