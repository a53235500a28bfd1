// The Target seam: registered kinds, unknown names, the rtl target writing exactly today's
// Verilog, the hls target's project and its C-simulation check.
#include <catch2/catch.hpp>

#include <algorithm>

#include "firmware/random_model.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/synth/hls_csim.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/synth/target.hpp"
#include "nas4ml/synth/yosys_backend.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

// A device of a family every target builds for (synthesize() dispatches on the family).
static const estimate::DeviceModel& vu9p() {
  static const estimate::DeviceModel d = estimate::find_device("xcvu9p", estimate::default_estimators_dir());
  return d;
}

TEST_CASE("targets are registered by name", "[synth][target]") {
  CHECK(synth::target_names() == std::vector<std::string>{"rtl", "hls"});
  for (const auto& name : synth::target_names()) {
    const auto t = synth::make_target(name);
    CHECK(t->name() == name);
    CHECK(t->estimator_flavor() == name);
    CHECK_FALSE(t->description().empty());
    CHECK_FALSE(t->options().empty());
  }
  CHECK_FALSE(synth::make_target("rtl")->has_reuse());
  CHECK(synth::make_target("hls")->has_reuse());
  CHECK_THROWS_WITH(synth::make_target("vivado", {}, "$.hardware.target"),
                    Catch::Contains("$.hardware.target") && Catch::Contains("\"rtl\", \"hls\"") &&
                        Catch::Contains("\"vivado\""));
}

TEST_CASE("the rtl target writes the netlist's Verilog unchanged, lowering once", "[synth][target]") {
  test::RandomModelSpec spec;
  spec.sizes = {6, 5, 3};
  const auto model = test::random_model(spec);
  synth::TargetSettings s;
  s.lowering.clock_ns = 3.0;
  test::TempDir tmp;
  const auto design = synth::make_target("rtl", s)->write(model, tmp.path());
  const auto net = netlist::lower(model, s.lowering);
  firmware::VerilogOptions vo;
  const std::string expected = firmware::write_verilog(net, vo);
  REQUIRE(design.netlist.has_value());
  CHECK(design.netlist->latency_cycles == net.latency_cycles);
  CHECK(design.verilog == expected);
  CHECK(design.files == std::vector<std::string>{"nas4ml_top.v", "nas4ml_top_axis.v", "constraints.xdc",
                                                 "build_vivado.tcl", "README.md", "design.json"});
  REQUIRE(design.package.has_value());
  CHECK(design.package->latency_cycles == net.latency_cycles + design.package->argmax_stages + 2);
  CHECK(design.package_top == test::read_text(tmp.path() / "nas4ml_top_axis.v"));
  CHECK_THAT(test::read_text(tmp.path() / "constraints.xdc"), Catch::Contains("create_clock -period 3 -name clk"));
  CHECK(test::read_text(tmp.path() / "nas4ml_top.v") == expected);
}

TEST_CASE("the hls target writes a project and checks it by C simulation", "[synth][target][csim]") {
  test::RandomModelSpec spec;
  spec.sizes = {6, 5, 3};
  auto model = test::random_model(spec);
  model.layers[0].reuse_factor = 2;
  test::TempDir tmp;
  synth::TargetSettings s;
  s.part = "xcku115-flvb2104-2-e";
  s.lowering.clock_ns = 4.0;
  const auto target = synth::make_target("hls", s);
  const auto design = target->write(model, tmp.path() / "hls");
  CHECK(std::find(design.files.begin(), design.files.end(), "build_prj.tcl") != design.files.end());
  const std::string tcl = test::read_text(tmp.path() / "hls" / "build_prj.tcl");
  CHECK(tcl.find("set_part xcku115-flvb2104-2-e") != std::string::npos);
  CHECK(tcl.find("create_clock -period 4 ") != std::string::npos);
  CHECK_THROWS_AS(target->synthesize(model, design, vu9p(), tmp.path() / "synth"), ToolError);
  if (!std::filesystem::exists(synth::default_ap_types_dir() / "ap_fixed.h"))
    FAIL("Xilinx's ap_types headers are missing: expected ap_fixed.h in " << synth::default_ap_types_dir());
  const auto vectors = firmware::make_test_vectors(model, test::random_inputs(model, 200, 3));
  const auto v = target->verify(design, vectors, tmp.path() / "csim");
  CHECK(v.ok);
  CHECK(v.details["samples"] == 200);
  CHECK(v.details["mismatches"] == 0);
  CHECK(std::filesystem::exists(tmp.path() / "hls" / "tb_data" / "tb_input_raw.dat"));
  CHECK_FALSE(std::filesystem::exists(tmp.path() / "hls" / "csim.exe"));  // compiled in the work folder only
}

TEST_CASE("synthesis backends belong to the target that runs them", "[synth][target][backend]") {
  CHECK(synth::backend_names() == std::vector<std::string>{"yosys", "vivado", "vitis_hls"});
  CHECK(synth::backend_target("yosys") == "rtl");
  CHECK(synth::backend_target("vivado") == "rtl");
  CHECK(synth::backend_target("vitis_hls") == "hls");
  CHECK_THROWS_WITH(synth::backend_target("quartus", "--backend"),
                    Catch::Contains("--backend: unknown synthesis backend") &&
                        Catch::Contains("expected one of \"yosys\", \"vivado\", \"vitis_hls\"") &&
                        Catch::Contains("got \"quartus\""));
  const auto yosys = synth::make_backend_target("yosys", {});
  const auto vivado = synth::make_backend_target("vivado", {});
  const auto vitis = synth::make_backend_target("vitis_hls", {});
  CHECK((yosys->name() == "rtl" && yosys->backend() == "yosys" && yosys->calibrated_flavor() == "rtl"));
  CHECK((vivado->name() == "rtl" && vivado->backend() == "vivado" && vivado->calibrated_flavor() == "rtl_vivado"));
  CHECK((vitis->name() == "hls" && vitis->backend() == "vitis_hls" && vitis->calibrated_flavor() == "hls"));
  CHECK(synth::make_target("rtl")->backend() == "yosys");  // the first of its backends
  synth::TargetSettings wrong;
  wrong.backend = "vivado";
  CHECK_THROWS_WITH(synth::make_target("hls", wrong), Catch::Contains("--backend") && Catch::Contains("\"vivado\""));
}

TEST_CASE("device files dispatch on their family", "[synth][target][family]") {
  const auto estimators = test::source_path("estimators");
  const auto rtl = synth::make_target("rtl");
  const auto hls = synth::make_target("hls");
  for (const auto& name : estimate::list_devices(estimators)) {  // every shipped device builds on both
    const auto device = estimate::find_device(name, estimators);
    CHECK_NOTHROW(synth::check_device_family(*rtl, device));
    CHECK_NOTHROW(synth::check_device_family(*hls, device));
  }
  estimate::DeviceModel other = estimate::find_device("xcvu9p", estimators);
  other.family = "Agilex 7";
  other.file = "estimators/altera/agfb014.json";
  CHECK_THROWS_WITH(synth::check_device_family(*rtl, other),
                    Catch::StartsWith("estimators/altera/agfb014.json:$.family: the rtl target does not build "
                                      "for this device family, expected one of \"Virtex UltraScale+\"") &&
                        Catch::EndsWith("got \"Agilex 7\""));
  other.family = "Artix-7";  // Vitis HLS builds for it; the rtl target's yosys flow is fitted on UltraScale
  CHECK_NOTHROW(synth::check_device_family(*hls, other));
  CHECK_THROWS_WITH(synth::check_device_family(*rtl, other), Catch::Contains("rtl target") && Catch::Contains("\"Artix-7\""));
  // The yosys flow maps the family: UltraScale+ -> xcup, UltraScale -> xcu.
  CHECK_THAT(synth::yosys_script("design.v", "top", false, "xcu"), Catch::Contains("synth_xilinx -family xcu -flatten"));
  CHECK_THAT(synth::yosys_script("design.v", "top", false), Catch::Contains("synth_xilinx -family xcup -flatten"));
}

TEST_CASE("the rtl target synthesizes for the device's family", "[synth][target][family][yosys]") {
  test::RandomModelSpec spec;
  spec.sizes = {3, 2};
  const auto model = test::random_model(spec);
  const auto device = estimate::find_device("xcku115", test::source_path("estimators"));  // Kintex UltraScale
  const auto rtl = synth::make_target("rtl");
  test::TempDir tmp;
  const auto design = rtl->write(model, tmp.path() / "rtl");
  const auto r = rtl->synthesize(model, design, device, tmp.path() / "synth");
  CHECK(r.family == "xcu");
  CHECK_THAT(test::read_text(tmp.path() / "synth" / "synth.ys"), Catch::Contains("synth_xilinx -family xcu -flatten"));
  CHECK(r.resources.lut > 0);
}
