// Activations as Verilog lookup ROMs (netlist/lookup.hpp): Verilator runs the generated design
// on 1,000 samples per kind and finds it bit-exact with the golden integer model.
#include <catch2/catch.hpp>

#include <set>

#include "firmware/random_model.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/simulator.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

TEST_CASE("Verilator is bit-exact on every ROM activation", "[synth][simulation][verilator][activation]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  const nn::Activation kinds[] = {nn::Activation::leaky_relu, nn::Activation::hard_sigmoid, nn::Activation::hard_tanh,
                                  nn::Activation::tanh, nn::Activation::sigmoid};
  for (nn::Activation a : kinds) {
    SECTION(nn::to_string(a)) {
      test::RandomModelSpec spec;
      spec.sizes = {6, 7, 5, 3};
      spec.input = parse_fixed_format("ap_fixed<8,3>");
      spec.weight = parse_fixed_format("ap_fixed<5,1>");
      spec.hidden_result = parse_fixed_format(a == nn::Activation::tanh ? "ap_fixed<8,3,AP_RND,AP_SAT>" : "ap_fixed<8,3>");
      spec.output_result = parse_fixed_format("ap_fixed<10,4>");
      spec.sparsity = 0.2;
      spec.seed = 31;
      nn::QuantizedModel model = test::random_model(spec);
      for (std::size_t k = 0; k + 1 < model.layers.size(); ++k) model.layers[k].activation = a;
      netlist::LoweringOptions lowering;
      lowering.levels_per_stage = 2;
      const auto net = netlist::lower(model, lowering);
      firmware::VerilogOptions vopt;
      vopt.top = "dut";
      const std::string verilog = firmware::write_verilog(net, vopt);
      CHECK(verilog.find(nn::to_string(a) + " ROM of") != std::string::npos);
      const auto vectors = firmware::make_test_vectors(model, test::random_inputs(model, 1000, 12));
      // The outputs vary: the ROMs are exercised over many addresses.
      const std::set<std::int64_t> distinct(vectors.outputs_raw.begin(), vectors.outputs_raw.end());
      CHECK(distinct.size() > 50);
      test::TempDir dir;
      const auto report = synth::simulate_design(verilog, vopt.top, firmware::port_layout(net), vectors, dir.path());
      CHECK(report.counts.checked == 1000);
      CHECK(report.counts.mismatches == 0);
      CHECK(report.ok());
    }
  }
}
