#pragma once
/// \file A layer's result cast on packets (private to the nn module): the forward cast + ReLU of
/// pre-activations, and the backward gate + range-keeping pull computed again from the same
/// pre-activations. Recomputing the gates in the backward pass (a few SIMD operations) instead of
/// storing them halves the memory a training step streams through: per layer only the
/// pre-activations and the outputs are kept. The kernels apply these to a product's result while
/// it is still in registers (small_gemm.hpp epilogues).
#include <algorithm>

#include "nas4ml/nn/fake_quant.hpp"
#include "packet.hpp"

namespace nas4ml::nn::detail {

/// The cast of one layer, templated on its modes so the kernels have no branches.
template <bool Qat, bool Sat, bool Relu>
class ResultCast {
 public:
  /// `pull_scale` weighs the range-keeping gradient (1 / batch: the gradient of the mean).
  ResultCast(const FakeQuant<float>& f, float pull_scale)
      : scale_(broadcast(f.scale)),
        lsb_(broadcast(f.lsb)),
        offset_(broadcast(f.offset)),
        lo_(broadcast(f.lo)),
        hi_(broadcast(f.hi)),
        gate_lo_(broadcast((Relu ? std::max(f.lo, 1.0f) : f.lo) - 1.0f)),
        above_hi_(broadcast(f.hi + 1.0f)),
        span_(broadcast(f.span)),
        inv_span_(broadcast(f.inv_span)),
        vlo_(broadcast(f.lo * f.lsb)),
        vhi_(broadcast(f.hi * f.lsb)),
        pull_scale_(broadcast(pull_scale)) {}

  /// The layer's output for pre-activations `v` (bias included): cast when `Qat`, then ReLU.
  Packet value(const Packet& v) const noexcept {
    using namespace Eigen::internal;
    if constexpr (!Qat) {
      return Relu ? pmax(v, zero()) : v;
    } else {
      Packet t = overflow(raw(v));
      if constexpr (Relu) t = pmax(t, zero());
      return pmul(t, lsb_);
    }
  }

  /// The gradient with respect to pre-activations `v` given `g`, the gradient with respect to the
  /// outputs: g * gate(v) + pull(v). gate is the straight-through factor of the cast (1 inside the
  /// format's range, else 0) times the ReLU derivative; pull = (v - clamp(v, min, max)) *
  /// pull_scale is zero inside the range (docs/training.md). Comparisons are clamps of integer
  /// differences, so everything is plain SIMD arithmetic.
  Packet gradient(const Packet& v, const Packet& g) const noexcept {
    using namespace Eigen::internal;
    if constexpr (!Qat) {
      return Relu ? pand(g, pcmp_lt(zero(), v)) : g;
    } else {
      // gate = 1 when gate_lo < t < above_hi, t the raw integer before overflow: inside the
      // range no overflow happens, so ReLU's t >= 1 only raises the lower bound.
      const Packet t = raw(v);
      const Packet gate = unit(pmin(psub(t, gate_lo_), psub(above_hi_, t)));
      const Packet pull = pmul(psub(v, pmin(pmax(v, vlo_), vhi_)), pull_scale_);
      return padd(pmul(g, gate), pull);
    }
  }

 private:
  static Packet zero() noexcept { return broadcast(0.0f); }
  // min(max(x, 0), 1): for an integer-valued x, 1 when x >= 1, else 0.
  static Packet unit(const Packet& x) noexcept {
    return Eigen::internal::pmin(Eigen::internal::pmax(x, zero()), broadcast(1.0f));
  }
  // The rounded raw integer, before overflow.
  Packet raw(const Packet& v) const noexcept {
    using namespace Eigen::internal;
    return pfloor(padd(pmul(v, scale_), offset_));
  }
  // The raw integer after the overflow mode (saturate, or wrap around modulo 2^W).
  Packet overflow(const Packet& t) const noexcept {
    using namespace Eigen::internal;
    if constexpr (Sat)
      return pmin(pmax(t, lo_), hi_);
    else
      return psub(t, pmul(span_, pfloor(pmul(psub(t, lo_), inv_span_))));
  }

  Packet scale_, lsb_, offset_, lo_, hi_, gate_lo_, above_hi_, span_, inv_span_, vlo_, vhi_, pull_scale_;
};

/// Calls `f(cast)` with the ResultCast of a layer's modes.
template <class F>
void with_result_cast(bool qat, bool sat, bool relu, const FakeQuant<float>& fq, float pull_scale, F&& f) {
  if (!qat) {
    relu ? f(ResultCast<false, false, true>(fq, pull_scale)) : f(ResultCast<false, false, false>(fq, pull_scale));
  } else if (sat) {
    relu ? f(ResultCast<true, true, true>(fq, pull_scale)) : f(ResultCast<true, true, false>(fq, pull_scale));
  } else {
    relu ? f(ResultCast<true, false, true>(fq, pull_scale)) : f(ResultCast<true, false, false>(fq, pull_scale));
  }
}

}  // namespace nas4ml::nn::detail
