#include "nas4ml/firmware/testbench.hpp"

#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/template_engine.hpp"
#include "nas4ml/nn/golden_inference.hpp"

namespace nas4ml::firmware {
namespace fs = std::filesystem;

TestVectors make_test_vectors(const nn::QuantizedModel& model, std::vector<std::int64_t> inputs_raw) {
  NAS4ML_ASSERT(model.n_inputs > 0, "a model has inputs");
  NAS4ML_ASSERT(inputs_raw.size() % static_cast<std::size_t>(model.n_inputs) == 0, "whole input rows");
  TestVectors t;
  t.n_inputs = model.n_inputs;
  t.n_outputs = model.n_outputs();
  t.rows = inputs_raw.size() / static_cast<std::size_t>(model.n_inputs);
  t.outputs_raw = nn::golden_forward_batch(model, inputs_raw);
  if (model.anomaly_score) t.scores_raw = nn::anomaly_scores(model, inputs_raw);
  t.inputs_raw = std::move(inputs_raw);
  return t;
}

TestVectors rtl_outputs(const TestVectors& t) {
  if (t.scores_raw.empty()) return t;
  NAS4ML_ASSERT(t.scores_raw.size() == t.rows, "one score per row");
  TestVectors r = t;
  const auto n = static_cast<std::size_t>(t.n_outputs);
  r.n_outputs = t.n_outputs + 1;
  r.outputs_raw.clear();
  r.outputs_raw.reserve(t.rows * (n + 1));
  for (std::size_t row = 0; row < t.rows; ++row) {
    const auto first = t.outputs_raw.begin() + static_cast<std::ptrdiff_t>(row * n);
    r.outputs_raw.insert(r.outputs_raw.end(), first, first + static_cast<std::ptrdiff_t>(n));
    r.outputs_raw.push_back(t.scores_raw[row]);
  }
  return r;
}

TestVectors make_test_vectors(const nn::QuantizedModel& model, const data::FeatureMatrix& features,
                              std::size_t max_rows) {
  if (features.cols() != model.n_inputs)
    throw DataError({}, {}, "the data set does not fit the model", fmt::format("{} features", model.n_inputs),
                    fmt::format("{}", features.cols()));
  const auto rows = std::min<std::size_t>(max_rows, static_cast<std::size_t>(features.rows()));
  if (rows == 0) throw DataError({}, {}, "no samples to simulate", "at least one row", "0");
  const data::FeatureMatrix head = features.topRows(static_cast<Eigen::Index>(rows));
  return make_test_vectors(model, nn::quantize_inputs(model, head));
}

std::string pack_hex(std::span<const std::int64_t> values, std::size_t per_row, const std::vector<int>& bits) {
  NAS4ML_ASSERT(per_row == bits.size() && per_row > 0, "one width per value of a row");
  NAS4ML_ASSERT(values.size() % per_row == 0, "whole rows");
  int total = 0;
  for (int b : bits) total += b;
  const int digits = (total + 3) / 4;
  std::string out;
  std::vector<std::uint8_t> word(static_cast<std::size_t>(digits) * 4);
  for (std::size_t r = 0; r < values.size() / per_row; ++r) {
    std::fill(word.begin(), word.end(), 0);
    int pos = 0;
    for (std::size_t j = 0; j < per_row; ++j) {
      const auto v = static_cast<std::uint64_t>(values[r * per_row + j]);
      for (int b = 0; b < bits[j]; ++b) word[static_cast<std::size_t>(pos + b)] = b < 64 ? ((v >> b) & 1u) : 0;
      pos += bits[j];
    }
    for (int d = digits - 1; d >= 0; --d) {
      const int nibble = word[4 * d] | word[4 * d + 1] << 1 | word[4 * d + 2] << 2 | word[4 * d + 3] << 3;
      out += "0123456789abcdef"[nibble];
    }
    out += '\n';
  }
  return out;
}

namespace {
// The slots both benches share.
Json bench_context(const PortLayout& p, const std::string& top, std::size_t rows) {
  return Json{{"top", top},
              {"rows", rows},
              {"in_width", p.in_width},
              {"out_width", p.out_width},
              {"max_extra_cycles", p.latency_cycles + 1000}};
}
}  // namespace

std::string verilog_testbench(const PortLayout& p, const std::string& top, std::size_t rows) {
  return render_embedded("verilog/testbench.v.tpl", bench_context(p, top, rows));
}

std::string verilator_harness(const PortLayout& p, const std::string& top, std::size_t rows) {
  const int in_words = (p.in_width + 31) / 32;
  const int out_words = (p.out_width + 31) / 32;
  Json c = bench_context(p, top, rows);
  c["in_words"] = in_words;
  c["out_words"] = out_words;
  c["in_scalar"] = p.in_width <= 64;  // Verilator: a uint64_t port up to 64 bits, else a word array
  c["in_two_words"] = in_words > 1;
  c["out_scalar"] = p.out_width <= 64;
  c["out_two_words"] = out_words > 1;
  return render_embedded("verilog/verilator_harness.cpp.tpl", c);
}

void write_testbench_files(const fs::path& dir, const PortLayout& ports, const std::string& top,
                           const TestVectors& vectors) {
  const TestVectors t = rtl_outputs(vectors);  // an autoencoder's score is the last output
  NAS4ML_ASSERT(t.n_inputs == ports.n_inputs, "vectors and ports agree on inputs");
  NAS4ML_ASSERT(static_cast<std::size_t>(t.n_outputs) == ports.output_bits.size(), "vectors and ports agree on outputs");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw ToolError(dir.string(), {}, "cannot create the simulation folder: " + ec.message());
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream out(dir / name, std::ios::binary);
    out << text;
    if (!out) throw ToolError((dir / name).string(), {}, "cannot write file");
  };
  write("inputs.hex", pack_hex(t.inputs_raw, static_cast<std::size_t>(t.n_inputs),
                               std::vector<int>(static_cast<std::size_t>(t.n_inputs), ports.input_bits)));
  write("expected.hex", pack_hex(t.outputs_raw, static_cast<std::size_t>(t.n_outputs), ports.output_bits));
  write("tb_" + top + ".v", verilog_testbench(ports, top, t.rows));
  write("sim_main.cpp", verilator_harness(ports, top, t.rows));
}

SimulationCounts parse_simulation_line(const std::string& output, const std::string& file) {
  static const std::regex line(R"(nas4ml-sim samples=(\d+) checked=(\d+) mismatches=(\d+) latency=(-?\d+))");
  std::smatch m;
  if (!std::regex_search(output, m, line))
    throw ToolError(file, {}, "the simulation did not print its result line",
                    "\"nas4ml-sim samples=.. checked=.. mismatches=.. latency=..\"", "none");
  SimulationCounts c;
  c.samples = std::stoull(m[1].str());
  c.checked = std::stoull(m[2].str());
  c.mismatches = std::stoull(m[3].str());
  c.latency = std::stoi(m[4].str());
  return c;
}

}  // namespace nas4ml::firmware
