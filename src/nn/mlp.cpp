#include "nas4ml/nn/mlp.hpp"

#include <algorithm>
#include <cmath>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "result_cast.hpp"

namespace nas4ml::nn {

namespace {
using MapMf = Eigen::Map<Eigen::MatrixXf>;
using CMapMf = Eigen::Map<const Eigen::MatrixXf>;
using MapMd = Eigen::Map<Eigen::MatrixXd>;
using CMapMd = Eigen::Map<const Eigen::MatrixXd>;

std::size_t round_up16(std::size_t n) { return (n + 15) / 16 * 16; }

// Dispatches a result-cast kernel (result_cast.hpp) on the layer's modes.
template <template <bool, bool, bool> class Kernel, class... Args>
void with_modes(bool qat, bool sat, bool relu, Args&&... args) {
  if (!qat) {
    relu ? Kernel<false, false, true>::run(args...) : Kernel<false, false, false>::run(args...);
  } else if (sat) {
    relu ? Kernel<true, true, true>::run(args...) : Kernel<true, true, false>::run(args...);
  } else {
    relu ? Kernel<true, false, true>::run(args...) : Kernel<true, false, false>::run(args...);
  }
}
template <bool Qat, bool Sat, bool Relu>
struct CastForward {
  static void run(const float* v, float* out, Eigen::Index len, const FakeQuant<float>& f) {
    detail::cast_forward<Qat, Sat, Relu>(v, out, len, f);
  }
};
template <bool Qat, bool Sat, bool Relu>
struct CastBackward {
  static void run(const float* v, const float* g, float* d, Eigen::Index len, const FakeQuant<float>& f, float pull) {
    detail::cast_backward<Qat, Sat, Relu>(v, g, d, len, f, pull);
  }
};
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
    sizes_.push_back(l.units);
    fq_w_.emplace_back(l.weight_format, qat_);
    fq_b_.emplace_back(l.bias_format, qat_);
    fq_r_.emplace_back(l.result_format, qat_);
  }
  params_.assign(off, 0.0f);
  grads_.assign(off, 0.0f);
  mask_.assign(off, 0.0f);
  qparams_.assign(off, 0.0f);
  gmul_.assign(off, 0.0f);
  for (int k = 0; k < n_layers(); ++k) {
    const auto nw = static_cast<std::size_t>(sizes_[k]) * sizes_[k + 1];
    std::fill_n(mask_.begin() + static_cast<std::ptrdiff_t>(w_off_[k]), nw, 1.0f);
    std::fill_n(mask_.begin() + static_cast<std::ptrdiff_t>(b_off_[k]), sizes_[k + 1], 1.0f);
  }
  pre_.resize(sizes_.size());
  act_.resize(sizes_.size());
  int widest_hidden = 1;
  for (std::size_t k = 1; k < sizes_.size(); ++k) {
    pre_[k].resize(sizes_[k], max_batch);
    act_[k].resize(sizes_[k], max_batch);
    if (k + 1 < sizes_.size()) widest_hidden = std::max(widest_hidden, sizes_[k]);
  }
  back_.resize(widest_hidden, max_batch);
  probs_.resize(n_outputs(), max_batch);
}

void Mlp::initialize(Rng& rng) {
  std::fill(params_.begin(), params_.end(), 0.0f);
  for (int k = 0; k < n_layers(); ++k) {
    const int n_in = sizes_[k], n_out = sizes_[k + 1];
    const auto nw = static_cast<std::size_t>(n_in) * n_out;
    float* w = params_.data() + w_off_[k];
    if (spec_.layers[k].activation == Activation::relu) {
      const double sd = std::sqrt(2.0 / n_in);
      for (std::size_t i = 0; i < nw; ++i) w[i] = static_cast<float>(sd * rng.normal());
    } else {
      const double limit = std::sqrt(6.0 / (n_in + n_out));
      for (std::size_t i = 0; i < nw; ++i) w[i] = static_cast<float>(rng.uniform(-limit, limit));
    }
  }
  quantize_params();
}

void Mlp::quantize_params() {
  for (int k = 0; k < n_layers(); ++k) {
    const auto nw = static_cast<std::size_t>(sizes_[k]) * sizes_[k + 1];
    const std::size_t wo = w_off_[k], bo = b_off_[k];
    const auto& fw = fq_w_[k];
    const auto& fb = fq_b_[k];
    if (qat_) {
      // Keep the float master weights inside their format's range, so neither overflow mode
      // ever folds or clamps a weight (and the straight-through gradient stays alive).
      const auto& ws = spec_.layers[static_cast<std::size_t>(k)].weight_format;
      const auto& bs = spec_.layers[static_cast<std::size_t>(k)].bias_format;
      const auto wlo = static_cast<float>(ws.min_value()), whi = static_cast<float>(ws.max_value());
      const auto blo = static_cast<float>(bs.min_value()), bhi = static_cast<float>(bs.max_value());
      for (std::size_t i = wo; i < wo + nw; ++i) params_[i] = std::min(std::max(params_[i], wlo), whi);
      for (std::size_t i = bo; i < bo + static_cast<std::size_t>(sizes_[k + 1]); ++i)
        params_[i] = std::min(std::max(params_[i], blo), bhi);
    }
    for (std::size_t i = wo; i < wo + nw; ++i) {
      qparams_[i] = fw(params_[i]) * mask_[i];
      gmul_[i] = fw.gate(params_[i]) * mask_[i];
    }
    for (std::size_t i = bo; i < bo + static_cast<std::size_t>(sizes_[k + 1]); ++i) {
      qparams_[i] = fb(params_[i]) * mask_[i];
      gmul_[i] = fb.gate(params_[i]) * mask_[i];
    }
  }
}

void Mlp::forward_float(int batch) {
  for (int k = 0; k < n_layers(); ++k) {
    const int n_in = sizes_[k], n_out = sizes_[k + 1];
    CMapMf w(qparams_.data() + w_off_[k], n_out, n_in);
    MapMf v(pre_[k + 1].data(), n_out, batch);
    // The bias initializes the GEMM's output (instead of Eigen zeroing it and a second pass adding it).
    v.colwise() = Eigen::Map<const Eigen::VectorXf>(qparams_.data() + b_off_[k], n_out);
    if (k == 0)
      v.noalias() += w * CMapMf(input_, n_in, batch);
    else
      v.noalias() += w * CMapMf(act_[k].data(), n_in, batch);
    with_modes<CastForward>(qat_, fq_r_[k].saturate, spec_.layers[k].activation == Activation::relu, v.data(),
                            act_[k + 1].data(), v.size(), fq_r_[k]);
  }
}

double Mlp::train_step(const float* x, const std::int32_t* y, int batch, double l1) {
  NAS4ML_ASSERT(batch > 0 && batch <= max_batch_, "batch larger than the buffers");
  input_ = x;
  forward_float(batch);
  const int L = n_layers(), c = n_outputs();
  const float pull_scale = 1.0f / static_cast<float>(batch);
  // Softmax cross-entropy on the output layer's (quantized) logits.
  MapMf logits(act_[L].data(), c, batch);
  MapMf p(probs_.data(), c, batch);
  Eigen::RowVectorXf mx = logits.colwise().maxCoeff();
  p.array() = (logits.rowwise() - mx).array().exp();
  Eigen::RowVectorXf sum = p.colwise().sum();
  const float inv_b = 1.0f / static_cast<float>(batch);
  double loss = 0.0;
  for (int j = 0; j < batch; ++j) {
    loss += static_cast<double>(std::log(sum[j]) + mx[j] - logits(y[j], j));
    sum[j] = inv_b / sum[j];
  }
  // (softmax - onehot) / batch, then through the output cast: its gate and range-keeping pull.
  // Every delta overwrites the pre-activations it is computed from (pre_[k] holds delta of layer k).
  p.array().rowwise() *= sum.array();
  for (int j = 0; j < batch; ++j) p(y[j], j) -= inv_b;
  const auto cast_back = [&](int k, const float* g) {
    float* v = pre_[k + 1].data();
    with_modes<CastBackward>(qat_, fq_r_[k].saturate, spec_.layers[k].activation == Activation::relu, v, g, v,
                             static_cast<Eigen::Index>(sizes_[k + 1]) * batch, fq_r_[k], pull_scale);
  };
  cast_back(L - 1, p.data());
  // Backward.
  for (int k = L - 1; k >= 0; --k) {
    const int n_in = sizes_[k], n_out = sizes_[k + 1];
    CMapMf dk(pre_[k + 1].data(), n_out, batch);
    MapMf gw(grads_.data() + w_off_[k], n_out, n_in);
    if (k == 0)
      gw.noalias() = dk * CMapMf(x, n_in, batch).transpose();
    else
      gw.noalias() = dk * CMapMf(act_[k].data(), n_in, batch).transpose();
    Eigen::Map<Eigen::VectorXf> gb(grads_.data() + b_off_[k], n_out);
    // Column by column: contiguous, vectorized adds (rowwise().sum() walks rows with a stride).
    gb = dk.col(0);
    for (int j = 1; j < batch; ++j) gb += dk.col(j);
    if (k > 0) {
      CMapMf w(qparams_.data() + w_off_[k], n_out, n_in);
      MapMf back(back_.data(), n_in, batch);
      back.noalias() = w.transpose() * dk;
      cast_back(k - 1, back.data());
    }
  }
  // Straight-through factors, masks and the L1 term in one pass over the parameters.
  const auto l1f = static_cast<float>(l1);
  for (int k = 0; k < L; ++k) {
    const std::size_t wo = w_off_[k], nw = static_cast<std::size_t>(sizes_[k]) * sizes_[k + 1];
    if (l1f > 0.0f) {
      for (std::size_t i = wo; i < wo + nw; ++i) {
        const float w = params_[i];
        const float sgn = w > 0.0f ? 1.0f : (w < 0.0f ? -1.0f : 0.0f);
        grads_[i] = grads_[i] * gmul_[i] + l1f * sgn * mask_[i];
      }
    } else {
      for (std::size_t i = wo; i < wo + nw; ++i) grads_[i] *= gmul_[i];
    }
    const std::size_t bo = b_off_[k];
    for (std::size_t i = bo; i < bo + static_cast<std::size_t>(sizes_[k + 1]); ++i) grads_[i] *= gmul_[i];
  }
  return loss;
}

void Mlp::evaluate_float(const float* x, const std::int32_t* y, int batch, double& loss_sum, std::size_t& correct) {
  NAS4ML_ASSERT(batch > 0 && batch <= max_batch_, "batch larger than the buffers");
  input_ = x;
  forward_float(batch);
  const int c = n_outputs();
  MapMf logits(act_[n_layers()].data(), c, batch);
  for (int j = 0; j < batch; ++j) {
    int best = 0;
    float mx = logits(0, j);
    for (int o = 1; o < c; ++o)
      if (logits(o, j) > mx) {
        mx = logits(o, j);
        best = o;
      }
    double s = 0.0;
    for (int o = 0; o < c; ++o) s += std::exp(static_cast<double>(logits(o, j) - mx));
    loss_sum += std::log(s) + mx - logits(y[j], j);
    correct += best == y[j];
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
    for (std::size_t i = w_off_[k]; i < w_off_[k] + nw; ++i) qparams_d_[i] = fw(params_[i]) * mask_[i];
    for (std::size_t i = b_off_[k]; i < b_off_[k] + static_cast<std::size_t>(sizes_[k + 1]); ++i)
      qparams_d_[i] = fb(params_[i]) * mask_[i];
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
      const bool relu = spec_.layers[k].activation == Activation::relu;
      for (int j = 0; j < batch; ++j)
        for (int o = 0; o < n_out; ++o) {
          const double q = fr[k](z(o, j) + b[o]);
          z(o, j) = relu ? std::max(q, 0.0) : q;
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
    const auto nw = static_cast<std::size_t>(l.n_in) * l.n_out;
    l.weights.resize(nw);
    l.mask.resize(nw);
    for (int o = 0; o < l.n_out; ++o)
      for (int i = 0; i < l.n_in; ++i) {
        const std::size_t src = w_off_[k] + static_cast<std::size_t>(o) + static_cast<std::size_t>(i) * l.n_out;
        const std::size_t dst = static_cast<std::size_t>(o) * l.n_in + i;
        const bool kept = mask_[src] != 0.0f;
        l.mask[dst] = kept ? 1 : 0;
        l.weights[dst] = kept ? quantize(params_[src], l.weight_format) : 0;
      }
    l.biases.resize(static_cast<std::size_t>(l.n_out));
    for (int o = 0; o < l.n_out; ++o) {
      const std::size_t src = b_off_[k] + static_cast<std::size_t>(o);
      l.biases[static_cast<std::size_t>(o)] = mask_[src] != 0.0f ? quantize(params_[src], l.bias_format) : 0;
    }
    m.layers.push_back(std::move(l));
  }
  return m;
}

}  // namespace nas4ml::nn
