#include "nas4ml/nn/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "nas4ml/core/error.hpp"
#include "packet.hpp"

namespace nas4ml::nn {
namespace {
using namespace Eigen::internal;
using detail::broadcast;
using detail::Packet;
using detail::sqrt_exact;
constexpr std::size_t P = detail::packet_floats;

// f(p, m, v, g, mask) on every packet of the n elements, in place for p, m and v (v may be null);
// the last n % P elements through zero-padded copies, so every element sees the same code.
template <class F>
void each_packet(float* p, float* m, float* v, const float* g, const float* mk, std::size_t n, const F& f) {
  Packet pp, mp, vp = broadcast(0.0f);
  std::size_t i = 0;
  for (; i + P <= n; i += P) {
    pp = detail::load(p + i);
    mp = detail::load(m + i);
    if (v) vp = detail::load(v + i);
    f(pp, mp, vp, detail::load(g + i), detail::load(mk + i));
    detail::store(p + i, pp);
    detail::store(m + i, mp);
    if (v) detail::store(v + i, vp);
  }
  if (i == n) return;
  const std::size_t r = n - i;
  float tp[P] = {}, tm[P] = {}, tv[P] = {}, tg[P] = {}, tk[P] = {};
  std::copy_n(p + i, r, tp);
  std::copy_n(m + i, r, tm);
  if (v) std::copy_n(v + i, r, tv);
  std::copy_n(g + i, r, tg);
  std::copy_n(mk + i, r, tk);
  pp = detail::load(tp);
  mp = detail::load(tm);
  vp = detail::load(tv);
  f(pp, mp, vp, detail::load(tg), detail::load(tk));
  detail::store(tp, pp);
  detail::store(tm, mp);
  detail::store(tv, vp);
  std::copy_n(tp, r, p + i);
  std::copy_n(tm, r, m + i);
  if (v) std::copy_n(tv, r, v + i);
}
}  // namespace

Optimizer::Optimizer(const std::string& kind, double momentum, std::size_t n_params)
    : adam_(kind == "adam"), momentum_(static_cast<float>(momentum)), m_(n_params, 0.0f) {
  NAS4ML_ASSERT(kind == "adam" || kind == "sgd", "unknown optimizer " + kind);
  if (adam_) v_.assign(n_params, 0.0f);
}

void Optimizer::step(std::span<float> params, std::span<const float> grads, std::span<const float> mask, double lr) {
  NAS4ML_ASSERT(params.size() == m_.size() && grads.size() == m_.size() && mask.size() == m_.size(),
                "optimizer arrays differ in size");
  ++t_;
  // One pass of packets over the arrays, element i always computed by the same instructions:
  // the last partial packet goes through a zero-padded copy instead of scalar code. (An Eigen
  // expression over the arrays would handle the elements before the first aligned address and
  // after the last one in scalar code, so the result would depend on where the heap put the
  // arrays; with Eigen's approximate packet sqrt that changed the last bit of trained weights.)
  if (adam_) {
    const double c1 = 1.0 - std::pow(static_cast<double>(beta1_), static_cast<double>(t_));
    const double c2 = 1.0 - std::pow(static_cast<double>(beta2_), static_cast<double>(t_));
    const Packet step = broadcast(static_cast<float>(lr * std::sqrt(c2) / c1));
    const Packet b1 = broadcast(beta1_), b2 = broadcast(beta2_), a1 = broadcast(1.0f - beta1_),
                 a2 = broadcast(1.0f - beta2_), eps = broadcast(eps_ * static_cast<float>(std::sqrt(c2)));
    each_packet(params.data(), m_.data(), v_.data(), grads.data(), mask.data(), params.size(),
                [&](Packet& p, Packet& m, Packet& v, const Packet& g, const Packet& mk) {
                  m = pmul(padd(pmul(b1, m), pmul(a1, g)), mk);
                  v = pmul(padd(pmul(b2, v), pmul(pmul(a2, g), g)), mk);
                  p = pmul(psub(p, pdiv(pmul(step, m), padd(sqrt_exact(v), eps))), mk);
                });
  } else {
    const Packet mu = broadcast(momentum_), rate = broadcast(static_cast<float>(lr));
    each_packet(params.data(), m_.data(), nullptr, grads.data(), mask.data(), params.size(),
                [&](Packet& p, Packet& m, Packet&, const Packet& g, const Packet& mk) {
                  m = pmul(padd(pmul(mu, m), g), mk);
                  p = pmul(psub(p, pmul(rate, m)), mk);
                });
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
