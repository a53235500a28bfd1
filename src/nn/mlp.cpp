#include "nas4ml/nn/mlp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "result_cast.hpp"
#include "small_gemm.hpp"

namespace nas4ml::nn {

namespace {
using MapMd = Eigen::Map<Eigen::MatrixXd>;
using CMapMd = Eigen::Map<const Eigen::MatrixXd>;
using CMapMf = Eigen::Map<const Eigen::MatrixXf>;
using StridedMapMf = Eigen::Map<Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
using MapAf = Eigen::Map<Eigen::ArrayXf>;
using CMapAf = Eigen::Map<const Eigen::ArrayXf>;

// Clamps n values into the range of `format` (NaN stays NaN, so divergence is still seen).
void clamp_to(const FixedFormat& format, float* v, Eigen::Index n) {
  const auto lo = static_cast<float>(format.min_value()), hi = static_cast<float>(format.max_value());
  MapAf a(v, n);
  a = (a < lo).select(lo, (a > hi).select(hi, a));
}

// out = mask * the cast of `in` (FakeQuant::operator() on n values, vectorized).
void fake_quantize(const FakeQuant<float>& f, const float* in, const float* mask, float* out, Eigen::Index n) {
  MapAf o(out, n);
  if (!f.enabled) {
    o = CMapAf(in, n) * CMapAf(mask, n);
    return;
  }
  o = (CMapAf(in, n) * f.scale + f.offset).floor();
  if (f.saturate)
    o = (o < f.lo).select(f.lo, (o > f.hi).select(f.hi, o));
  else
    o = o - f.span * ((o - f.lo) * f.inv_span).floor();
  o = o * f.lsb * CMapAf(mask, n);
}

std::size_t round_up16(std::size_t n) { return (n + 15) / 16 * 16; }

// For each of `batch` columns of c logits (a panel with leading dimension ld): lse[j] =
// log(sum(exp(z))) computed as max + log(sum(exp(z - max))), and, when `e` is not null, the
// exponentials exp(z - max) in the same layout (padding rows 0). One packet pass per column for
// the maximum and one for the exponentials, then vectorized logarithms over the batch; `sum` is
// padded_rows(batch) floats of scratch and keeps the sums.
void log_sum_exp(const float* logits, std::size_t ld, int c, int batch, float* e, float* lse, float* sum) {
  using namespace Eigen::internal;
  using detail::Packet;
  constexpr int P = detail::packet_floats;
  const int packets = (c + P - 1) / P;
  // Lanes of the last packet that hold a class (the others are padding).
  const Packet live = pcmp_lt(plset<Packet>(0.0f), detail::broadcast(static_cast<float>(c - (packets - 1) * P)));
  const Packet minus_inf = detail::broadcast(-std::numeric_limits<float>::infinity());
  for (int j = 0; j < batch; ++j) {
    const float* z = logits + static_cast<std::size_t>(j) * ld;
    Packet m = minus_inf;
    for (int r = 0; r < packets; ++r) {
      const Packet v = detail::load(z + r * P);
      m = pmax(m, r + 1 < packets ? v : pselect(live, v, minus_inf));
    }
    const float top = predux_max(m);
    Packet s = detail::broadcast(0.0f);
    for (int r = 0; r < packets; ++r) {
      Packet x = pexp(psub(detail::load(z + r * P), detail::broadcast(top)));
      if (r + 1 == packets) x = pand(x, live);
      if (e) detail::store(e + static_cast<std::size_t>(j) * ld + r * P, x);
      s = padd(s, x);
    }
    lse[j] = top;
    sum[j] = predux(s);
  }
  // Whole packets from index 0 (the buffers hold padded_rows(batch) floats), so every sample's
  // logarithm is the packet one wherever the buffers start (an Eigen expression would take the
  // elements before the first aligned address through std::log instead).
  for (int j = 0; j < batch; j += P) detail::store(lse + j, padd(detail::load(lse + j), plog(detail::load(sum + j))));
}

// Softmax cross-entropy of `batch` columns of logits (as above): returns the summed loss and
// writes (softmax - onehot) / batch into `grad` (same layout, padding rows 0). `lse` and `sum`
// are padded_rows(batch) floats of scratch.
double softmax_cross_entropy(const float* logits, std::size_t ld, int c, int batch, const std::int32_t* y, float* grad,
                             float* lse, float* sum) {
  using namespace Eigen::internal;
  constexpr int P = detail::packet_floats;
  const int packets = (c + P - 1) / P;
  log_sum_exp(logits, ld, c, batch, grad, lse, sum);
  const float inv_b = 1.0f / static_cast<float>(batch);
  double loss = 0.0;
  for (int j = 0; j < batch; ++j) {
    loss += static_cast<double>(lse[j] - logits[static_cast<std::size_t>(j) * ld + static_cast<std::size_t>(y[j])]);
    const detail::Packet scale = detail::broadcast(inv_b / sum[j]);
    float* e = grad + static_cast<std::size_t>(j) * ld;
    for (int r = 0; r < packets; ++r) detail::store(e + r * P, pmul(detail::load(e + r * P), scale));
    e[y[j]] -= inv_b;
  }
  return loss;
}

// Epilogues of the forward product (small_gemm.hpp): keep the pre-activation, store the output.
template <class Cast>
struct StoreForward {
  const Cast& cast;
  float* pre;
  float* act;
  void operator()(std::size_t at, const detail::Packet& v) const {
    detail::store(pre + at, v);
    detail::store(act + at, cast.value(v));
  }
};
// ... and of the backward product W^T * delta: through the gates of the layer below, over its
// pre-activations (which become its delta).
template <class Cast>
struct StoreBackward {
  const Cast& cast;
  float* pre;
  void operator()(std::size_t at, const detail::Packet& g) const {
    detail::store(pre + at, cast.gradient(detail::load(pre + at), g));
  }
};
// ... and, for a layer with a registered activation other than relu/linear, the plain product
// W^T * delta (the activation's derivative and the cast's gradient follow in a separate pass).
struct StoreGradient {
  float* out;
  void operator()(std::size_t at, const detail::Packet& g) const { detail::store(out + at, g); }
};

bool builtin(Activation a) { return a == Activation::relu || a == Activation::linear; }
}  // namespace

Mlp::Mlp(const ModelSpec& spec, int max_batch, bool quantization_aware)
    : spec_(spec), qat_(quantization_aware), max_batch_(max_batch) {
  NAS4ML_ASSERT(spec.n_inputs > 0 && !spec.layers.empty(), "Mlp needs a resolved model spec");
  NAS4ML_ASSERT(max_batch > 0, "batch size must be positive");
  sizes_.push_back(spec.n_inputs);
  std::size_t off = 0;
  for (const auto& l : spec.layers) {
    NAS4ML_ASSERT(l.units > 0, "Mlp needs every layer's units");
    const auto n_in = static_cast<std::size_t>(sizes_.back()), n_out = static_cast<std::size_t>(l.units);
    w_off_.push_back(off);
    off += round_up16(n_in * n_out);
    b_off_.push_back(off);
    off += round_up16(n_out);
    bn_off_.push_back(off);
    fold_off_.push_back(fold_cache_.size());
    if (l.batch_norm) {
      off += 4 * round_up16(n_out);  // gamma, beta, running mean, running variance
      fold_cache_.resize(fold_cache_.size() + 3 * n_out);
    }
    sizes_.push_back(l.units);
    fq_w_.emplace_back(l.weight_format, qat_);
    fq_b_.emplace_back(l.bias_format, qat_);
    fq_r_.emplace_back(l.result_format, qat_);
  }
  // Quantization-aware training evaluates a registered activation (not relu/linear) through
  // its integer function: tabulated over the result format's raw range when that has at most
  // 2^16 values, else called per value.
  act_tables_.resize(spec.layers.size());
  act_grad_tables_.resize(spec.layers.size());
  for (std::size_t k = 0; k < spec.layers.size(); ++k) {
    const auto& l = spec.layers[k];
    if (!qat_ || builtin(l.activation) || l.result_format.width > 16) continue;
    const ActivationKind& kind = activation_kind(l.activation);
    for (std::int64_t r = l.result_format.min_raw(); r <= l.result_format.max_raw(); ++r) {
      act_tables_[k].push_back(static_cast<float>(static_cast<double>(kind.apply_raw(r, l.result_format)) *
                                                  l.result_format.lsb()));
      act_grad_tables_[k].push_back(static_cast<float>(kind.derivative(static_cast<double>(r) * l.result_format.lsb())));
    }
  }
  params_.assign(off, 0.0f);
  grads_.assign(off, 0.0f);
  mask_.assign(off, 0.0f);
  qparams_.assign(off, 0.0f);
  for (int k = 0; k < n_layers(); ++k) {
    const auto nw = static_cast<std::size_t>(sizes_[k]) * sizes_[k + 1];
    std::fill_n(mask_.begin() + static_cast<std::ptrdiff_t>(w_off_[k]), nw, 1.0f);
    std::fill_n(mask_.begin() + static_cast<std::ptrdiff_t>(b_off_[k]), sizes_[k + 1], 1.0f);
    if (spec.layers[static_cast<std::size_t>(k)].batch_norm) {
      for (std::size_t block = 0; block < 4; ++block)
        std::fill_n(mask_.begin() + static_cast<std::ptrdiff_t>(bn_off_[k] + block * round_up16(sizes_[k + 1])),
                    sizes_[k + 1], 1.0f);
      if (folded_.empty()) folded_.assign(off, 0.0f);
    }
  }
  // Kernel panels (small_gemm.hpp): each layer's W (padded n_out x n_in), bias (padded n_out)
  // and, past the first layer, W^T (padded n_in x n_out) for the backward product.
  std::size_t panel_off = 0, widest_grad = 0;
  pre_.resize(sizes_.size());
  act_.resize(sizes_.size());
  for (int k = 0; k < n_layers(); ++k) {
    const int n_in = sizes_[k], n_out = sizes_[k + 1], rows = detail::padded_rows(n_out);
    wp_off_.push_back(panel_off);
    panel_off += static_cast<std::size_t>(rows) * n_in;
    bp_off_.push_back(panel_off);
    panel_off += static_cast<std::size_t>(rows);
    wt_off_.push_back(panel_off);
    if (k > 0) panel_off += static_cast<std::size_t>(detail::padded_rows(n_in)) * n_out;
    widest_grad = std::max(widest_grad, static_cast<std::size_t>(rows) * n_in);
    pre_[k + 1].setZero(rows, max_batch);
    act_[k + 1].setZero(rows, max_batch);
  }
  panels_.assign(panel_off, 0.0f);
  gw_panel_.assign(widest_grad, 0.0f);
  gb_panel_.assign(static_cast<std::size_t>(detail::padded_rows(*std::max_element(sizes_.begin() + 1, sizes_.end()))), 0.0f);
  probs_.setZero(detail::padded_rows(n_outputs()), max_batch);
  grad_scratch_.setZero(gb_panel_.size() > 0 ? static_cast<Eigen::Index>(gb_panel_.size()) : 1, max_batch);
  lse_.assign(static_cast<std::size_t>(detail::padded_rows(max_batch)), 0.0f);
  colsum_.assign(static_cast<std::size_t>(detail::padded_rows(max_batch)), 1.0f);
}

void Mlp::initialize(Rng& rng) {
  std::fill(params_.begin(), params_.end(), 0.0f);
  for (int k = 0; k < n_layers(); ++k) {
    const int n_in = sizes_[k], n_out = sizes_[k + 1];
    const auto nw = static_cast<std::size_t>(n_in) * n_out;
    float* w = params_.data() + w_off_[k];
    if (spec_.training.init == "uniform_fan_in") {
      const double limit = 1.0 / std::sqrt(static_cast<double>(n_in));
      for (std::size_t i = 0; i < nw; ++i) w[i] = static_cast<float>(rng.uniform(-limit, limit));
      float* b = params_.data() + b_off_[k];
      for (int o = 0; o < n_out; ++o) b[o] = static_cast<float>(rng.uniform(-limit, limit));
    } else if (activation_kind(spec_.layers[k].activation).relu_like()) {
      const double sd = std::sqrt(2.0 / n_in);
      for (std::size_t i = 0; i < nw; ++i) w[i] = static_cast<float>(sd * rng.normal());
    } else {
      const double limit = std::sqrt(6.0 / (n_in + n_out));
      for (std::size_t i = 0; i < nw; ++i) w[i] = static_cast<float>(rng.uniform(-limit, limit));
    }
    if (spec_.layers[static_cast<std::size_t>(k)].batch_norm) {  // gamma 1, beta 0, mean 0, variance 1
      const BatchNormView bn = batch_norm_view(k);
      std::fill_n(bn.gamma, n_out, 1.0f);
      std::fill_n(bn.var, n_out, 1.0f);
    }
  }
  quantize_params();
}

void Mlp::quantize_params() {
  for (int k = 0; k < n_layers(); ++k) {
    const int n_in = sizes_[k], n_out = sizes_[k + 1];
    const auto nw = static_cast<Eigen::Index>(n_in) * n_out;
    const std::size_t wo = w_off_[k], bo = b_off_[k];
    const auto& ls = spec_.layers[static_cast<std::size_t>(k)];
    // Batch normalization: fold it in, then treat the folded parameters as the weights below.
    if (ls.batch_norm)
      fold_batch_norm(params_.data() + wo, params_.data() + bo, batch_norm_view(k), n_out, n_in, folded_.data() + wo,
                      folded_.data() + bo, batch_norm_fold(k));
    float* src = ls.batch_norm ? folded_.data() : params_.data();
    if (qat_) {
      // Keep the float master weights (or the folded ones) inside their format's range, so
      // neither overflow mode ever folds or clamps a weight and the straight-through gradient of
      // the weight casts is 1 wherever the mask is (the gradient is only masked).
      clamp_to(ls.weight_format, src + wo, nw);
      clamp_to(ls.bias_format, src + bo, n_out);
    }
    fake_quantize(fq_w_[k], src + wo, mask_.data() + wo, qparams_.data() + wo, nw);
    fake_quantize(fq_b_[k], src + bo, mask_.data() + bo, qparams_.data() + bo, n_out);
    // The kernels' panels: W with padded rows, W^T (past the first layer), the bias.
    const CMapMf w(qparams_.data() + wo, n_out, n_in);
    StridedMapMf(panels_.data() + wp_off_[k], n_out, n_in, Eigen::OuterStride<>(detail::padded_rows(n_out))) = w;
    if (k > 0)
      StridedMapMf(panels_.data() + wt_off_[k], n_in, n_out, Eigen::OuterStride<>(detail::padded_rows(n_in))) =
          w.transpose();
    std::copy_n(qparams_.data() + bo, n_out, panels_.data() + bp_off_[k]);
  }
}

void Mlp::forward_float(int batch) {
  for (int k = 0; k < n_layers(); ++k) {
    const int n_in = sizes_[k], rows = detail::padded_rows(sizes_[k + 1]);
    const float* in = k == 0 ? input_ : act_[k].data();
    const std::size_t ld_in = k == 0 ? static_cast<std::size_t>(n_in) : static_cast<std::size_t>(act_[k].rows());
    detail::with_result_cast(qat_, fq_r_[k].saturate, spec_.layers[k].activation == Activation::relu, fq_r_[k], 0.0f,
                             [&](const auto& cast) {
                               detail::gemm_panel_x(rows, n_in, panels_.data() + wp_off_[k], in, ld_in, batch,
                                                    panels_.data() + bp_off_[k],
                                                    StoreForward<std::decay_t<decltype(cast)>>{cast, pre_[k + 1].data(),
                                                                                              act_[k + 1].data()});
                             });
    if (!builtin(spec_.layers[k].activation)) apply_activation_pass(k, batch);
  }
}

void Mlp::apply_activation_pass(int k, int batch) {
  const auto& l = spec_.layers[static_cast<std::size_t>(k)];
  const ActivationKind& kind = activation_kind(l.activation);
  const int n_out = sizes_[k + 1];
  const Eigen::Index ld = act_[k + 1].rows();
  const std::vector<float>& table = act_tables_[static_cast<std::size_t>(k)];
  const FakeQuant<float>& fq = fq_r_[static_cast<std::size_t>(k)];
  const auto lo = static_cast<float>(l.result_format.min_raw());
  for (int j = 0; j < batch; ++j) {
    float* a = act_[k + 1].data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(ld);
    for (int o = 0; o < n_out; ++o) {
      if (!qat_) {
        a[o] = static_cast<float>(kind.apply_real(a[o]));
      } else {
        const float raw = a[o] * fq.scale;  // exact: a value of the format's grid
        a[o] = !table.empty() ? table[static_cast<std::size_t>(raw - lo)]
                              : static_cast<float>(static_cast<double>(kind.apply_raw(static_cast<std::int64_t>(raw),
                                                                                      l.result_format)) *
                                                   l.result_format.lsb());
      }
    }
  }
}

void Mlp::activation_backward(int k, int batch, float pull_scale) {
  // Layer k's delta from the gradient g of its outputs (in grad_scratch_): g * f'(q) through
  // the activation at the quantized pre-activation q, then the cast's gate and range-keeping
  // pull (as ResultCast::gradient, elementwise).
  const auto& l = spec_.layers[static_cast<std::size_t>(k)];
  const ActivationKind& kind = activation_kind(l.activation);
  const FakeQuant<float>& fq = fq_r_[static_cast<std::size_t>(k)];
  const auto vlo = static_cast<float>(l.result_format.min_value()), vhi = static_cast<float>(l.result_format.max_value());
  const int n_out = sizes_[k + 1];
  const Eigen::Index ld = pre_[k + 1].rows();
  const std::vector<float>& slope = act_grad_tables_[static_cast<std::size_t>(k)];
  const auto lo = static_cast<float>(l.result_format.min_raw());
  for (int j = 0; j < batch; ++j) {
    float* v = pre_[k + 1].data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(ld);
    const float* g = grad_scratch_.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(ld);
    for (int o = 0; o < n_out; ++o) {
      const float q = fq(v[o]);
      const float d = !slope.empty() ? slope[static_cast<std::size_t>(q * fq.scale - lo)]
                                     : static_cast<float>(kind.derivative(q));
      const float through = g[o] * d;
      v[o] = qat_ ? through * fq.gate(v[o]) + (v[o] - std::clamp(v[o], vlo, vhi)) * pull_scale : through;
    }
  }
}

double Mlp::train_step(const float* x, const std::int32_t* y, int batch, double l1) {
  NAS4ML_ASSERT(batch > 0 && batch <= max_batch_, "batch larger than the buffers");
  input_ = x;
  forward_float(batch);
  const int L = n_layers(), c = n_outputs();
  // Softmax cross-entropy on the output layer's (quantized) logits, then back through the output
  // cast (its gate and range-keeping pull). Every layer's delta overwrites the pre-activations it
  // is computed from.
  NAS4ML_ASSERT(builtin(spec_.layers[L - 1].activation), "the output layer's activation is relu or linear");
  const double loss = softmax_cross_entropy(act_[L].data(), static_cast<std::size_t>(act_[L].rows()), c, batch, y,
                                            probs_.data(), lse_.data(), colsum_.data());
  update_batch_norm(batch);
  backward(x, batch, l1);
  return loss;
}

double Mlp::train_step(const float* x, const Task& task, const float* target, int batch, double l1) {
  NAS4ML_ASSERT(batch > 0 && batch <= max_batch_, "batch larger than the buffers");
  input_ = x;
  forward_float(batch);
  const int L = n_layers();
  const auto ld = static_cast<std::size_t>(act_[L].rows());
  std::fill_n(probs_.data(), ld * static_cast<std::size_t>(batch), 0.0f);
  const double loss = task.loss_gradient(act_[L].data(), ld, n_outputs(), batch, target, probs_.data());
  update_batch_norm(batch);
  backward(x, batch, l1);
  return loss;
}

double Mlp::train_step(const float* x, int batch, double l1,
                       const std::function<double(const float* out, std::size_t ld, float* grad)>& loss) {
  NAS4ML_ASSERT(batch > 0 && batch <= max_batch_, "batch larger than the buffers");
  input_ = x;
  forward_float(batch);
  const auto ld = static_cast<std::size_t>(act_[n_layers()].rows());
  std::fill_n(probs_.data(), ld * static_cast<std::size_t>(batch), 0.0f);
  const double value = loss(act_[n_layers()].data(), ld, probs_.data());
  backward(x, batch, l1);
  return value;
}

const float* Mlp::forward(const float* x, int batch, std::size_t& ld) {
  NAS4ML_ASSERT(batch > 0 && batch <= max_batch_, "batch larger than the buffers");
  input_ = x;
  forward_float(batch);
  ld = static_cast<std::size_t>(act_[n_layers()].rows());
  return act_[n_layers()].data();
}

void Mlp::backward(const float* x, int batch, double l1) {
  const int L = n_layers();
  const float pull_scale = 1.0f / static_cast<float>(batch);
  detail::with_result_cast(qat_, fq_r_[L - 1].saturate, spec_.layers[L - 1].activation == Activation::relu,
                           fq_r_[L - 1], pull_scale, [&](const auto& cast) {
                             float* v = pre_[L].data();
                             const float* g = probs_.data();
                             const Eigen::Index n = pre_[L].rows() * batch;
                             for (Eigen::Index i = 0; i < n; i += detail::packet_floats)
                               detail::store(v + i, cast.gradient(detail::load(v + i), detail::load(g + i)));
                           });
  const auto l1f = static_cast<float>(l1);
  for (int k = L - 1; k >= 0; --k) {
    const int n_in = sizes_[k], n_out = sizes_[k + 1], rows = detail::padded_rows(n_out);
    const float* dk = pre_[k + 1].data();
    const float* in = k == 0 ? x : act_[k].data();
    const std::size_t ld_in = k == 0 ? static_cast<std::size_t>(n_in) : static_cast<std::size_t>(act_[k].rows());
    detail::gemm_panel_xt(rows, batch, dk, static_cast<std::size_t>(rows), n_in, in, ld_in, gw_panel_.data(),
                          gb_panel_.data());
    const std::size_t wo = w_off_[k], bo = b_off_[k];
    const auto nw = static_cast<Eigen::Index>(n_in) * n_out;
    // Into the flat gradient, masked (pruned weights get none), plus the L1 term.
    for (int i = 0; i < n_in; ++i) {  // column by column: contiguous, vectorized
      const std::size_t at = wo + static_cast<std::size_t>(i) * n_out;
      MapAf(grads_.data() + at, n_out) =
          CMapAf(gw_panel_.data() + static_cast<std::size_t>(i) * rows, n_out) * CMapAf(mask_.data() + at, n_out);
    }
    MapAf(grads_.data() + bo, n_out) = CMapAf(gb_panel_.data(), n_out) * CMapAf(mask_.data() + bo, n_out);
    if (spec_.layers[static_cast<std::size_t>(k)].batch_norm) {  // from the folded parameters to W, b, gamma, beta
      const std::size_t g = bn_off_[k], beta = g + round_up16(static_cast<std::size_t>(n_out));
      batch_norm_backward(params_.data() + wo, batch_norm_fold(k), n_out, n_in, grads_.data() + wo,
                          grads_.data() + bo, grads_.data() + g, grads_.data() + beta);
    }
    if (l1f > 0.0f)
      MapAf(grads_.data() + wo, nw) += l1f * CMapAf(params_.data() + wo, nw).sign() * CMapAf(mask_.data() + wo, nw);
    if (k > 0 && !builtin(spec_.layers[k - 1].activation)) {
      NAS4ML_ASSERT(pre_[k].rows() <= grad_scratch_.rows(), "gradient scratch too small");
      detail::gemm_panel_x(detail::padded_rows(n_in), n_out, panels_.data() + wt_off_[k], dk,
                           static_cast<std::size_t>(rows), batch, nullptr, StoreGradient{grad_scratch_.data()});
      activation_backward(k - 1, batch, pull_scale);
    } else if (k > 0) {
      detail::with_result_cast(qat_, fq_r_[k - 1].saturate, spec_.layers[k - 1].activation == Activation::relu,
                               fq_r_[k - 1], pull_scale, [&](const auto& cast) {
                                 detail::gemm_panel_x(detail::padded_rows(n_in), n_out, panels_.data() + wt_off_[k], dk,
                                                      static_cast<std::size_t>(rows), batch, nullptr,
                                                      StoreBackward<std::decay_t<decltype(cast)>>{cast, pre_[k].data()});
                               });
    }
  }
}

void Mlp::evaluate_float(const float* x, const std::int32_t* y, int batch, double& loss_sum, std::size_t& correct) {
  NAS4ML_ASSERT(batch > 0 && batch <= max_batch_, "batch larger than the buffers");
  input_ = x;
  forward_float(batch);
  const int c = n_outputs();
  const float* logits = act_[n_layers()].data();
  const auto ld = static_cast<std::size_t>(act_[n_layers()].rows());
  log_sum_exp(logits, ld, c, batch, nullptr, lse_.data(), colsum_.data());
  for (int j = 0; j < batch; ++j) {
    const float* z = logits + static_cast<std::size_t>(j) * ld;
    loss_sum += static_cast<double>(lse_[static_cast<std::size_t>(j)] - z[y[j]]);
    correct += static_cast<int>(std::max_element(z, z + c) - z) == y[j];  // the first largest
  }
}

bool Mlp::exact_in_double() const {
  const QuantizedModel shape = to_quantized_model();
  for (std::size_t k = 0; k < shape.layers.size(); ++k)
    if (accumulator_width(shape, k) > 53) return false;
  return true;
}

void Mlp::forward_exact(const double* x, std::size_t rows, double* logits) {
  const int L = n_layers();
  if (qparams_d_.empty()) {
    act_d_.resize(sizes_.size());
    for (std::size_t k = 1; k < sizes_.size(); ++k) act_d_[k].resize(sizes_[k], max_batch_);
  }
  qparams_d_.assign(params_.size(), 0.0);
  std::vector<FakeQuant<double>> fr;
  for (int k = 0; k < L; ++k) {
    const FakeQuant<double> fw(spec_.layers[k].weight_format), fb(spec_.layers[k].bias_format);
    fr.emplace_back(spec_.layers[k].result_format);
    const auto nw = static_cast<std::size_t>(sizes_[k]) * sizes_[k + 1];
    const std::vector<float>& p = deployed(k);
    for (std::size_t i = w_off_[k]; i < w_off_[k] + nw; ++i) qparams_d_[i] = fw(p[i]) * mask_[i];
    for (std::size_t i = b_off_[k]; i < b_off_[k] + static_cast<std::size_t>(sizes_[k + 1]); ++i)
      qparams_d_[i] = fb(p[i]) * mask_[i];
  }
  const int c = n_outputs();
  for (std::size_t start = 0; start < rows; start += static_cast<std::size_t>(max_batch_)) {
    const int batch = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(max_batch_), rows - start));
    for (int k = 0; k < L; ++k) {
      const int n_in = sizes_[k], n_out = sizes_[k + 1];
      CMapMd w(qparams_d_.data() + w_off_[k], n_out, n_in);
      MapMd z(act_d_[k + 1].data(), n_out, batch);
      if (k == 0)
        z.noalias() = w * CMapMd(x + start * static_cast<std::size_t>(n_in), n_in, batch);
      else
        z.noalias() = w * CMapMd(act_d_[k].data(), n_in, batch);
      const double* b = qparams_d_.data() + b_off_[k];
      const Activation act = spec_.layers[k].activation;
      const FixedFormat& rf = spec_.layers[k].result_format;
      for (int j = 0; j < batch; ++j)
        for (int o = 0; o < n_out; ++o) {
          const double q = fr[k](z(o, j) + b[o]);
          z(o, j) = act == Activation::linear ? q
                    : act == Activation::relu ? std::max(q, 0.0)
                                              : static_cast<double>(apply_activation(act, static_cast<std::int64_t>(fr[k].raw(z(o, j) + b[o])), rf)) * fr[k].lsb;
        }
    }
    MapMd out(act_d_[L].data(), c, batch);
    for (int j = 0; j < batch; ++j)
      for (int o = 0; o < c; ++o) logits[(start + static_cast<std::size_t>(j)) * c + o] = out(o, j);
  }
}

QuantizedModel Mlp::to_quantized_model() const {
  QuantizedModel m;
  m.name = spec_.name;
  m.n_inputs = n_inputs();
  m.input_format = spec_.input_format;
  for (int k = 0; k < n_layers(); ++k) {
    const auto& ls = spec_.layers[k];
    QuantizedLayer l;
    l.n_in = sizes_[k];
    l.n_out = sizes_[k + 1];
    l.activation = ls.activation;
    l.weight_format = ls.weight_format;
    l.bias_format = ls.bias_format;
    l.result_format = ls.result_format;
    l.reuse_factor = ls.reuse_factor;
    l.strategy = ls.strategy;
    l.dc = ls.dc;
    const auto nw = static_cast<std::size_t>(l.n_in) * l.n_out;
    const std::vector<float>& p = deployed(k);
    l.weights.resize(nw);
    l.mask.resize(nw);
    for (int o = 0; o < l.n_out; ++o)
      for (int i = 0; i < l.n_in; ++i) {
        const std::size_t src = w_off_[k] + static_cast<std::size_t>(o) + static_cast<std::size_t>(i) * l.n_out;
        const std::size_t dst = static_cast<std::size_t>(o) * l.n_in + i;
        const bool kept = mask_[src] != 0.0f;
        l.mask[dst] = kept ? 1 : 0;
        l.weights[dst] = kept ? quantize(p[src], l.weight_format) : 0;
      }
    l.biases.resize(static_cast<std::size_t>(l.n_out));
    for (int o = 0; o < l.n_out; ++o) {
      const std::size_t src = b_off_[k] + static_cast<std::size_t>(o);
      l.biases[static_cast<std::size_t>(o)] = mask_[src] != 0.0f ? quantize(p[src], l.bias_format) : 0;
    }
    m.layers.push_back(std::move(l));
  }
  return m;
}

const std::vector<float>& Mlp::deployed(int k) const {
  return spec_.layers[static_cast<std::size_t>(k)].batch_norm ? folded_ : params_;
}

BatchNormView Mlp::batch_norm_view(int k) {
  const std::size_t block = round_up16(static_cast<std::size_t>(sizes_[k + 1]));
  float* at = params_.data() + bn_off_[k];
  return {at, at + block, at + 2 * block, at + 3 * block};
}

BatchNormFold Mlp::batch_norm_fold(int k) {
  const auto n = static_cast<std::size_t>(sizes_[k + 1]);
  float* at = fold_cache_.data() + fold_off_[k];
  return {at, at + n, at + 2 * n};
}

void Mlp::update_batch_norm(int batch) {
  if (bn_frozen_) return;
  for (int k = 0; k < n_layers(); ++k)
    if (spec_.layers[static_cast<std::size_t>(k)].batch_norm)
      update_batch_norm_statistics(pre_[k + 1].data(), static_cast<std::size_t>(pre_[k + 1].rows()), batch,
                                   batch_norm_fold(k).scale, batch_norm_view(k), sizes_[k + 1]);
}

}  // namespace nas4ml::nn
