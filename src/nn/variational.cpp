#include "nas4ml/nn/variational.hpp"

#include <algorithm>
#include <cmath>

#include "nas4ml/core/error.hpp"

namespace nas4ml::nn {

VaeDecoder::VaeDecoder(std::vector<int> sizes, int max_batch) : sizes_(std::move(sizes)), max_batch_(max_batch) {
  NAS4ML_ASSERT(sizes_.size() >= 2 && max_batch_ > 0, "a decoder needs a latent and an output size");
  std::size_t off = 0, widest = 0;
  for (std::size_t k = 0; k + 1 < sizes_.size(); ++k) {
    w_off_.push_back(off);
    off += static_cast<std::size_t>(sizes_[k]) * static_cast<std::size_t>(sizes_[k + 1]);
    b_off_.push_back(off);
    off += static_cast<std::size_t>(sizes_[k + 1]);
  }
  params_.assign(off, 0.0f);
  grads_.assign(off, 0.0f);
  for (int s : sizes_) {
    act_.emplace_back(static_cast<std::size_t>(s) * static_cast<std::size_t>(max_batch_), 0.0f);
    widest = std::max(widest, static_cast<std::size_t>(s));
  }
  delta_.assign(widest * static_cast<std::size_t>(max_batch_), 0.0f);
  delta_next_ = delta_;
}

void VaeDecoder::initialize(Rng& rng) {
  std::fill(params_.begin(), params_.end(), 0.0f);
  const std::size_t layers = sizes_.size() - 1;
  for (std::size_t k = 0; k < layers; ++k) {
    const int n_in = sizes_[k], n_out = sizes_[k + 1];
    float* w = params_.data() + w_off_[k];
    const auto nw = static_cast<std::size_t>(n_in) * static_cast<std::size_t>(n_out);
    if (k + 1 < layers) {
      const double sd = std::sqrt(2.0 / n_in);
      for (std::size_t i = 0; i < nw; ++i) w[i] = static_cast<float>(sd * rng.normal());
    } else {
      const double limit = std::sqrt(6.0 / (n_in + n_out));
      for (std::size_t i = 0; i < nw; ++i) w[i] = static_cast<float>(rng.uniform(-limit, limit));
    }
  }
}

const float* VaeDecoder::forward(const float* z, int batch) {
  NAS4ML_ASSERT(batch > 0 && batch <= max_batch_, "decoder batch out of range");
  std::copy_n(z, static_cast<std::size_t>(sizes_[0]) * static_cast<std::size_t>(batch), act_[0].data());
  const std::size_t layers = sizes_.size() - 1;
  for (std::size_t k = 0; k < layers; ++k) {
    const auto n_in = static_cast<std::size_t>(sizes_[k]), n_out = static_cast<std::size_t>(sizes_[k + 1]);
    const float* w = params_.data() + w_off_[k];
    const float* b = params_.data() + b_off_[k];
    const float* a = act_[k].data();
    float* y = act_[k + 1].data();
    for (std::size_t j = 0; j < static_cast<std::size_t>(batch); ++j)
      for (std::size_t o = 0; o < n_out; ++o) {
        float s = b[o];
        for (std::size_t i = 0; i < n_in; ++i) s += w[i * n_out + o] * a[j * n_in + i];
        y[j * n_out + o] = k + 1 < layers ? std::max(s, 0.0f) : s;
      }
  }
  return act_.back().data();
}

void VaeDecoder::backward(const float* dout, int batch, float* dz) {
  const std::size_t layers = sizes_.size() - 1;
  const auto nb = static_cast<std::size_t>(batch);
  std::copy_n(dout, static_cast<std::size_t>(sizes_.back()) * nb, delta_.data());
  for (std::size_t k = layers; k-- > 0;) {
    const auto n_in = static_cast<std::size_t>(sizes_[k]), n_out = static_cast<std::size_t>(sizes_[k + 1]);
    const float* w = params_.data() + w_off_[k];
    float* gw = grads_.data() + w_off_[k];
    float* gb = grads_.data() + b_off_[k];
    const float* a = act_[k].data();
    for (std::size_t j = 0; j < nb; ++j)
      for (std::size_t o = 0; o < n_out; ++o) {
        const float d = delta_[j * n_out + o];
        gb[o] += d;
        for (std::size_t i = 0; i < n_in; ++i) gw[i * n_out + o] += d * a[j * n_in + i];
      }
    // Back to the layer's input: W^T delta, through the previous layer's ReLU (none for z).
    float* into = k == 0 ? dz : delta_next_.data();
    for (std::size_t j = 0; j < nb; ++j)
      for (std::size_t i = 0; i < n_in; ++i) {
        float s = 0.0f;
        for (std::size_t o = 0; o < n_out; ++o) s += w[i * n_out + o] * delta_[j * n_out + o];
        into[j * n_in + i] = k == 0 || a[j * n_in + i] > 0.0f ? s : 0.0f;
      }
    if (k > 0) std::swap(delta_, delta_next_);
  }
}

double vae_loss_gradient(VaeDecoder& decoder, const float* enc, std::size_t ld, int latent, int batch, const float* x,
                         const float* eps, double beta, float* grad_enc, double* kl_sum) {
  const auto z_n = static_cast<std::size_t>(latent), nb = static_cast<std::size_t>(batch);
  const auto n = static_cast<std::size_t>(decoder.sizes().back());
  std::vector<float> z(z_n * nb), dz(z_n * nb), dout(n * nb);
  for (std::size_t j = 0; j < nb; ++j)
    for (std::size_t l = 0; l < z_n; ++l) {
      const float mu = enc[j * ld + l], lv = enc[j * ld + z_n + l];
      z[j * z_n + l] = mu + std::exp(0.5f * lv) * eps[j * z_n + l];
    }
  const float* y = decoder.forward(z.data(), batch);
  double recon = 0.0, kl = 0.0;
  const float g_rec = 2.0f / static_cast<float>(n * nb);
  for (std::size_t j = 0; j < nb; ++j)
    for (std::size_t i = 0; i < n; ++i) {
      const float d = y[j * n + i] - x[j * n + i];
      recon += static_cast<double>(d) * d;
      dout[j * n + i] = d * g_rec;
    }
  decoder.backward(dout.data(), batch, dz.data());
  const auto b = static_cast<float>(beta), inv = 1.0f / static_cast<float>(nb);
  for (std::size_t j = 0; j < nb; ++j)
    for (std::size_t l = 0; l < z_n; ++l) {
      const float mu = enc[j * ld + l], lv = enc[j * ld + z_n + l];
      const float var = std::exp(lv), sd = std::exp(0.5f * lv), e = eps[j * z_n + l], g = dz[j * z_n + l];
      kl += 0.5 * (static_cast<double>(mu) * mu + var - 1.0 - lv);
      grad_enc[j * ld + l] += g + b * mu * inv;
      grad_enc[j * ld + z_n + l] += g * e * 0.5f * sd + b * 0.5f * (var - 1.0f) * inv;
    }
  if (kl_sum) *kl_sum = kl;
  return recon / static_cast<double>(n) + beta * kl;
}

namespace {
std::vector<int> decoder_sizes(const TaskSpec& spec, int n_inputs, const std::vector<int>& encoder_hidden) {
  std::vector<int> sizes{spec.latent};
  if (!spec.decoder.empty()) sizes.insert(sizes.end(), spec.decoder.begin(), spec.decoder.end());
  else sizes.insert(sizes.end(), encoder_hidden.rbegin(), encoder_hidden.rend());
  sizes.push_back(n_inputs);
  return sizes;
}
}  // namespace

VariationalTrainer::VariationalTrainer(const TaskSpec& spec, int n_inputs, const std::vector<int>& encoder_hidden,
                                       int max_batch, const TrainingSpec& training, Rng init, Rng noise)
    : spec_(spec),
      decoder_(decoder_sizes(spec, n_inputs, encoder_hidden), max_batch),
      optimizer_(training.optimizer, training.momentum, decoder_.params().size()),
      noise_(std::move(noise)),
      eps_(static_cast<std::size_t>(spec.latent) * static_cast<std::size_t>(max_batch), 0.0f),
      ones_(decoder_.params().size(), 1.0f) {
  NAS4ML_ASSERT(spec.variational && spec.latent > 0, "not a variational task");
  decoder_.initialize(init);
}

double VariationalTrainer::loss_gradient(const float* enc, std::size_t ld, int batch, const float* x, float* grad_enc,
                                         bool sample) {
  const std::size_t draws = static_cast<std::size_t>(spec_.latent) * static_cast<std::size_t>(batch);
  for (std::size_t i = 0; i < draws; ++i) eps_[i] = sample ? static_cast<float>(noise_.normal()) : 0.0f;
  std::fill(decoder_.grads().begin(), decoder_.grads().end(), 0.0f);
  return vae_loss_gradient(decoder_, enc, ld, spec_.latent, batch, x, eps_.data(), spec_.beta, grad_enc);
}

void VariationalTrainer::step(double lr) { optimizer_.step(decoder_.params(), decoder_.grads(), ones_, lr); }

QuantizedModel mean_head(QuantizedModel m, int latent) {
  NAS4ML_ASSERT(!m.layers.empty() && m.layers.back().n_out == 2 * latent, "the encoder has 2 * latent outputs");
  QuantizedLayer& l = m.layers.back();
  const auto keep = static_cast<std::size_t>(latent) * static_cast<std::size_t>(l.n_in);
  l.weights.resize(keep);
  l.mask.resize(keep);
  l.biases.resize(static_cast<std::size_t>(latent));
  l.n_out = latent;
  return m;
}

}  // namespace nas4ml::nn
