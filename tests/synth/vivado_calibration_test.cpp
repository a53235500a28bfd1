// The rtl target's Vivado flavor: report_utilization -hierarchical parsed on fixture reports in
// Vivado's format (the core instance's row, older column names, damage), and `nas4ml calibrate`
// on design folders `nas4ml emit` would leave, in which a (fake) Vivado wrote its reports: the
// rtl_vivado coefficients move, the yosys-fitted rtl ones do not; bad folders are one line, exit 2.
// Vivado does not exist here: the reports are the fixtures of tests/synth/fixtures/vendor/ with
// the core's row rewritten per design.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "firmware/random_model.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/synth/synth_flow.hpp"
#include "nas4ml/synth/target.hpp"
#include "nas4ml/synth/vendor_flow.hpp"
#include "nas4ml/synth/vendor_reports.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) {
  return test::read_text(test::source_path("tests/synth/fixtures/vendor/" + name));
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// The hierarchical fixture with u_core's row replaced by these counts.
std::string hierarchy_with_core(long lut, long ff, long srl) {
  const std::string text = fixture("utilization_hierarchical.rpt");
  const std::regex row(R"(\|   u_core [^\n]*)");
  const std::string core = fmt::format("|   u_core            | nas4ml_top | {:>10} | {:>10} | {:>7} | {:>4} | {:>4} | {:>6} | {:>6} | {:>4} | {:>10} |",
                                       lut + srl, lut, 0, srl, ff, 0, 0, 0, 0);
  return std::regex_replace(text, row, core);
}

}  // namespace

TEST_CASE("Vivado's hierarchical utilization: the core instance's row", "[synth][vendor][vivado]") {
  const std::string text = fixture("utilization_hierarchical.rpt");
  const auto u = synth::parse_vivado_hierarchy(text, "h.rpt", "u_core");
  CHECK(u.module == "nas4ml_top");
  CHECK(u.resources.lut == 3968);  // Logic LUTs: SRLs and LUTRAMs are counted apart
  CHECK(u.resources.ff == 2051);
  CHECK(u.resources.srl == 44);
  CHECK(u.resources.dsp == 2);
  CHECK(u.resources.bram18 == 3);  // one RAMB36 (2) + one RAMB18
  CHECK(u.resources.carry == 0);   // no carry column in this table

  SECTION("older releases: DSP48 Blocks, no URAM column, cells with a share of the device") {
    const std::string old = R"(1. Utilization by Hierarchy
---------------------------

+-------------------+------------+------------+------------+----------+----------+------------+----------+----------+--------------+
|      Instance     |   Module   | Total LUTs | Logic LUTs |  LUTRAMs |   SRLs   |     FFs    |  RAMB36  |  RAMB18  | DSP48 Blocks |
+-------------------+------------+------------+------------+----------+----------+------------+----------+----------+--------------+
| nas4ml_top_axis   |      (top) | 131(0.25%) | 122(0.23%) | 1(0.01%) | 8(0.04%) | 140(0.13%) | 0(0.00%) | 0(0.00%) |     1(0.45%) |
|   (nas4ml_top_axis) |    (top) |  11(0.02%) |  10(0.02%) | 1(0.01%) | 0(0.00%) |  45(0.04%) | 0(0.00%) | 0(0.00%) |     0(0.00%) |
|   u_core          | nas4ml_top | 120(0.23%) | 112(0.21%) | 0(0.00%) | 8(0.04%) |  95(0.09%) | 0(0.00%) | 1(0.36%) |     1(0.45%) |
+-------------------+------------+------------+------------+----------+----------+------------+----------+----------+--------------+
)";
    const auto o = synth::parse_vivado_hierarchy(old, "old.rpt", "u_core");
    CHECK(o.resources.lut == 112);
    CHECK(o.resources.ff == 95);
    CHECK(o.resources.srl == 8);
    CHECK(o.resources.bram18 == 1);
    CHECK(o.resources.dsp == 1);
  }
  SECTION("the core's row is looked up one level below the top only") {
    const std::string deeper = std::regex_replace(text, std::regex(R"(\|   u_core  )"), "|     u_core");
    CHECK_THROWS_WITH(synth::parse_vivado_hierarchy(deeper, "h.rpt", "u_core"),
                      Catch::Contains("h.rpt") && Catch::Contains("\"u_core\" directly below the top") &&
                          Catch::Contains("flattened"));
  }
  SECTION("damage: no table, no column, a bad count") {
    CHECK_THROWS_WITH(synth::parse_vivado_hierarchy(fixture("utilization.rpt"), "flat.rpt", "u_core"),
                      Catch::Contains("flat.rpt") && Catch::Contains("report_utilization -hierarchical"));
    CHECK_THROWS_WITH(synth::parse_vivado_hierarchy("", "e.rpt", "u_core"), Catch::Contains("an empty file"));
    const std::string no_ff = std::regex_replace(text, std::regex(R"(\|  FFs \|)"), "|  XXX |");
    CHECK_THROWS_WITH(synth::parse_vivado_hierarchy(no_ff, "h.rpt", "u_core"), Catch::Contains("a \"FFs\" column"));
    const std::string bad = std::regex_replace(text, std::regex(R"(\|       3968 \|)"), "|       39x8 |");
    CHECK_THROWS_WITH(synth::parse_vivado_hierarchy(bad, "h.rpt", "u_core"),
                      Catch::Contains("Logic LUTs of u_core") && Catch::Contains("\"39x8\""));
  }
}

TEST_CASE("the rtl target's Vivado backend predicts the core with its own flavor", "[synth][vendor][vivado][target]") {
  synth::TargetSettings s;
  s.backend = "vivado";
  const auto vivado = synth::make_target("rtl", s);
  CHECK(vivado->estimator_flavor() == "rtl_vivado");
  CHECK(vivado->calibrated_flavor() == "rtl_vivado");
  CHECK(synth::make_target("rtl")->calibrated_flavor() == "rtl");
  // Same netlist, Vivado's cells: CARRY8 (half as many carry cells at most), no valid pipeline
  // (the package leaves the core's out_valid unconnected).
  test::RandomModelSpec spec;
  spec.sizes = {12, 10, 4};
  spec.sparsity = 0.1;
  const auto model = test::random_model(spec);
  const auto& device = estimate::find_device("xcvu9p", estimate::default_estimators_dir());
  netlist::LoweringOptions lo;
  const Json yosys = synth::raw_rtl_estimate(model, device, lo);
  const Json viv = synth::raw_rtl_estimate(model, device, lo, "rtl_vivado");
  CHECK(viv["estimator"] == "rtl_vivado");
  CHECK(viv["lut"] == yosys["lut"]);
  CHECK(viv["carry"].get<double>() > 0);
  CHECK(viv["carry"].get<double>() < yosys["carry"].get<double>());
  CHECK(viv["carry"].get<double>() >= yosys["carry"].get<double>() / 2);
  CHECK(viv["valid_pipe"]["ff"] == 0);
  CHECK(viv["valid_pipe"]["srl"] == 0);
  CHECK(viv["latency_cycles"] == yosys["latency_cycles"]);
}

TEST_CASE("nas4ml calibrate reads Vivado's reports in emitted design folders", "[synth][vendor][vivado][calibration][cli]") {
  test::TempDir tmp;
  const fs::path estimators = tmp.path() / "estimators";
  fs::create_directories(estimators / "xilinx");
  fs::copy_file(test::source_path("estimators/xilinx/xcvu9p.json"), estimators / "xilinx" / "xcvu9p.json");
  const auto device = estimate::load_device_model(estimators / "xilinx" / "xcvu9p.json");
  const auto rtl = synth::make_target("rtl");
  // Four emitted designs; Vivado's core rows are 0.85 x the LUTs and 0.95 x the FFs predicted.
  std::vector<std::string> folders;
  for (int k = 0; k < 4; ++k) {
    test::RandomModelSpec spec;
    spec.sizes = {8 + 2 * k, 6 + k, 3};
    spec.seed = 10 + static_cast<std::uint64_t>(k);
    const auto model = test::random_model(spec);
    const fs::path dir = tmp.path() / "firmware" / fmt::format("d{}", k);
    fs::create_directories(dir);
    nn::save_quantized_model(model, dir / "model.q.json");
    rtl->write(model, dir / "rtl");
    const Json e = synth::raw_rtl_estimate(model, device, {}, "rtl_vivado");
    const long lut = std::lround(0.85 * e["lut"].get<double>()), ff = std::lround(0.95 * e["ff"].get<double>());
    write_text(dir / "rtl" / "reports" / "utilization.rpt", fixture("utilization.rpt"));
    write_text(dir / "rtl" / "reports" / "timing_summary.rpt", fixture("timing_summary.rpt"));
    write_text(dir / "rtl" / "reports" / "utilization_hierarchical.rpt",
               hierarchy_with_core(lut, ff, static_cast<long>(e["srl"].get<double>())));
    folders.push_back((k % 2 ? dir / "rtl" : dir).string());  // firmware/<id> or its rtl/
  }
  std::vector<std::string> args = {"calibrate"};
  args.insert(args.end(), folders.begin(), folders.end());
  for (const char* a : {"--device", "xcvu9p", "--estimators", "", "--write", "--json"}) args.push_back(a);
  args[args.size() - 3] = estimators.string();
  const auto r = test::run_cli(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json out = Json::parse(r.out);
  CHECK(out["flavor"] == "rtl_vivado");
  CHECK(out["designs"] == 4);
  CHECK(out["resources"]["lut"]["scale"].get<double>() == Approx(0.85).epsilon(0.01));
  CHECK(out["resources"]["ff"]["scale"].get<double>() == Approx(0.95).epsilon(0.01));
  CHECK(out["exact"]["srl"] == 4);
  const auto after = estimate::load_device_model(estimators / "xilinx" / "xcvu9p.json");
  CHECK(after.calibration_for("rtl_vivado").lut.scale == Approx(0.85).epsilon(0.01));
  CHECK(after.calibration_for("rtl_vivado").ff.scale == Approx(0.95).epsilon(0.01));
  // The yosys-fitted rtl flavor is untouched.
  CHECK(after.calibration_for("rtl").lut.scale == device.calibration_for("rtl").lut.scale);
  CHECK(after.calibration_for("rtl").ff.scale == device.calibration_for("rtl").ff.scale);

  SECTION("bad folders: one line, exit 2") {
    const fs::path d0 = tmp.path() / "firmware" / "d0";
    auto one_line = [](const test::CliResult& c) { return c.exit_code == 2 && std::count(c.err.begin(), c.err.end(), '\n') == 1; };
    // No reports yet.
    fs::remove_all(d0 / "rtl" / "reports");
    auto c = test::run_cli({"calibrate", d0.string(), "--device", "xcvu9p", "--estimators", estimators.string()});
    CHECK(one_line(c));
    CHECK_THAT(c.err, Catch::StartsWith("error: ") && Catch::Contains("utilization.rpt") &&
                          Catch::Contains("no Vivado reports in this design folder"));
    // A flattened hierarchy: no u_core row.
    write_text(d0 / "rtl" / "reports" / "utilization.rpt", fixture("utilization.rpt"));
    write_text(d0 / "rtl" / "reports" / "timing_summary.rpt", fixture("timing_summary.rpt"));
    write_text(d0 / "rtl" / "reports" / "utilization_hierarchical.rpt",
               std::regex_replace(fixture("utilization_hierarchical.rpt"), std::regex(R"(\|   u_core [^\n]*\n)"), ""));
    c = test::run_cli({"calibrate", d0.string(), "--device", "xcvu9p", "--estimators", estimators.string()});
    CHECK(one_line(c));
    CHECK_THAT(c.err, Catch::Contains("utilization_hierarchical.rpt") && Catch::Contains("\"u_core\" directly below the top"));
    // Not a design folder at all.
    c = test::run_cli({"calibrate", tmp.path().string(), "--device", "xcvu9p", "--estimators", estimators.string()});
    CHECK(one_line(c));
    CHECK_THAT(c.err, Catch::Contains("not a design folder of any target"));
    // No model beside the design.
    fs::remove(d0 / "model.q.json");
    c = test::run_cli({"calibrate", d0.string(), "--device", "xcvu9p", "--estimators", estimators.string()});
    CHECK(one_line(c));
    CHECK_THAT(c.err, Catch::Contains("model.q.json") && Catch::Contains("no model beside the design"));
  }
}
