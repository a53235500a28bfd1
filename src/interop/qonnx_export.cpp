// QuantizedModel -> QONNX graph (nas4ml/interop/qonnx_export.hpp).
#include "nas4ml/interop/qonnx_export.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/core/version.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"

namespace nas4ml::interop {
namespace {

inline constexpr const char* kQonnxDomain = "qonnx.custom_op.general";

OnnxAttribute int_attr(const std::string& name, std::int64_t v) {
  OnnxAttribute a;
  a.name = name;
  a.kind = OnnxAttribute::Kind::i;
  a.i = v;
  return a;
}

OnnxAttribute string_attr(const std::string& name, const std::string& v) {
  OnnxAttribute a;
  a.name = name;
  a.kind = OnnxAttribute::Kind::s;
  a.s = v;
  return a;
}

/// Builds the graph node by node, naming tensors uniquely.
class GraphBuilder {
 public:
  explicit GraphBuilder(OnnxType t) : t_(t) {}

  std::string constant(const std::string& name, std::vector<std::int64_t> dims, std::vector<double> values,
                       OnnxType type) {
    g_.initializers.push_back({name, type, std::move(dims), std::move(values)});
    return name;
  }
  std::string scalar(const std::string& name, double v) { return constant(name, {}, {v}, t_); }

  std::string node(const std::string& op, const std::string& name, std::vector<std::string> inputs,
                   std::vector<OnnxAttribute> attrs = {}, const std::string& domain = {}) {
    OnnxNode n;
    n.name = name;
    n.op_type = op;
    n.domain = domain;
    n.inputs = std::move(inputs);
    n.outputs = {name + "_out"};
    n.attributes = std::move(attrs);
    g_.nodes.push_back(std::move(n));
    return g_.nodes.back().outputs[0];
  }

  /// One QONNX Quant (FLOOR) of `x` onto the grid `scale` with `bits` bits.
  std::string quant(const std::string& x, const std::string& name, double scale, int bits, bool is_signed) {
    const std::string s = scalar(name + "_scale", scale);
    const std::string z = scalar(name + "_zeropt", 0.0);
    const std::string b = constant(name + "_bitwidth", {}, {static_cast<double>(bits)}, OnnxType::float32);
    return node("Quant", name, {x, s, z, b},
                {int_attr("signed", is_signed ? 1 : 0), int_attr("narrow", 0), string_attr("rounding_mode", "FLOOR")},
                kQonnxDomain);
  }

  /// The cast of `x` to format `f`: FLOOR Quant for AP_TRN; for AP_RND the exact two-step form.
  std::string cast(const std::string& x, const std::string& name, const FixedFormat& f) {
    const double lsb = f.lsb();
    if (f.rounding == Rounding::truncate) return quant(x, name, lsb, f.width, f.is_signed);
    const std::string half = quant(x, name + "_half", lsb / 2, f.width + 1, f.is_signed);
    const std::string shifted = node("Add", name + "_round", {half, scalar(name + "_round_half", lsb / 2)});
    return quant(shifted, name, lsb, f.width, f.is_signed);
  }

  OnnxGraph& graph() { return g_; }

 private:
  OnnxType t_;
  OnnxGraph g_;
};

/// Worst-case [lo, hi] of each output of layer k (before its cast), by interval arithmetic over
/// the real input ranges `in_lo`, `in_hi`.
void layer_ranges(const nn::QuantizedModel& m, std::size_t k, const std::vector<double>& in_lo,
                  const std::vector<double>& in_hi, std::vector<double>& lo, std::vector<double>& hi) {
  const auto& l = m.layers[k];
  lo.assign(static_cast<std::size_t>(l.n_out), 0.0);
  hi.assign(static_cast<std::size_t>(l.n_out), 0.0);
  for (int o = 0; o < l.n_out; ++o) {
    double a = to_real(l.biases[static_cast<std::size_t>(o)], l.bias_format), b = a;
    for (int i = 0; i < l.n_in; ++i) {
      const double w = to_real(l.weight(o, i), l.weight_format);
      const double p = w * in_lo[static_cast<std::size_t>(i)], q = w * in_hi[static_cast<std::size_t>(i)];
      a += std::min(p, q);
      b += std::max(p, q);
    }
    lo[static_cast<std::size_t>(o)] = a;
    hi[static_cast<std::size_t>(o)] = b;
  }
}

/// Warnings for AP_WRAP casts that can overflow (QONNX's Quant saturates instead).
std::vector<std::string> wrap_warnings(const nn::QuantizedModel& m) {
  std::vector<std::string> out;
  if (m.input_format.overflow == Overflow::wrap)
    out.push_back(fmt::format("the input format {} wraps (AP_WRAP) where QONNX's Quant saturates: inputs outside "
                              "[{:g}, {:g}] differ", m.input_format.to_string(), m.input_format.min_value(),
                              m.input_format.max_value()));
  std::vector<double> lo(static_cast<std::size_t>(m.n_inputs), m.input_format.min_value());
  std::vector<double> hi(static_cast<std::size_t>(m.n_inputs), m.input_format.max_value());
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    std::vector<double> a, b;
    layer_ranges(m, k, lo, hi, a, b);
    const auto& f = m.layers[k].result_format;
    const double top = f.max_value(), bottom = f.min_value();
    bool may_overflow = false;
    for (std::size_t o = 0; o < a.size(); ++o) may_overflow |= a[o] < bottom || b[o] >= top + f.lsb();
    if (f.overflow == Overflow::wrap && may_overflow)
      out.push_back(fmt::format("layer {}'s result format {} wraps (AP_WRAP) where QONNX's Quant saturates: the graph "
                                "differs from the firmware on inputs that overflow it", k, f.to_string()));
    for (std::size_t o = 0; o < a.size(); ++o) {  // the next layer's input range: the cast's range
      a[o] = std::clamp(a[o], bottom, top);
      b[o] = std::clamp(b[o], bottom, top);
      if (m.layers[k].activation == nn::Activation::relu) a[o] = std::max(a[o], 0.0), b[o] = std::max(b[o], 0.0);
    }
    if (f.overflow == Overflow::wrap && may_overflow) std::fill(a.begin(), a.end(), bottom), std::fill(b.begin(), b.end(), top);
    lo = std::move(a);
    hi = std::move(b);
  }
  return out;
}

/// What the arithmetic does not show, for the metadata: the model's JSON without weights,
/// biases and masks, plus the positions of weights that are zero but were kept by training.
Json model_metadata(const nn::QuantizedModel& m) {
  Json j = nn::to_json(m);
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    auto& lj = j["layers"][k];
    lj.erase("weights");
    lj.erase("biases");
    lj.erase("mask");
    Json kept = Json::array();
    const auto& l = m.layers[k];
    for (std::size_t w = 0; w < l.weights.size(); ++w)
      if (l.weights[w] == 0 && l.mask[w]) kept.push_back(w);
    lj["kept_zero_weights"] = kept;
  }
  return j;
}

}  // namespace

QonnxFloat parse_qonnx_float(const std::string& text, const std::string& field) {
  if (text == "auto") return QonnxFloat::automatic;
  if (text == "float32") return QonnxFloat::float32;
  if (text == "float64") return QonnxFloat::float64;
  throw ConfigError({}, field, "unknown float type", "auto, float32 or float64", "\"" + text + "\"");
}

int exact_significand_bits(const nn::QuantizedModel& m) {
  int bits = m.input_format.width + 2;
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    bits = std::max(bits, nn::accumulator_width(m, k));
    bits = std::max(bits, m.layers[k].result_format.width + 2);
  }
  return bits;
}

QonnxExport export_qonnx(const nn::QuantizedModel& m, QonnxFloat float_type) {
  nn::check_golden_computable(m);
  for (std::size_t k = 0; k < m.layers.size(); ++k)
    if (m.layers[k].activation != nn::Activation::relu && m.layers[k].activation != nn::Activation::linear)
      throw ConfigError({}, fmt::format("$.layers[{}].activation", k), "the QONNX export writes relu and linear layers only",
                        "\"relu\" or \"linear\"", "\"" + nn::to_string(m.layers[k].activation) + "\"");
  QonnxExport out;
  const int need = exact_significand_bits(m);
  if (float_type == QonnxFloat::automatic) float_type = need <= 24 ? QonnxFloat::float32 : QonnxFloat::float64;
  out.float_type = float_type == QonnxFloat::float32 ? OnnxType::float32 : OnnxType::float64;
  if (out.float_type == OnnxType::float32 && need > 24)
    out.warnings.push_back(fmt::format("float32 holds 24 significant bits but this model's sums need up to {}: "
                                       "the graph may round where the firmware does not (use float64)", need));
  if (need > 53)
    out.warnings.push_back(fmt::format("this model's sums need {} significant bits, more than float64's 53", need));
  for (auto& w : wrap_warnings(m)) out.warnings.push_back(std::move(w));

  GraphBuilder g(out.float_type);
  const std::string batch = "N";
  g.graph().name = m.name;
  g.graph().inputs.push_back({"global_in", out.float_type, {-1, m.n_inputs}, {batch, ""}});
  std::string x = g.cast("global_in", "input_quant", m.input_format);
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    const auto& l = m.layers[k];
    const std::string p = fmt::format("dense{}", k);
    std::vector<double> w(l.weights.size());  // MatMul layout: [n_in, n_out]
    for (int o = 0; o < l.n_out; ++o)
      for (int i = 0; i < l.n_in; ++i)
        w[static_cast<std::size_t>(i) * static_cast<std::size_t>(l.n_out) + static_cast<std::size_t>(o)] =
            to_real(l.weight(o, i), l.weight_format);
    std::vector<double> b(l.biases.size());
    for (std::size_t o = 0; o < b.size(); ++o) b[o] = to_real(l.biases[o], l.bias_format);
    const std::string wq = g.quant(g.constant(p + "_weight", {l.n_in, l.n_out}, std::move(w), out.float_type),
                                   p + "_weight_quant", l.weight_format.lsb(), l.weight_format.width, l.weight_format.is_signed);
    const std::string bq = g.quant(g.constant(p + "_bias", {l.n_out}, std::move(b), out.float_type), p + "_bias_quant",
                                   l.bias_format.lsb(), l.bias_format.width, l.bias_format.is_signed);
    const std::string acc = g.node("Add", p + "_bias_add", {g.node("MatMul", p + "_matmul", {x, wq}), bq});
    x = g.cast(acc, p + "_result_quant", l.result_format);
    if (l.activation == nn::Activation::relu) x = g.node("Relu", p + "_relu", {x});
  }
  // The last node's output is the graph output.
  g.graph().nodes.back().outputs[0] = "global_out";
  g.graph().outputs.push_back({"global_out", out.float_type, {-1, m.n_outputs()}, {batch, ""}});

  out.model.ir_version = 8;
  out.model.opsets = {{"", 13}, {kQonnxDomain, 1}};
  out.model.producer_name = "nas4ml";
  out.model.producer_version = std::string(version());
  out.model.graph = std::move(g.graph());
  out.model.metadata.emplace_back(qonnx_model_metadata_key, model_metadata(m).dump());
  return out;
}

}  // namespace nas4ml::interop
