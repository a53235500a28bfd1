#pragma once
/// \file The rtl firmware package (docs/firmware.md "The rtl package"): what a board designer
/// drops into a Vivado design around the pipelined core the Verilog writer prints
/// (verilog_writer.hpp). From template files under templates/rtl/:
///  - <top>.v: a top level with a synchronous reset, registered inputs and outputs,
///    AXI4-Stream-style valid/ready handshakes with back-pressure (an output FIFO of L + 2
///    entries and a credit count on s_axis_tready; the core itself never stalls) and, for models
///    with two or more outputs, an argmax class output from a pipelined comparison tree of
///    ceil(log2 n) levels registered every K levels (A = ceil(levels / K) stages, K the core's
///    adder levels per stage); latency L + A + 2, II 1;
///  - constraints.xdc (the clock), build_vivado.tcl (non-project out-of-context synthesis,
///    implementation, reports; IP packaging on request), README.md (port map, widths, latency);
///  - a Verilator stream bench (stream_main.cpp) that drives random valid/ready patterns, a reset
///    in the middle of the stream, and checks every delivered sample against the golden model.
/// The AXI4-Stream handshake follows ARM IHI 0051A (a transfer happens on a rising edge where
/// TVALID and TREADY are both high; TVALID, once high, stays high with stable TDATA until then).
#include <filesystem>
#include <string>
#include <vector>

#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::firmware {

/// What the package is made with.
struct RtlPackageOptions {
  std::string top = "nas4ml_axis";  ///< the package's top module (a Verilog identifier, not the core's name)
  std::string core = "nas4ml_top";  ///< the core module (VerilogOptions::top)
  double clock_ns = 5.0;            ///< the clock constraint
  std::string part = "xcvu9p-flga2104-2L-e";  ///< FPGA part of the Vivado script
  bool argmax = true;               ///< an m_class port (only for models with two or more outputs)
  int argmax_levels_per_stage = 1;  ///< comparison levels between the argmax tree's registers (>= 1)
};

/// The package's ports and timing, derived from the core's ports.
struct RtlPackageLayout {
  PortLayout core;         ///< the core's ports
  int s_width = 0;         ///< s_axis_tdata bits: core.in_width padded to whole bytes
  int m_width = 0;         ///< m_axis_tdata bits: core.out_width padded to whole bytes
  int latency_cycles = 0;  ///< core latency + argmax_stages + 2
  int fifo_depth = 0;      ///< core latency + argmax_stages + 2
  bool argmax = false;     ///< whether m_class exists
  int class_bits = 0;      ///< m_class width (0 without it)
  int argmax_levels = 0;   ///< comparison levels of the argmax tree: ceil(log2 outputs) (0 without it)
  int argmax_levels_per_stage = 1;  ///< levels between its registers
  int argmax_stages = 0;   ///< its register stages: ceil(argmax_levels / argmax_levels_per_stage)
};

/// The layout for `core` ports; ConfigError for a bad top name, InternalError when the outputs
/// do not share one width (the argmax compares them as one format).
RtlPackageLayout rtl_package_layout(const PortLayout& core, const RtlPackageOptions& options);

/// The top-level Verilog module.
std::string rtl_package_top(const nn::QuantizedModel& model, const RtlPackageLayout& layout,
                            const RtlPackageOptions& options);

/// Writes <top>.v, constraints.xdc, build_vivado.tcl and README.md into `dir` (which already
/// holds the core as `core_file`); returns the file names written.
std::vector<std::string> write_rtl_package(const std::filesystem::path& dir, const nn::QuantizedModel& model,
                                           const RtlPackageLayout& layout, const RtlPackageOptions& options,
                                           const std::string& core_file);

/// The index of the largest output of each row (the first on ties), as the golden model's
/// argmax; empty when the model has fewer than two outputs.
std::vector<int> argmax_classes(const TestVectors& vectors);

/// Writes the stream bench into `dir`: s_inputs.hex and m_expected.hex (padded port words),
/// expected_class.txt (when the layout has m_class) and stream_main.cpp (the Verilator harness).
void write_stream_bench_files(const std::filesystem::path& dir, const RtlPackageLayout& layout, const std::string& top, const TestVectors& vectors);

/// What the stream bench printed: `nas4ml-stream samples=.. checked=.. dropped=.. mismatches=..
/// class_mismatches=.. latency=.. stalls=.. protocol_errors=.. resets=..`.
struct StreamCounts {
  std::size_t samples = 0, checked = 0, dropped = 0, mismatches = 0, class_mismatches = 0;
  int latency = -1;
  std::size_t stalls = 0, protocol_errors = 0, resets = 0;
};

/// Reads the `nas4ml-stream ...` line; ToolError naming `file` when absent.
StreamCounts parse_stream_line(const std::string& output, const std::string& file);

}  // namespace nas4ml::firmware
