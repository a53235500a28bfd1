#include "nas4ml/nn/batch_norm.hpp"

#include <algorithm>
#include <cmath>

namespace nas4ml::nn {

void fold_batch_norm(const float* w, const float* b, BatchNormView bn, int n_out, int n_in, float* wf, float* bf,
                     BatchNormFold fold) {
  for (int o = 0; o < n_out; ++o) {
    fold.inv_sd[o] = 1.0f / std::sqrt(bn.var[o] + batch_norm_epsilon);
    fold.scale[o] = bn.gamma[o] * fold.inv_sd[o];
    fold.shift[o] = (b[o] - bn.mean[o]) * fold.inv_sd[o];
    bf[o] = bn.gamma[o] * fold.shift[o] + bn.beta[o];
  }
  for (int i = 0; i < n_in; ++i)
    for (int o = 0; o < n_out; ++o) {
      const std::size_t at = static_cast<std::size_t>(i) * static_cast<std::size_t>(n_out) + static_cast<std::size_t>(o);
      wf[at] = fold.scale[o] * w[at];
    }
}

void batch_norm_backward(const float* w, BatchNormFold fold, int n_out, int n_in, float* gwf, float* gbf,
                         float* ggamma, float* gbeta) {
  for (int o = 0; o < n_out; ++o) {
    gbeta[o] = gbf[o];
    ggamma[o] = gbf[o] * fold.shift[o];
  }
  for (int i = 0; i < n_in; ++i)
    for (int o = 0; o < n_out; ++o) {
      const std::size_t at = static_cast<std::size_t>(i) * static_cast<std::size_t>(n_out) + static_cast<std::size_t>(o);
      ggamma[o] += gwf[at] * w[at] * fold.inv_sd[o];  // d W' / d gamma = W / sqrt(var + eps)
      gwf[at] *= fold.scale[o];
    }
  for (int o = 0; o < n_out; ++o) gbf[o] *= fold.scale[o];
}

void update_batch_norm_statistics(const float* pre, std::size_t ld, int batch, const float* scale, BatchNormView bn,
                                  int n_out) {
  for (int o = 0; o < n_out; ++o) {
    if (scale[o] == 0.0f) continue;  // gamma = 0: the batch's W x + b cannot be recovered
    double sum = 0.0, sum2 = 0.0;
    for (int j = 0; j < batch; ++j) {
      const double z = (pre[static_cast<std::size_t>(j) * ld + static_cast<std::size_t>(o)] - bn.beta[o]) / scale[o] +
                       bn.mean[o];
      sum += z;
      sum2 += z * z;
    }
    const double mean = sum / batch, var = std::max(0.0, sum2 / batch - mean * mean);
    bn.mean[o] = batch_norm_momentum * bn.mean[o] + (1.0f - batch_norm_momentum) * static_cast<float>(mean);
    bn.var[o] = batch_norm_momentum * bn.var[o] + (1.0f - batch_norm_momentum) * static_cast<float>(var);
  }
}

}  // namespace nas4ml::nn
