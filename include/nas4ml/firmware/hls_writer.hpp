#pragma once
/// \file The HLS C++ project of a QuantizedModel, in the layout hls4ml users know (hls4ml's
/// writer, fastmachinelearning/hls4ml; Duarte et al., "Fast inference of deep neural networks in
/// FPGAs for particle physics", JINST 13 P07027, 2018):
///   firmware/<project>.cpp/.h      the top function (one inference per call)
///   firmware/defines.h             ap_fixed typedefs per layer: weight, bias, accumulator, result
///   firmware/parameters.h          per-layer configuration (sizes, reuse factor, strategy, ...)
///   firmware/weights/w<k>.h, b<k>.h  kept weights with their indices, biases
///   firmware/nnet_utils/nas4ml_dense.h  the dense kernels (latency and resource strategies)
///   firmware/nnet_utils/nas4ml_score.h  an autoencoder's anomaly score (only with a score)
///   <project>_test.cpp             the C-simulation test bench (tb_data/ from the golden model)
///   build_prj.tcl                  Vitis HLS: csim, csynth, cosim, export IP, optional vsynth
/// Every file is rendered from a template under templates/hls/ (template_engine.hpp). The
/// arithmetic is the golden integer model's (docs/model.md): the C simulation against Xilinx's
/// ap_types headers is bit-exact (docs/firmware.md "HLS project").
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::firmware {

/// How the project is written.
struct HlsOptions {
  std::string project = "nas4ml_top";    ///< top function and file names (a C identifier)
  std::string part = "xcvu9p-flga2104-2L-e";  ///< FPGA part for set_part
  double clock_ns = 5.0;                 ///< create_clock -period
  bool cosim = false;                    ///< build_prj.tcl's default for cosim_design
  bool export_ip = false;                ///< ... for export_design -format ip_catalog
  bool vsynth = false;                   ///< ... for export_design -flow syn
};

/// A generated project: paths relative to its folder and their text, in a fixed order.
struct HlsProject {
  std::string project;
  std::vector<std::pair<std::string, std::string>> files;
  /// The text of `path`; InternalError when absent.
  const std::string& file(const std::string& path) const;
};

/// The HLS types of an autoencoder's anomaly score (nn/anomaly_score.hpp), as ap_fixed spellings:
/// each holds its value's exact range, so only the cast to `score` rounds or saturates.
struct HlsScoreTypes {
  std::string difference;  ///< d_i = y_i - x_i at the finer of the two LSBs (signed)
  std::string term;        ///< d_i^2 or |d_i|
  std::string sum;         ///< the sum of the n terms
  std::string score;       ///< the score's own format (model.anomaly_score->format)
  int n = 0;               ///< terms summed: the outputs
  bool reference = true;   ///< d_i compares with the input (false: the outputs alone)
};

/// The score types of `model` (which has a score). ConfigError for an error kind other than
/// squared/absolute, outputs that do not match the inputs, or a sum wider than 62 bits.
HlsScoreTypes hls_score_types(const nn::QuantizedModel& model);

/// The project of `model`. ConfigError when the project name is not a C identifier or a weight
/// or bias format is wider than 53 bits (the literals are exact doubles).
HlsProject write_hls_project(const nn::QuantizedModel& model, const HlsOptions& options = {});

/// Writes every file of `project` under `dir` (created as needed).
void save_hls_project(const HlsProject& project, const std::filesystem::path& dir);

/// Writes the test bench's data, dir/tb_data/tb_input_raw.dat and tb_output_raw.dat: one sample
/// per line, the raw integers of the input resp. output format separated by spaces; with an
/// anomaly score, each expected line ends with the score's raw integer.
void save_hls_testbench_data(const TestVectors& vectors, const std::filesystem::path& dir);

}  // namespace nas4ml::firmware
