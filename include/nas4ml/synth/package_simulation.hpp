#pragma once
/// \file Verilator simulation of the rtl firmware package's top level (firmware/rtl_package.hpp):
/// builds the core, the top level and the stream bench, runs it as a bounded child process
/// (process.hpp) and reports what the bench counted: every sample delivered or dropped by the
/// mid-stream reset, none wrong, the latency at the ports, no refused sample while the output
/// flows, no protocol violation.
#include <filesystem>
#include <string>

#include "nas4ml/firmware/rtl_package.hpp"
#include "nas4ml/synth/simulator.hpp"

namespace nas4ml::synth {

/// What a package simulation found.
struct PackageSimulationReport {
  std::string tool_version;  ///< Verilator's version line
  firmware::StreamCounts counts;
  int expected_latency = 0;  ///< the package's latency (core + argmax stages + 2)
  double build_seconds = 0.0, run_seconds = 0.0;
  std::filesystem::path dir;
  /// Bit-exact (outputs and class), every sample delivered or dropped by the one reset, the
  /// latency as documented, II 1 while the output flows, AXI4-Stream rules kept.
  bool ok() const noexcept {
    return counts.checked + counts.dropped == counts.samples && counts.checked > 0 && counts.mismatches == 0 &&
           counts.class_mismatches == 0 && counts.latency == expected_latency && counts.stalls == 0 &&
           counts.protocol_errors == 0 && counts.resets == 1;
  }
};

/// Writes core.v (`core_verilog`), <top>.v (`top_verilog`) and the stream bench into `dir`,
/// builds them with Verilator and runs the bench. A missing Verilator, a failed build, a crash
/// or a time-out is a ToolError. (Icarus Verilog is not offered: the bench is C++.)
PackageSimulationReport simulate_rtl_package(const std::string& core_verilog, const std::string& top_verilog,
                                             const firmware::RtlPackageLayout& layout, const std::string& top,
                                             const firmware::TestVectors& vectors, const std::filesystem::path& dir,
                                             const SimulationOptions& options = {});

}  // namespace nas4ml::synth
