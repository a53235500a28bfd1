/// \file hard_sigmoid and hard_tanh as hls4ml defines them (its nnet_activation.h and the
/// HardActivation layer): hard_sigmoid(x) = clamp(slope * x + shift, 0, 1) with slope 0.2 held
/// in ufixed<16,0> (truncated: 13107 * 2^-16) and shift 0.5, and hard_tanh(x) =
/// 2 * hard_sigmoid(x) - 1. The product and the sum are exact; only the final cast to the
/// layer's format rounds (its rounding and overflow modes).
#include <algorithm>

#include "activation_kinds.hpp"

namespace nas4ml::nn::detail {

namespace {

constexpr std::int64_t kSlopeRaw = 13107;  // floor(0.2 * 2^16)
constexpr int kSlopeBits = 16;
constexpr double kSlope = static_cast<double>(kSlopeRaw) / (1 << kSlopeBits);

/// clamp(slope * x + 1/2, 0, 1) exactly, as a raw integer with `frac` fractional bits (set).
std::int64_t hard_sigmoid_exact(std::int64_t x, const FixedFormat& f, int& frac) {
  frac = f.fractional() + kSlopeBits;
  std::int64_t p = kSlopeRaw * x;
  if (frac < 1) {  // an integer-only format: keep one fractional bit for the 1/2
    p *= std::int64_t{1} << (1 - frac);
    frac = 1;
  }
  const std::int64_t one = std::int64_t{1} << frac;
  return std::clamp<std::int64_t>(p + one / 2, 0, one);
}

double hard_sigmoid_real(double x) { return std::clamp(kSlope * x + 0.5, 0.0, 1.0); }
bool inside(double x) {
  const double t = kSlope * x + 0.5;
  return t > 0.0 && t < 1.0;
}

class HardSigmoid final : public ActivationKind {
 public:
  std::string_view name() const override { return "hard_sigmoid"; }
  std::int64_t apply_raw(std::int64_t x, const FixedFormat& f) const override {
    int frac = 0;
    const std::int64_t t = hard_sigmoid_exact(x, f, frac);
    return cast_raw(t, frac, f);
  }
  double apply_real(double x) const override { return hard_sigmoid_real(x); }
  double derivative(double x) const override { return inside(x) ? kSlope : 0.0; }
};

class HardTanh final : public ActivationKind {
 public:
  std::string_view name() const override { return "hard_tanh"; }
  std::int64_t apply_raw(std::int64_t x, const FixedFormat& f) const override {
    int frac = 0;
    const std::int64_t t = hard_sigmoid_exact(x, f, frac);
    return cast_raw(2 * t - (std::int64_t{1} << frac), frac, f);
  }
  double apply_real(double x) const override { return 2.0 * hard_sigmoid_real(x) - 1.0; }
  double derivative(double x) const override { return inside(x) ? 2.0 * kSlope : 0.0; }
};

}  // namespace

const ActivationKind& hard_sigmoid_activation() {
  static const HardSigmoid k;
  return k;
}
const ActivationKind& hard_tanh_activation() {
  static const HardTanh k;
  return k;
}

}  // namespace nas4ml::nn::detail
