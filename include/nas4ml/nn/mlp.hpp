#pragma once
/// \file The trainable network: a dense MLP (ReLU or any registered activation, nn/activation.hpp) with a softmax cross-entropy loss, its
/// fake-quantized forward pass (float32, for training), its backward pass with straight-through
/// gradients, and an exact double-precision forward pass of the integer model (for evaluation).
///
/// Layout, chosen for speed (measured, benchmarks/README.md "train_throughput": buffers allocated once, parameters and
/// gradients in one flat array each, fused elementwise passes, contiguous batches): every
/// layer's weights are a column-major n_out x n_in block of one flat float array, followed by its
/// biases; activations are column-major (features x batch), so a batch of row-major samples is
/// used in place. The products run on register-tiled kernels (src/nn/small_gemm.hpp) over padded
/// copies of the quantized weights, rebuilt by quantize_params().
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/batch_norm.hpp"
#include "nas4ml/nn/fake_quant.hpp"
#include "nas4ml/nn/model_spec.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/nn/task.hpp"

namespace nas4ml::nn {

class Mlp {
 public:
  /// `spec` must be resolved (n_inputs and the output units known). `max_batch` sizes the buffers.
  /// `quantization_aware` false trains in plain float (the exact forward still quantizes).
  Mlp(const ModelSpec& spec, int max_batch, bool quantization_aware);

  int n_layers() const noexcept { return static_cast<int>(sizes_.size()) - 1; }
  int n_inputs() const noexcept { return sizes_.front(); }
  int n_outputs() const noexcept { return sizes_.back(); }
  int max_batch() const noexcept { return max_batch_; }
  const ModelSpec& spec() const noexcept { return spec_; }

  /// Draws the parameters from `rng` as the spec's training.init says: "he" (the default): He-normal
  /// weights for ReLU-like layers (He et al., "Delving Deep into Rectifiers", ICCV 2015),
  /// Glorot-uniform for the others (Glorot and Bengio, AISTATS 2010), zero biases;
  /// "uniform_fan_in": every weight and bias uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)] (PyTorch's
  /// nn.Linear default, kaiming_uniform with a = sqrt(5)), layer by layer, weights before biases.
  /// Batch-norm layers start at gamma 1, beta 0, mean 0, variance 1 either way.
  void initialize(Rng& rng);

  /// Flat parameter, gradient and mask arrays (mask: 1 kept, 0 pruned; biases of pruned neurons
  /// are masked too). Padding between blocks is zero and masked.
  std::span<float> params() noexcept { return params_; }
  std::span<const float> params() const noexcept { return params_; }
  std::span<float> grads() noexcept { return grads_; }
  std::span<float> mask() noexcept { return mask_; }
  std::span<const float> mask() const noexcept { return mask_; }
  /// Where layer k's weights (n_out * n_in, column-major) and biases start in the flat arrays.
  std::size_t weight_offset(int k) const { return w_off_[static_cast<std::size_t>(k)]; }
  std::size_t bias_offset(int k) const { return b_off_[static_cast<std::size_t>(k)]; }
  /// Where layer k's batch-norm parameters start in the flat arrays (layers with batch_norm only):
  /// gamma, beta, running mean, running variance, 16-aligned blocks of n_out values. The running
  /// statistics live in params() (mask 1, gradient 0) so snapshots of params() include them.
  std::size_t batch_norm_offset(int k) const { return bn_off_[static_cast<std::size_t>(k)]; }
  /// Whether train_step() updates the running statistics (default true; false for gradient checks).
  void set_batch_norm_statistics_frozen(bool frozen) noexcept { bn_frozen_ = frozen; }
  /// Layer k's fake-quantized weights as used by the forward pass (valid after quantize_params()).
  std::span<const float> quantized_params() const noexcept { return qparams_; }

  /// Recomputes the quantized (and masked) parameters and the kernels' copies of them
  /// from params() and mask(). Call after every change to params or mask. When training
  /// quantization-aware it first clamps each weight and bias into its format's range.
  void quantize_params();

  /// One forward + backward pass on `batch` samples (`x`: batch rows of n_inputs floats, already
  /// input-quantized when training quantization-aware). Fills grads() with the gradient of the mean
  /// loss plus l1 * sum|w| (masked, straight-through), plus, when training quantization-aware, a
  /// range-keeping term that pulls pre-activations outside their result format's range back in
  /// (the gradient of 0.5 * mean over samples of the squared distance to the range). Returns the
  /// summed (not mean) cross-entropy.
  double train_step(const float* x, const std::int32_t* y, int batch, double l1);
  /// The same with a task's loss (nn/task.hpp) instead of the softmax cross-entropy: `target`
  /// holds batch rows of n_outputs floats. Returns the task's summed loss.
  double train_step(const float* x, const Task& task, const float* target, int batch, double l1);
  /// The same with any loss of the outputs (knowledge distillation, nn/distillation.hpp):
  /// `loss(out, ld, grad)` adds the gradient of the mean loss w.r.t. the outputs panel `out`
  /// (n_outputs x batch, leading dimension ld) to `grad` (same layout, zeroed) and returns the
  /// summed loss, which train_step returns.
  double train_step(const float* x, int batch, double l1,
                    const std::function<double(const float* out, std::size_t ld, float* grad)>& loss);

  /// Float forward pass of `batch` samples; returns the outputs panel (n_outputs x batch,
  /// column-major, leading dimension written to `ld`), valid until the next pass.
  const float* forward(const float* x, int batch, std::size_t& ld);

  /// Float forward pass for monitoring: adds the summed loss and the number of correct argmax
  /// predictions of `batch` samples.
  void evaluate_float(const float* x, const std::int32_t* y, int batch, double& loss_sum, std::size_t& correct);

  /// Exact forward pass of the integer model in double: `x` holds `rows` quantized inputs
  /// (row-major, values on the input format's grid); writes row-major logits (rows x n_outputs),
  /// the real values of the output layer's raw integers. Exact when every accumulator fits 53
  /// bits (exact_in_double()); then it equals golden_forward() on to_quantized_model().
  void forward_exact(const double* x, std::size_t rows, double* logits);
  /// Whether forward_exact() is exact for this network's formats.
  bool exact_in_double() const;

  /// The integer model: weights quantize(w) (0 where pruned), biases quantize(b), formats from the
  /// spec, batch normalization folded in (w, b are then the folded parameters, clamped into
  /// their formats); training metadata and preprocessing are left for the caller.
  QuantizedModel to_quantized_model() const;

 private:
  void forward_float(int batch);
  // A registered activation other than relu/linear: applied to layer k's outputs after the
  // cast (forward) and differentiated into its delta (backward, from grad_scratch_).
  void apply_activation_pass(int k, int batch);
  void activation_backward(int k, int batch, float pull_scale);
  // Back from the output gradient in probs_ through every layer into grads().
  void backward(const float* x, int batch, double l1);
  // Batch normalization (nn/batch_norm.hpp): the parameters the deployed model uses for layer k
  // (folded_ for a batch-norm layer, else params_), its fold, and the statistics update.
  const std::vector<float>& deployed(int k) const;
  BatchNormView batch_norm_view(int k);
  BatchNormFold batch_norm_fold(int k);
  void update_batch_norm(int batch);

  ModelSpec spec_;
  bool qat_;
  int max_batch_;
  std::vector<int> sizes_;  // n_inputs, units of each layer
  std::vector<std::size_t> w_off_, b_off_;
  std::vector<std::size_t> bn_off_, fold_off_;  // per layer; only meaningful for batch-norm layers
  std::vector<float> folded_, fold_cache_;       // folded W and b (params_ layout); s, 1/sd, shift
  bool bn_frozen_ = false;
  std::vector<float> params_, grads_, mask_, qparams_;
  std::vector<FakeQuant<float>> fq_w_, fq_b_, fq_r_;
  const float* input_ = nullptr;                     // the batch being computed (n_inputs x batch)
  // The kernels' copies of the quantized parameters (src/nn/small_gemm.hpp panels, rebuilt by
  // quantize_params): layer k's W, bias and W^T start at wp_off_[k], bp_off_[k], wt_off_[k].
  std::vector<float> panels_;
  std::vector<std::size_t> wp_off_, bp_off_, wt_off_;
  // Layer k's pre-activations (bias included; overwritten by their gradient in the backward pass)
  // and outputs are pre_[k+1] and act_[k+1], padded panels; gw_panel_ and gb_panel_ receive a
  // layer's weight and bias gradients before the masks.
  std::vector<Eigen::MatrixXf> pre_, act_;
  Eigen::MatrixXf probs_;
  Eigen::MatrixXf grad_scratch_;  // W^T * delta of a layer whose activation needs its own pass
  std::vector<std::vector<float>> act_tables_;  // per layer: activation value by raw integer (QAT)
  std::vector<std::vector<float>> act_grad_tables_;  // ... and its derivative  // (softmax - onehot) / batch, a padded panel
  std::vector<float> gw_panel_, gb_panel_;
  std::vector<float> lse_, colsum_;  // per-sample log-sum-exp and sum of the softmax
  // Exact evaluation (double), allocated on first use.
  std::vector<double> qparams_d_;
  std::vector<Eigen::MatrixXd> act_d_;
};

}  // namespace nas4ml::nn
