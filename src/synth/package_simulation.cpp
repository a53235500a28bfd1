#include "nas4ml/synth/package_simulation.hpp"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/synth/process.hpp"

namespace nas4ml::synth {
namespace fs = std::filesystem;

namespace {
void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw ToolError(p.string(), {}, "cannot write file");
}
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

PackageSimulationReport simulate_rtl_package(const std::string& core_verilog, const std::string& top_verilog,
                                             const firmware::RtlPackageLayout& layout, const std::string& top,
                                             const firmware::TestVectors& vectors, const fs::path& dir,
                                             const SimulationOptions& options) {
  if (options.simulator != Simulator::verilator)
    throw ConfigError({}, "--simulator", "the firmware package's stream bench runs under Verilator only", "verilator",
                      to_string(options.simulator));
  firmware::write_stream_bench_files(dir, layout, top, vectors);
  write_file(dir / "core.v", core_verilog);
  write_file(dir / (top + ".v"), top_verilog);
  PackageSimulationReport report;
  report.expected_latency = layout.latency_cycles;
  report.dir = dir;

  ProcessSpec spec;
  spec.working_dir = dir;
  spec.timeout_seconds = options.timeout_seconds;
  spec.memory_limit_bytes = options.memory_limit_bytes;
  spec.install_hint = "install it with scripts/install-deps.sh (Debian package `verilator`)";
  spec.program = options.program.empty() ? "verilator" : options.program;
  spec.args = {"--version"};
  spec.log_file = dir / "verilator_version.log";
  run_tool(spec);
  {
    std::ifstream in(spec.log_file);
    std::getline(in, report.tool_version);
  }
  // One make job and unoptimized C++, as for the core's bench (simulator.cpp): building dominates.
  spec.args = {"--cc", "--exe", "--build", "-j", "1", "-O2", "-Wno-fatal", "--top-module", top, "-Mdir", "obj_dir",
               "-o", "Vstream", "-MAKEFLAGS", "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0", "core.v", top + ".v",
               "stream_main.cpp"};
  spec.log_file = dir / "verilator_build.log";
  spdlog::info("verilator: building the firmware package's stream bench in {}", dir.string());
  report.build_seconds = run_tool(spec).wall_seconds;
  spec.program = (dir / "obj_dir" / "Vstream").string();
  spec.args = {"s_inputs.hex", "m_expected.hex"};
  if (layout.argmax) spec.args.push_back("expected_class.txt");
  spec.install_hint = "the Verilator build should have produced it; see verilator_build.log";
  spec.log_file = dir / "simulation.log";
  report.run_seconds = run_tool(spec).wall_seconds;
  report.counts = firmware::parse_stream_line(slurp(spec.log_file), spec.log_file.string());
  const auto& c = report.counts;
  spdlog::info("stream bench: {} samples, {} checked, {} dropped by reset, {} mismatches, latency {} (expected {}), "
               "{} stalls, {} protocol errors",
               c.samples, c.checked, c.dropped, c.mismatches, c.latency, report.expected_latency, c.stalls,
               c.protocol_errors);
  return report;
}

}  // namespace nas4ml::synth
