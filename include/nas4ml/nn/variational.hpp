#pragma once
/// \file The variational autoencoder (Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR
/// 2014, arXiv:1312.6114) with a beta-weighted KL term (Higgins et al., "beta-VAE", ICLR 2017),
/// trained here and deployed as its encoder's mean head: the firmware computes the latent means
/// mu and the anomaly score sum_j mu_j^2 (nn/anomaly_score.hpp, reference "zero"), the
/// encoder-only deployment of the CMS Level-1 anomaly trigger AXOL1TL.
///
/// The encoder is the ordinary quantization-aware Mlp whose output layer has 2z units: rows
/// 0..z-1 are mu, rows z..2z-1 the log-variances lv. A training step draws eps ~ N(0, 1) from its
/// own random stream, samples z = mu + exp(lv / 2) * eps (the reparameterization), decodes z with
/// a float32 decoder (dense ReLU hidden layers, linear output; never deployed, so never
/// quantized) and minimizes, per sample,
///   L = (1/n) sum_i (x_hat_i - x_i)^2 + beta * KL,  KL = 1/2 sum_j (mu_j^2 + exp(lv_j) - 1 - lv_j),
/// averaged over the batch. The decoder's loops are plain scalar C++ in a fixed order, so the
/// result does not depend on where its buffers sit in memory (docs/training.md "Determinism").
#include <cstdint>
#include <span>
#include <vector>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/optimizer.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/nn/task.hpp"

namespace nas4ml::nn {

/// The float32 decoder: latent -> hidden (ReLU) ... -> n_out (linear). Activations are
/// column-major panels (features x batch).
class VaeDecoder {
 public:
  /// `sizes` = {latent, hidden..., n_out}; `max_batch` sizes the buffers.
  VaeDecoder(std::vector<int> sizes, int max_batch);
  /// He-normal weights for ReLU layers, Glorot-uniform for the output layer, zero biases (as the Mlp).
  void initialize(Rng& rng);
  /// Flat parameters (per layer: W as n_out x n_in column-major, then b) and their gradients.
  std::span<float> params() noexcept { return params_; }
  std::span<float> grads() noexcept { return grads_; }
  const std::vector<int>& sizes() const noexcept { return sizes_; }
  /// Decodes `batch` latent vectors `z` (latent x batch); returns the outputs panel (n_out x batch),
  /// valid until the next call.
  const float* forward(const float* z, int batch);
  /// After forward(): adds the parameter gradients of the outputs' gradient `dout` (n_out x batch)
  /// to grads() and writes the gradient w.r.t. z into `dz` (latent x batch).
  void backward(const float* dout, int batch, float* dz);

 private:
  std::vector<int> sizes_;
  int max_batch_;
  std::vector<std::size_t> w_off_, b_off_;
  std::vector<float> params_, grads_;
  std::vector<std::vector<float>> act_;  // act_[0] = z, act_[k + 1] = layer k's outputs (post-ReLU)
  std::vector<float> delta_, delta_next_;
};

/// The VAE loss of one batch with given noise `eps` (latent x batch): `enc` is the encoder's
/// outputs panel (2 * latent x batch, leading dimension `ld`), `x` the batch's (quantized) inputs,
/// row-major (batch rows of n_inputs), the decoder's reconstruction target. Adds the gradient of
/// the MEAN loss w.r.t. the encoder outputs to `grad_enc` (same layout as `enc`) and w.r.t. the
/// decoder's parameters to decoder.grads(); returns the SUMMED loss. `kl_sum` (optional) receives
/// the summed KL.
double vae_loss_gradient(VaeDecoder& decoder, const float* enc, std::size_t ld, int latent, int batch, const float* x,
                         const float* eps, double beta, float* grad_enc, double* kl_sum = nullptr);

/// What a VAE training run keeps besides the encoder: the decoder, its optimizer, the noise stream.
class VariationalTrainer {
 public:
  /// `spec` is the task (variational); `encoder_hidden` the encoder's hidden units (mirrored into
  /// the decoder unless spec.decoder lists its own); `init` and `noise` are the decoder's
  /// initialization and the reparameterization's random streams.
  VariationalTrainer(const TaskSpec& spec, int n_inputs, const std::vector<int>& encoder_hidden, int max_batch,
                     const TrainingSpec& training, Rng init, Rng noise);
  /// One batch's loss and gradients (the Mlp's loss callback): draws fresh noise when `sample`,
  /// else decodes mu itself (eps = 0: the deterministic validation loss). Zeroes the decoder's
  /// gradients first.
  double loss_gradient(const float* enc, std::size_t ld, int batch, const float* x, float* grad_enc, bool sample);
  /// The decoder's optimizer step (after the encoder's).
  void step(double lr);
  VaeDecoder& decoder() noexcept { return decoder_; }

 private:
  TaskSpec spec_;
  VaeDecoder decoder_;
  Optimizer optimizer_;
  Rng noise_;
  std::vector<float> eps_, ones_;
};

/// The deployed model of a trained encoder (2 * latent outputs): its output layer cut to the
/// first `latent` rows (the means mu); every other layer as trained.
QuantizedModel mean_head(QuantizedModel encoder, int latent);

}  // namespace nas4ml::nn
