/// \file tanh and sigmoid as lookup tables, as hls4ml implements them (nnet_activation.h):
/// a table of N = 1024 entries of format ap_fixed<18,8> (hls4ml's default table_size and
/// table_t), entry i holding the function at (i - N/2) * 8 / N (tanh, inputs [-4, 4)) or at
/// (i - N/2) * 16 / N (sigmoid, inputs [-8, 8)), computed in single precision and truncated to
/// the table format; the index of input x is trunc(x * N / 8) + N/2 (tanh) or
/// trunc(x * N / 16) + N/2 (sigmoid), truncated toward zero as the C++ conversion to int does,
/// then clamped to [0, N - 1]; the entry is cast to the layer's format (its rounding and
/// overflow modes).
#include <array>
#include <cmath>

#include "activation_kinds.hpp"

namespace nas4ml::nn::detail {

namespace {

constexpr int kTableBits = 10;            // N = 2^10 entries
constexpr int kTableSize = 1 << kTableBits;
constexpr int kEntryFractional = 10;      // ap_fixed<18,8>
using Table = std::array<std::int64_t, kTableSize>;

/// Entry value truncated to the table format (AP_TRN: toward minus infinity).
std::int64_t entry(double v) { return static_cast<std::int64_t>(std::floor(std::ldexp(v, kEntryFractional))); }

/// trunc(x * 2^log2_scale) for the raw integer x with `frac` fractional bits, toward zero.
std::int64_t scaled_toward_zero(std::int64_t x, int frac, int log2_scale) {
  const int shift = log2_scale - frac;
  if (shift >= 0) return x * (std::int64_t{1} << shift);
  if (-shift >= 62) return 0;
  return x / (std::int64_t{1} << -shift);  // C++ division truncates toward zero
}

/// A table activation: `log2_step` = log2(N / input span), the index scale (N/8 or N/16).
class TableActivation : public ActivationKind {
 public:
  TableActivation(int log2_step, const Table& table) : log2_step_(log2_step), table_(table) {}
  std::int64_t apply_raw(std::int64_t x, const FixedFormat& f) const override {
    std::int64_t index = scaled_toward_zero(x, f.fractional(), log2_step_) + kTableSize / 2;
    index = index < 0 ? 0 : (index > kTableSize - 1 ? kTableSize - 1 : index);
    return cast_raw(table_[static_cast<std::size_t>(index)], kEntryFractional, f);
  }

 private:
  int log2_step_;
  const Table& table_;
};

const Table& tanh_table() {
  static const Table t = [] {
    Table v{};
    for (int i = 0; i < kTableSize; ++i) {
      const auto in = static_cast<float>(2 * 4.0 * (i - kTableSize / 2.0) / kTableSize);
      v[static_cast<std::size_t>(i)] = entry(static_cast<double>(std::tanh(in)));
    }
    return v;
  }();
  return t;
}

const Table& sigmoid_table() {
  static const Table t = [] {
    Table v{};
    for (int i = 0; i < kTableSize; ++i) {
      const auto in = static_cast<float>(2 * 8.0 * (i - kTableSize / 2.0) / kTableSize);
      const float e = std::exp(-in);
      v[static_cast<std::size_t>(i)] = entry(1.0 / static_cast<double>(1.0f + e));
    }
    return v;
  }();
  return t;
}

class Tanh final : public TableActivation {
 public:
  Tanh() : TableActivation(kTableBits - 3, tanh_table()) {}
  std::string_view name() const override { return "tanh"; }
  double apply_real(double x) const override { return std::tanh(x); }
  double derivative(double x) const override {
    const double t = std::tanh(x);
    return 1.0 - t * t;
  }
};

class Sigmoid final : public TableActivation {
 public:
  Sigmoid() : TableActivation(kTableBits - 4, sigmoid_table()) {}
  std::string_view name() const override { return "sigmoid"; }
  double apply_real(double x) const override { return 1.0 / (1.0 + std::exp(-x)); }
  double derivative(double x) const override {
    const double s = apply_real(x);
    return s * (1.0 - s);
  }
};

}  // namespace

const ActivationKind& tanh_activation() {
  static const Tanh k;
  return k;
}
const ActivationKind& sigmoid_activation() {
  static const Sigmoid k;
  return k;
}

}  // namespace nas4ml::nn::detail
