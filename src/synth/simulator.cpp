#include "nas4ml/synth/simulator.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/synth/process.hpp"

namespace nas4ml::synth {
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_line_of(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

constexpr const char* kInstall = "install it with scripts/install-deps.sh (Debian packages `verilator`, `iverilog`)";
}  // namespace

std::string to_string(Simulator s) { return s == Simulator::verilator ? "verilator" : "iverilog"; }

Simulator parse_simulator(const std::string& name) {
  if (name == "verilator") return Simulator::verilator;
  if (name == "iverilog") return Simulator::iverilog;
  throw ConfigError({}, "--simulator", "unknown simulator", "verilator or iverilog", "\"" + name + "\"");
}

SimulationReport simulate_design(const std::string& verilog, const std::string& top, const firmware::PortLayout& ports,
                                 const firmware::TestVectors& vectors, const fs::path& dir,
                                 const SimulationOptions& options) {
  firmware::write_testbench_files(dir, ports, top, vectors);
  {
    std::ofstream out(dir / "design.v", std::ios::binary);
    out << verilog;
    if (!out) throw ToolError((dir / "design.v").string(), {}, "cannot write file");
  }
  SimulationReport report;
  report.simulator = to_string(options.simulator);
  report.expected_latency = ports.latency_cycles;
  report.dir = dir;

  ProcessSpec spec;
  spec.working_dir = dir;
  spec.timeout_seconds = options.timeout_seconds;
  spec.memory_limit_bytes = options.memory_limit_bytes;
  spec.install_hint = kInstall;

  if (options.simulator == Simulator::verilator) {
    spec.program = options.program.empty() ? "verilator" : options.program;
    spec.args = {"--version"};
    spec.log_file = dir / "verilator_version.log";
    run_tool(spec);
    report.tool_version = first_line_of(spec.log_file);
    // --build runs make + the C++ compiler itself; one job, the machine is shared. The C++ is
    // compiled without optimization: building dominates (seconds), 1,000 samples run in ms anyway.
    spec.args = {"--cc", "--exe", "--build", "-j", "1", "-O2", "-Wno-fatal", "--top-module", top,
                 "-Mdir", "obj_dir", "-o", "Vsim", "-MAKEFLAGS", "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0",
                 "design.v", "sim_main.cpp"};
    spec.log_file = dir / "verilator_build.log";
    spdlog::info("verilator: building the test bench in {}", dir.string());
    report.build_seconds = run_tool(spec).wall_seconds;
    spec.program = (dir / "obj_dir" / "Vsim").string();
    spec.args = {"inputs.hex", "expected.hex"};
    spec.install_hint = "the Verilator build should have produced it; see verilator_build.log";
  } else {
    spec.program = options.program.empty() ? "iverilog" : options.program;
    spec.args = {"-V"};
    spec.log_file = dir / "iverilog_version.log";
    run_tool(spec);
    report.tool_version = first_line_of(spec.log_file);
    spec.args = {"-g2005", "-o", "sim.vvp", "tb_" + top + ".v", "design.v"};
    spec.log_file = dir / "iverilog_build.log";
    report.build_seconds = run_tool(spec).wall_seconds;
    const fs::path iverilog_dir = find_program(spec.program)->parent_path();
    const auto vvp = find_program((iverilog_dir / "vvp").string());
    spec.program = vvp ? vvp->string() : std::string("vvp");
    spec.args = {"-n", "sim.vvp"};
  }
  spec.log_file = dir / "simulation.log";
  report.run_seconds = run_tool(spec).wall_seconds;
  report.counts = firmware::parse_simulation_line(slurp(spec.log_file), spec.log_file.string());
  spdlog::info("{}: {} samples, {} checked, {} mismatches, latency {} (netlist {})", report.simulator,
               report.counts.samples, report.counts.checked, report.counts.mismatches, report.counts.latency,
               report.expected_latency);
  return report;
}

}  // namespace nas4ml::synth
