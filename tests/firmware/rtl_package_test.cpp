// The rtl firmware package's files: ports and widths in the README, the clock in the XDC, the
// part and sources in the Vivado script, the golden argmax, and bad names refused.
#include <catch2/catch.hpp>

#include "firmware/random_model.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/rtl_package.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "support/read_text.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

TEST_CASE("the rtl package writes its top level, XDC, Vivado script and README", "[firmware][package]") {
  test::RandomModelSpec spec;
  spec.sizes = {5, 4, 3};  // 5 x 8-bit inputs (40 bits), 3 x 10-bit outputs (30 bits -> 32)
  const auto model = test::random_model(spec);
  const auto net = netlist::lower(model, {});
  firmware::RtlPackageOptions o;
  o.top = "jet_tagger";
  o.clock_ns = 4.0;
  o.part = "xcku115-flvb2104-2-e";
  const auto layout = firmware::rtl_package_layout(firmware::port_layout(net), o);
  CHECK(layout.s_width == 40);
  CHECK(layout.m_width == 32);
  // 3 outputs: 2 comparison levels, one register each by default (1 level per stage).
  CHECK(layout.argmax_levels == 2);
  CHECK(layout.argmax_stages == 2);
  CHECK(layout.latency_cycles == net.latency_cycles + 2 + 2);
  CHECK(layout.fifo_depth == net.latency_cycles + 2 + 2);
  CHECK(layout.argmax);
  CHECK(layout.class_bits == 2);
  test::TempDir tmp;
  const auto files = firmware::write_rtl_package(tmp.path(), model, layout, o, "nas4ml_top.v");
  CHECK(files == std::vector<std::string>{"jet_tagger.v", "constraints.xdc", "build_vivado.tcl", "README.md"});
  const std::string top = test::read_text(tmp.path() / "jet_tagger.v");
  CHECK_THAT(top, Catch::Contains("module jet_tagger (") && Catch::Contains("nas4ml_top u_core") &&
                      Catch::Contains("input  wire [39:0] s_axis_tdata") && Catch::Contains("output wire [31:0] m_axis_tdata") &&
                      Catch::Contains("output wire [1:0] m_class") && Catch::Contains("assign m_axis_tdata = { 2'b0, m_data_r };"));
  CHECK(top.find("{{") == std::string::npos);
  const std::string xdc = test::read_text(tmp.path() / "constraints.xdc");
  CHECK_THAT(xdc, Catch::Contains("create_clock -period 4 -name clk [get_ports clk]") && Catch::Contains("m_class[*]"));
  const std::string tcl = test::read_text(tmp.path() / "build_vivado.tcl");
  CHECK_THAT(tcl, Catch::Contains("set part xcku115-flvb2104-2-e") && Catch::Contains("nas4ml_top.v $here/jet_tagger.v") &&
                      Catch::Contains("synth_design -top $top -part $part -mode out_of_context") &&
                      Catch::Contains("report_timing_summary"));
  const std::string readme = test::read_text(tmp.path() / "README.md");
  CHECK_THAT(readme, Catch::Contains("| `s_axis_tdata` | in | 40 | input i of 5 at bits `[i*8 +: 8]`") &&
                         Catch::Contains("| `m_axis_tdata` | out | 32 | output o of 3 at bits `[o*10 +: 10]`") &&
                         Catch::Contains("| `m_class` | out | 2 |") &&
                         Catch::Contains("Latency: " + std::to_string(net.latency_cycles + 4) + " clock cycles"));
  CHECK_THAT(tcl, Catch::Contains("report_utilization -hierarchical -file $here/reports/utilization_hierarchical.rpt") &&
                      Catch::Contains("-flatten_hierarchy rebuilt"));
}

TEST_CASE("the argmax tree is cut into stages like the core's adder levels", "[firmware][package]") {
  test::RandomModelSpec spec;
  spec.sizes = {4, 3, 10};  // 10 outputs: 4 comparison levels
  const auto model = test::random_model(spec);
  const auto ports = firmware::port_layout(netlist::lower(model, {}));
  for (const auto& [k, stages] : std::vector<std::pair<int, int>>{{1, 4}, {2, 2}, {3, 2}, {4, 1}, {9, 1}}) {
    INFO("levels per stage " << k);
    firmware::RtlPackageOptions o;
    o.argmax_levels_per_stage = k;
    const auto layout = firmware::rtl_package_layout(ports, o);
    CHECK(layout.argmax_levels == 4);
    CHECK(layout.argmax_stages == stages);
    CHECK(layout.latency_cycles == ports.latency_cycles + stages + 2);
    const std::string top = firmware::rtl_package_top(model, layout, o);
    // One register per stage on the data word; the class of the last level is the FIFO's top bits.
    CHECK_THAT(top, Catch::Contains("reg [OW-1:0] am_d" + std::to_string(stages) + ";") &&
                        Catch::Contains("assign pipe_word = {am_k4_0, am_d" + std::to_string(stages) + "};"));
    CHECK(top.find("am_d" + std::to_string(stages + 1)) == std::string::npos);
    CHECK(top.find("{{") == std::string::npos);
  }
}

TEST_CASE("one output: no class port, no padding when whole bytes", "[firmware][package]") {
  test::RandomModelSpec spec;
  spec.sizes = {4, 3, 1};
  spec.output_result = parse_fixed_format("ap_fixed<16,6>");
  const auto model = test::random_model(spec);
  const auto layout = firmware::rtl_package_layout(firmware::port_layout(netlist::lower(model, {})), {});
  CHECK_FALSE(layout.argmax);
  CHECK(layout.m_width == 16);
  const std::string top = firmware::rtl_package_top(model, layout, {});
  CHECK(top.find("m_class") == std::string::npos);
  CHECK_THAT(top, Catch::Contains("assign m_axis_tdata = m_data_r;"));
}

TEST_CASE("the golden argmax takes the first of equal outputs", "[firmware][package]") {
  firmware::TestVectors t;
  t.rows = 3;
  t.n_inputs = 1;
  t.n_outputs = 3;
  t.inputs_raw = {0, 0, 0};
  t.outputs_raw = {-5, -2, -9, 4, 7, 7, 3, 3, -1};
  CHECK(firmware::argmax_classes(t) == std::vector<int>{1, 1, 0});
}

TEST_CASE("the package refuses a top name that is no identifier or the core's", "[firmware][package]") {
  firmware::PortLayout p;
  p.n_inputs = 1;
  p.input_bits = 4;
  p.in_width = 4;
  p.output_bits = {4};
  p.output_offset = {0};
  p.out_width = 4;
  p.latency_cycles = 2;
  firmware::RtlPackageOptions o;
  o.top = "9lives";
  CHECK_THROWS_AS(firmware::rtl_package_layout(p, o), ConfigError);
  o.top = o.core;
  CHECK_THROWS_WITH(firmware::rtl_package_layout(p, o), Catch::Contains("other than the core's"));
}
