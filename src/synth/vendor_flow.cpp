#include "nas4ml/synth/vendor_flow.hpp"

#include <fstream>
#include <sstream>

#include "nas4ml/core/error.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/vendor_reports.hpp"

namespace nas4ml::synth {
namespace fs = std::filesystem;

namespace {

std::string read_report(const fs::path& p, const std::string& tool) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ToolError(p.string(), {}, tool + " finished but its report is missing");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ProcessResult run_vendor(const std::string& program, std::vector<std::string> args, const fs::path& dir,
                         const std::string& log, const ToolLimits& limits, const std::string& hint) {
  ProcessSpec spec;
  spec.program = program;
  spec.args = std::move(args);
  spec.working_dir = dir;
  spec.log_file = dir / log;
  spec.timeout_seconds = limits.timeout_seconds;
  spec.memory_limit_bytes = limits.memory_limit_bytes;
  spec.install_hint = hint;
  return run_tool(spec);
}

}  // namespace

SynthesisResult csynth_result(const fs::path& xml) {
  const CsynthReport r = parse_csynth_xml(read_report(xml, "Vitis HLS"), xml.string());
  SynthesisResult s;
  s.backend = "vitis_hls";
  s.tool_version = r.version.empty() ? "Vitis HLS" : "Vitis HLS " + r.version;
  s.top = r.top;
  s.family = r.part;
  s.use_dsp = true;
  s.resources = r.resources;
  s.script = "build_prj.tcl csynth";
  s.timing = Json{{"latency_best_cycles", r.latency_best},  {"latency_worst_cycles", r.latency_worst},
                  {"ii_min", r.interval_min},               {"ii_max", r.interval_max},
                  {"target_clock_ns", r.target_clock_ns},   {"estimated_clock_ns", r.estimated_clock_ns},
                  {"uram", r.uram}};
  return s;
}

SynthesisResult vivado_result(const fs::path& utilization, const fs::path& timing) {
  const VivadoUtilization u = parse_vivado_utilization(read_report(utilization, "Vivado"), utilization.string());
  const VivadoTiming t = parse_vivado_timing_summary(read_report(timing, "Vivado"), timing.string());
  SynthesisResult s;
  s.backend = "vivado";
  s.tool_version = u.tool_version.empty() ? "Vivado" : u.tool_version;
  s.family = u.device;
  s.top = u.design;
  s.use_dsp = true;
  s.resources = u.resources;
  s.script = "build_vivado.tcl";
  s.timing = Json{{"wns_ns", t.wns_ns}, {"period_ns", t.period_ns}, {"fmax_mhz", t.fmax_mhz}, {"met", t.met}};
  return s;
}

SynthesisResult vivado_package_result(const fs::path& dir, const std::string& core_instance) {
  const fs::path reports = dir / "reports";
  SynthesisResult s = vivado_result(reports / "utilization.rpt", reports / "timing_summary.rpt");
  const std::string design = s.top;
  const fs::path hierarchy = reports / "utilization_hierarchical.rpt";
  const VivadoInstanceUtilization core =
      parse_vivado_hierarchy(read_report(hierarchy, "Vivado"), hierarchy.string(), core_instance);
  const ResourceCounts& p = s.resources;
  s.package = Json{{"instance", design}, {"lut", p.lut}, {"ff", p.ff}, {"srl", p.srl},
                   {"carry", p.carry},    {"dsp", p.dsp}, {"bram18", p.bram18}};
  s.resources = core.resources;
  s.top = core.module;
  return s;
}

SynthesisResult run_vitis_hls(const fs::path& dir, const std::string& top, const ToolLimits& limits) {
  std::string program = limits.program;
  if (program.empty()) program = find_program("vitis_hls") ? "vitis_hls" : find_program("vivado_hls") ? "vivado_hls" : "vitis_hls";
  if (!fs::exists(dir / "build_prj.tcl"))
    throw ToolError((dir / "build_prj.tcl").string(), {}, "no HLS project here (the hls target writes build_prj.tcl)");
  const ProcessResult p = run_vendor(program, {"-f", "build_prj.tcl", "-tclargs", "csim=0", "synth=1", "cosim=0", "export=0", "vsynth=0"},
                                     dir, "vitis_hls.log", limits,
                                     "Vitis HLS (AMD/Xilinx, not a Debian package): put vitis_hls or vivado_hls on PATH");
  const fs::path reports = dir / (top + "_prj") / "solution1" / "syn" / "report";
  const fs::path xml = fs::exists(reports / (top + "_csynth.xml")) ? reports / (top + "_csynth.xml") : reports / "csynth.xml";
  SynthesisResult s = csynth_result(xml);
  s.wall_seconds = p.wall_seconds;
  s.peak_rss_bytes = p.peak_rss_bytes;
  if (s.top != top) throw ToolError(xml.string(), "TopModelName", "the report is of another design", top, s.top);
  return s;
}

SynthesisResult run_vivado(const fs::path& dir, const std::string& top, const std::string& core_instance,
                           const ToolLimits& limits) {
  if (!fs::exists(dir / "build_vivado.tcl"))
    throw ToolError((dir / "build_vivado.tcl").string(), {}, "no Vivado script here (the rtl target writes build_vivado.tcl)");
  const ProcessResult p = run_vendor(limits.program.empty() ? "vivado" : limits.program,
                                     {"-mode", "batch", "-nojournal", "-source", "build_vivado.tcl"}, dir, "vivado.log",
                                     limits, "Vivado (AMD/Xilinx, not a Debian package): put vivado on PATH");
  SynthesisResult s = vivado_package_result(dir, core_instance);
  const std::string design = s.package.at("instance").get<std::string>();
  if (design != top)
    throw ToolError((dir / "reports" / "utilization.rpt").string(), "Design", "the report is of another design", top, design);
  s.wall_seconds = p.wall_seconds;
  s.peak_rss_bytes = p.peak_rss_bytes;
  return s;
}

}  // namespace nas4ml::synth
