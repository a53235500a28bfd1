#pragma once
/// \file Batch normalization after a dense layer, trained folded into that layer (Jacob et al.,
/// "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only
/// Inference", CVPR 2018, section 3.2; as QKeras' QDenseBatchnorm and hls4ml's folding do).
///
/// The layer computes y = gamma * (W x + b - mean) / sqrt(var + eps) + beta. The training forward
/// never evaluates that: it runs the dense layer with the folded parameters
///   W' = s W,  b' = s (b - mean) + beta,  s = gamma / sqrt(var + eps)
/// (the running statistics, not the batch's), fake-quantized with the layer's weight and bias
/// formats. The deployed integer model is exactly those quantized W' and b', so the trained
/// forward equals the golden model at every step. The batch statistics of W x + b only update the
/// running ones (exponential moving average, Keras' momentum and epsilon).
#include <cstddef>

namespace nas4ml::nn {

/// Keras' BatchNormalization defaults.
inline constexpr float batch_norm_epsilon = 1e-3f;
inline constexpr float batch_norm_momentum = 0.99f;

/// One layer's batch-norm parameters: n_out values each (gamma, beta trained; mean, var running).
struct BatchNormView {
  float* gamma;
  float* beta;
  float* mean;
  float* var;
};

/// What the gradients need of one folding, n_out values each: s, 1 / sqrt(var + eps) and the
/// normalized bias (b - mean) / sqrt(var + eps).
struct BatchNormFold {
  float* scale;
  float* inv_sd;
  float* shift;
};

/// Writes the folded weights (`w`, `wf`: column-major n_out x n_in) and biases, and `fold`.
void fold_batch_norm(const float* w, const float* b, BatchNormView bn, int n_out, int n_in, float* wf, float* bf,
                     BatchNormFold fold);

/// Chain rule through the folding: from the gradients of the folded weights and biases (`gwf`,
/// `gbf`) and the unfolded weights `w`, writes the gradients of W (in place over gwf), b (over
/// gbf), gamma and beta. `fold` is the forward's fold_batch_norm() output.
void batch_norm_backward(const float* w, BatchNormFold fold, int n_out, int n_in, float* gwf, float* gbf,
                         float* ggamma, float* gbeta);

/// Updates the running statistics from one batch of the folded layer's pre-activations `pre`
/// (n_out x batch, column-major, leading dimension ld, computed with the statistics in `bn` and
/// fold_batch_norm()'s `scale`): the batch's W x + b is (pre - beta) / s + mean.
void update_batch_norm_statistics(const float* pre, std::size_t ld, int batch, const float* scale, BatchNormView bn,
                                  int n_out);

}  // namespace nas4ml::nn
