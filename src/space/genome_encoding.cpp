#include "nas4ml/space/genome_encoding.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/activation.hpp"

namespace nas4ml::space {
namespace {

/// Writes genes in layout order; the first value without a matching choice stops it.
class Writer {
 public:
  explicit Writer(std::vector<std::string> names) : names_(std::move(names)) {}

  template <class T, class Show>
  void gene(const std::vector<T>& choices, const T& value, const std::function<bool(const T&, const T&)>& eq, Show show) {
    if (!out_.gene.empty()) return;
    for (std::size_t i = 0; i < choices.size(); ++i)
      if (eq(choices[i], value)) {
        out_.genes.push_back(static_cast<std::int32_t>(i));
        return;
      }
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + show(c);
    fail(names_.at(out_.genes.size()), (choices.size() == 1 ? "" : "one of ") + list, show(value));
  }

  /// A gene whose value has no effect in this genome: its canonical value 0.
  void canonical() {
    if (out_.gene.empty()) out_.genes.push_back(0);
  }

  void fail(std::string gene, std::string expected, std::string got) {
    if (!out_.gene.empty()) return;
    out_.gene = std::move(gene);
    out_.expected = std::move(expected);
    out_.got = std::move(got);
  }

  bool failed() const { return !out_.gene.empty(); }
  Encoding take() { return std::move(out_); }

 private:
  std::vector<std::string> names_;
  Encoding out_;
};

template <class T>
bool same(const T& a, const T& b) { return a == b; }
bool close(const double& a, const double& b) { return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)); }

std::string num(double v) { return fmt::format("{}", v); }
std::string text(const std::string& s) { return s; }
std::string yes_no(const bool& b) { return b ? "true" : "false"; }
std::string act(const nn::Activation& a) { return nn::to_string(a); }
std::string strat(const nn::Strategy& s) { return s == nn::Strategy::latency ? "latency" : "resource"; }
std::string fmt_of(const FixedFormat& f) { return f.to_string(); }

void format_genes(Writer& w, const FormatChoices& f, const FixedFormat& v, const std::string& name) {
  if (!f.formats.empty()) {
    w.gene<FixedFormat>(f.formats, v, same<FixedFormat>, fmt_of);
    return;
  }
  FixedFormat grid = v;  // the grid fixes signedness, rounding and overflow
  grid.is_signed = f.is_signed;
  grid.rounding = f.rounding;
  grid.overflow = f.overflow;
  w.gene<int>(f.total_bits, v.width, same<int>, [](int x) { return std::to_string(x); });
  w.gene<int>(f.integer_bits, v.integer, same<int>, [](int x) { return std::to_string(x); });
  if (!w.failed() && !(grid == v)) w.fail(name, fmt_of(grid), fmt_of(v));
}

void layer_genes(Writer& w, const LayerChoices& c, const nn::LayerSpec& l, const std::string& p, bool hidden) {
  if (hidden) {
    w.gene<int>(c.units, l.units, same<int>, [](int x) { return std::to_string(x); });
    w.gene<nn::Activation>(c.activation, l.activation, same<nn::Activation>, act);
  }
  w.gene<double>(c.sparsity, l.sparsity, close, num);
  format_genes(w, c.weight_format, l.weight_format, p + ".weight_format");
  format_genes(w, c.bias_format, l.bias_format, p + ".bias_format");
  format_genes(w, c.result_format, l.result_format, p + ".result_format");
  w.gene<int>(c.reuse_factor, l.reuse_factor, same<int>, [](int x) { return std::to_string(x); });
  w.gene<nn::Strategy>(c.strategy, l.strategy, same<nn::Strategy>, strat);
  if (!c.dc.empty()) w.gene<int>(c.dc, l.dc, same<int>, [](int x) { return std::to_string(x); });
  else if (l.dc != -1 && !w.failed()) w.fail(p + ".dc", "-1 (the space has no dc gene)", std::to_string(l.dc));
  if (hidden && !c.batch_norm.empty()) w.gene<bool>(c.batch_norm, l.batch_norm, same<bool>, yes_no);
  else if (l.batch_norm && !w.failed()) w.fail(p + ".batch_norm", "false (the space has no batch_norm gene)", "true");
}

}  // namespace

Encoding encode(const SearchSpace& s, const nn::ModelSpec& spec) {
  Encoding bad;
  const int n = static_cast<int>(spec.layers.size()) - 1;
  if (n < s.min_hidden || n > s.max_hidden) {
    bad.gene = "depth";
    bad.expected = fmt::format("{} to {} hidden layers", s.min_hidden, s.max_hidden);
    bad.got = std::to_string(std::max(n, 0));
    return bad;
  }
  if (spec.n_inputs != 0 && !s.accepts_inputs(spec.n_inputs)) {
    bad.gene = "inputs";
    bad.expected = fmt::format("{} to {} inputs", s.inputs_min, s.inputs_max);
    bad.got = std::to_string(spec.n_inputs);
    return bad;
  }
  const nn::LayerSpec& out = spec.layers.back();
  if ((out.units != 0 && out.units != s.outputs) || out.activation != nn::Activation::linear) {
    bad.gene = "output.units";
    bad.expected = fmt::format("{} linear outputs", s.outputs);
    bad.got = fmt::format("{} {} outputs", out.units, act(out.activation));
    return bad;
  }
  bool sparse = false;
  for (const auto& l : spec.layers) sparse = sparse || l.sparsity > 0.0;
  const nn::TrainingSpec& t = spec.training;
  const TrainingChoices& c = s.training;
  Writer w(gene_names(s, n));
  format_genes(w, s.input_format, spec.input_format, "input_format");
  w.gene<std::string>(c.optimizer, t.optimizer, same<std::string>, text);
  w.gene<double>(c.learning_rate, t.learning_rate, close, num);
  if (t.optimizer == "sgd") w.gene<double>(c.momentum, t.momentum, close, num);
  else w.canonical();
  w.gene<int>(c.batch_size, t.batch_size, same<int>, [](int x) { return std::to_string(x); });
  w.gene<int>(c.epochs, t.epochs, same<int>, [](int x) { return std::to_string(x); });
  w.gene<std::string>(c.schedule, t.schedule, same<std::string>, text);
  w.gene<int>(c.patience, t.patience, same<int>, [](int x) { return std::to_string(x); });
  w.gene<double>(c.l1, t.l1, close, num);
  if (sparse) {
    w.gene<int>(c.prune_rounds, t.prune_rounds, same<int>, [](int x) { return std::to_string(x); });
    w.gene<bool>(c.structured_pruning, t.structured_pruning, same<bool>, yes_no);
  } else {
    w.canonical();
    w.canonical();
  }
  w.gene<bool>(c.quantization_aware, t.quantization_aware, same<bool>, yes_no);
  if (searches_distillation(s)) {
    w.gene<double>(c.distillation_alpha, t.distillation_alpha, close, num);
    if (nn::distills(t.distillation_alpha)) w.gene<double>(c.distillation_temperature, t.distillation_temperature, close, num);
    else w.canonical();
  }
  layer_genes(w, s.output, out, "output", false);
  for (int l = 0; l < n; ++l) layer_genes(w, s.hidden, spec.layers[static_cast<std::size_t>(l)], fmt::format("hidden[{}]", l), true);
  Encoding e = w.take();
  if (e.gene.empty()) {
    const std::string why = check(s, e.genes);
    NAS4ML_ASSERT(why.empty(), "encode: produced an invalid genome: " + why);
  }
  return e;
}

}  // namespace nas4ml::space
