// The optimizers' updates: the same numbers wherever the arrays start in memory (a training run
// must not depend on where the heap put its parameter arrays), and the Adam / SGD formulas by
// hand in double.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/optimizer.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
constexpr std::size_t kN = 203;  // not a multiple of any packet size
constexpr int kSteps = 30;

struct Inputs {
  std::vector<float> params, mask;
  std::vector<std::vector<float>> grads;  // one per step
};

Inputs inputs() {
  Rng rng = Rng::stream(5, 0, 0, "test.optimizer");
  Inputs in;
  for (std::size_t i = 0; i < kN; ++i) {
    in.params.push_back(static_cast<float>(rng.normal()));
    in.mask.push_back(i % 17 == 3 ? 0.0f : 1.0f);
  }
  for (int s = 0; s < kSteps; ++s) {
    std::vector<float> g;
    for (std::size_t i = 0; i < kN; ++i) g.push_back(static_cast<float>(rng.normal() * std::ldexp(1.0, -(s % 7))));
    in.grads.push_back(g);
  }
  return in;
}

// kSteps updates of the parameters, every array placed `shift` floats past a 64-byte boundary.
std::vector<float> run(const std::string& kind, const Inputs& in, std::size_t shift) {
  const std::size_t stride = kN + 64;
  std::vector<float> storage(3 * stride + 64);
  auto* base = reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(storage.data()) + 63) / 64 * 64);
  float* p = base + shift;
  float* g = base + stride + shift;
  float* mk = base + 2 * stride + shift;
  std::memcpy(p, in.params.data(), kN * sizeof(float));
  std::memcpy(mk, in.mask.data(), kN * sizeof(float));
  Optimizer opt(kind, 0.9, kN);
  for (int s = 0; s < kSteps; ++s) {
    std::memcpy(g, in.grads[static_cast<std::size_t>(s)].data(), kN * sizeof(float));
    opt.step({p, kN}, {g, kN}, {mk, kN}, 1e-2);
  }
  return {p, p + kN};
}
}  // namespace

TEST_CASE("optimizer updates do not depend on where the arrays start", "[nn][optimizer][determinism]") {
  const Inputs in = inputs();
  for (const std::string kind : {"adam", "sgd"}) {
    const std::vector<float> first = run(kind, in, 0);
    for (std::size_t shift = 1; shift < 16; ++shift) {
      const std::vector<float> other = run(kind, in, shift);
      std::size_t differ = 0;
      for (std::size_t i = 0; i < kN; ++i) differ += std::memcmp(&first[i], &other[i], sizeof(float)) != 0;
      INFO(kind << ", arrays " << shift << " floats past a 64-byte boundary");
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("Adam and SGD follow their formulas", "[nn][optimizer]") {
  const Inputs in = inputs();
  // Double-precision references of the same kSteps updates.
  std::vector<double> pa(in.params.begin(), in.params.end()), m(kN, 0.0), v(kN, 0.0);
  std::vector<double> ps(in.params.begin(), in.params.end()), ms(kN, 0.0);
  const double lr = 1e-2, b1 = 0.9, b2 = 0.999;
  for (int s = 0; s < kSteps; ++s) {
    const double t = s + 1, c1 = 1.0 - std::pow(b1, t), c2 = 1.0 - std::pow(b2, t);
    for (std::size_t i = 0; i < kN; ++i) {
      const double g = in.grads[static_cast<std::size_t>(s)][i], mk = in.mask[i];
      m[i] = (b1 * m[i] + (1 - b1) * g) * mk;
      v[i] = (b2 * v[i] + (1 - b2) * g * g) * mk;
      pa[i] = (pa[i] - lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + 1e-7)) * mk;
      ms[i] = (0.9 * ms[i] + g) * mk;
      ps[i] = (ps[i] - lr * ms[i]) * mk;
    }
  }
  const std::vector<float> adam = run("adam", in, 3), sgd = run("sgd", in, 3);
  double worst_adam = 0.0, worst_sgd = 0.0;
  for (std::size_t i = 0; i < kN; ++i) {
    worst_adam = std::max(worst_adam, std::abs(adam[i] - pa[i]));
    worst_sgd = std::max(worst_sgd, std::abs(sgd[i] - ps[i]));
    if (in.mask[i] == 0.0f) CHECK((adam[i] == 0.0f && sgd[i] == 0.0f));  // pruned stays 0
  }
  CHECK(worst_adam < 1e-5);
  CHECK(worst_sgd < 1e-5);
  // The parameters really moved (Adam moves each by about lr per step at first).
  CHECK(std::abs(adam[0] - in.params[0]) > 1e-2);
}
