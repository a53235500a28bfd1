#include "nas4ml/nn/standardization_folding.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/golden_inference.hpp"

namespace nas4ml::nn {
namespace {

constexpr int kMaxWeightWidth = 32;

/// The narrowest format with `fractional` fractional bits that holds every value in [-m, m]
/// (signed) or [0, m] (unsigned); integer bits may be negative. 0 when none fits in 62 bits.
FixedFormat fitting_format(double m, int fractional, bool is_signed, Rounding rounding, Overflow overflow) {
  FixedFormat f;
  f.is_signed = is_signed;
  f.rounding = rounding;
  f.overflow = overflow;
  for (int width = 1; width <= 62; ++width) {
    f.width = width;
    f.integer = width - fractional;
    if (f.max_value() >= m) return f;
  }
  f.width = 0;
  return f;
}

void check_standardization(const QuantizedModel& model) {
  const auto n = static_cast<std::size_t>(model.n_inputs);
  if (model.anomaly_score)
    throw ConfigError(model.name, "anomaly_score", "cannot fold the standardization of an autoencoder",
                      "a model whose anomaly score does not read the standardized input", "an anomaly score");
  if (model.input_offset.size() != n || model.input_scale.size() != n)
    throw ConfigError(model.name, "input_scale", "no standardization to fold",
                      fmt::format("{} offsets and scales", n),
                      fmt::format("{} and {}", model.input_offset.size(), model.input_scale.size()));
  for (std::size_t i = 0; i < n; ++i)
    if (!(model.input_scale[i] > 0) || !std::isfinite(model.input_scale[i]) || !std::isfinite(model.input_offset[i]))
      throw ConfigError(model.name, fmt::format("input_scale[{}]", i), "cannot fold this scale",
                        "a positive finite scale and a finite offset",
                        fmt::format("{} and {}", model.input_scale[i], model.input_offset[i]));
}

int ceil_log2_ratio(double a, double b) { return static_cast<int>(std::ceil(std::log2(a / b) - 1e-12)); }

}  // namespace

FixedFormat raw_input_format(const QuantizedModel& model, const RawInputRange& range) {
  check_standardization(model);
  const auto n = static_cast<std::size_t>(model.n_inputs);
  if (range.min.size() != n || range.max.size() != n)
    throw ConfigError(model.name, "range", "raw input range does not match the inputs", fmt::format("{} features", n),
                      fmt::format("{}", range.min.size()));
  const double s_max = *std::max_element(model.input_scale.begin(), model.input_scale.end());
  const int fractional = model.input_format.fractional() + ceil_log2_ratio(s_max, 1.0);
  double m = 0.0;
  bool negative = false;
  for (std::size_t i = 0; i < n; ++i) {
    m = std::max({m, std::abs(range.min[i]), std::abs(range.max[i])});
    negative = negative || range.min[i] < 0;
  }
  const FixedFormat f = fitting_format(m, fractional, negative, model.input_format.rounding, Overflow::saturate);
  if (f.width == 0)
    throw ConfigError(model.name, "raw_input_format", "raw inputs need a format wider than 62 bits",
                      "a data range and scales that fit", fmt::format("|x| up to {} with {} fractional bits", m, fractional));
  return f;
}

QuantizedModel fold_standardization(const QuantizedModel& model, const FixedFormat& raw_format) {
  check_standardization(model);
  QuantizedModel out = model;
  QuantizedLayer& l = out.layers.at(0);
  const QuantizedLayer& src = model.layers.at(0);
  const auto& s = model.input_scale;
  const auto& mu = model.input_offset;
  const auto [s_lo, s_hi] = std::minmax_element(s.begin(), s.end());

  // Weights w * s_i: the old width plus the scales' spread keeps each feature's relative precision.
  double w_max = 0.0;
  for (int o = 0; o < src.n_out; ++o)
    for (int i = 0; i < src.n_in; ++i)
      w_max = std::max(w_max, std::abs(static_cast<double>(src.weight(o, i)) * src.weight_format.lsb() * s[i]));
  const int width = std::min(kMaxWeightWidth, src.weight_format.width + ceil_log2_ratio(*s_hi, *s_lo));
  const FixedFormat& wf = src.weight_format;
  l.weight_format = FixedFormat{width, wf.integer, true, wf.rounding, wf.overflow};
  for (int frac = 62; frac >= -62 && w_max > 0; --frac) {  // the finest step at which the largest fits
    const FixedFormat f{width, width - frac, true, wf.rounding, wf.overflow};
    if (f.max_value() >= w_max) {
      l.weight_format = f;
      break;
    }
  }
  double lsb = l.weight_format.lsb();
  std::vector<double> bias(static_cast<std::size_t>(src.n_out));
  for (int o = 0; o < src.n_out; ++o) {
    bias[o] = static_cast<double>(src.biases[o]) * src.bias_format.lsb();
    for (int i = 0; i < src.n_in; ++i) {
      const std::size_t k = static_cast<std::size_t>(o) * src.n_in + i;
      const double w = static_cast<double>(src.weights[k]) * wf.lsb() * s[i];
      bias[o] -= w * mu[i];
      const auto raw = std::clamp(static_cast<std::int64_t>(std::llround(w / lsb)), l.weight_format.min_raw(),
                                  l.weight_format.max_raw());
      l.mask[k] = (src.mask[k] != 0 && raw != 0) ? 1 : 0;
      l.weights[k] = l.mask[k] != 0 ? raw : 0;
    }
  }
  // Biases at the accumulator's fractional bits, so none is lost.
  double b_max = 0.0;
  for (double b : bias) b_max = std::max(b_max, std::abs(b));
  const int f_acc = raw_format.fractional() + l.weight_format.fractional();
  l.bias_format = fitting_format(b_max, f_acc, true, src.bias_format.rounding, src.bias_format.overflow);
  if (l.bias_format.width == 0)
    throw ConfigError(model.name, "raw_input_format", "the folded biases need more than 62 bits",
                      "a raw input format with fewer fractional bits", raw_format.to_string());
  lsb = l.bias_format.lsb();
  for (int o = 0; o < src.n_out; ++o)
    l.biases[o] = std::clamp(static_cast<std::int64_t>(std::llround(bias[o] / lsb)), l.bias_format.min_raw(),
                             l.bias_format.max_raw());

  out.input_format = raw_format;
  out.input_offset.assign(s.size(), 0.0);
  out.input_scale.assign(s.size(), 1.0);
  if (!out.training.is_object()) out.training = Json::object();
  out.training["folded_standardization"] = {{"offset", mu}, {"scale", s}, {"from_input_format", model.input_format.to_string()}};
  if (const int acc = accumulator_width(out, 0); acc > 62)
    throw ConfigError(model.name, "raw_input_format", "the folded first layer's accumulator is too wide",
                      "at most 62 bits (a narrower raw input format)", fmt::format("{} bits with {}", acc, raw_format.to_string()));
  check_golden_computable(out);
  return out;
}

}  // namespace nas4ml::nn
