// ONNX/QONNX dense network -> QuantizedModel (nas4ml/interop/onnx_import.hpp).
#include "nas4ml/interop/onnx_import.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/interop/qonnx_export.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"

namespace nas4ml::interop {
namespace {

const std::set<std::string> kQuantDomains = {"qonnx.custom_op.general", "finn.custom_op.general", "onnx.brevitas"};
const std::set<std::string> kSupported = {"MatMul", "Gemm", "Add", "Relu", "BatchNormalization", "Identity",
                                          "Softmax", "Constant"};

bool is_quant(const OnnxNode& n) { return (n.op_type == "Quant" || n.op_type == "IntQuant") && kQuantDomains.count(n.domain); }

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// A Quant node's parameters.
struct QuantInfo {
  double scale = 1, zeropt = 0;
  int bits = 8;
  bool is_signed = true, narrow = false;
  std::string rounding = "ROUND";
};

double round_by(double v, const std::string& mode) {
  if (mode == "ROUND") return std::nearbyint(v);  // halves to even (the default FE_TONEAREST)
  if (mode == "FLOOR") return std::floor(v);
  if (mode == "CEIL") return std::ceil(v);
  if (mode == "UP") return v < 0 ? -std::ceil(-v) : std::ceil(v);
  if (mode == "DOWN" || mode == "ROUND_TO_ZERO") return std::trunc(v);
  if (mode == "HALF_UP") return std::round(v);  // halves away from zero
  if (mode == "HALF_DOWN") return v < 0 ? -std::ceil(-v - 0.5) : std::ceil(v - 0.5);
  return std::nan("");
}

/// One dense layer as read from the graph, before formats are fixed.
struct Pending {
  int n_in = 0, n_out = 0;
  std::vector<double> w;  ///< real values, [n_in][n_out]
  std::vector<double> b;  ///< real values, n_out (zeros when the graph has no bias)
  std::optional<QuantInfo> wq, bq;
  const OnnxNode* wq_node = nullptr;  ///< the Quant of the weights, when there is one
  const OnnxNode* bq_node = nullptr;
  std::optional<FixedFormat> result;
  bool has_bias = false, relu = false;
};

class Importer {
 public:
  Importer(const OnnxModel& m, const std::string& source, const ImportOptions& o) : m_(m), g_(m.graph), src_(source), opt_(o) {}

  ImportResult run() {
    check_operators();
    fold_constants();
    walk_chain();
    build_model();
    apply_metadata();
    try {
      nn::check_golden_computable(out_.model);
    } catch (const InternalError& e) {
      throw DataError(src_, "", "the imported network cannot be computed in fixed point", "accumulators of at most 62 bits",
                      e.what());
    }
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const OnnxNode* n, const std::string& problem, const std::string& expected,
                         const std::string& got) const {
    const std::string where = n ? fmt::format("node \"{}\" ({})", n->name, n->op_type) : std::string("graph");
    throw DataError(src_, where, problem, expected, got);
  }

  static std::string dims_text(const std::vector<std::int64_t>& d) {
    std::string s = "[";
    for (std::size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
    return s + "]";
  }

  void check_operators() const {
    std::vector<std::string> bad;
    for (const auto& n : g_.nodes) {
      if (is_quant(n) || ((n.domain.empty() || n.domain == "ai.onnx") && kSupported.count(n.op_type))) continue;
      const std::string name = n.domain.empty() ? n.op_type : n.domain + "." + n.op_type;
      if (std::find(bad.begin(), bad.end(), name) == bad.end()) bad.push_back(name);
    }
    if (!bad.empty()) {
      std::string list;
      for (const auto& b : bad) list += (list.empty() ? "" : ", ") + b;
      throw DataError(src_, "graph", "unsupported operators", "MatMul, Gemm, Add, Relu, BatchNormalization, Identity, "
                      "Softmax (last), Constant and QONNX Quant", list);
    }
    if (g_.outputs.size() != 1) fail(nullptr, "need exactly one graph output", "1 output", std::to_string(g_.outputs.size()));
  }

  const OnnxTensor* constant(const std::string& name) const {
    const auto it = consts_.find(name);
    return it == consts_.end() ? nullptr : &it->second;
  }

  QuantInfo quant_info(const OnnxNode& n) const {
    if (n.inputs.size() != 4) fail(&n, "a Quant needs 4 inputs", "x, scale, zeropt, bitwidth", std::to_string(n.inputs.size()));
    QuantInfo q;
    const auto scalar = [&](int k, const char* what) {
      const OnnxTensor* t = constant(n.inputs[static_cast<std::size_t>(k)]);
      if (!t) fail(&n, fmt::format("the Quant's {} is not a constant", what), "a constant scalar", n.inputs[static_cast<std::size_t>(k)]);
      if (t->values.empty()) fail(&n, fmt::format("the Quant's {} is empty", what), "one value", "none");
      for (double v : t->values)
        if (v != t->values[0])
          fail(&n, fmt::format("per-channel Quant {} is not supported", what), "one value for the tensor",
               fmt::format("{} different values", t->values.size()));
      return t->values[0];
    };
    q.scale = scalar(1, "scale");
    q.zeropt = scalar(2, "zero point");
    const double bits = scalar(3, "bit width");
    if (!(bits >= 1 && bits <= 62 && bits == std::floor(bits)))
      fail(&n, "bad Quant bit width", "an integer 1..62", fmt::format("{:g}", bits));
    q.bits = static_cast<int>(bits);
    if (const auto* a = n.attribute("signed")) q.is_signed = a->i != 0;
    if (const auto* a = n.attribute("narrow")) q.narrow = a->i != 0;
    if (const auto* a = n.attribute("rounding_mode")) q.rounding = upper(a->s);
    if (std::isnan(round_by(0.5, q.rounding)))
      fail(&n, "unknown rounding_mode", "ROUND, CEIL, FLOOR, UP, DOWN, HALF_UP or HALF_DOWN", q.rounding);
    if (!(q.scale > 0) || !std::isfinite(q.scale)) fail(&n, "bad Quant scale", "a positive number", fmt::format("{:g}", q.scale));
    return q;
  }

  /// Quant's integer range.
  static std::pair<double, double> quant_range(const QuantInfo& q) {
    if (q.is_signed) return {-std::ldexp(1.0, q.bits - 1) + (q.narrow ? 1 : 0), std::ldexp(1.0, q.bits - 1) - 1};
    return {0.0, std::ldexp(1.0, q.bits) - 1 - (q.narrow ? 1 : 0)};
  }

  /// The fixed-point format a Quant stands for: its scale must be a power of two, its zero point 0.
  FixedFormat quant_format(const OnnxNode& n, const QuantInfo& q, Rounding r) const {
    int e = 0;
    const double mant = std::frexp(q.scale, &e);  // scale = mant * 2^e, mant in [0.5, 1)
    if (mant != 0.5)
      fail(&n, "the Quant's scale is not a power of two (fixed point needs one)", "2^k",
           fmt::format("{:g}", q.scale));
    if (q.zeropt != 0) fail(&n, "the Quant's zero point is not 0", "0", fmt::format("{:g}", q.zeropt));
    FixedFormat f;
    f.width = q.bits;
    f.integer = q.bits + (e - 1);  // lsb = 2^(e-1) = 2^(I-W)
    f.is_signed = q.is_signed;
    f.rounding = r;
    f.overflow = Overflow::saturate;
    return f;
  }

  void fold_constants() {
    for (const auto& t : g_.initializers) consts_[t.name] = t;
    for (const auto& n : g_.nodes) {
      if (n.op_type == "Constant") {
        const auto* a = n.attribute("value");
        if (!a || !a->t || n.outputs.empty()) fail(&n, "a Constant without a tensor value", "a `value` tensor", "none");
        OnnxTensor t = *a->t;
        t.name = n.outputs[0];
        consts_[t.name] = t;
      } else if (n.op_type == "Identity" && !n.inputs.empty() && constant(n.inputs[0]) && !n.outputs.empty()) {
        OnnxTensor t = *constant(n.inputs[0]);
        t.name = n.outputs[0];
        consts_[t.name] = t;
      } else if (is_quant(n) && !n.inputs.empty() && constant(n.inputs[0]) && !n.outputs.empty()) {
        const QuantInfo q = quant_info(n);
        OnnxTensor t = *constant(n.inputs[0]);
        const auto [lo, hi] = quant_range(q);
        for (double& v : t.values) v = (round_by(std::clamp(v / q.scale + q.zeropt, lo, hi), q.rounding) - q.zeropt) * q.scale;
        t.name = n.outputs[0];
        consts_[t.name] = t;
        const_quant_[t.name] = {q, &n};
      }
    }
  }

  /// The node reading `tensor` on the chain (nullptr at the end), refusing branches.
  const OnnxNode* next(const std::string& tensor) const {
    const OnnxNode* found = nullptr;
    for (const auto& n : g_.nodes)
      if (std::find(n.inputs.begin(), n.inputs.end(), tensor) != n.inputs.end()) {
        if (found) fail(&n, "the graph branches (two nodes read one tensor)", "a chain of dense layers", "tensor " + tensor);
        found = &n;
      }
    return found;
  }

  /// The constant input of `n` other than the chain tensor `cur`.
  const OnnxTensor& other_constant(const OnnxNode& n, const std::string& cur, std::size_t index) const {
    if (index >= n.inputs.size()) fail(&n, "missing input", fmt::format("{} inputs", index + 1), std::to_string(n.inputs.size()));
    const OnnxTensor* t = constant(n.inputs[index]);
    if (!t || n.inputs[index] == cur) fail(&n, "an input that should be constant is computed", "an initializer", n.inputs[index]);
    return *t;
  }

  Pending& layer(const OnnxNode& n, const char* what) {
    if (layers_.empty()) fail(&n, fmt::format("{} before the first dense layer", what), "MatMul or Gemm first", n.op_type);
    return layers_.back();
  }

  void start_layer(const OnnxNode& n, const OnnxTensor& w, bool transposed, double alpha) {
    if (w.dims.size() != 2) fail(&n, "the weight is not a matrix", "2 dimensions", dims_text(w.dims));
    Pending p;
    p.n_in = static_cast<int>(transposed ? w.dims[1] : w.dims[0]);
    p.n_out = static_cast<int>(transposed ? w.dims[0] : w.dims[1]);
    if (p.n_in != width_)
      fail(&n, "the weight's shape does not fit the layer's input", fmt::format("{} inputs", width_), dims_text(w.dims));
    p.w.resize(w.values.size());
    for (int i = 0; i < p.n_in; ++i)
      for (int o = 0; o < p.n_out; ++o)
        p.w[static_cast<std::size_t>(i * p.n_out + o)] =
            alpha * w.values[static_cast<std::size_t>(transposed ? o * p.n_in + i : i * p.n_out + o)];
    if (const auto it = const_quant_.find(w.name); it != const_quant_.end()) {
      if (alpha != 1) fail(&n, "Gemm alpha on quantized weights", "alpha 1", fmt::format("{:g}", alpha));
      p.wq = it->second.first;
      p.wq_node = it->second.second;
    }
    p.b.assign(static_cast<std::size_t>(p.n_out), 0.0);
    layers_.push_back(std::move(p));
    width_ = layers_.back().n_out;
  }

  void set_bias(const OnnxNode& n, const OnnxTensor& b, double beta) {
    Pending& p = layer(n, "a bias");
    if (p.has_bias || p.result || p.relu) fail(&n, "an Add that is not the dense layer's bias", "one bias right after MatMul", "another Add");
    std::int64_t count = 1;
    for (auto d : b.dims) count *= d;
    if (count != p.n_out || b.values.size() != static_cast<std::size_t>(p.n_out))
      fail(&n, "the bias's shape does not fit the layer", fmt::format("{} values", p.n_out), dims_text(b.dims));
    for (int o = 0; o < p.n_out; ++o) p.b[static_cast<std::size_t>(o)] = beta * b.values[static_cast<std::size_t>(o)];
    if (const auto it = const_quant_.find(b.name); it != const_quant_.end()) {
      p.bq = it->second.first;
      p.bq_node = it->second.second;
    }
    p.has_bias = true;
  }

  void fold_batch_norm(const OnnxNode& n, const std::string& cur) {
    Pending& p = layer(n, "a BatchNormalization");
    if (p.wq || p.bq || p.result || p.relu)
      fail(&n, "a BatchNormalization after quantized weights, a Quant or a Relu cannot be folded",
           "BatchNormalization right after a float dense layer", "another position");
    double eps = 1e-5;
    if (const auto* a = n.attribute("epsilon")) eps = a->f;
    const OnnxTensor& gamma = other_constant(n, cur, 1);
    const OnnxTensor& beta = other_constant(n, cur, 2);
    const OnnxTensor& mean = other_constant(n, cur, 3);
    const OnnxTensor& var = other_constant(n, cur, 4);
    for (const OnnxTensor* t : {&gamma, &beta, &mean, &var})
      if (t->values.size() != static_cast<std::size_t>(p.n_out))
        fail(&n, "a batch-norm parameter does not fit the layer", fmt::format("{} values", p.n_out), dims_text(t->dims));
    for (int o = 0; o < p.n_out; ++o) {
      const auto uo = static_cast<std::size_t>(o);
      const double a = gamma.values[uo] / std::sqrt(var.values[uo] + eps);
      for (int i = 0; i < p.n_in; ++i) p.w[static_cast<std::size_t>(i * p.n_out + o)] *= a;
      p.b[uo] = (p.b[uo] - mean.values[uo]) * a + beta.values[uo];
    }
    p.has_bias = true;
    out_.notes.push_back(fmt::format("batch normalization \"{}\" folded into dense layer {}", n.name, layers_.size() - 1));
  }

  /// A Quant on the chain, or nas4ml's AP_RND pattern (Quant, Add of half a step, Quant); returns
  /// the last node consumed.
  const OnnxNode* chain_quant(const OnnxNode& n) {
    out_.quantized_graph = true;
    const QuantInfo q = quant_info(n);
    FixedFormat f;
    const OnnxNode* last = &n;
    const OnnxNode* add = q.rounding == "FLOOR" ? next(n.outputs[0]) : nullptr;
    const OnnxNode* q2 = add && add->op_type == "Add" ? next(add->outputs[0]) : nullptr;
    const OnnxTensor* half = add && add->op_type == "Add" && add->inputs.size() == 2
                                 ? constant(add->inputs[add->inputs[0] == n.outputs[0] ? 1 : 0]) : nullptr;
    if (q2 && is_quant(*q2) && half && half->values.size() == 1 && half->values[0] == q.scale) {
      const QuantInfo r = quant_info(*q2);
      if (r.rounding == "FLOOR" && r.scale == 2 * q.scale && r.bits == q.bits - 1 && r.is_signed == q.is_signed) {
        f = quant_format(*q2, r, Rounding::round_half_up);
        last = q2;
      }
    }
    if (last == &n) {
      f = quant_format(n, q, q.rounding == "FLOOR" ? Rounding::truncate : Rounding::round_half_up);
      if (q.rounding != "FLOOR" && q.rounding != "HALF_UP")
        out_.notes.push_back(fmt::format("Quant \"{}\" rounds {}: read as AP_RND (halves may differ)", n.name, q.rounding));
      if (q.rounding == "HALF_UP")
        out_.notes.push_back(fmt::format("Quant \"{}\" rounds halves away from zero: read as AP_RND (negative halves differ)", n.name));
      if (q.narrow) out_.notes.push_back(fmt::format("Quant \"{}\" is narrow-range: read as the full range", n.name));
    }
    if (layers_.empty()) {
      if (input_format_) fail(&n, "two Quant nodes in a row on the input", "one", "two");
      input_format_ = f;
    } else {
      if (layers_.back().result) fail(&n, "two Quant nodes in a row after a dense layer", "one", "two");
      layers_.back().result = f;
    }
    return last;
  }

  void walk_chain() {
    std::vector<const OnnxValueInfo*> inputs;
    for (const auto& v : g_.inputs)
      if (!constant(v.name)) inputs.push_back(&v);
    if (inputs.size() != 1) fail(nullptr, "need exactly one graph input", "1 input besides initializers", std::to_string(inputs.size()));
    const auto& in = *inputs[0];
    if (in.dims.empty() || in.dims.back() <= 0 || in.dims.size() > 2)
      fail(nullptr, "the graph input's shape is not [batch, features] with a fixed feature count", "[N, n_features]",
           dims_text(in.dims));
    width_ = static_cast<int>(in.dims.back());
    n_inputs_ = width_;
    std::string cur = in.name;
    while (const OnnxNode* n = next(cur)) {
      if (n->outputs.empty()) fail(n, "a node without output", "one output", "none");
      const std::string& op = n->op_type;
      if (is_quant(*n)) {
        if (n->inputs[0] != cur) fail(n, "the chain enters a Quant's parameter", "the tensor as input 0", cur);
        n = chain_quant(*n);
      } else if (op == "MatMul") {
        if (n->inputs.size() != 2 || n->inputs[0] != cur) fail(n, "MatMul must read the chain first and a constant weight", "MatMul(x, W)", cur);
        start_layer(*n, other_constant(*n, cur, 1), false, 1.0);
      } else if (op == "Gemm") {
        const auto* ta = n->attribute("transA");
        if ((ta && ta->i) || n->inputs.size() < 2 || n->inputs[0] != cur) fail(n, "unsupported Gemm form", "Gemm(x, W[, b]) with transA 0", "another form");
        const auto* tb = n->attribute("transB");
        const auto* alpha = n->attribute("alpha");
        const auto* beta = n->attribute("beta");
        start_layer(*n, other_constant(*n, cur, 1), tb && tb->i, alpha ? alpha->f : 1.0);
        if (n->inputs.size() > 2 && !n->inputs[2].empty()) set_bias(*n, other_constant(*n, cur, 2), beta ? beta->f : 1.0);
      } else if (op == "Add") {
        if (n->inputs.size() != 2) fail(n, "an Add needs 2 inputs", "2", std::to_string(n->inputs.size()));
        set_bias(*n, other_constant(*n, cur, n->inputs[0] == cur ? 1 : 0), 1.0);
      } else if (op == "BatchNormalization") {
        fold_batch_norm(*n, cur);
      } else if (op == "Relu") {
        layer(*n, "a Relu").relu = true;
      } else if (op == "Softmax") {
        if (next(n->outputs[0])) fail(n, "a Softmax that is not the last node", "Softmax only at the end", "more nodes after it");
        out_.notes.push_back("the final Softmax is dropped (it does not change the predicted class)");
        cur = n->outputs[0];
        break;
      } else if (op != "Identity") {
        fail(n, "operator not allowed on the chain", "a dense-network operator", op);
      }
      cur = n->outputs[0];
    }
    if (cur != g_.outputs[0].name)
      fail(nullptr, "the chain from the input does not end at the graph output", g_.outputs[0].name, cur);
    if (layers_.empty()) fail(nullptr, "no dense layer", "at least one MatMul or Gemm", "none");
  }

  // ---- formats -----------------------------------------------------------------------------

  static FixedFormat rule_format(double max_abs, int width) {
    FixedFormat f;
    f.width = width;
    f.integer = max_abs > 0 ? static_cast<int>(std::floor(std::log2(max_abs))) + 2 : 1;
    f.rounding = Rounding::round_half_up;
    f.overflow = Overflow::saturate;
    return f;
  }

  static double max_abs(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m = std::max(m, std::abs(x));
    return m;
  }

  const data::LoadedDataset& need_data(const char* what) const {
    if (!opt_.data)
      fail(nullptr, fmt::format("the graph does not quantize the {}: the format rule needs the data set", what),
           "--data (or the format given explicitly)", "no data");
    if (opt_.data->n_features() != static_cast<std::size_t>(n_inputs_))
      throw DataError(opt_.data->spec_file, "", "the data set does not fit the network",
                      fmt::format("{} features", n_inputs_), std::to_string(opt_.data->n_features()));
    return *opt_.data;
  }

  /// Largest |pre-activation| of each layer of the float network over the training split.
  std::vector<double> profile_layers() const {
    const auto& d = need_data("layer results");
    std::vector<double> peak(layers_.size(), 0.0);
    std::vector<double> x, y;
    for (Eigen::Index r = 0; r < d.train.x.rows(); ++r) {
      x.assign(d.train.x.row(r).data(), d.train.x.row(r).data() + d.train.x.cols());
      for (std::size_t k = 0; k < layers_.size(); ++k) {
        const Pending& p = layers_[k];
        y.assign(p.b.begin(), p.b.end());
        for (int i = 0; i < p.n_in; ++i)
          for (int o = 0; o < p.n_out; ++o) y[static_cast<std::size_t>(o)] += x[static_cast<std::size_t>(i)] * p.w[static_cast<std::size_t>(i * p.n_out + o)];
        for (double& v : y) {
          peak[k] = std::max(peak[k], std::abs(v));
          if (p.relu) v = std::max(v, 0.0);
        }
        x.swap(y);
      }
    }
    return peak;
  }

  std::vector<std::int64_t> to_raw(const std::vector<double>& values, const FixedFormat& f, bool exact,
                                   const std::string& what) const {
    std::vector<std::int64_t> raw(values.size());
    for (std::size_t k = 0; k < values.size(); ++k) {
      raw[k] = quantize(values[k], f);
      if (exact && to_real(raw[k], f) != values[k])
        fail(nullptr, fmt::format("a quantized {} is not on its format's grid", what), f.to_string(), fmt::format("{:g}", values[k]));
    }
    return raw;
  }

  void build_model() {
    auto& m = out_.model;
    m.n_inputs = n_inputs_;
    if (input_format_) m.input_format = *input_format_;
    else if (opt_.input_format) m.input_format = *opt_.input_format;
    else {
      const auto& d = need_data("inputs");
      double peak = 0;
      for (Eigen::Index k = 0; k < d.train.x.size(); ++k) peak = std::max(peak, std::abs(static_cast<double>(d.train.x.data()[k])));
      m.input_format = rule_format(peak, 16);
      out_.notes.push_back("input format by the rule: " + m.input_format.to_string());
    }
    std::vector<double> peaks;
    for (std::size_t k = 0; k < layers_.size(); ++k) {
      const Pending& p = layers_[k];
      nn::QuantizedLayer l;
      l.n_in = p.n_in;
      l.n_out = p.n_out;
      l.activation = p.relu ? nn::Activation::relu : nn::Activation::linear;
      if (p.wq) l.weight_format = quant_format(*p.wq_node, *p.wq, Rounding::truncate);
      else l.weight_format = opt_.weight_format ? *opt_.weight_format : rule_format(max_abs(p.w), 8);
      const FixedFormat& in = k == 0 ? m.input_format : m.layers[k - 1].result_format;
      if (p.bq) l.bias_format = quant_format(*p.bq_node, *p.bq, Rounding::truncate);
      else if (opt_.bias_format) l.bias_format = *opt_.bias_format;
      else if (out_.quantized_graph && p.wq) {  // on the accumulator's grid
        const int f = in.fractional() + l.weight_format.fractional();
        FixedFormat b = rule_format(max_abs(p.b), 16);
        b.width = std::max(1, b.integer + f);
        b.integer = b.width - f;
        l.bias_format = b;
      } else {
        l.bias_format = rule_format(max_abs(p.b), 16);
      }
      std::vector<double> w(p.w.size());
      for (int o = 0; o < p.n_out; ++o)
        for (int i = 0; i < p.n_in; ++i) w[static_cast<std::size_t>(o * p.n_in + i)] = p.w[static_cast<std::size_t>(i * p.n_out + o)];
      l.weights = to_raw(w, l.weight_format, p.wq.has_value(), "weight");
      l.biases = to_raw(p.b, l.bias_format, p.bq.has_value(), "bias");
      l.mask.resize(l.weights.size());
      for (std::size_t j = 0; j < l.weights.size(); ++j) l.mask[j] = l.weights[j] != 0;
      m.layers.push_back(l);
      auto& ml = m.layers.back();
      if (p.result) ml.result_format = *p.result;
      else if (opt_.result_format) ml.result_format = *opt_.result_format;
      else if (out_.quantized_graph) {  // the accumulator itself: exact
        ml.result_format = FixedFormat{};
        const int f = nn::accumulator_fractional(m, k);
        ml.result_format.width = 2;  // provisional, for accumulator_width()
        ml.result_format.width = nn::accumulator_width(m, k);
        ml.result_format.integer = ml.result_format.width - f;
        out_.notes.push_back(fmt::format("layer {} has no result Quant: its accumulator's format {}", k, ml.result_format.to_string()));
      } else {
        if (peaks.empty()) peaks = profile_layers();
        ml.result_format = rule_format(peaks[k], 16);
        out_.notes.push_back(fmt::format("layer {} result format by the rule: {}", k, ml.result_format.to_string()));
      }
    }
    const auto* d = opt_.data && opt_.data->n_features() == static_cast<std::size_t>(n_inputs_) ? opt_.data : nullptr;
    m.name = !opt_.name.empty() ? opt_.name : !g_.name.empty() ? g_.name : std::filesystem::path(src_).stem().string();
    for (int i = 0; i < n_inputs_; ++i) m.feature_names.push_back(d ? d->feature_names[static_cast<std::size_t>(i)] : fmt::format("x{}", i));
    const bool classes_fit = d && d->n_classes() == static_cast<std::size_t>(m.n_outputs());
    for (int c = 0; c < m.n_outputs(); ++c)
      m.class_names.push_back(classes_fit ? d->class_names[static_cast<std::size_t>(c)] : fmt::format("c{}", c));
    if (d && d->preprocessing.offset.size() == static_cast<std::size_t>(n_inputs_)) {
      m.input_offset = d->preprocessing.offset;
      m.input_scale = d->preprocessing.scale;
    } else {
      m.input_offset.assign(static_cast<std::size_t>(n_inputs_), 0.0);
      m.input_scale.assign(static_cast<std::size_t>(n_inputs_), 1.0);
    }
    m.training = {{"imported_from", std::filesystem::path(src_).filename().string()},
                  {"producer", m_.producer_name + (m_.producer_version.empty() ? "" : " " + m_.producer_version)}};
  }

  // ---- nas4ml's metadata -------------------------------------------------------------------

  static bool same_grid(const FixedFormat& a, const FixedFormat& b) {
    return a.width == b.width && a.integer == b.integer && a.is_signed == b.is_signed;
  }

  void apply_metadata() {
    const auto text = m_.meta(qonnx_model_metadata_key);
    if (!text) return;
    auto& m = out_.model;
    try {
      const Json j = Json::parse(*text);
      const auto& jl = j.at("layers");
      if (j.at("n_inputs").get<int>() != m.n_inputs || jl.size() != m.layers.size())
        throw std::runtime_error("layer count or input count differs");
      const FixedFormat in = parse_fixed_format(j.at("input_format").get<std::string>());
      if (!same_grid(in, m.input_format) || in.rounding != m.input_format.rounding) throw std::runtime_error("input format differs");
      nn::QuantizedModel r = m;
      r.input_format = in;
      for (std::size_t k = 0; k < m.layers.size(); ++k) {
        auto& l = r.layers[k];
        const auto& x = jl[k];
        const FixedFormat wf = parse_fixed_format(x.at("weight_format").get<std::string>());
        const FixedFormat bf = parse_fixed_format(x.at("bias_format").get<std::string>());
        const FixedFormat rf = parse_fixed_format(x.at("result_format").get<std::string>());
        if (!same_grid(wf, l.weight_format) || !same_grid(bf, l.bias_format) || !same_grid(rf, l.result_format) ||
            rf.rounding != l.result_format.rounding || x.at("n_in").get<int>() != l.n_in || x.at("n_out").get<int>() != l.n_out ||
            x.at("activation").get<std::string>() != nn::to_string(l.activation))
          throw std::runtime_error(fmt::format("layer {} differs", k));
        l.weight_format = wf;
        l.bias_format = bf;
        l.result_format = rf;
        l.reuse_factor = x.at("reuse_factor").get<int>();
        l.strategy = x.at("strategy").get<std::string>() == "resource" ? nn::Strategy::resource : nn::Strategy::latency;
        l.dc = x.value("dc", -1);
        for (const auto& z : x.at("kept_zero_weights")) {
          const auto w = z.get<std::size_t>();
          if (w >= l.mask.size() || l.weights[w] != 0) throw std::runtime_error("bad kept_zero_weights");
          l.mask[w] = 1;
        }
      }
      r.name = j.at("name").get<std::string>();
      r.feature_names = j.at("feature_names").get<std::vector<std::string>>();
      r.class_names = j.at("class_names").get<std::vector<std::string>>();
      r.input_offset = j.at("preprocessing").at("offset").get<std::vector<double>>();
      r.input_scale = j.at("preprocessing").at("scale").get<std::vector<double>>();
      r.training = j.value("training", Json::object());
      if (r.feature_names.size() != static_cast<std::size_t>(r.n_inputs) || r.class_names.size() != static_cast<std::size_t>(r.n_outputs()) ||
          r.input_offset.size() != static_cast<std::size_t>(r.n_inputs) || r.input_scale.size() != static_cast<std::size_t>(r.n_inputs))
        throw std::runtime_error("names or preprocessing of the wrong length");
      m = std::move(r);
      out_.used_metadata = true;
    } catch (const std::exception& e) {
      out_.notes.push_back(fmt::format("metadata \"{}\" ignored: {}", qonnx_model_metadata_key, e.what()));
    }
  }

  const OnnxModel& m_;
  const OnnxGraph& g_;
  const std::string& src_;
  const ImportOptions& opt_;
  ImportResult out_;
  std::map<std::string, OnnxTensor> consts_;
  std::map<std::string, std::pair<QuantInfo, const OnnxNode*>> const_quant_;
  std::vector<Pending> layers_;
  std::optional<FixedFormat> input_format_;
  int width_ = 0, n_inputs_ = 0;
};

}  // namespace

ImportResult import_onnx(const OnnxModel& model, const std::string& source, const ImportOptions& options) {
  return Importer(model, source, options).run();
}

}  // namespace nas4ml::interop
