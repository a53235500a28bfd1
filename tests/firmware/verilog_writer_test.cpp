#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "firmware/random_model.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"
#include "support/read_text.hpp"

using namespace nas4ml;
using nas4ml::test::read_text;

namespace {

// A 3-input -> 2 (ReLU) -> 2 model small enough to read: the golden file shows every adder,
// cast, ReLU and register of it.
nn::QuantizedModel tiny_model() {
  nn::QuantizedModel m;
  m.name = "tiny";
  m.n_inputs = 3;
  m.input_format = parse_fixed_format("ap_fixed<6,3>");
  nn::QuantizedLayer h;
  h.n_in = 3;
  h.n_out = 2;
  h.activation = nn::Activation::relu;
  h.weight_format = parse_fixed_format("ap_fixed<4,1>");
  h.bias_format = parse_fixed_format("ap_fixed<6,3>");
  h.result_format = parse_fixed_format("ap_fixed<6,3,AP_RND,AP_SAT>");
  h.weights = {3, -5, 0,   // neuron 0: 3x0 - 5x1
               7, 2, -8};  // neuron 1: 7x0 + 2x1 - 8x2
  h.mask = {1, 1, 0, 1, 1, 1};
  h.biases = {4, -3};
  nn::QuantizedLayer o;
  o.n_in = 2;
  o.n_out = 2;
  o.activation = nn::Activation::linear;
  o.weight_format = parse_fixed_format("ap_fixed<4,1>");
  o.bias_format = parse_fixed_format("ap_fixed<6,3>");
  o.result_format = parse_fixed_format("ap_fixed<8,4>");
  o.weights = {5, -3, -6, 1};
  o.mask = {1, 1, 1, 1};
  o.biases = {0, 2};
  m.layers = {h, o};
  m.feature_names = {"a", "b", "c"};
  m.class_names = {"p", "q"};
  m.input_offset = {0, 0, 0};
  m.input_scale = {1, 1, 1};
  return m;
}

netlist::LoweringOptions one_level_per_stage() {
  netlist::LoweringOptions o;
  o.levels_per_stage = 1;
  o.sharing = netlist::Sharing::none;  // the per-neuron trees golden/tiny.v pins (the default is cse)
  return o;
}

}  // namespace

TEST_CASE("golden Verilog of a tiny model", "[firmware][verilog]") {
  const auto net = netlist::lower(tiny_model(), one_level_per_stage());
  firmware::VerilogOptions opt;
  opt.top = "tiny";
  const std::string text = firmware::write_verilog(net, opt);
  const auto golden_path = std::filesystem::path(test::source_path("tests/firmware/golden/tiny.v"));
  if (std::getenv("NAS4ML_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden_path, std::ios::binary) << text;
    WARN("golden file rewritten: " << golden_path);
  }
  const std::string golden = read_text(golden_path);
  if (text != golden) {
    test::TempDir keep;
    const auto actual = std::filesystem::temp_directory_path() / "nas4ml-tiny-actual.v";
    std::ofstream(actual, std::ios::binary) << text;
    FAIL("generated Verilog differs from " << golden_path << "; actual text in " << actual
                                           << " (NAS4ML_UPDATE_GOLDEN=1 rewrites the golden file after review)");
  }
}

TEST_CASE("the Verilog has the promised shape", "[firmware][verilog]") {
  const auto model = tiny_model();
  const auto net = netlist::lower(model, one_level_per_stage());
  const std::string v = firmware::write_verilog(net, {});
  // One module per layer plus the top.
  CHECK(v.find("module nas4ml_top_layer0 (") != std::string::npos);
  CHECK(v.find("module nas4ml_top_layer1 (") != std::string::npos);
  CHECK(v.find("module nas4ml_top (") != std::string::npos);
  // Packed ports: 3 x 6 input bits, 2 x 8 output bits.
  CHECK(v.find("input  wire [17:0] in_data") != std::string::npos);
  CHECK(v.find("output wire [15:0] out_data") != std::string::npos);
  CHECK(v.find("out_valid") != std::string::npos);
  // A header with the model, formats and latency.
  CHECK(v.find("model \"tiny\"") != std::string::npos);
  CHECK(v.find("ap_fixed<6,3>") != std::string::npos);
  CHECK(v.find("ap_fixed<8,4>") != std::string::npos);
  CHECK(v.find("Latency: " + std::to_string(net.latency_cycles) + " clock cycles") != std::string::npos);
  // Shift-add variant: no products, no signed arithmetic on adders, no vendor primitives.
  CHECK(v.find(" * ") == std::string::npos);
  for (const char* prim : {"LUT6", "FDRE", "CARRY4", "DSP48", "SRL16"}) CHECK(v.find(prim) == std::string::npos);
  // Exactly one register statement per netlist register node.
  std::size_t regs = 0;
  for (const auto& n : net.nodes) regs += n.kind == netlist::NodeKind::reg;
  std::size_t always = 0;
  for (auto pos = v.find("always @(posedge clk) l"); pos != std::string::npos; pos = v.find("always @(posedge clk) l", pos + 1))
    ++always;
  CHECK(always == regs);
}

TEST_CASE("the DSP variant prints plain products", "[firmware][verilog]") {
  auto opt = one_level_per_stage();
  opt.dsp_products = true;
  const auto net = netlist::lower(tiny_model(), opt);
  const std::string v = firmware::write_verilog(net, {});
  CHECK(v.find("$signed(") != std::string::npos);
  CHECK(v.find(" * ") != std::string::npos);
  CHECK(v.find("plain `*` products") != std::string::npos);
}

TEST_CASE("a bad top module name is rejected", "[firmware][verilog]") {
  const auto net = netlist::lower(tiny_model(), one_level_per_stage());
  firmware::VerilogOptions opt;
  opt.top = "9bad name";
  CHECK_THROWS_AS(firmware::write_verilog(net, opt), ConfigError);
}

TEST_CASE("hex packing puts value 0 in the low bits, two's complement", "[firmware][testbench]") {
  const std::vector<std::int64_t> v = {-1, 2, 5, -8};
  // Row 0: -1 in 4 bits = f, 2 in 6 bits = 000010 -> bits: 000010 1111 = 0x2f (10 bits -> 3 digits)
  // Row 1: 5 = 0101, -8 in 6 bits = 111000 -> 1110000101 = 0x385.
  CHECK(firmware::pack_hex(v, 2, {4, 6}) == "02f\n385\n");
}

TEST_CASE("a model name with a newline cannot start live Verilog", "[firmware][verilog][hardening]") {
  nn::QuantizedModel m = tiny_model();
  m.name = "ok\nmodule evil; initial begin $fopen(\"/tmp/pwn\"); end endmodule\r\n// \x7f";
  const std::string v = firmware::write_verilog(netlist::lower(m, {}), {});
  std::istringstream lines(v);
  std::string line;
  int evil_lines = 0;
  while (std::getline(lines, line)) {
    if (line.find("evil") == std::string::npos) continue;
    ++evil_lines;
    CHECK(line.rfind("// ", 0) == 0);  // only ever inside the header comment
    CHECK(line.find("ok\\x0amodule evil") != std::string::npos);
    CHECK(line.find("\\x0d\\x0a// \\x7f") != std::string::npos);
  }
  CHECK(evil_lines == 1);
}
