#pragma once
/// \file C simulation of a generated HLS project (firmware/hls_writer.hpp) without the vendor
/// tool: g++ compiles the project and its test bench against Xilinx's open-source ap_fixed /
/// ap_int headers (github.com/Xilinx/HLS_arbitrary_Precision_Types, the headers Vitis HLS's
/// csim_design compiles with), then the program runs on tb_data/ and prints
///   nas4ml-csim samples=<N> checked=<n> mismatches=<m>[ scores=<N> score_mismatches=<s>]
/// (the score part for a model with an anomaly score, docs/firmware.md).
/// Both the compiler and the program run as bounded child processes (process.hpp).
#include <filesystem>
#include <string>

namespace nas4ml::synth {

/// Where the ap_types headers are when nothing else says: $NAS4ML_AP_TYPES when set, else the
/// folder the build was configured with (CMake cache variable NAS4ML_AP_TYPES_DIR).
std::filesystem::path default_ap_types_dir();

/// How to compile and run.
struct CsimOptions {
  std::filesystem::path ap_types_dir;   ///< empty: default_ap_types_dir()
  std::string compiler = "g++";
  double timeout_seconds = 600.0;       ///< each of compile and run
};

/// What the C simulation printed, and how long it took.
struct CsimReport {
  std::size_t samples = 0, checked = 0, mismatches = 0;
  /// With an anomaly score: scores compared, and how many of the mismatches are scores.
  std::size_t scores = 0, score_mismatches = 0;
  double compile_seconds = 0.0, run_seconds = 0.0;
  bool ok() const noexcept { return samples > 0 && mismatches == 0; }
};

/// Compiles and runs the project in `project_dir` (top function `project`; tb_data/ written).
/// ToolError when the headers are missing (naming where they should be), the compiler fails (with
/// the tail of csim_build.log) or the program prints no result line.
CsimReport run_hls_csim(const std::filesystem::path& project_dir, const std::string& project,
                        const CsimOptions& options = {});

}  // namespace nas4ml::synth
