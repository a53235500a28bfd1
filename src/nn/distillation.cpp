#include "nas4ml/nn/distillation.hpp"

#include <algorithm>
#include <cmath>

namespace nas4ml::nn {
namespace {
// softmax(v / t) into p (double), returns log of the normalizer of v / t.
double soft(const double* v, int n, double t, double* p) {
  double m = v[0] / t;
  for (int i = 1; i < n; ++i) m = std::max(m, v[i] / t);
  double s = 0.0;
  for (int i = 0; i < n; ++i) s += (p[i] = std::exp(v[i] / t - m));
  for (int i = 0; i < n; ++i) p[i] /= s;
  return m + std::log(s);
}
}  // namespace

double distillation_loss_gradient(const float* out, std::size_t ld, int n_out, int batch, const std::int32_t* y,
                                  const float* teacher, double alpha, double temperature, float* grad) {
  const auto n = static_cast<std::size_t>(n_out);
  std::vector<double> z(n), t(n), p(n), qs(n), qt(n);
  const double T = temperature, inv_b = 1.0 / batch;
  double total = 0.0;
  for (int j = 0; j < batch; ++j) {
    const float* zj = out + static_cast<std::size_t>(j) * ld;
    const float* tj = teacher + static_cast<std::size_t>(j) * n;
    for (std::size_t i = 0; i < n; ++i) z[i] = zj[i], t[i] = tj[i];
    const double lse = soft(z.data(), n_out, 1.0, p.data());
    const double lse_s = soft(z.data(), n_out, T, qs.data());
    const double lse_t = soft(t.data(), n_out, T, qt.data());
    const auto label = static_cast<std::size_t>(y[j]);
    double kl = 0.0;  // sum qt * (log qt - log qs), log q = v / T - lse
    for (std::size_t i = 0; i < n; ++i)
      if (qt[i] > 0.0) kl += qt[i] * ((t[i] / T - lse_t) - (z[i] / T - lse_s));
    total += alpha * (lse - z[label]) + (1.0 - alpha) * T * T * kl;
    float* g = grad + static_cast<std::size_t>(j) * ld;
    for (std::size_t i = 0; i < n; ++i) {
      const double hard = p[i] - (i == label ? 1.0 : 0.0);
      g[i] += static_cast<float>((alpha * hard + (1.0 - alpha) * T * (qs[i] - qt[i])) * inv_b);
    }
  }
  return total;
}

}  // namespace nas4ml::nn
