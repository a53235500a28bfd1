#pragma once
/// \file Fake quantization for quantization-aware training: a real number is cast to an
/// `ap_fixed<W,I,Q,O>` grid and kept as a real number, with the straight-through gradient
/// (Bengio, Leonard & Courville 2013, arXiv:1308.3432; as used by QKeras and Coelho et al. 2021,
/// arXiv:2006.10159): d q / d x = 1 inside the representable range and 0 outside it, for both
/// overflow modes: a saturating cast clamped the value there, and a wrapping one folded it, so a
/// gradient of 1 would only push the value further out (training then oscillates).
///
/// For float the result equals nas4ml::quantize() whenever the format's raw integers fit the
/// 24-bit significand (model specs allow widths <= 24); for double it is exact for every value
/// whose scaled magnitude is below 2^52. Both only use exact operations (scaling by powers of
/// two, floor, adding 0.5 to a value below 2^23 / 2^52), so float and double agree.
#include <cmath>

#include "nas4ml/core/fixed_point.hpp"

namespace nas4ml::nn {

/// A fixed-point format prepared for fast elementwise casts.
template <class Scalar>
struct FakeQuant {
  Scalar scale = 1;      ///< 2^f
  Scalar lsb = 1;        ///< 2^-f
  Scalar offset = 0;     ///< 0 (AP_TRN) or 0.5 (AP_RND), added before floor
  Scalar lo = 0, hi = 0; ///< raw integer range
  Scalar span = 1, inv_span = 1;  ///< 2^W and its inverse, for wrap-around
  bool saturate = false;
  bool enabled = true;   ///< false: identity (float training)

  FakeQuant() : enabled(false) {}
  explicit FakeQuant(const FixedFormat& f, bool on = true)
      : scale(static_cast<Scalar>(std::ldexp(1.0, f.fractional()))),
        lsb(static_cast<Scalar>(std::ldexp(1.0, -f.fractional()))),
        offset(f.rounding == Rounding::round_half_up ? Scalar(0.5) : Scalar(0)),
        lo(static_cast<Scalar>(f.min_raw())),
        hi(static_cast<Scalar>(f.max_raw())),
        span(static_cast<Scalar>(std::ldexp(1.0, f.width))),
        inv_span(static_cast<Scalar>(std::ldexp(1.0, -f.width))),
        saturate(f.overflow == Overflow::saturate),
        enabled(on) {}

  /// The raw integer (as Scalar) of `v` after rounding and overflow.
  Scalar raw(Scalar v) const noexcept {
    Scalar t = std::floor(v * scale + offset);
    if (saturate) return t < lo ? lo : (t > hi ? hi : t);
    return t - span * std::floor((t - lo) * inv_span);
  }
  /// The quantized value of `v`.
  Scalar operator()(Scalar v) const noexcept { return enabled ? raw(v) * lsb : v; }
  /// Straight-through gradient factor of the cast at `v`: 1 inside the range, 0 outside.
  Scalar gate(Scalar v) const noexcept {
    if (!enabled) return Scalar(1);
    const Scalar t = std::floor(v * scale + offset);
    return (t >= lo && t <= hi) ? Scalar(1) : Scalar(0);
  }
};

}  // namespace nas4ml::nn
