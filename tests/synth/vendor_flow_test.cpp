// Vendor reports and runners: csynth.xml and Vivado report parsers on fixture reports written in
// the vendors' formats (tests/synth/fixtures/vendor/), and the Vitis HLS and Vivado runners behind
// the hls and rtl targets driven by FAKE tools (shell scripts first on PATH that write those
// reports, hang, crash or write nothing): neither vendor tool exists here.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "firmware/random_model.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/synth/target.hpp"
#include "nas4ml/synth/vendor_flow.hpp"
#include "nas4ml/synth/vendor_reports.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

// A device of a family every target builds for (synthesize() dispatches on the family).
static const estimate::DeviceModel& vu9p() {
  static const estimate::DeviceModel d = estimate::find_device("xcvu9p", estimate::default_estimators_dir());
  return d;
}
namespace fs = std::filesystem;

namespace {

fs::path fixture(const std::string& name) {
  return test::source_path("tests/synth/fixtures/vendor/" + name);
}

// PATH with `dir` first (or only `dir`) for the life of the guard.
struct ScopedPath {
  std::string old;
  ScopedPath(const fs::path& dir, bool only) {
    const char* p = std::getenv("PATH");
    old = p ? p : "";
    const std::string value = only ? dir.string() : dir.string() + ":" + old;
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() { ::setenv("PATH", old.c_str(), 1); }
};

// An executable shell script `name` in `bin`.
void fake_tool(const fs::path& bin, const std::string& name, const std::string& body) {
  fs::create_directories(bin);
  const fs::path p = bin / name;
  {
    std::ofstream out(p);
    out << "#!/bin/sh\n" << body << "\n";
  }
  fs::permissions(p, fs::perms::owner_all);
}

std::string expect_tool_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ToolError& e) {
    return e.what();
  }
  FAIL("no ToolError");
  return {};
}

}  // namespace

TEST_CASE("csynth.xml is read: latency, II, clock and resources", "[synth][vendor]") {
  const auto r = synth::parse_csynth_xml(test::read_text(fixture("nas4ml_top_csynth.xml")), "x.xml");
  CHECK(r.version == "2023.2");
  CHECK(r.part == "xcvu9p-flga2104-2L-e");
  CHECK(r.top == "nas4ml_top");
  CHECK(r.target_clock_ns == 5.0);
  CHECK(r.estimated_clock_ns == Approx(3.412));
  CHECK(r.latency_best == 6);
  CHECK(r.latency_worst == 7);
  CHECK(r.interval_min == 2);
  CHECK(r.interval_max == 2);
  CHECK(r.resources.lut == 5310);  // AreaEstimates/Resources, not AvailableResources
  CHECK(r.resources.ff == 1874);
  CHECK(r.resources.dsp == 3);
  CHECK(r.resources.bram18 == 0);
}

TEST_CASE("csynth.xml variants and damage", "[synth][vendor]") {
  const std::string good = test::read_text(fixture("nas4ml_top_csynth.xml"));
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const auto pos = t.find(from);
    REQUIRE(pos != std::string::npos);
    return t.replace(pos, from.size(), to);
  };
  // Vivado HLS names the DSP count DSP48E; an unknown loop bound makes the latency "undef".
  auto r = synth::parse_csynth_xml(replaced("<DSP>3</DSP>", "<DSP48E>3</DSP48E>"), "x.xml");
  CHECK(r.resources.dsp == 3);
  r = synth::parse_csynth_xml(replaced("<Worst-caseLatency>7</Worst-caseLatency>", "<Worst-caseLatency>undef</Worst-caseLatency>"), "x.xml");
  CHECK(r.latency_worst == -1);
  CHECK_THROWS_WITH(synth::parse_csynth_xml(replaced("<LUT>5310</LUT>", ""), "bad.xml"),
                    Catch::Contains("bad.xml") && Catch::Contains("LUT") && Catch::Contains("expected"));
  CHECK_THROWS_WITH(synth::parse_csynth_xml(replaced("<FF>1874</FF>", "<FF>many</FF>"), "bad.xml"),
                    Catch::Contains("\"many\""));
  CHECK_THROWS_WITH(synth::parse_csynth_xml("", "empty.xml"), Catch::Contains("empty.xml") && Catch::Contains("an empty file"));
  CHECK_THROWS_AS(synth::parse_csynth_xml(good.substr(0, good.size() / 2), "cut.xml"), ToolError);
}

TEST_CASE("Vivado utilization and timing summary are read", "[synth][vendor]") {
  const auto u = synth::parse_vivado_utilization(test::read_text(fixture("utilization.rpt")), "u.rpt");
  CHECK_THAT(u.tool_version, Catch::StartsWith("Vivado v.2023.2"));
  CHECK(u.device == "xcvu9p-flga2104-2L-e");
  CHECK(u.resources.lut == 4187);
  CHECK(u.resources.ff == 2213);
  CHECK(u.resources.srl == 54);
  CHECK(u.resources.carry == 311);
  CHECK(u.resources.dsp == 2);
  CHECK(u.resources.bram18 == 3);  // one RAMB36 (2) + one RAMB18
  const auto t = synth::parse_vivado_timing_summary(test::read_text(fixture("timing_summary.rpt")), "t.rpt");
  CHECK(t.wns_ns == Approx(0.842));
  CHECK(t.period_ns == Approx(5.0));
  CHECK(t.fmax_mhz == Approx(1000.0 / (5.0 - 0.842)));
  CHECK(t.met);
  std::string u_text = test::read_text(fixture("utilization.rpt"));
  u_text.replace(u_text.find("| CLB LUTs"), 10, "| CLB XXXX");
  CHECK_THROWS_WITH(synth::parse_vivado_utilization(u_text, "u.rpt"), Catch::Contains("u.rpt") && Catch::Contains("CLB LUTs"));
  CHECK_THROWS_WITH(synth::parse_vivado_timing_summary("nothing here", "t.rpt"), Catch::Contains("WNS"));
  CHECK_THROWS_WITH(synth::parse_vivado_utilization("", "u.rpt"), Catch::Contains("an empty file"));
}

TEST_CASE("the hls target runs a fake vitis_hls and reads its csynth.xml", "[synth][vendor][target]") {
  test::RandomModelSpec spec;
  spec.sizes = {4, 3, 2};
  const auto model = test::random_model(spec);
  test::TempDir tmp;
  const auto hls = synth::make_target("hls");
  const auto design = hls->write(model, tmp.path() / "hls");
  const fs::path bin = tmp.path() / "bin";
  const std::string report_dir = "nas4ml_top_prj/solution1/syn/report";
  SECTION("a report in the vendor's format") {
    fake_tool(bin, "vitis_hls",
              "test \"$1 $2\" = \"-f build_prj.tcl\" || exit 9\nmkdir -p " + report_dir + "\ncat '" +
                  fixture("nas4ml_top_csynth.xml").string() + "' > " + report_dir + "/nas4ml_top_csynth.xml");
    ScopedPath path(bin, false);
    const auto device = estimate::find_device("xcvu9p", estimate::default_estimators_dir());
    const auto r = hls->synthesize(model, design, device, tmp.path() / "out");
    CHECK(r.backend == "vitis_hls");
    CHECK(r.tool_version == "Vitis HLS 2023.2");
    CHECK(r.resources.lut == 5310);
    CHECK(r.timing["latency_worst_cycles"] == 7);
    CHECK(r.timing["ii_min"] == 2);
    const auto saved = synth::load_synthesis_result(tmp.path() / "out" / "result.json");
    CHECK(saved.resources == r.resources);
    CHECK(saved.timing == r.timing);
    CHECK(saved.estimate["estimator"] == "hls");
    CHECK(saved.estimate["lut"].get<double>() > 0);
  }
  SECTION("a tool that hangs is ended at the time-out") {
    fake_tool(bin, "vitis_hls", "exec sleep 60");
    ScopedPath path(bin, false);
    synth::TargetSettings s;
    s.tool.timeout_seconds = 1.0;
    const auto quick = synth::make_target("hls", s);
    CHECK_THAT(expect_tool_error([&] { quick->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("timed out"));
  }
  SECTION("a tool that crashes") {
    fake_tool(bin, "vitis_hls", "kill -SEGV $$");
    ScopedPath path(bin, false);
    CHECK_THAT(expect_tool_error([&] { hls->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("signal") && Catch::Contains("vitis_hls.log"));
  }
  SECTION("a tool that writes no report") {
    fake_tool(bin, "vitis_hls", "exit 0");
    ScopedPath path(bin, false);
    CHECK_THAT(expect_tool_error([&] { hls->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("csynth.xml") && Catch::Contains("report is missing"));
  }
  SECTION("a report of another design") {
    fake_tool(bin, "vitis_hls", "mkdir -p " + report_dir + "\nsed s/nas4ml_top/other/ '" +
                                    fixture("nas4ml_top_csynth.xml").string() + "' > " + report_dir + "/csynth.xml");
    ScopedPath path(bin, false);
    CHECK_THAT(expect_tool_error([&] { hls->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("TopModelName") && Catch::Contains("other"));
  }
  SECTION("vivado_hls when there is no vitis_hls") {
    fake_tool(bin, "vivado_hls", "mkdir -p " + report_dir + "\ncat '" + fixture("nas4ml_top_csynth.xml").string() + "' > " +
                                     report_dir + "/csynth.xml");
    ScopedPath path(bin, false);
    const auto device = estimate::find_device("xcvu9p", estimate::default_estimators_dir());
    CHECK(hls->synthesize(model, design, device, tmp.path() / "out").resources.ff == 1874);
  }
  SECTION("no tool at all") {
    fs::create_directories(bin);
    ScopedPath path(bin, true);
    CHECK_THAT(expect_tool_error([&] { hls->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("vitis_hls") && Catch::Contains("put vitis_hls or vivado_hls on PATH"));
  }
}

TEST_CASE("the rtl target runs a fake vivado on its firmware package", "[synth][vendor][target]") {
  test::RandomModelSpec spec;
  spec.sizes = {4, 3, 2};
  const auto model = test::random_model(spec);
  test::TempDir tmp;
  synth::TargetSettings s;
  s.backend = "vivado";
  s.tool.program = "yosys";  // the flow's yosys: not what the vivado backend runs
  const auto rtl = synth::make_target("rtl", s);
  const auto design = rtl->write(model, tmp.path() / "rtl");
  const fs::path bin = tmp.path() / "bin";
  SECTION("reports in the vendor's format") {
    fake_tool(bin, "vivado",
              "test \"$*\" = \"-mode batch -nojournal -source build_vivado.tcl\" || exit 9\nmkdir -p reports\ncat '" +
                  fixture("utilization.rpt").string() + "' > reports/utilization.rpt\ncat '" +
                  fixture("utilization_hierarchical.rpt").string() + "' > reports/utilization_hierarchical.rpt\ncat '" +
                  fixture("timing_summary.rpt").string() + "' > reports/timing_summary.rpt");
    ScopedPath path(bin, false);
    const auto r = rtl->synthesize(model, design, vu9p(), tmp.path() / "out");
    CHECK(r.backend == "vivado");
    // The core instance's row is the result; the package's totals are kept beside it.
    CHECK(r.top == "nas4ml_top");
    CHECK(r.resources.lut == 3968);
    CHECK(r.resources.srl == 44);
    CHECK(r.package["instance"] == "nas4ml_top_axis");
    CHECK(r.package["lut"] == 4187);
    CHECK(r.package["carry"] == 311);
    CHECK(r.package["srl"] == 54);
    CHECK(r.timing["fmax_mhz"].get<double>() == Approx(240.5).epsilon(0.001));
    // The raw estimate of the flavor Vivado's results calibrate, saved with the result.
    CHECK(r.estimate["estimator"] == "rtl_vivado");
    CHECK(r.estimate["calibrated"] == false);
    const auto saved = synth::load_synthesis_result(tmp.path() / "out" / "result.json");
    CHECK(saved.package == r.package);
    CHECK(saved.estimate == r.estimate);
  }
  SECTION("no hierarchical report (an older build_vivado.tcl)") {
    fake_tool(bin, "vivado", "mkdir -p reports\ncat '" + fixture("utilization.rpt").string() +
                                 "' > reports/utilization.rpt\ncat '" + fixture("timing_summary.rpt").string() +
                                 "' > reports/timing_summary.rpt");
    ScopedPath path(bin, false);
    CHECK_THAT(expect_tool_error([&] { rtl->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("utilization_hierarchical.rpt") && Catch::Contains("report is missing"));
  }
  SECTION("the reports of another design") {
    fake_tool(bin, "vivado", "mkdir -p reports\nsed s/nas4ml_top_axis/other_top/ '" + fixture("utilization.rpt").string() +
                                 "' > reports/utilization.rpt\ncat '" + fixture("utilization_hierarchical.rpt").string() +
                                 "' > reports/utilization_hierarchical.rpt\ncat '" + fixture("timing_summary.rpt").string() +
                                 "' > reports/timing_summary.rpt");
    ScopedPath path(bin, false);
    CHECK_THAT(expect_tool_error([&] { rtl->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("the report is of another design") && Catch::Contains("other_top"));
  }
  SECTION("a malformed timing report") {
    fake_tool(bin, "vivado", "mkdir -p reports\ncat '" + fixture("utilization.rpt").string() +
                                 "' > reports/utilization.rpt\ncat '" + fixture("utilization_hierarchical.rpt").string() +
                                 "' > reports/utilization_hierarchical.rpt\necho 'Timing Summary Report' > reports/timing_summary.rpt");
    ScopedPath path(bin, false);
    CHECK_THAT(expect_tool_error([&] { rtl->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("timing_summary.rpt") && Catch::Contains("WNS"));
  }
  SECTION("no vivado") {
    fs::create_directories(bin);
    ScopedPath path(bin, true);
    CHECK_THAT(expect_tool_error([&] { rtl->synthesize(model, design, vu9p(), tmp.path() / "out"); }),
               Catch::Contains("put vivado on PATH"));
  }
  CHECK_THROWS_WITH(([&] {
                      synth::TargetSettings bad;
                      bad.backend = "quartus";
                      synth::make_target("rtl", bad);
                    }()),
                    Catch::Contains("--backend") && Catch::Contains("\"quartus\""));
}
