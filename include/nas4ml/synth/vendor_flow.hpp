#pragma once
/// \file Running the vendor tools on a written design (docs/synthesis.md "Vendor tools"), for a
/// user who has them; neither exists where nas4ml is developed, so the tests run fake tools
/// (scripts that write reports in the vendor's format, hang or crash) and parse fixture reports.
///  - Vitis HLS (`vitis_hls`, else `vivado_hls`) runs the hls target's build_prj.tcl with
///    csim=0 synth=1 cosim=0 export=0 vsynth=0 and reads <top>_prj/solution1/syn/report/
///    <top>_csynth.xml (csynth.xml when that is absent).
///  - Vivado (`vivado`) runs the rtl package's build_vivado.tcl (out-of-context synthesis and
///    implementation) and reads reports/utilization.rpt (the whole package),
///    reports/utilization_hierarchical.rpt (the core instance's row: what the result counts) and
///    reports/timing_summary.rpt.
/// Each run is a bounded child process (process.hpp: time-out, memory cap, process-group kill).
/// A missing tool, a failed or timed-out run, a missing or malformed report is a ToolError
/// naming the tool or the file.
#include <filesystem>
#include <string>

#include "nas4ml/synth/synthesis_result.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::synth {

/// Runs Vitis HLS C synthesis in `project_dir` (an hls target's written project for `top`);
/// the log goes to `project_dir`/vitis_hls.log. The result's `timing` holds latency best/worst,
/// II min/max, the target and estimated clock.
SynthesisResult run_vitis_hls(const std::filesystem::path& project_dir, const std::string& top, const ToolLimits& limits);

/// Runs Vivado on the rtl package in `rtl_dir` (holding build_vivado.tcl) whose top is `top`
/// and whose core is instance `core_instance`; the log goes to `rtl_dir`/vivado.log.
/// vivado_package_result() of its reports.
SynthesisResult run_vivado(const std::filesystem::path& rtl_dir, const std::string& top, const std::string& core_instance,
                           const ToolLimits& limits);

/// The result a csynth.xml file describes (no tool run): for `nas4ml calibrate` and the runner.
SynthesisResult csynth_result(const std::filesystem::path& csynth_xml);

/// The result a pair of Vivado reports describes (no tool run): the whole design's counts.
SynthesisResult vivado_result(const std::filesystem::path& utilization_rpt, const std::filesystem::path& timing_rpt);

/// The result of build_vivado.tcl's reports in `rtl_dir`/reports (no tool run): `resources` are
/// the row of `core_instance` in utilization_hierarchical.rpt (the core the estimator counts;
/// carry 0: that table has no carry column), `package` the whole package's totals from
/// utilization.rpt, `timing` WNS, period and Fmax from timing_summary.rpt.
SynthesisResult vivado_package_result(const std::filesystem::path& rtl_dir, const std::string& core_instance);

}  // namespace nas4ml::synth
