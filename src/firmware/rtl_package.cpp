#include "nas4ml/firmware/rtl_package.hpp"

#include <algorithm>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/template_engine.hpp"

namespace nas4ml::firmware {
namespace fs = std::filesystem;

namespace {

int bits_for(int values) {  // bits to count 0..values
  int b = 1;
  while ((1LL << b) <= values) ++b;
  return b;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw ConfigError(path.string(), "", "cannot write file", "a writable folder", "write failed");
}

std::string standardization_text(const nn::QuantizedModel& m) {
  const bool identity = std::all_of(m.input_offset.begin(), m.input_offset.end(), [](double v) { return v == 0.0; }) &&
                        std::all_of(m.input_scale.begin(), m.input_scale.end(), [](double v) { return v == 1.0; });
  if (identity && m.training.is_object() && m.training.contains("folded_standardization"))
    return "folded into the first layer: the inputs are raw feature values (the offsets and scales folded in are "
           "training.folded_standardization in model.q.json)";
  if (identity) return "none, the inputs are raw feature values";
  return "the inputs are the features after x' = (x - input_offset) * input_scale per feature (the values are in "
         "model.q.json), which the firmware does not compute (`nas4ml emit --fold-standardization` writes firmware "
         "that reads raw units)";
}

// The argmax tree's slots: leaves (the outputs' bit ranges), nodes level by level (a comparison
// of neighbours 2i and 2i+1 of the level below, or a pass-through for an odd last one; the
// levels that end a stage registered) and the data word's delay registers.
void add_argmax_tree(Json& c, const RtlPackageLayout& p) {
  Json leaves = Json::array(), nodes = Json::array(), data = Json::array();
  std::string registered;
  int width = static_cast<int>(p.core.output_bits.size());
  if (p.argmax) {
    for (int i = 0; i < width; ++i) {
      const int lsb = p.core.output_offset[static_cast<std::size_t>(i)];
      leaves.push_back({{"i", i}, {"lsb", lsb}, {"msb", lsb + p.core.output_bits[static_cast<std::size_t>(i)] - 1}});
    }
    for (int l = 1; l <= p.argmax_levels; ++l) {
      const bool reg = l % p.argmax_levels_per_stage == 0 || l == p.argmax_levels;
      if (reg) registered += (registered.empty() ? "" : ", ") + std::to_string(l);
      const int next = (width + 1) / 2;
      for (int i = 0; i < next; ++i)
        nodes.push_back({{"l", l}, {"i", i}, {"prev", l - 1}, {"a", 2 * i}, {"b", 2 * i + 1}, {"cmp", 2 * i + 1 < width}, {"reg", reg}});
      width = next;
    }
    for (int s = 1; s <= p.argmax_stages; ++s)
      data.push_back({{"s", s}, {"from", s == 1 ? std::string("core_data") : "am_d" + std::to_string(s - 1)}});
  }
  c["argmax_leaves"] = leaves;
  c["argmax_nodes"] = nodes;
  c["argmax_data"] = data;
  c["argmax_registered"] = registered;
  c["argmax_levels"] = p.argmax_levels;
  c["argmax_levels_per_stage"] = p.argmax_levels_per_stage;
  c["argmax_stages"] = p.argmax_stages;
  c["pipe_latency"] = p.core.latency_cycles + p.argmax_stages;
  c["word_width"] = p.core.out_width + p.class_bits;
}

Json package_slots(const nn::QuantizedModel& model, const RtlPackageLayout& p, const RtlPackageOptions& o,
                   const std::string& core_file);

// Every slot the rtl templates read.
Json package_context(const nn::QuantizedModel& model, const RtlPackageLayout& p, const RtlPackageOptions& o,
                     const std::string& core_file) {
  Json c = package_slots(model, p, o, core_file);
  add_argmax_tree(c, p);
  return c;
}

Json package_slots(const nn::QuantizedModel& model, const RtlPackageLayout& p, const RtlPackageOptions& o,
                   const std::string& core_file) {
  const FixedFormat& out_format = model.layers.back().result_format;
  const int n_out = static_cast<int>(p.core.output_bits.size());
  return Json{{"top", o.top},
              {"core", o.core},
              {"core_file", core_file},
              {"model", model.name},
              {"n_inputs", p.core.n_inputs},
              {"input_bits", p.core.input_bits},
              {"input_format", model.input_format.to_string()},
              {"n_outputs", model.anomaly_score ? n_out - 1 : n_out},  // the score's field is described apart
              {"output_bits", p.core.output_bits.front()},
              {"output_format", out_format.to_string()},
              {"output_signed", out_format.is_signed ? 1 : 0},
              {"output_meaning", model.anomaly_score && model.anomaly_score->against_zero()
                                     ? fmt::format("the {} latent means mu of a variational autoencoder's encoder, then the "
                                                   "anomaly score, the sum of their {} values (the top {} bits, {})", n_out - 1,
                                                   model.anomaly_score->error, p.core.output_bits.back(),
                                                   model.anomaly_score->format.to_string())
                                 : model.anomaly_score
                                     ? fmt::format("the reconstruction of each of the {} inputs, then the anomaly score "
                                                   "(the top {} bits, {})", model.n_inputs, p.core.output_bits.back(),
                                                   model.anomaly_score->format.to_string())
                                 : n_out >= 2 ? "one score per class (" + fmt::format("{}", fmt::join(model.class_names, ", ")) + ")"
                                            : "the model's single score"},
              {"score", model.anomaly_score.has_value()},
              {"score_lsb", p.core.out_width - p.core.output_bits.back()},
              {"score_bits", p.core.output_bits.back()},
              {"score_format", model.anomaly_score ? model.anomaly_score->format.to_string() : ""},
              {"in_width", p.core.in_width},
              {"out_width", p.core.out_width},
              {"s_width", p.s_width},
              {"m_width", p.m_width},
              {"s_width_msb", p.s_width - 1},
              {"m_width_msb", p.m_width - 1},
              {"has_m_pad", p.m_width > p.core.out_width},
              {"m_pad", p.m_width - p.core.out_width},
              {"core_latency", p.core.latency_cycles},
              {"latency", p.latency_cycles},
              {"fifo_depth", p.fifo_depth},
              {"pointer_bits", bits_for(p.fifo_depth)},
              {"argmax", p.argmax},
              {"class_bits", p.class_bits},
              {"class_msb", std::max(0, p.class_bits - 1)},
              {"clock_ns", fmt::format("{}", o.clock_ns)},
              {"half_clock_ns", fmt::format("{}", o.clock_ns / 2)},
              {"clock_mhz", fmt::format("{:.1f}", 1000.0 / o.clock_ns)},
              {"part", o.part},
              {"standardization", standardization_text(model)}};
}

}  // namespace

RtlPackageLayout rtl_package_layout(const PortLayout& core, const RtlPackageOptions& options) {
  static const std::regex identifier(R"([A-Za-z_][A-Za-z0-9_]*)");
  if (!std::regex_match(options.top, identifier) || options.top == options.core)
    throw ConfigError({}, "top", "bad top module name", "a Verilog identifier other than the core's (\"" + options.core + "\")",
                      "\"" + options.top + "\"");
  NAS4ML_ASSERT(!core.output_bits.empty(), "a model has outputs");
  // One width for every output, except an autoencoder's anomaly score (the last field, its own
  // format): the argmax compares outputs as one format, so it exists only with one width.
  const bool one_width = std::all_of(core.output_bits.begin(), core.output_bits.end(),
                                     [&](int b) { return b == core.output_bits.front(); });
  RtlPackageLayout p;
  p.core = core;
  p.s_width = (core.in_width + 7) / 8 * 8;
  p.m_width = (core.out_width + 7) / 8 * 8;
  p.argmax = options.argmax && core.output_bits.size() >= 2 && one_width;
  p.class_bits = p.argmax ? bits_for(static_cast<int>(core.output_bits.size()) - 1) : 0;
  if (p.argmax) {
    while ((std::size_t{1} << p.argmax_levels) < core.output_bits.size()) ++p.argmax_levels;
    p.argmax_levels_per_stage = std::max(1, options.argmax_levels_per_stage);
    p.argmax_stages = (p.argmax_levels + p.argmax_levels_per_stage - 1) / p.argmax_levels_per_stage;
  }
  p.latency_cycles = core.latency_cycles + p.argmax_stages + 2;
  p.fifo_depth = core.latency_cycles + p.argmax_stages + 2;
  return p;
}

std::string rtl_package_top(const nn::QuantizedModel& model, const RtlPackageLayout& layout, const RtlPackageOptions& options) {
  return render_embedded("rtl/axis_top.v.tpl", package_context(model, layout, options, options.core + ".v"));
}

std::vector<std::string> write_rtl_package(const fs::path& dir, const nn::QuantizedModel& model,
                                           const RtlPackageLayout& layout, const RtlPackageOptions& options,
                                           const std::string& core_file) {
  const Json c = package_context(model, layout, options, core_file);
  fs::create_directories(dir);
  const std::vector<std::pair<std::string, std::string>> files = {
      {options.top + ".v", "rtl/axis_top.v.tpl"},
      {"constraints.xdc", "rtl/constraints.xdc.tpl"},
      {"build_vivado.tcl", "rtl/build_vivado.tcl.tpl"},
      {"README.md", "rtl/README.md.tpl"}};
  std::vector<std::string> written;
  for (const auto& [name, tpl] : files) {
    write_text(dir / name, render_embedded(tpl, c));
    written.push_back(name);
  }
  return written;
}

std::vector<int> argmax_classes(const TestVectors& t) {
  std::vector<int> out;
  if (t.n_outputs < 2) return out;
  const auto n = static_cast<std::size_t>(t.n_outputs);
  for (std::size_t r = 0; r < t.rows; ++r) {
    const auto first = t.outputs_raw.begin() + static_cast<std::ptrdiff_t>(r * n);
    out.push_back(static_cast<int>(std::max_element(first, first + static_cast<std::ptrdiff_t>(n)) - first));
  }
  return out;
}

void write_stream_bench_files(const fs::path& dir, const RtlPackageLayout& p, const std::string& top,
                              const TestVectors& vectors) {
  const TestVectors t = rtl_outputs(vectors);  // an autoencoder's score is the last output
  NAS4ML_ASSERT(t.n_inputs == p.core.n_inputs, "vectors and ports agree on inputs");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw ToolError(dir.string(), {}, "cannot create the simulation folder: " + ec.message());
  // Padding as one more zero value per row: the port words are whole bytes.
  auto padded = [](const std::vector<std::int64_t>& v, std::size_t per_row, std::vector<int> bits, int pad) {
    if (pad == 0) return pack_hex(v, per_row, bits);
    std::vector<std::int64_t> w;
    for (std::size_t r = 0; r < v.size() / per_row; ++r) {
      w.insert(w.end(), v.begin() + static_cast<std::ptrdiff_t>(r * per_row), v.begin() + static_cast<std::ptrdiff_t>((r + 1) * per_row));
      w.push_back(0);
    }
    bits.push_back(pad);
    return pack_hex(w, per_row + 1, bits);
  };
  const auto n_in = static_cast<std::size_t>(t.n_inputs), n_out = static_cast<std::size_t>(t.n_outputs);
  write_text(dir / "s_inputs.hex", padded(t.inputs_raw, n_in, std::vector<int>(n_in, p.core.input_bits), p.s_width - p.core.in_width));
  write_text(dir / "m_expected.hex", padded(t.outputs_raw, n_out, p.core.output_bits, p.m_width - p.core.out_width));
  if (p.argmax) {
    std::string text;
    for (int c : argmax_classes(t)) text += std::to_string(c) + "\n";
    write_text(dir / "expected_class.txt", text);
  }
  const int s_words = (p.s_width + 31) / 32, m_words = (p.m_width + 31) / 32;
  const Json c{{"top", top},
               {"rows", t.rows},
               {"s_words", s_words},
               {"m_words", m_words},
               {"s_scalar", p.s_width <= 64},
               {"s_two_words", s_words > 1},
               {"m_scalar", p.m_width <= 64},
               {"m_two_words", m_words > 1},
               {"argmax", p.argmax},
               {"max_extra_cycles", p.latency_cycles + 1000}};
  write_text(dir / "stream_main.cpp", render_embedded("rtl/stream_main.cpp.tpl", c));
}

StreamCounts parse_stream_line(const std::string& output, const std::string& file) {
  static const std::regex line(
      R"(nas4ml-stream samples=(\d+) checked=(\d+) dropped=(\d+) mismatches=(\d+) class_mismatches=(\d+) )"
      R"(latency=(-?\d+) stalls=(\d+) protocol_errors=(\d+) resets=(\d+))");
  std::smatch m;
  if (!std::regex_search(output, m, line))
    throw ToolError(file, {}, "the stream bench did not print its result line",
                    "\"nas4ml-stream samples=.. checked=.. dropped=.. ...\"", "none");
  StreamCounts c;
  c.samples = std::stoull(m[1].str());
  c.checked = std::stoull(m[2].str());
  c.dropped = std::stoull(m[3].str());
  c.mismatches = std::stoull(m[4].str());
  c.class_mismatches = std::stoull(m[5].str());
  c.latency = std::stoi(m[6].str());
  c.stalls = std::stoull(m[7].str());
  c.protocol_errors = std::stoull(m[8].str());
  c.resets = std::stoull(m[9].str());
  return c;
}

}  // namespace nas4ml::firmware
