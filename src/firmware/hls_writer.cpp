#include "nas4ml/firmware/hls_writer.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <fstream>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/firmware/template_engine.hpp"
#include "nas4ml/netlist/lookup.hpp"
#include "nas4ml/nn/golden_inference.hpp"

namespace nas4ml::firmware {
namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// The exact value raw * 2^-f as a C++ literal (a double holds it exactly: |raw| < 2^53).
std::string literal(std::int64_t raw, const FixedFormat& f) { return fmt::format("{}", to_real(raw, f)); }

void check_literal_format(const FixedFormat& f, std::size_t layer, const char* what) {
  if (f.width > 53)
    throw ConfigError({}, fmt::format("$.layers[{}].{}", layer, what), "the HLS writer writes weights as exact doubles",
                      "a format of at most 53 bits", f.to_string());
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) s += (i == 0 ? "" : ", ") + items[i];
  return s;
}

// The accumulator: f_acc fractional bits and enough bits that no partial sum overflows.
std::string accum_type(const nn::QuantizedModel& model, std::size_t k) {
  const int w = nn::accumulator_width(model, k);
  return fmt::format("ap_fixed<{},{}>", w, w - nn::accumulator_fractional(model, k));
}

struct KeptWeights {
  std::vector<std::string> values, inputs, outputs;
};

KeptWeights kept_weights(const nn::QuantizedLayer& l) {
  KeptWeights kw;
  for (int o = 0; o < l.n_out; ++o)
    for (int i = 0; i < l.n_in; ++i) {
      const auto at = static_cast<std::size_t>(o) * l.n_in + i;
      if (l.mask[at] == 0 || l.weights[at] == 0) continue;
      kw.values.push_back(literal(l.weights[at], l.weight_format));
      kw.inputs.push_back(std::to_string(i));
      kw.outputs.push_back(std::to_string(o));
    }
  return kw;
}

// The activation of a layer whose kind is not relu or linear (nn/activation.hpp), as a table
// over every raw value of the result format: entry i holds f(min_raw + i), the golden model's
// integer function, as an exact literal; the layer reads it at its cast output's bits with the
// sign bit flipped (offset binary, i.e. raw - min_raw). Absent for relu and linear (done inline).
std::optional<std::vector<std::string>> activation_table(const nn::QuantizedLayer& l, std::size_t k) {
  if (nn::activation_kind(l.activation).hls_supported()) return std::nullopt;
  const FixedFormat& f = l.result_format;
  if (f.max_raw() - f.min_raw() + 1 > netlist::kMaxLookupEntries)
    throw ConfigError({}, fmt::format("$.layers[{}].result_format", k),
                      "the HLS writer tabulates a " + nn::to_string(l.activation) + " activation over its result format",
                      "a result format of at most 12 bits", f.to_string());
  std::vector<std::string> values;
  for (std::int64_t raw = f.min_raw(); raw <= f.max_raw(); ++raw)
    values.push_back(literal(nn::apply_activation(l.activation, raw, f), f));
  return values;
}

// Bits of the smallest two's-complement word holding every integer in [lo, hi].
int signed_bits(std::int64_t lo, std::int64_t hi) {
  int w = 1;
  while (lo < -(std::int64_t{1} << (w - 1)) || hi >= (std::int64_t{1} << (w - 1))) ++w;
  return w;
}

int unsigned_bits(std::uint64_t hi) { return std::max(1, static_cast<int>(std::bit_width(hi))); }

Json score_context(const nn::QuantizedModel& m) {
  if (!m.anomaly_score) return Json{{"score", false}};
  const HlsScoreTypes t = hls_score_types(m);
  return Json{{"score", true},
              {"score_error", m.anomaly_score->error},
              {"score_reference", t.reference},
              {"score_n", t.n},
              {"score_diff_type", t.difference},
              {"score_term_type", t.term},
              {"score_sum_type", t.sum},
              {"score_type", t.score}};
}

Json layer_context(const nn::QuantizedModel& model, std::size_t k, const KeptWeights& kw) {
  const auto& l = model.layers[k];
  const int nnz = static_cast<int>(kw.values.size());
  const int r = std::max(1, l.reuse_factor);
  const int per_group = std::max(1, (nnz + r - 1) / r);
  return Json{{"index", k},
              {"n_in", l.n_in},
              {"n_out", l.n_out},
              {"activation", nn::to_string(l.activation)},
              {"relu", l.activation == nn::Activation::relu},
              {"table", false},  // set by the writer when the activation is a table
              {"table_bits", l.result_format.width},
              {"table_signed", l.result_format.is_signed},
              {"weight_type", l.weight_format.to_string()},
              {"bias_type", l.bias_format.to_string()},
              {"accum_type", accum_type(model, k)},
              {"result_type", l.result_format.to_string()},
              {"n_nonzero", nnz},
              {"reuse_factor", r},
              {"multiplier_limit", per_group},
              {"block_factor", per_group},
              {"strategy", l.strategy == nn::Strategy::resource ? "resource" : "latency"},
              {"input_name", k == 0 ? std::string("input_t") : fmt::format("layer{}_result_t", k - 1)},
              {"input_var", k == 0 ? std::string("x") : fmt::format("layer{}_out", k - 1)}};
}

Json project_context(const nn::QuantizedModel& model, const HlsOptions& o, const Json& layers) {
  std::string guard = o.project, summary = std::to_string(model.n_inputs);
  std::transform(guard.begin(), guard.end(), guard.begin(), [](unsigned char c) { return std::toupper(c); });
  int ii = 1;
  for (const auto& l : model.layers) {
    summary += fmt::format(" -> {}", l.n_out);
    ii = std::max(ii, l.reuse_factor);
  }
  return Json{{"project", o.project},
              {"model", model.name},
              {"guard", guard},
              {"n_inputs", model.n_inputs},
              {"n_outputs", model.n_outputs()},
              {"input_type", model.input_format.to_string()},
              {"last", model.layers.size() - 1},
              {"ii", ii},
              {"summary", summary},
              {"part", o.part},
              {"clock_ns", fmt::format("{}", o.clock_ns)},
              {"cosim", o.cosim ? 1 : 0},
              {"export", o.export_ip ? 1 : 0},
              {"vsynth", o.vsynth ? 1 : 0},
              {"layers", layers}};
}

Json array_context(const Json& project, std::size_t k, const char* array, const char* what, const std::string& type,
                   const std::vector<std::string>& values) {
  Json c = project;
  c["index"] = k;
  c["array"] = fmt::format("{}{}", array, k);
  c["what"] = what;
  c["type"] = type;
  c["count"] = values.size();
  c["size"] = std::max<std::size_t>(1, values.size());  // C++ has no zero-length arrays
  c["values"] = values.empty() ? std::string("0") : join(values);
  c["indexed"] = false;
  return c;
}

}  // namespace

const std::string& HlsProject::file(const std::string& path) const {
  for (const auto& [p, text] : files)
    if (p == path) return text;
  throw InternalError("no file " + path + " in the HLS project");
}

// Each type is the exact range of its value, so the kernel loses nothing before the one cast to
// score_t, as the golden model does (nn/anomaly_score.hpp).
HlsScoreTypes hls_score_types(const nn::QuantizedModel& m) {
  NAS4ML_ASSERT(m.anomaly_score.has_value(), "the model computes no anomaly score");
  const nn::AnomalyScore& s = *m.anomaly_score;
  if (s.error != "squared" && s.error != "absolute")
    throw ConfigError(m.name, "$.anomaly_score.error", "the HLS writer computes squared or absolute errors",
                      "\"squared\" or \"absolute\"", "\"" + s.error + "\"");
  if (!s.against_zero() && m.n_outputs() != m.n_inputs)
    throw ConfigError(m.name, "$.anomaly_score", "an anomaly score compares the reconstruction with the input",
                      fmt::format("{} outputs", m.n_inputs), std::to_string(m.n_outputs()));
  if (nn::score_sum_width(m) > 62)
    throw ConfigError(m.name, "$.anomaly_score", "the score's full-width sum does not fit 62 bits",
                      "narrower input/output formats", std::to_string(nn::score_sum_width(m)) + " bits");
  HlsScoreTypes t;
  // A score against zero (a variational autoencoder's encoder-only deployment: the sum of its
  // latent means' squares or magnitudes) reads the outputs alone: d_i = y_i instead of y_i - x_i.
  t.reference = !s.against_zero();
  t.n = m.n_outputs();
  const FixedFormat& in = m.input_format;
  const FixedFormat& out = m.layers.back().result_format;
  const int f = nn::score_difference_fractional(m);
  const std::int64_t in_scale = std::int64_t{1} << (f - in.fractional());
  const std::int64_t out_scale = std::int64_t{1} << (f - out.fractional());
  const std::int64_t lo = out.min_raw() * out_scale - (t.reference ? in.max_raw() * in_scale : 0);
  const std::int64_t hi = out.max_raw() * out_scale - (t.reference ? in.min_raw() * in_scale : 0);
  const auto magnitude = std::max(static_cast<std::uint64_t>(hi < 0 ? -hi : hi), static_cast<std::uint64_t>(lo < 0 ? -lo : lo));
  const std::uint64_t term_max = s.error == "squared" ? magnitude * magnitude : magnitude;
  const int fs = nn::score_sum_fractional(m);
  const int wd = signed_bits(lo, hi), wt = unsigned_bits(term_max);
  const int ws = unsigned_bits(term_max * static_cast<std::uint64_t>(t.n));
  t.difference = fmt::format("ap_fixed<{},{}>", wd, wd - f);
  t.term = fmt::format("ap_ufixed<{},{}>", wt, wt - fs);
  t.sum = fmt::format("ap_ufixed<{},{}>", ws, ws - fs);
  t.score = s.format.to_string();
  return t;
}

HlsProject write_hls_project(const nn::QuantizedModel& model, const HlsOptions& options) {
  if (!is_identifier(options.project))
    throw ConfigError({}, "project", "the HLS project name must be a C identifier", "letters, digits, _", options.project);
  nn::check_golden_computable(model);
  std::vector<KeptWeights> kept;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> tables;  // layer, activation table
  Json layers = Json::array();
  for (std::size_t k = 0; k < model.layers.size(); ++k) {
    check_literal_format(model.layers[k].weight_format, k, "weight_format");
    check_literal_format(model.layers[k].bias_format, k, "bias_format");
    if (model.layers[k].n_in > 65535 || model.layers[k].n_out > 65535)  // indices are unsigned short
      throw ConfigError({}, fmt::format("$.layers[{}]", k), "the HLS writer indexes neurons with 16 bits",
                        "at most 65535 inputs and outputs", fmt::format("{} x {}", model.layers[k].n_in, model.layers[k].n_out));
    kept.push_back(kept_weights(model.layers[k]));
    layers.push_back(layer_context(model, k, kept.back()));
    if (auto table = activation_table(model.layers[k], k)) {
      layers.back()["table"] = true;
      tables.emplace_back(k, std::move(*table));
    }
  }
  Json ctx = project_context(model, options, layers);
  ctx["tables"] = !tables.empty();
  ctx.update(score_context(model));
  HlsProject p;
  p.project = options.project;
  auto add = [&](std::string path, const char* tpl, const Json& c) { p.files.emplace_back(std::move(path), render_embedded(tpl, c)); };
  add("firmware/" + options.project + ".cpp", "hls/firmware.cpp.tpl", ctx);
  add("firmware/" + options.project + ".h", "hls/firmware.h.tpl", ctx);
  add("firmware/defines.h", "hls/defines.h.tpl", ctx);
  add("firmware/parameters.h", "hls/parameters.h.tpl", ctx);
  add("firmware/nnet_utils/nas4ml_dense.h", "hls/nnet_utils/nas4ml_dense.h.tpl", ctx);
  if (!tables.empty()) add("firmware/nnet_utils/nas4ml_lookup.h", "hls/nnet_utils/nas4ml_lookup.h.tpl", ctx);
  if (model.anomaly_score) add("firmware/nnet_utils/nas4ml_score.h", "hls/nnet_utils/nas4ml_score.h.tpl", ctx);
  for (std::size_t k = 0; k < model.layers.size(); ++k) {
    const auto& l = model.layers[k];
    Json w = array_context(ctx, k, "w", "kept weights", fmt::format("layer{}_weight_t", k), kept[k].values);
    w["indexed"] = true;
    w["inputs"] = kept[k].inputs.empty() ? std::string("0") : join(kept[k].inputs);
    w["outputs"] = kept[k].outputs.empty() ? std::string("0") : join(kept[k].outputs);
    add(fmt::format("firmware/weights/w{}.h", k), "hls/weights.h.tpl", w);
    std::vector<std::string> biases;
    for (auto b : l.biases) biases.push_back(literal(b, l.bias_format));
    add(fmt::format("firmware/weights/b{}.h", k), "hls/weights.h.tpl",
        array_context(ctx, k, "b", "biases", fmt::format("layer{}_bias_t", k), biases));
  }
  for (const auto& [k, values] : tables)
    add(fmt::format("firmware/weights/a{}.h", k), "hls/weights.h.tpl",
        array_context(ctx, k, "a", "activation table", fmt::format("layer{}_result_t", k), values));
  add(options.project + "_test.cpp", "hls/test_bench.cpp.tpl", ctx);
  add("build_prj.tcl", "hls/build_prj.tcl.tpl", ctx);
  return p;
}

namespace {
void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw ConfigError(path.string(), "", "cannot write file", "a writable folder", "write failed");
}

std::string raw_lines(const std::vector<std::int64_t>& values, std::size_t rows, int per_row) {
  std::string s;
  for (std::size_t r = 0; r < rows; ++r)
    for (int j = 0; j < per_row; ++j)
      s += fmt::format("{}{}", values[r * static_cast<std::size_t>(per_row) + static_cast<std::size_t>(j)],
                       j + 1 < per_row ? " " : "\n");
  return s;
}
}  // namespace

void save_hls_project(const HlsProject& project, const std::filesystem::path& dir) {
  for (const auto& [path, text] : project.files) write_file(dir / path, text);
}

void save_hls_testbench_data(const TestVectors& vectors, const std::filesystem::path& dir) {
  const TestVectors v = rtl_outputs(vectors);  // with a score: each row's outputs, then its score
  write_file(dir / "tb_data" / "tb_input_raw.dat", raw_lines(v.inputs_raw, v.rows, v.n_inputs));
  write_file(dir / "tb_data" / "tb_output_raw.dat", raw_lines(v.outputs_raw, v.rows, v.n_outputs));
}

}  // namespace nas4ml::firmware
