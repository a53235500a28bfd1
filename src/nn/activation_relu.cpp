/// \file relu, linear and leaky_relu (docs/model.md "Activations").
#include <algorithm>

#include "activation_kinds.hpp"

namespace nas4ml::nn::detail {

namespace {

class Relu final : public ActivationKind {
 public:
  std::string_view name() const override { return "relu"; }
  std::int64_t apply_raw(std::int64_t x, const FixedFormat&) const override { return std::max<std::int64_t>(x, 0); }
  double apply_real(double x) const override { return x > 0 ? x : 0.0; }
  double derivative(double x) const override { return x > 0 ? 1.0 : 0.0; }
  bool relu_like() const override { return true; }
  bool hls_supported() const override { return true; }
};

class Linear final : public ActivationKind {
 public:
  std::string_view name() const override { return "linear"; }
  std::int64_t apply_raw(std::int64_t x, const FixedFormat&) const override { return x; }
  double apply_real(double x) const override { return x; }
  double derivative(double) const override { return 1.0; }
  bool hls_supported() const override { return true; }
};

/// Leaky ReLU with the power-of-two slope alpha = 2^-3 on negative inputs: x for x > 0, else
/// alpha * x cast back to the layer's format (its rounding; hls4ml's leaky_relu computes
/// alpha * x at full precision and casts it to the result type). With a power of two the product
/// is the input's own bits read 3 places lower, so the hardware is a 2:1 selection per bit and no
/// multiplier; 1/8 lies between PyTorch's default 0.01 and Keras' 0.3.
class LeakyRelu final : public ActivationKind {
 public:
  static constexpr int kShift = 3;  // alpha = 2^-kShift
  std::string_view name() const override { return "leaky_relu"; }
  std::int64_t apply_raw(std::int64_t x, const FixedFormat& f) const override {
    return x > 0 ? x : cast_raw(x, f.fractional() + kShift, f);
  }
  double apply_real(double x) const override { return x > 0 ? x : x / (1 << kShift); }
  double derivative(double x) const override { return x > 0 ? 1.0 : 1.0 / (1 << kShift); }
  bool relu_like() const override { return true; }
};

}  // namespace

const ActivationKind& relu_activation() {
  static const Relu k;
  return k;
}
const ActivationKind& linear_activation() {
  static const Linear k;
  return k;
}
const ActivationKind& leaky_relu_activation() {
  static const LeakyRelu k;
  return k;
}

}  // namespace nas4ml::nn::detail
