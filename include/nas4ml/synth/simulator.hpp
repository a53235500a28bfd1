#pragma once
/// \file Bit-exact simulation of generated firmware: builds the Verilog design with its test
/// bench (firmware/testbench.hpp) under Verilator (C++ harness, fast: measured
/// 100k vectors in under a second) or Icarus Verilog (self-checking Verilog bench, ~1000x slower),
/// runs it as a bounded child process (process.hpp) and reports mismatches against the golden
/// integer model and the measured latency in cycles.
#include <cstdint>
#include <filesystem>
#include <string>

#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"

namespace nas4ml::synth {

/// Which simulator runs the test bench.
enum class Simulator { verilator, iverilog };

/// "verilator" / "iverilog".
std::string to_string(Simulator s);
/// Parses "verilator" / "iverilog"; ConfigError otherwise.
Simulator parse_simulator(const std::string& name);

/// How to simulate.
struct SimulationOptions {
  Simulator simulator = Simulator::verilator;
  std::string program;                          ///< verilator or iverilog executable; empty: from PATH
  double timeout_seconds = 900.0;               ///< per tool run (build, then simulation)
  std::uint64_t memory_limit_bytes = 8ull << 30;///< address-space limit of each tool run
};

/// What a simulation found.
struct SimulationReport {
  std::string simulator;         ///< "verilator" or "iverilog"
  std::string tool_version;      ///< the simulator's version line
  firmware::SimulationCounts counts;
  int expected_latency = 0;      ///< the netlist's latency_cycles
  double build_seconds = 0.0;
  double run_seconds = 0.0;
  std::filesystem::path dir;     ///< folder with the design, bench, hex files and logs
  /// Every sample checked, none mismatched, latency as the netlist says.
  bool ok() const noexcept {
    return counts.checked == counts.samples && counts.mismatches == 0 && counts.latency == expected_latency;
  }
};

/// Writes design.v, the hex files and benches into `dir`, builds and runs the simulation.
/// A missing simulator, a failed build, a crash or a time-out is a ToolError.
SimulationReport simulate_design(const std::string& verilog, const std::string& top,
                                 const firmware::PortLayout& ports, const firmware::TestVectors& vectors,
                                 const std::filesystem::path& dir, const SimulationOptions& options = {});

}  // namespace nas4ml::synth
