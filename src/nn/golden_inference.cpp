#include "nas4ml/nn/golden_inference.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/activation.hpp"

namespace nas4ml::nn {

namespace {
int ceil_log2(std::uint64_t n) { return n <= 1 ? 0 : static_cast<int>(std::bit_width(n - 1)); }
}  // namespace

const FixedFormat& layer_input_format(const QuantizedModel& model, std::size_t k) {
  NAS4ML_ASSERT(k < model.layers.size(), "layer index out of range");
  return k == 0 ? model.input_format : model.layers[k - 1].result_format;
}

int accumulator_fractional(const QuantizedModel& model, std::size_t k) {
  const auto& layer = model.layers.at(k);
  const int products = layer_input_format(model, k).fractional() + layer.weight_format.fractional();
  return std::max(products, layer.bias_format.fractional());
}

int accumulator_width(const QuantizedModel& model, std::size_t k) {
  const auto& layer = model.layers.at(k);
  const auto& in = layer_input_format(model, k);
  const int f_acc = accumulator_fractional(model, k);
  const int product = in.width + layer.weight_format.width + (f_acc - in.fractional() - layer.weight_format.fractional());
  const int bias = layer.bias_format.width + (f_acc - layer.bias_format.fractional());
  return std::max(product, bias) + ceil_log2(static_cast<std::uint64_t>(layer.n_in) + 1);
}

void check_golden_computable(const QuantizedModel& model) {
  NAS4ML_ASSERT(!model.layers.empty(), "a model needs at least one layer");
  int n_in = model.n_inputs;
  for (std::size_t k = 0; k < model.layers.size(); ++k) {
    const auto& l = model.layers[k];
    const std::string where = "layer " + std::to_string(k) + ": ";
    NAS4ML_ASSERT(l.n_in == n_in, where + "input size does not chain");
    NAS4ML_ASSERT(l.n_out > 0, where + "no outputs");
    const auto n = static_cast<std::size_t>(l.n_in) * static_cast<std::size_t>(l.n_out);
    NAS4ML_ASSERT(l.weights.size() == n && l.mask.size() == n, where + "weights/mask size");
    NAS4ML_ASSERT(l.biases.size() == static_cast<std::size_t>(l.n_out), where + "bias size");
    for (std::size_t i = 0; i < n; ++i) {
      NAS4ML_ASSERT(l.weights[i] >= l.weight_format.min_raw() && l.weights[i] <= l.weight_format.max_raw(),
                    where + "weight outside its format");
      NAS4ML_ASSERT(l.mask[i] != 0 || l.weights[i] == 0, where + "pruned weight is not zero");
    }
    for (auto b : l.biases)
      NAS4ML_ASSERT(b >= l.bias_format.min_raw() && b <= l.bias_format.max_raw(), where + "bias outside its format");
    NAS4ML_ASSERT(accumulator_width(model, k) <= 62, where + "accumulator wider than 62 bits");
    n_in = l.n_out;
  }
}

std::vector<std::int64_t> quantize_input(const QuantizedModel& model, std::span<const float> features) {
  NAS4ML_ASSERT(features.size() == static_cast<std::size_t>(model.n_inputs), "input length differs from n_inputs");
  std::vector<std::int64_t> raw(features.size());
  for (std::size_t i = 0; i < features.size(); ++i) raw[i] = quantize(features[i], model.input_format);
  return raw;
}

std::vector<std::int64_t> quantize_inputs(const QuantizedModel& model, const data::FeatureMatrix& features) {
  NAS4ML_ASSERT(features.cols() == model.n_inputs, "feature count differs from n_inputs");
  std::vector<std::int64_t> raw(static_cast<std::size_t>(features.size()));
  std::size_t j = 0;
  for (Eigen::Index r = 0; r < features.rows(); ++r)
    for (Eigen::Index c = 0; c < features.cols(); ++c) raw[j++] = quantize(features(r, c), model.input_format);
  return raw;
}

namespace {
// One layer: `in` raw integers of the layer's input format -> `out` raw integers of result_format.
void layer_forward(const QuantizedModel& model, std::size_t k, const std::int64_t* in, std::int64_t* out) {
  const auto& l = model.layers[k];
  const int f_prod = layer_input_format(model, k).fractional() + l.weight_format.fractional();
  const int f_acc = std::max(f_prod, l.bias_format.fractional());
  const int product_shift = f_acc - f_prod;
  const int bias_shift = f_acc - l.bias_format.fractional();
  for (int o = 0; o < l.n_out; ++o) {
    const std::int64_t* w = l.weights.data() + static_cast<std::size_t>(o) * l.n_in;
    std::int64_t sum = 0;
    for (int i = 0; i < l.n_in; ++i) sum += in[i] * w[i];
    const std::int64_t acc = sum * (std::int64_t{1} << product_shift) +
                             l.biases[static_cast<std::size_t>(o)] * (std::int64_t{1} << bias_shift);
    out[o] = apply_activation(l.activation, cast_raw(acc, f_acc, l.result_format), l.result_format);
  }
}
}  // namespace

std::vector<std::vector<std::int64_t>> golden_trace(const QuantizedModel& model,
                                                    std::span<const std::int64_t> input_raw) {
  NAS4ML_ASSERT(input_raw.size() == static_cast<std::size_t>(model.n_inputs), "input length differs from n_inputs");
  std::vector<std::vector<std::int64_t>> outs;
  outs.reserve(model.layers.size());
  const std::int64_t* in = input_raw.data();
  for (std::size_t k = 0; k < model.layers.size(); ++k) {
    outs.emplace_back(static_cast<std::size_t>(model.layers[k].n_out));
    layer_forward(model, k, in, outs.back().data());
    in = outs.back().data();
  }
  return outs;
}

std::vector<std::int64_t> golden_forward(const QuantizedModel& model, std::span<const std::int64_t> input_raw) {
  auto trace = golden_trace(model, input_raw);
  return std::move(trace.back());
}

std::vector<std::int64_t> golden_forward_batch(const QuantizedModel& model,
                                               std::span<const std::int64_t> inputs_raw) {
  const auto n_in = static_cast<std::size_t>(model.n_inputs);
  const auto n_out = static_cast<std::size_t>(model.n_outputs());
  NAS4ML_ASSERT(n_in > 0 && inputs_raw.size() % n_in == 0, "batch length is not a multiple of n_inputs");
  const std::size_t rows = inputs_raw.size() / n_in;
  int widest = model.n_inputs;
  for (const auto& l : model.layers) widest = std::max(widest, l.n_out);
  std::vector<std::int64_t> a(static_cast<std::size_t>(widest)), b(static_cast<std::size_t>(widest));
  std::vector<std::int64_t> result(rows * n_out);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::int64_t* in = inputs_raw.data() + r * n_in;
    for (std::size_t k = 0; k < model.layers.size(); ++k) {
      std::int64_t* out = (k % 2 == 0) ? a.data() : b.data();
      layer_forward(model, k, in, out);
      in = out;
    }
    std::copy(in, in + n_out, result.begin() + static_cast<std::ptrdiff_t>(r * n_out));
  }
  return result;
}

int golden_argmax(std::span<const std::int64_t> output_raw) {
  NAS4ML_ASSERT(!output_raw.empty(), "empty output");
  return static_cast<int>(std::max_element(output_raw.begin(), output_raw.end()) - output_raw.begin());
}

}  // namespace nas4ml::nn
