#pragma once
/// \file The elementwise kernels of a layer's result cast (private to the nn module): the forward
/// cast + ReLU of the pre-activations, and the backward gate + range-keeping pull computed again
/// from the same pre-activations. Recomputing the gates in the backward pass (a few SIMD
/// operations) instead of storing them halves the memory a training step streams through: per
/// layer only the pre-activations and the outputs are kept (../shared/REFERENCE.md s.9: the step is
/// bound by memory traffic once the GEMMs are fast).
#include <algorithm>

#include <Eigen/Core>

#include "nas4ml/nn/fake_quant.hpp"

namespace nas4ml::nn::detail {

/// Elements per chunk: the raw-integer temporary of a chunk stays in registers / L1.
inline constexpr Eigen::Index cast_chunk = 256;

/// Casts `len` pre-activations `v` (bias included) to the result format (when `Qat`), then applies
/// ReLU (when `Relu`), into `out`. Templated on the modes so the inner loops have no branches.
template <bool Qat, bool Sat, bool Relu>
void cast_forward(const float* v, float* out, Eigen::Index len, const FakeQuant<float>& f) {
  using CArr = Eigen::Map<const Eigen::ArrayXf>;
  using Arr = Eigen::Map<Eigen::ArrayXf>;
  if constexpr (!Qat) {
    if constexpr (Relu)
      Arr(out, len) = CArr(v, len).max(0.0f);
    else
      Arr(out, len) = CArr(v, len);
  } else {
    const float scale = f.scale, lsb = f.lsb, off = f.offset, lo = f.lo, hi = f.hi, span = f.span,
                inv_span = f.inv_span;
    Eigen::Array<float, cast_chunk, 1> t;  // raw integers of the chunk
    for (Eigen::Index c0 = 0; c0 < len; c0 += cast_chunk) {
      const Eigen::Index n = std::min(cast_chunk, len - c0);
      auto tn = t.head(n);
      tn = (CArr(v + c0, n) * scale + off).floor();
      if constexpr (Sat)
        tn = tn.max(lo).min(hi);
      else
        tn = tn - span * ((tn - lo) * inv_span).floor();
      if constexpr (Relu)
        Arr(out + c0, n) = tn.max(0.0f) * lsb;
      else
        Arr(out + c0, n) = tn * lsb;
    }
  }
}

/// The gradient with respect to `len` pre-activations `v`: d = g * gate(v) + pull(v), where g is
/// the gradient with respect to the layer's outputs, gate the straight-through factor of the cast
/// (1 inside the format's range, else 0) times the ReLU derivative, and pull the range-keeping
/// gradient (v - clamp(v, min, max)) * pull_scale, zero inside the range (docs/training.md).
/// Comparisons are written as clamps of integer differences so every operation is SIMD
/// arithmetic. `d` may alias `g` or `v`.
template <bool Qat, bool Sat, bool Relu>
void cast_backward(const float* v, const float* g, float* d, Eigen::Index len, const FakeQuant<float>& f,
                   float pull_scale) {
  using CArr = Eigen::Map<const Eigen::ArrayXf>;
  using Arr = Eigen::Map<Eigen::ArrayXf>;
  if constexpr (!Qat) {
    if constexpr (Relu)
      Arr(d, len) = CArr(g, len) * CArr(v, len).sign().max(0.0f);  // 1 for v > 0, else 0
    else
      Arr(d, len) = CArr(g, len);
  } else {
    const float scale = f.scale, off = f.offset, lo = f.lo, hi = f.hi, span = f.span, inv_span = f.inv_span,
                vlo = f.lo * f.lsb, vhi = f.hi * f.lsb;
    Eigen::Array<float, cast_chunk, 1> t;
    for (Eigen::Index c0 = 0; c0 < len; c0 += cast_chunk) {
      const Eigen::Index n = std::min(cast_chunk, len - c0);
      const CArr vn(v + c0, n);
      auto tn = t.head(n);
      tn = (vn * scale + off).floor();
      const auto in_range = (tn - (lo - 1.0f)).max(0.0f).min(1.0f) * ((hi + 1.0f) - tn).max(0.0f).min(1.0f);
      const auto pull = (vn - vn.max(vlo).min(vhi)) * pull_scale;
      if constexpr (Relu) {
        // After the overflow mode, t >= 1 <=> the cast value is > 0.
        if constexpr (Sat)
          Arr(d + c0, n) = CArr(g + c0, n) * (in_range * tn.max(lo).min(hi).max(0.0f).min(1.0f)) + pull;
        else
          Arr(d + c0, n) =
              CArr(g + c0, n) * (in_range * (tn - span * ((tn - lo) * inv_span).floor()).max(0.0f).min(1.0f)) + pull;
      } else {
        Arr(d + c0, n) = CArr(g + c0, n) * in_range + pull;
      }
    }
  }
}

}  // namespace nas4ml::nn::detail
