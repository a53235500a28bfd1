#include "nas4ml/space/search_space.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/core/rng.hpp"

namespace nas4ml::space {

namespace {

constexpr std::size_t kMaxChoices = 4096;

const std::vector<std::string> kLayerKeys{"units",         "activation",    "sparsity",     "weight_format",
                                          "bias_format",   "result_format", "reuse_factor", "strategy", "dc",
                                          "batch_norm"};
const std::vector<std::string> kOutputKeys{"sparsity",      "weight_format", "bias_format",
                                           "result_format", "reuse_factor",  "strategy", "dc"};
const std::vector<std::string> kTrainingKeys{"optimizer", "learning_rate", "momentum", "batch_size",
                                             "epochs",    "schedule",      "patience", "l1",
                                             "prune_rounds", "structured_pruning", "quantization_aware",
                                             "distillation_alpha", "distillation_temperature"};

std::string rounding_name(Rounding r) { return r == Rounding::truncate ? "truncate" : "round_half_up"; }
std::string overflow_name(Overflow o) { return o == Overflow::wrap ? "wrap" : "saturate"; }
std::string activation_name(nn::Activation a) { return nn::to_string(a); }
std::string strategy_name(nn::Strategy s) { return s == nn::Strategy::latency ? "latency" : "resource"; }

template <class T>
void check_distinct(const JsonView& list, const std::vector<T>& values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (values[i] == values[j])
        list.at(i).fail("duplicate choice", "distinct choices (a repeated choice makes two genomes the same model)",
                        describe_json(list.at(i).json()));
}

JsonView require_choice_list(const JsonView& v) {
  v.require_array("a list of choices");
  if (v.size() == 0) v.fail("empty choice list", "at least one choice", "[]");
  if (v.size() > kMaxChoices) v.fail("too many choices", fmt::format("at most {}", kMaxChoices), std::to_string(v.size()));
  return v;
}

// An integer choice list: [a, b, ...] or {"min": a, "max": b, "step": s}.
std::vector<int> int_choices(const JsonView& parent, const char* key, int lo, int hi, std::vector<int> fallback) {
  if (!parent.has(key)) return fallback;
  const JsonView v = parent.at(key);
  std::vector<int> out;
  if (v.is_object()) {
    v.check_keys({"min", "max", "step"});
    const int a = static_cast<int>(v.get_int("min", lo, hi));
    const int b = static_cast<int>(v.get_int("max", lo, hi));
    const int step = static_cast<int>(v.get_int("step", 1, hi - lo + 1, 1));
    if (b < a) v.at("max").fail("empty range", fmt::format("max >= min ({})", a), std::to_string(b));
    if ((b - a) / step + 1 > static_cast<int>(kMaxChoices))
      v.fail("too many choices", fmt::format("at most {}", kMaxChoices), std::to_string((b - a) / step + 1));
    for (int x = a; x <= b; x += step) out.push_back(x);
    return out;
  }
  if (!v.json().is_array()) v.fail("wrong type", "a list of integers or {\"min\", \"max\", \"step\"}", describe_json(v.json()));
  require_choice_list(v);
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(static_cast<int>(v.at(i).as_int(lo, hi)));
  check_distinct(v, out);
  return out;
}

std::vector<double> number_choices(const JsonView& parent, const char* key, double lo, double hi, bool hi_open,
                                   std::vector<double> fallback) {
  if (!parent.has(key)) return fallback;
  const JsonView v = require_choice_list(parent.at(key));
  std::vector<double> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const JsonView e = v.at(i);
    if (!e.json().is_number()) e.fail("wrong type", "a number", describe_json(e.json()));
    const double x = e.json().get<double>();
    if (!(x >= lo && (hi_open ? x < hi : x <= hi)))
      e.fail("value out of range", fmt::format("a number in [{}, {}{}", lo, hi, hi_open ? ")" : "]"), describe_json(e.json()));
    out.push_back(x);
  }
  check_distinct(v, out);
  return out;
}

std::vector<std::string> string_choices(const JsonView& parent, const char* key, const std::vector<std::string>& allowed,
                                        std::vector<std::string> fallback) {
  if (!parent.has(key)) return fallback;
  const JsonView v = require_choice_list(parent.at(key));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string s = v.at(i).as_string();
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      std::string expected = "one of";
      for (std::size_t k = 0; k < allowed.size(); ++k) expected += (k ? ", " : " ") + allowed[k];
      if (auto near = nearest_word(s, allowed)) expected = "\"" + *near + "\" (" + expected + ")";
      v.at(i).fail("invalid choice", expected, "\"" + s + "\"");
    }
    out.push_back(s);
  }
  check_distinct(v, out);
  return out;
}

std::vector<bool> bool_choices(const JsonView& parent, const char* key, std::vector<bool> fallback) {
  if (!parent.has(key)) return fallback;
  const JsonView v = require_choice_list(parent.at(key));
  std::vector<bool> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(v.at(i).as_bool());
  check_distinct(v, out);
  return out;
}

FormatChoices default_format() {
  FormatChoices f;  // hls4ml's default precision, ap_fixed<16,6>
  f.total_bits = {16};
  f.integer_bits = {6};
  return f;
}

FormatChoices format_choices(const JsonView& parent, const char* key, const FormatChoices& fallback) {
  if (!parent.has(key)) return fallback;
  const JsonView v = parent.at(key);
  FormatChoices f;
  if (v.json().is_array()) {
    require_choice_list(v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const FixedFormat ff = v.at(i).as_fixed_format();
      if (ff.width > nn::max_trainable_width)
        v.at(i).fail("format too wide (training runs in float32)", fmt::format("at most {} total bits", nn::max_trainable_width),
                     "\"" + ff.to_string() + "\"");
      if (ff.integer > ff.width)
        v.at(i).fail("integer bits exceed total bits (the step would be larger than 1)",
                     fmt::format("integer bits <= {}", ff.width), "\"" + ff.to_string() + "\"");
      f.formats.push_back(ff);
    }
    check_distinct(v, f.formats);
    return f;
  }
  if (!v.is_object())
    v.fail("wrong type", "a list of \"ap_fixed<W,I>\" strings or {\"total_bits\", \"integer_bits\", ...}",
           describe_json(v.json()));
  v.check_keys({"total_bits", "integer_bits", "signed", "rounding", "overflow"});
  if (!v.has("total_bits")) v.at("total_bits");   // throws "missing required key"
  if (!v.has("integer_bits")) v.at("integer_bits");
  // Training quantizes in float32 (24-bit significand): wider formats could never be trained.
  f.total_bits = int_choices(v, "total_bits", 1, nn::max_trainable_width, {});
  f.integer_bits = int_choices(v, "integer_bits", -16, 32, {});
  const int min_total = *std::min_element(f.total_bits.begin(), f.total_bits.end());
  for (std::size_t i = 0; i < f.integer_bits.size(); ++i)
    if (f.integer_bits[i] > min_total) {
      const JsonView iv = v.at("integer_bits");
      const std::string where = fmt::format("at most {} (the smallest total_bits choice)", min_total);
      if (iv.json().is_array()) iv.at(i).fail("integer bits exceed total bits", where, std::to_string(f.integer_bits[i]));
      iv.fail("integer bits exceed total bits", where, std::to_string(f.integer_bits[i]));
    }
  f.is_signed = v.get_bool("signed", true);
  f.rounding = v.get_choice("rounding", {"truncate", "round_half_up"}, "truncate") == "truncate" ? Rounding::truncate
                                                                                                 : Rounding::round_half_up;
  f.overflow = v.get_choice("overflow", {"wrap", "saturate"}, "wrap") == "wrap" ? Overflow::wrap : Overflow::saturate;
  return f;
}

LayerChoices layer_choices(const JsonView& v, bool output, const LayerChoices& fallback) {
  LayerChoices c;
  if (!output) {
    if (!v.has("units")) v.at("units");  // throws "missing required key"
    c.units = int_choices(v, "units", 1, 4096, {});
    const auto act = string_choices(v, "activation", nn::activation_names(), {"relu"});
    for (const auto& a : act) c.activation.push_back(nn::parse_activation(a, "", "activation"));
  }
  c.sparsity = number_choices(v, "sparsity", 0.0, 1.0, true, fallback.sparsity);
  c.weight_format = format_choices(v, "weight_format", fallback.weight_format);
  c.bias_format = format_choices(v, "bias_format", fallback.bias_format);
  c.result_format = format_choices(v, "result_format", fallback.result_format);
  c.reuse_factor = int_choices(v, "reuse_factor", 1, 4096, fallback.reuse_factor);
  c.dc = int_choices(v, "dc", -1, 64, fallback.dc);
  std::vector<std::string> fallback_strategy;
  for (auto s : fallback.strategy) fallback_strategy.push_back(strategy_name(s));
  for (const auto& s : string_choices(v, "strategy", {"latency", "resource"}, fallback_strategy))
    c.strategy.push_back(s == "latency" ? nn::Strategy::latency : nn::Strategy::resource);
  if (!output) c.batch_norm = bool_choices(v, "batch_norm", {});  // hidden layers only (kOutputKeys)
  return c;
}

// ---- layout --------------------------------------------------------------------------------

void add_gene(std::vector<std::int32_t>& sizes, std::vector<std::string>& names, std::string name, std::size_t n) {
  sizes.push_back(static_cast<std::int32_t>(n));
  names.push_back(std::move(name));
}

void add_format(std::vector<std::int32_t>& sizes, std::vector<std::string>& names, const std::string& name,
                const FormatChoices& f) {
  if (!f.formats.empty()) {
    add_gene(sizes, names, name, f.formats.size());
  } else {
    add_gene(sizes, names, name + ".total_bits", f.total_bits.size());
    add_gene(sizes, names, name + ".integer_bits", f.integer_bits.size());
  }
}

void add_layer(std::vector<std::int32_t>& sizes, std::vector<std::string>& names, const std::string& p,
               const LayerChoices& c, bool hidden) {
  if (hidden) {
    add_gene(sizes, names, p + ".units", c.units.size());
    add_gene(sizes, names, p + ".activation", c.activation.size());
  }
  add_gene(sizes, names, p + ".sparsity", c.sparsity.size());
  add_format(sizes, names, p + ".weight_format", c.weight_format);
  add_format(sizes, names, p + ".bias_format", c.bias_format);
  add_format(sizes, names, p + ".result_format", c.result_format);
  add_gene(sizes, names, p + ".reuse_factor", c.reuse_factor.size());
  add_gene(sizes, names, p + ".strategy", c.strategy.size());
  if (!c.dc.empty()) add_gene(sizes, names, p + ".dc", c.dc.size());  // no gene unless the space lists dc
  if (hidden && !c.batch_norm.empty()) add_gene(sizes, names, p + ".batch_norm", c.batch_norm.size());  // likewise
}

void build_layout(SearchSpace& s) {
  s.global_sizes.clear();
  s.global_names.clear();
  add_format(s.global_sizes, s.global_names, "input_format", s.input_format);
  const TrainingChoices& t = s.training;
  add_gene(s.global_sizes, s.global_names, "training.optimizer", t.optimizer.size());
  add_gene(s.global_sizes, s.global_names, "training.learning_rate", t.learning_rate.size());
  add_gene(s.global_sizes, s.global_names, "training.momentum", t.momentum.size());
  add_gene(s.global_sizes, s.global_names, "training.batch_size", t.batch_size.size());
  add_gene(s.global_sizes, s.global_names, "training.epochs", t.epochs.size());
  add_gene(s.global_sizes, s.global_names, "training.schedule", t.schedule.size());
  add_gene(s.global_sizes, s.global_names, "training.patience", t.patience.size());
  add_gene(s.global_sizes, s.global_names, "training.l1", t.l1.size());
  add_gene(s.global_sizes, s.global_names, "training.prune_rounds", t.prune_rounds.size());
  add_gene(s.global_sizes, s.global_names, "training.structured_pruning", t.structured_pruning.size());
  add_gene(s.global_sizes, s.global_names, "training.quantization_aware", t.quantization_aware.size());
  if (searches_distillation(s)) {  // no genes otherwise: earlier spaces keep their layout
    add_gene(s.global_sizes, s.global_names, "training.distillation_alpha", t.distillation_alpha.size());
    add_gene(s.global_sizes, s.global_names, "training.distillation_temperature", t.distillation_temperature.size());
  }
  s.output_sizes.clear();
  s.output_names.clear();
  add_layer(s.output_sizes, s.output_names, "output", s.output, false);
  s.hidden_sizes.clear();
  s.hidden_names.clear();
  add_layer(s.hidden_sizes, s.hidden_names, "hidden", s.hidden, true);
}

// ---- decoding ------------------------------------------------------------------------------

struct Cursor {
  const Genes& g;
  std::size_t i = 0;
  std::size_t next() { return static_cast<std::size_t>(g.at(i++)); }
};

FixedFormat decode_format(const FormatChoices& f, Cursor& c) {
  if (!f.formats.empty()) return f.formats.at(c.next());
  FixedFormat out;
  out.width = f.total_bits.at(c.next());
  out.integer = f.integer_bits.at(c.next());
  out.is_signed = f.is_signed;
  out.rounding = f.rounding;
  out.overflow = f.overflow;
  return out;
}

nn::LayerSpec decode_layer(const LayerChoices& lc, Cursor& c, bool hidden, int outputs) {
  nn::LayerSpec l;
  if (hidden) {
    l.units = lc.units.at(c.next());
    l.activation = lc.activation.at(c.next());
  } else {
    l.units = outputs;
    l.activation = nn::Activation::linear;
  }
  l.sparsity = lc.sparsity.at(c.next());
  l.weight_format = decode_format(lc.weight_format, c);
  l.bias_format = decode_format(lc.bias_format, c);
  l.result_format = decode_format(lc.result_format, c);
  l.reuse_factor = lc.reuse_factor.at(c.next());
  l.strategy = lc.strategy.at(c.next());
  l.dc = lc.dc.empty() ? -1 : lc.dc.at(c.next());
  if (hidden && !lc.batch_norm.empty()) l.batch_norm = lc.batch_norm.at(c.next());
  return l;
}

Json format_json(const FormatChoices& f) {
  if (!f.formats.empty()) {
    Json a = Json::array();
    for (const auto& x : f.formats) a.push_back(x.to_string());
    return a;
  }
  Json o = Json::object();
  o["total_bits"] = f.total_bits;
  o["integer_bits"] = f.integer_bits;
  o["signed"] = f.is_signed;
  o["rounding"] = rounding_name(f.rounding);
  o["overflow"] = overflow_name(f.overflow);
  return o;
}

Json layer_json(const LayerChoices& c, bool hidden) {
  Json o = Json::object();
  if (hidden) {
    o["units"] = c.units;
    Json a = Json::array();
    for (auto x : c.activation) a.push_back(activation_name(x));
    o["activation"] = a;
  }
  o["sparsity"] = c.sparsity;
  o["weight_format"] = format_json(c.weight_format);
  o["bias_format"] = format_json(c.bias_format);
  o["result_format"] = format_json(c.result_format);
  o["reuse_factor"] = c.reuse_factor;
  Json s = Json::array();
  for (auto x : c.strategy) s.push_back(strategy_name(x));
  o["strategy"] = s;
  if (!c.dc.empty()) o["dc"] = c.dc;
  if (hidden && !c.batch_norm.empty()) o["batch_norm"] = c.batch_norm;
  return o;
}

}  // namespace

double SearchSpace::size() const {
  double global = 1.0, hidden_block = 1.0;
  for (auto n : global_sizes) global *= n;
  for (auto n : output_sizes) global *= n;
  for (auto n : hidden_sizes) hidden_block *= n;
  double depths = 0.0;
  for (int d = min_hidden; d <= max_hidden; ++d) depths += std::pow(hidden_block, d);
  return global * depths;
}

SearchSpace parse_search_space(const JsonView& v) {
  v.require_object("a search space (an object)");
  v.check_keys({"name", "description", "inputs", "outputs", "hidden_layers", "input_format", "hidden", "output",
                "training"});
  SearchSpace s;
  s.file = v.file();
  s.name = v.get_string("name");
  if (s.name.empty()) v.at("name").fail("empty name", "a non-empty name", "\"\"");
  s.description = v.get_string("description", "");
  const JsonView in = v.at("inputs");
  if (in.is_object()) {
    in.check_keys({"min", "max"});
    s.inputs_min = static_cast<int>(in.get_int("min", 1, 100000));
    s.inputs_max = static_cast<int>(in.get_int("max", 1, 100000));
    if (s.inputs_max < s.inputs_min)
      in.at("max").fail("empty range", fmt::format("max >= min ({})", s.inputs_min), std::to_string(s.inputs_max));
    s.inputs = s.inputs_min == s.inputs_max ? s.inputs_min : 0;
  } else {
    s.inputs = static_cast<int>(in.as_int(1, 100000));
    s.inputs_min = s.inputs_max = s.inputs;
  }
  s.outputs = static_cast<int>(v.get_int("outputs", 1, 10000));
  const JsonView hl = v.at("hidden_layers");
  hl.require_object("{\"min\": ..., \"max\": ...}");
  hl.check_keys({"min", "max"});
  s.min_hidden = static_cast<int>(hl.get_int("min", 0, 16));
  s.max_hidden = static_cast<int>(hl.get_int("max", 0, 16));
  if (s.max_hidden < s.min_hidden)
    hl.at("max").fail("empty range", fmt::format("max >= min ({})", s.min_hidden), std::to_string(s.max_hidden));
  s.input_format = format_choices(v, "input_format", default_format());

  LayerChoices defaults;
  defaults.sparsity = {0.0};
  defaults.weight_format = defaults.bias_format = defaults.result_format = default_format();
  defaults.reuse_factor = {1};
  defaults.strategy = {nn::Strategy::latency};
  const JsonView hidden = v.at("hidden");
  hidden.require_object("the hidden-layer choices (an object)");
  hidden.check_keys(kLayerKeys);
  s.hidden = layer_choices(hidden, false, defaults);
  if (v.has("output")) {
    const JsonView out = v.at("output");
    out.require_object("the output-layer choices (an object)");
    out.check_keys(kOutputKeys);
    s.output = layer_choices(out, true, s.hidden);
  } else {
    s.output = s.hidden;
  }
  s.output.units = {s.outputs};
  s.output.activation = {nn::Activation::linear};

  const nn::TrainingSpec td;  // defaults of the training engine
  TrainingChoices& t = s.training;
  if (v.has("training")) {
    const JsonView tr = v.at("training");
    tr.require_object("the training choices (an object)");
    tr.check_keys(kTrainingKeys);
    t.optimizer = string_choices(tr, "optimizer", {"adam", "sgd"}, {td.optimizer});
    t.learning_rate = number_choices(tr, "learning_rate", 1e-8, 10.0, false, {td.learning_rate});
    t.momentum = number_choices(tr, "momentum", 0.0, 1.0, true, {td.momentum});
    t.batch_size = int_choices(tr, "batch_size", 1, 1 << 20, {td.batch_size});
    t.epochs = int_choices(tr, "epochs", 1, 10000, {td.epochs});
    t.schedule = string_choices(tr, "schedule", {"cosine", "step", "constant"}, {td.schedule});
    t.patience = int_choices(tr, "patience", 0, 10000, {td.patience});
    t.l1 = number_choices(tr, "l1", 0.0, 1.0, false, {td.l1});
    t.prune_rounds = int_choices(tr, "prune_rounds", 1, 100, {td.prune_rounds});
    t.structured_pruning = bool_choices(tr, "structured_pruning", {td.structured_pruning});
    t.quantization_aware = bool_choices(tr, "quantization_aware", {td.quantization_aware});
    if (tr.has("distillation_alpha") || tr.has("distillation_temperature")) {
      t.distillation_alpha = number_choices(tr, "distillation_alpha", 0.0, 1.0, false, {0.5});
      t.distillation_temperature = number_choices(tr, "distillation_temperature", 0.01, 1000.0, false, {4.0});
    }
  } else {
    t.optimizer = {td.optimizer};
    t.learning_rate = {td.learning_rate};
    t.momentum = {td.momentum};
    t.batch_size = {td.batch_size};
    t.epochs = {td.epochs};
    t.schedule = {td.schedule};
    t.patience = {td.patience};
    t.l1 = {td.l1};
    t.prune_rounds = {td.prune_rounds};
    t.structured_pruning = {td.structured_pruning};
    t.quantization_aware = {td.quantization_aware};
  }
  build_layout(s);
  return s;
}

SearchSpace load_search_space(const std::filesystem::path& path) {
  const Json j = load_json_file(path);
  return parse_search_space(JsonView(j, path.string()));
}

Json to_json(const SearchSpace& s) {
  Json j = Json::object();
  j["name"] = s.name;
  j["description"] = s.description;
  if (s.inputs_min == s.inputs_max) j["inputs"] = s.inputs;
  else j["inputs"] = Json{{"min", s.inputs_min}, {"max", s.inputs_max}};
  j["outputs"] = s.outputs;
  j["hidden_layers"] = Json{{"min", s.min_hidden}, {"max", s.max_hidden}};
  j["input_format"] = format_json(s.input_format);
  j["hidden"] = layer_json(s.hidden, true);
  j["output"] = layer_json(s.output, false);
  const TrainingChoices& t = s.training;
  Json tr = Json::object();
  tr["optimizer"] = t.optimizer;
  tr["learning_rate"] = t.learning_rate;
  tr["momentum"] = t.momentum;
  tr["batch_size"] = t.batch_size;
  tr["epochs"] = t.epochs;
  tr["schedule"] = t.schedule;
  tr["patience"] = t.patience;
  tr["l1"] = t.l1;
  tr["prune_rounds"] = t.prune_rounds;
  tr["structured_pruning"] = t.structured_pruning;
  tr["quantization_aware"] = t.quantization_aware;
  if (searches_distillation(s)) {
    tr["distillation_alpha"] = t.distillation_alpha;
    tr["distillation_temperature"] = t.distillation_temperature;
  }
  j["training"] = tr;
  return j;
}

std::string fingerprint(const SearchSpace& s) {
  return fmt::format("{}:{:016x}", s.name, hash_string(to_json(s).dump()));
}

std::vector<std::string> gene_names(const SearchSpace& s, int n_hidden) {
  std::vector<std::string> out = s.global_names;
  out.insert(out.end(), s.output_names.begin(), s.output_names.end());
  for (int l = 0; l < n_hidden; ++l)
    for (const auto& n : s.hidden_names) out.push_back(fmt::format("hidden[{}]{}", l, n.substr(6)));
  return out;
}

int hidden_layers(const SearchSpace& s, const Genes& g) noexcept {
  const std::size_t fixed = s.global_sizes.size() + s.output_sizes.size();
  const std::size_t h = s.hidden_sizes.size();
  if (g.size() < fixed || h == 0 || (g.size() - fixed) % h != 0) return -1;
  return static_cast<int>((g.size() - fixed) / h);
}

std::string check(const SearchSpace& s, const Genes& g) {
  const int n = hidden_layers(s, g);
  if (n < 0)
    return fmt::format("genome length {} fits no depth (fixed part {}, {} genes per hidden layer)", g.size(),
                       s.global_sizes.size() + s.output_sizes.size(), s.hidden_sizes.size());
  if (n < s.min_hidden || n > s.max_hidden)
    return fmt::format("{} hidden layers, outside [{}, {}]", n, s.min_hidden, s.max_hidden);
  const auto names = gene_names(s, n);
  std::size_t i = 0;
  auto check_block = [&](const std::vector<std::int32_t>& sizes) -> std::string {
    for (auto size : sizes) {
      if (g[i] < 0 || g[i] >= size) return fmt::format("gene {} ({}) = {}, outside [0, {}]", i, names[i], g[i], size - 1);
      ++i;
    }
    return {};
  };
  if (auto e = check_block(s.global_sizes); !e.empty()) return e;
  if (auto e = check_block(s.output_sizes); !e.empty()) return e;
  for (int l = 0; l < n; ++l)
    if (auto e = check_block(s.hidden_sizes); !e.empty()) return e;
  Genes canonical = g;
  canonicalize(s, canonical);
  for (std::size_t k = 0; k < g.size(); ++k)
    if (canonical[k] != g[k])
      return fmt::format("gene {} ({}) = {} has no effect in this genome; canonical value 0", k, names[k], g[k]);
  return {};
}

void canonicalize(const SearchSpace& s, Genes& g) {
  const int n = hidden_layers(s, g);
  NAS4ML_ASSERT(n >= 0, "canonicalize: genome length fits no depth");
  auto index_of = [](const std::vector<std::string>& names, const char* name) {
    const auto it = std::find(names.begin(), names.end(), name);
    NAS4ML_ASSERT(it != names.end(), std::string("layout has no gene ") + name);
    return static_cast<std::size_t>(it - names.begin());
  };
  const std::size_t opt = index_of(s.global_names, "training.optimizer");
  if (s.training.optimizer.at(static_cast<std::size_t>(g[opt])) != "sgd") g[index_of(s.global_names, "training.momentum")] = 0;
  const std::size_t base = s.global_sizes.size();
  bool any_sparse = s.output.sparsity.at(static_cast<std::size_t>(g[base + index_of(s.output_names, "output.sparsity")])) > 0.0;
  const std::size_t hidden_base = base + s.output_sizes.size(), hs = index_of(s.hidden_names, "hidden.sparsity");
  for (int l = 0; l < n; ++l)
    any_sparse = any_sparse ||
                 s.hidden.sparsity.at(static_cast<std::size_t>(g[hidden_base + static_cast<std::size_t>(l) * s.hidden_sizes.size() + hs])) > 0.0;
  if (!any_sparse) {
    g[index_of(s.global_names, "training.prune_rounds")] = 0;
    g[index_of(s.global_names, "training.structured_pruning")] = 0;
  }
  // alpha 1 trains without the teacher: the temperature does not matter.
  if (searches_distillation(s) &&
      !nn::distills(s.training.distillation_alpha.at(static_cast<std::size_t>(g[index_of(s.global_names, "training.distillation_alpha")]))))
    g[index_of(s.global_names, "training.distillation_temperature")] = 0;
}

nn::ModelSpec decode(const SearchSpace& s, const Genes& g, const std::string& name) {
  const std::string why = check(s, g);
  NAS4ML_ASSERT(why.empty(), "decode: invalid genome: " + why);
  nn::ModelSpec m;
  m.name = name;
  m.n_inputs = s.inputs;
  Cursor c{g};
  m.input_format = decode_format(s.input_format, c);
  const TrainingChoices& t = s.training;
  m.training.optimizer = t.optimizer.at(c.next());
  m.training.learning_rate = t.learning_rate.at(c.next());
  m.training.momentum = t.momentum.at(c.next());
  m.training.batch_size = t.batch_size.at(c.next());
  m.training.epochs = t.epochs.at(c.next());
  m.training.schedule = t.schedule.at(c.next());
  m.training.patience = t.patience.at(c.next());
  m.training.l1 = t.l1.at(c.next());
  m.training.prune_rounds = t.prune_rounds.at(c.next());
  m.training.structured_pruning = t.structured_pruning.at(c.next());
  m.training.quantization_aware = t.quantization_aware.at(c.next());
  if (searches_distillation(s)) {
    m.training.distillation_alpha = t.distillation_alpha.at(c.next());
    m.training.distillation_temperature = t.distillation_temperature.at(c.next());
  }
  const nn::LayerSpec out = decode_layer(s.output, c, false, s.outputs);
  const int n = hidden_layers(s, g);
  for (int l = 0; l < n; ++l) m.layers.push_back(decode_layer(s.hidden, c, true, s.outputs));
  m.layers.push_back(out);
  NAS4ML_ASSERT(c.i == g.size(), "decode: layout and decoder disagree");
  return m;
}

std::string summary(const nn::ModelSpec& m) {
  std::string s = m.n_inputs > 0 ? std::to_string(m.n_inputs) : std::string("?");
  s += fmt::format(" in{},{}", m.input_format.width, m.input_format.integer);
  for (const auto& l : m.layers) {
    s += fmt::format(" > {}{}", l.units, l.activation == nn::Activation::relu     ? "r"
                                         : l.activation == nn::Activation::linear ? ""
                                                                                  : ":" + nn::to_string(l.activation));
    s += fmt::format(" w{},{}", l.weight_format.width, l.weight_format.integer);
    s += fmt::format(" o{},{}", l.result_format.width, l.result_format.integer);
    if (l.sparsity > 0) s += fmt::format(" s{:.2f}", l.sparsity);
    if (l.reuse_factor > 1) s += fmt::format(" rf{}", l.reuse_factor);
    if (l.strategy == nn::Strategy::resource) s += " res";
    if (l.dc >= 0) s += fmt::format(" dc{}", l.dc);
    if (l.batch_norm) s += " bn";
  }
  const auto& t = m.training;
  s += fmt::format(" | {} lr {} bs {} ep {}", t.optimizer, t.learning_rate, t.batch_size, t.epochs);
  return s;
}

}  // namespace nas4ml::space
