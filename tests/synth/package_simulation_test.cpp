// The rtl firmware package's top level under Verilator: bit-exact against the golden model with
// random valid/ready, long output stalls and a reset in the middle of the stream; and the bench
// catching a top level that drops back-pressure, keeps samples over a reset or throttles.
#include <catch2/catch.hpp>

#include <regex>

#include "firmware/random_model.hpp"
#include "nas4ml/firmware/rtl_package.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/synth/package_simulation.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/yosys_backend.hpp"
#include "support/read_text.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

namespace {

struct Built {
  std::string core, top;
  firmware::RtlPackageLayout layout;
  firmware::TestVectors vectors;
  firmware::RtlPackageOptions options;
};

Built build(const test::RandomModelSpec& spec, int levels_per_stage, std::size_t rows) {
  const auto model = test::random_model(spec);
  netlist::LoweringOptions lo;
  lo.levels_per_stage = levels_per_stage;
  const auto net = netlist::lower(model, lo);
  Built b;
  b.core = firmware::write_verilog(net, {});
  b.options.top = "nas4ml_top_axis";
  b.options.argmax_levels_per_stage = net.layers.back().levels_per_stage;  // as the rtl target cuts it
  b.layout = firmware::rtl_package_layout(firmware::port_layout(net), b.options);
  b.top = firmware::rtl_package_top(model, b.layout, b.options);
  b.vectors = firmware::make_test_vectors(model, test::random_inputs(model, rows, 5));
  return b;
}

synth::PackageSimulationReport run(const Built& b, const std::string& top_verilog, const std::filesystem::path& dir) {
  return synth::simulate_rtl_package(b.core, top_verilog, b.layout, b.options.top, b.vectors, dir);
}

}  // namespace

TEST_CASE("the firmware package's top level is bit-exact under reset and back-pressure", "[synth][package][verilator]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  struct Case {
    const char* label;
    test::RandomModelSpec spec;
    int levels;
  };
  std::vector<Case> cases;
  {
    Case c{"3 classes (argmax), 1 adder level per stage: a deep pipeline", {}, 1};
    c.spec.sizes = {6, 5, 3};
    c.spec.seed = 31;
    cases.push_back(c);
  }
  {
    Case c{"one output (no class port), 96-bit input port, unsigned saturating outputs", {}, 3};
    c.spec.sizes = {12, 6, 1};
    c.spec.input = parse_fixed_format("ap_fixed<8,3>");
    c.spec.output_result = parse_fixed_format("ap_ufixed<7,3,AP_RND,AP_SAT>");
    c.spec.seed = 32;
    cases.push_back(c);
  }
  {
    Case c{"10 classes of 4 saturating bits (many ties: the first largest wins), 1 level per stage: 4 argmax stages", {}, 1};
    c.spec.sizes = {6, 5, 10};
    c.spec.output_result = parse_fixed_format("ap_fixed<4,2,AP_TRN,AP_SAT>");
    c.spec.seed = 36;
    cases.push_back(c);
  }
  {
    Case c{"7 classes, 3 levels per stage: the argmax tree in one stage", {}, 3};
    c.spec.sizes = {5, 4, 7};
    c.spec.seed = 37;
    cases.push_back(c);
  }
  {
    Case c{"5 classes, wide outputs: a 90-bit (padded 96) output port", {}, 2};
    c.spec.sizes = {5, 4, 5};
    c.spec.output_result = parse_fixed_format("ap_fixed<18,8>");
    c.spec.seed = 33;
    cases.push_back(c);
  }
  test::TempDir tmp;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].label);
    const Built b = build(cases[i].spec, cases[i].levels, 600);
    const auto r = run(b, b.top, tmp.path() / std::to_string(i));
    INFO(test::read_text(tmp.path() / std::to_string(i) / "simulation.log"));
    CHECK(r.counts.samples == 600);
    CHECK(r.counts.mismatches == 0);
    CHECK(r.counts.class_mismatches == 0);
    CHECK(r.counts.dropped >= 2);  // the reset came with samples in flight
    CHECK(r.counts.checked + r.counts.dropped == 600);
    CHECK(r.counts.latency == b.layout.core.latency_cycles + b.layout.argmax_stages + 2);
    CHECK(r.counts.stalls == 0);
    CHECK(r.counts.protocol_errors == 0);
    CHECK(r.counts.resets == 1);
    CHECK(r.ok());
    CHECK(b.layout.argmax == (cases[i].spec.sizes.back() >= 2));
    if (cases[i].spec.sizes.back() == 10) CHECK(b.layout.argmax_stages == 4);
    if (cases[i].spec.sizes.back() == 7) CHECK(b.layout.argmax_stages == 1);
  }
}

TEST_CASE("the stream bench catches a top level that breaks the handshake, the reset or the throughput",
          "[synth][package][verilator]") {
  if (!synth::find_program("verilator")) FAIL("verilator is not installed: run scripts/install-deps.sh");
  test::RandomModelSpec spec;
  spec.sizes = {4, 4, 3};
  spec.seed = 34;
  const Built b = build(spec, 1, 300);
  test::TempDir tmp;
  auto mutate = [&](const std::string& from, const std::string& to) {
    const auto pos = b.top.find(from);
    REQUIRE(pos != std::string::npos);
    std::string t = b.top;
    t.replace(pos, from.size(), to);
    return t;
  };
  SECTION("ignoring m_axis_tready loses and changes held results") {
    const auto r = run(b, mutate("wire out_free = ~m_valid_r | m_axis_tready;", "wire out_free = 1'b1;"), tmp.path());
    CHECK(r.counts.protocol_errors > 0);
    CHECK_FALSE(r.ok());
  }
  SECTION("a valid pipeline without reset delivers samples from before the reset") {
    const auto r = run(b, mutate("if (rst) valid_pipe <= {L{1'b0}};\n        else ", ""), tmp.path());
    CHECK(r.counts.mismatches > 0);
    CHECK_FALSE(r.ok());
  }
  SECTION("a FIFO one entry short refuses samples while the output flows") {
    const auto r = run(b, mutate("localparam F = " + std::to_string(b.layout.fifo_depth),
                                 "localparam F = " + std::to_string(b.layout.fifo_depth - 1)), tmp.path());
    CHECK(r.counts.stalls > 0);
    CHECK(r.counts.mismatches == 0);
    CHECK_FALSE(r.ok());
  }
  SECTION("a wrong golden output is exactly one mismatch") {
    Built wrong = b;
    wrong.vectors.outputs_raw[0] += 1;
    const auto r = run(wrong, wrong.top, tmp.path());
    CHECK(r.counts.mismatches == 1);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("the firmware package's top level synthesizes with yosys: registers, FIFO, no latch, no path beyond the core's",
          "[synth][package][yosys]") {
  if (!synth::find_program("yosys")) FAIL("yosys is not installed: run scripts/install-deps.sh");
  test::RandomModelSpec spec;
  spec.sizes = {4, 3, 3};
  spec.seed = 35;
  const Built b = build(spec, 2, 1);
  test::TempDir tmp;
  const auto core = synth::synthesize_with_yosys(b.core, "nas4ml_top", tmp.path() / "core", {});
  const auto top = synth::synthesize_with_yosys(b.core + "\n" + b.top, b.options.top, tmp.path() / "top", {});
  for (const auto& [cell, n] : top.cells) {
    INFO(cell);
    CHECK(cell.find("LATCH") == std::string::npos);
    CHECK(cell.find("LDCE") == std::string::npos);
  }
  // At least the input register (12 bits + valid), the output register (3 x 10 bits + valid) and
  // the class register (2 bits) beyond the core's flip-flops.
  CHECK(top.resources.ff >= core.resources.ff + 13 + 31 + 2);
  CHECK(top.resources.lut > core.resources.lut);
  // The pipelined argmax adds no path longer than the core's (the one-cycle chain of comparisons
  // behind the FIFO's read mux it replaced gave 13 cells against the core's 7 here).
  CHECK(top.logic_depth <= core.logic_depth);
}
