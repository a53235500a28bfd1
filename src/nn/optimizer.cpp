#include "nas4ml/nn/optimizer.hpp"

#include <cmath>
#include <numbers>

#include <Eigen/Core>

#include "nas4ml/core/error.hpp"

namespace nas4ml::nn {

Optimizer::Optimizer(const std::string& kind, double momentum, std::size_t n_params)
    : adam_(kind == "adam"), momentum_(static_cast<float>(momentum)), m_(n_params, 0.0f) {
  NAS4ML_ASSERT(kind == "adam" || kind == "sgd", "unknown optimizer " + kind);
  if (adam_) v_.assign(n_params, 0.0f);
}

void Optimizer::step(std::span<float> params, std::span<const float> grads, std::span<const float> mask, double lr) {
  NAS4ML_ASSERT(params.size() == m_.size() && grads.size() == m_.size() && mask.size() == m_.size(),
                "optimizer arrays differ in size");
  ++t_;
  // One vectorized pass per array (Eigen; std::sqrt in a plain loop keeps it scalar).
  const auto n = static_cast<Eigen::Index>(params.size());
  Eigen::Map<Eigen::ArrayXf> p(params.data(), n), m(m_.data(), n);
  const Eigen::Map<const Eigen::ArrayXf> g(grads.data(), n), mk(mask.data(), n);
  if (adam_) {
    Eigen::Map<Eigen::ArrayXf> v(v_.data(), n);
    const double c1 = 1.0 - std::pow(static_cast<double>(beta1_), static_cast<double>(t_));
    const double c2 = 1.0 - std::pow(static_cast<double>(beta2_), static_cast<double>(t_));
    const auto step = static_cast<float>(lr * std::sqrt(c2) / c1);
    const float b1 = beta1_, b2 = beta2_, eps = eps_ * static_cast<float>(std::sqrt(c2));
    m = (b1 * m + (1.0f - b1) * g) * mk;
    v = (b2 * v + (1.0f - b2) * g * g) * mk;
    p = (p - step * m / (v.sqrt() + eps)) * mk;
  } else {
    const float mu = momentum_, rate = static_cast<float>(lr);
    m = (mu * m + g) * mk;
    p = (p - rate * m) * mk;
  }
}

double learning_rate_at(const TrainingSpec& t, int epoch, int epochs, long step, long total_steps) {
  if (t.schedule == "cosine") {
    const double progress = total_steps > 0 ? static_cast<double>(step) / static_cast<double>(total_steps) : 0.0;
    return t.learning_rate * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
  }
  if (t.schedule == "step") {
    const int every = std::max(1, epochs / 4);
    return t.learning_rate * std::ldexp(1.0, -(epoch / every));
  }
  return t.learning_rate;
}

}  // namespace nas4ml::nn
