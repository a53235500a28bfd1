#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "firmware/random_model.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/simulator.hpp"
#include "support/temp_dir.hpp"
#include "support/read_text.hpp"

using namespace nas4ml;
using nas4ml::test::read_text;

namespace {

struct Case {
  const char* label;
  test::RandomModelSpec spec;
  netlist::LoweringOptions lowering;
};

synth::SimulationReport simulate(const nn::QuantizedModel& model, const netlist::LoweringOptions& lowering,
                                 std::size_t rows, synth::Simulator sim, const std::filesystem::path& dir,
                                 firmware::TestVectors* vectors_out = nullptr) {
  const auto net = netlist::lower(model, lowering);
  firmware::VerilogOptions vopt;
  vopt.top = "dut";
  const std::string verilog = firmware::write_verilog(net, vopt);
  auto vectors = firmware::make_test_vectors(model, test::random_inputs(model, rows, 11));
  if (vectors_out) *vectors_out = vectors;
  synth::SimulationOptions opt;
  opt.simulator = sim;
  return synth::simulate_design(verilog, vopt.top, firmware::port_layout(net), vectors, dir, opt);
}

}  // namespace

TEST_CASE("Verilator simulation is bit-exact on 1,000 samples for several formats", "[synth][simulation][verilator]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  std::vector<Case> cases;
  {
    Case c{"wrap/truncate, signed, 2 hidden layers", {}, {}};
    c.spec.sizes = {6, 5, 4, 3};
    c.spec.seed = 21;
    c.lowering.levels_per_stage = 2;
    cases.push_back(c);
  }
  {
    Case c{"AP_RND + AP_SAT everywhere, negative outputs saturate", {}, {}};
    c.spec.sizes = {8, 6, 4};
    c.spec.input = parse_fixed_format("ap_fixed<10,4>");
    c.spec.weight = parse_fixed_format("ap_fixed<8,2>");
    c.spec.hidden_result = parse_fixed_format("ap_fixed<6,2,AP_RND,AP_SAT>");
    c.spec.output_result = parse_fixed_format("ap_fixed<5,2,AP_RND,AP_SAT>");
    c.spec.sparsity = 0.1;
    c.spec.seed = 22;
    c.lowering.levels_per_stage = 1;
    cases.push_back(c);
  }
  {
    Case c{"unsigned inputs, wrapping narrow outputs, 70% pruned, 4 levels per stage", {}, {}};
    c.spec.sizes = {12, 8, 5};
    c.spec.input = parse_fixed_format("ap_ufixed<7,2>");
    c.spec.weight = parse_fixed_format("ap_fixed<4,1>");
    c.spec.hidden_result = parse_fixed_format("ap_fixed<7,3,AP_TRN,AP_WRAP>");
    c.spec.output_result = parse_fixed_format("ap_fixed<6,1>");
    c.spec.sparsity = 0.7;
    c.spec.seed = 23;
    c.lowering.levels_per_stage = 4;
    cases.push_back(c);
  }
  {
    Case c{"DSP variant: plain products, 12-bit weights", {}, {}};
    c.spec.sizes = {5, 4, 3};
    c.spec.weight = parse_fixed_format("ap_fixed<12,3>");
    c.spec.hidden_result = parse_fixed_format("ap_fixed<9,4,AP_RND,AP_SAT>");
    c.spec.seed = 24;
    c.lowering.dsp_products = true;
    c.lowering.levels_per_stage = 1;
    cases.push_back(c);
  }
  for (const auto& c : cases) {
    SECTION(c.label) {
      const auto model = test::random_model(c.spec);
      test::TempDir dir;
      firmware::TestVectors vectors;
      const auto report = simulate(model, c.lowering, 1000, synth::Simulator::verilator, dir.path(), &vectors);
      CHECK(report.counts.samples == 1000);
      CHECK(report.counts.checked == 1000);
      CHECK(report.counts.mismatches == 0);
      CHECK(report.counts.latency == report.expected_latency);
      CHECK(report.ok());
      CHECK(report.tool_version.rfind("Verilator", 0) == 0);
      // The vectors exercise negative outputs (and, where saturating, both limits).
      bool negative = false;
      for (auto v : vectors.outputs_raw) negative = negative || v < 0;
      CHECK(negative);
      if (model.layers.back().result_format.overflow == Overflow::saturate) {
        const auto& f = model.layers.back().result_format;
        bool hit_max = false, hit_min = false;
        for (auto v : vectors.outputs_raw) {
          hit_max = hit_max || v == f.max_raw();
          hit_min = hit_min || v == f.min_raw();
        }
        CHECK(hit_max);
        CHECK(hit_min);
      }
    }
  }
}

TEST_CASE("a simulation reports mismatches when the expected values are wrong", "[synth][simulation][verilator]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  test::RandomModelSpec spec;
  spec.seed = 31;
  const auto model = test::random_model(spec);
  netlist::LoweringOptions lowering;
  const auto net = netlist::lower(model, lowering);
  auto vectors = firmware::make_test_vectors(model, test::random_inputs(model, 50, 3));
  vectors.outputs_raw[3] += 1;
  vectors.outputs_raw[2 * 40] -= 1;
  test::TempDir dir;
  const auto report = synth::simulate_design(firmware::write_verilog(net, {}), "nas4ml_top", firmware::port_layout(net),
                                             vectors, dir.path());
  CHECK(report.counts.mismatches == 2);
  CHECK_FALSE(report.ok());
  const std::string log = read_text(dir.path() / "simulation.log");
  CHECK(log.find("mismatch sample=1 ") != std::string::npos);
  CHECK(log.find("mismatch sample=40 ") != std::string::npos);
}

TEST_CASE("a missing simulator is a clear error", "[synth][simulation]") {
  test::RandomModelSpec spec;
  const auto model = test::random_model(spec);
  const auto net = netlist::lower(model, {});
  const auto vectors = firmware::make_test_vectors(model, test::random_inputs(model, 5, 3));
  test::TempDir dir;
  synth::SimulationOptions opt;
  opt.program = (dir.path() / "no-verilator").string();
  CHECK_THROWS_WITH(synth::simulate_design(firmware::write_verilog(net, {}), "nas4ml_top", firmware::port_layout(net),
                                           vectors, dir.path() / "sim", opt),
                    Catch::Contains("no-verilator") && Catch::Contains("scripts/install-deps.sh"));
  CHECK_THROWS_AS(synth::parse_simulator("modelsim"), ConfigError);
}

TEST_CASE("the self-checking Verilog test bench passes under Icarus Verilog", "[synth][simulation][iverilog]") {
  if (!synth::find_program("iverilog")) FAIL("iverilog is not installed: run scripts/install-deps.sh");
  test::RandomModelSpec spec;
  spec.sizes = {3, 4, 2};
  spec.hidden_result = parse_fixed_format("ap_fixed<6,3,AP_RND,AP_SAT>");
  spec.seed = 41;
  const auto model = test::random_model(spec);
  netlist::LoweringOptions lowering;
  lowering.levels_per_stage = 1;
  test::TempDir dir;
  const auto report = simulate(model, lowering, 300, synth::Simulator::iverilog, dir.path());
  CHECK(report.counts.samples == 300);
  CHECK(report.counts.checked == 300);
  CHECK(report.counts.mismatches == 0);
  CHECK(report.counts.latency == report.expected_latency);
  CHECK(report.tool_version.find("Icarus Verilog") != std::string::npos);

  // The bench must be able to fail: corrupt two expected values and run it again.
  const auto net = netlist::lower(model, lowering);
  auto vectors = firmware::make_test_vectors(model, test::random_inputs(model, 300, 11));
  vectors.outputs_raw[5] ^= 1;
  vectors.outputs_raw[2 * 100 + 1] += 2;
  synth::SimulationOptions opt;
  opt.simulator = synth::Simulator::iverilog;
  firmware::VerilogOptions vopt;
  vopt.top = "dut";
  const auto bad = synth::simulate_design(firmware::write_verilog(net, vopt), "dut", firmware::port_layout(net), vectors,
                                          dir.path() / "bad", opt);
  CHECK(bad.counts.mismatches == 2);
  const std::string log = read_text(dir.path() / "bad" / "simulation.log");
  CHECK(log.find("mismatch sample=2 ") != std::string::npos);
  CHECK(log.find("mismatch sample=100 ") != std::string::npos);
}

// Regression (benchmark model m20): a hidden neuron with all weights pruned is a constant; it
// reaches the next layer as an input port and must not also be declared there as a local wire.
TEST_CASE("constant hidden neurons feeding the next layer simulate bit-exactly", "[synth][simulation][verilator]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  test::RandomModelSpec spec;
  spec.sizes = {6, 5, 4, 3};
  spec.seed = 51;
  auto model = test::random_model(spec);
  for (int layer : {0, 1})
    for (int i = 0; i < model.layers[layer].n_in; ++i) {  // neuron 1 of layers 0 and 1: bias only
      model.layers[layer].weights[static_cast<std::size_t>(1 * model.layers[layer].n_in + i)] = 0;
      model.layers[layer].mask[static_cast<std::size_t>(1 * model.layers[layer].n_in + i)] = 0;
    }
  netlist::LoweringOptions lowering;
  lowering.levels_per_stage = 1;
  const auto net = netlist::lower(model, lowering);
  REQUIRE(net.layers[0].constant_output[1] == 1);
  test::TempDir dir;
  const auto report = simulate(model, lowering, 1000, synth::Simulator::verilator, dir.path());
  CHECK(report.counts.checked == 1000);
  CHECK(report.counts.mismatches == 0);
  CHECK(report.ok());
}

TEST_CASE("networks lowered with shared subexpressions simulate bit-exactly under Verilator",
          "[synth][simulation][verilator][sharing]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  for (int dc : {-1, 0}) {
    DYNAMIC_SECTION("sharing cse, dc " << dc) {
      test::RandomModelSpec spec;
      spec.sizes = {10, 8, 6, 3};
      spec.weight = parse_fixed_format("ap_fixed<7,2>");
      spec.hidden_result = parse_fixed_format(dc < 0 ? "ap_fixed<8,3>" : "ap_fixed<7,3,AP_RND,AP_SAT>");
      spec.sparsity = 0.3;
      spec.seed = 31 + static_cast<std::uint64_t>(dc + 1);
      auto model = test::random_model(spec);
      for (auto& l : model.layers) l.dc = dc;
      netlist::LoweringOptions lowering;
      lowering.sharing = netlist::Sharing::cse;
      lowering.levels_per_stage = dc < 0 ? 2 : 1;
      // Sharing really changed the netlist: fewer adders than the plain trees.
      auto adders = [](const netlist::Netlist& n) {
        return std::count_if(n.nodes.begin(), n.nodes.end(), [](const netlist::Node& x) {
          return x.kind == netlist::NodeKind::add || x.kind == netlist::NodeKind::sub;
        });
      };
      netlist::LoweringOptions plain = lowering;
      plain.sharing = netlist::Sharing::none;
      CHECK(adders(netlist::lower(model, lowering)) < adders(netlist::lower(model, plain)));
      test::TempDir dir;
      const auto report = simulate(model, lowering, 1000, synth::Simulator::verilator, dir.path());
      CHECK(report.counts.checked == 1000);
      CHECK(report.counts.mismatches == 0);
      CHECK(report.counts.latency == report.expected_latency);
      CHECK(report.ok());
    }
  }
}
