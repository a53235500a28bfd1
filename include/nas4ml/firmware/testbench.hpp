#pragma once
/// \file Test benches for the generated Verilog: input vectors (quantized test-split features)
/// and expected outputs from the golden integer model (nn/golden_inference.hpp) as hex files, a
/// self-checking Verilog test bench (Icarus Verilog, any Verilog-2005 simulator) and a Verilator
/// C++ harness. Both feed one sample per clock cycle, compare every valid output with the
/// expected one and print one result line:
///   nas4ml-sim samples=<N> checked=<n> mismatches=<m> latency=<cycles>
/// where latency is the number of rising edges from the one that samples input 0 to the first
/// out_valid (docs/firmware.md).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "nas4ml/data/dataset.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::firmware {

/// Raw integer inputs and the golden model's outputs for them.
struct TestVectors {
  std::size_t rows = 0;
  int n_inputs = 0, n_outputs = 0;
  std::vector<std::int64_t> inputs_raw;   ///< rows * n_inputs, raw integers of the input format
  std::vector<std::int64_t> outputs_raw;  ///< rows * n_outputs, raw integers of the result formats
  /// An autoencoder's golden anomaly score per row (nn/anomaly_score.hpp), raw integers of the
  /// score's format; empty for a model without a score. The rtl firmware and the HLS project
  /// output it after the reconstruction (rtl_outputs()).
  std::vector<std::int64_t> scores_raw;
};

/// The vectors as the rtl firmware's ports see them: with a score, every row's outputs followed
/// by its score (n_outputs + 1 values per row); otherwise `t` unchanged.
TestVectors rtl_outputs(const TestVectors& t);

/// Quantizes the first min(max_rows, rows) feature rows to the model's input format and computes
/// the golden outputs. `features` must have n_inputs columns (DataError otherwise).
TestVectors make_test_vectors(const nn::QuantizedModel& model, const data::FeatureMatrix& features,
                              std::size_t max_rows);

/// Golden outputs for given raw inputs (rows * n_inputs of them).
TestVectors make_test_vectors(const nn::QuantizedModel& model, std::vector<std::int64_t> inputs_raw);

/// One line per row: the packed port word in hex, most significant digit first ($readmemh);
/// value j of a row occupies `bits[j]` bits starting at the sum of the previous ones.
std::string pack_hex(std::span<const std::int64_t> values, std::size_t per_row, const std::vector<int>& bits);

/// The self-checking Verilog test bench for `top` reading inputs.hex and expected.hex from the
/// folder it runs in.
std::string verilog_testbench(const PortLayout& ports, const std::string& top, std::size_t rows);

/// The Verilator C++ harness (sim_main.cpp) for `top`; takes the two hex files as arguments.
std::string verilator_harness(const PortLayout& ports, const std::string& top, std::size_t rows);

/// Writes inputs.hex, expected.hex, tb_<top>.v and sim_main.cpp into `dir`.
void write_testbench_files(const std::filesystem::path& dir, const PortLayout& ports, const std::string& top,
                           const TestVectors& vectors);

/// What a simulation printed.
struct SimulationCounts {
  std::size_t samples = 0, checked = 0, mismatches = 0;
  int latency = -1;  ///< -1 when no valid output was seen
};

/// Reads the `nas4ml-sim ...` line from a simulator's output; ToolError naming `file` when absent.
SimulationCounts parse_simulation_line(const std::string& output, const std::string& file);

}  // namespace nas4ml::firmware
