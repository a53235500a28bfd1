#pragma once
/// \file The Verilog writer: prints the hardware netlist (netlist/netlist.hpp, docs/netlist.md)
/// as synthesizable Verilog-2005, node for node, so the `rtl` estimator and the firmware read the
/// same structure (docs/architecture.md). It makes no decisions of its own: every adder, cast, ReLU and
/// register it prints is a netlist node, with the node's name and width.
///
/// Output (docs/firmware.md): one module per layer and a top module with packed fixed-point
/// ports (input i at in_data[i*W_in +: W_in], output o at out_data[o*W_out +: W_out]), a valid
/// signal delayed by the pipeline latency, and a header comment with the model name, formats and
/// latency. Adders are written with explicit sign extension and an unsigned `+`/`-`, which yosys
/// does not merge into `$macc` carry-save trees (measured, 66 yosys syntheses: benchmarks/README.md "estimator_vs_yosys" item 1); multiply nodes (the
/// DSP variant, LoweringOptions::dsp_products) are plain signed `*`. No vendor primitives.
#include <string>
#include <vector>

#include "nas4ml/netlist/netlist.hpp"

namespace nas4ml::firmware {

/// Writer options.
struct VerilogOptions {
  /// Name of the top module; layer modules are <top>_layer<k>. Must be a Verilog identifier.
  std::string top = "nas4ml_top";
};

/// How the top module's ports pack the model's inputs and outputs.
struct PortLayout {
  int n_inputs = 0;
  int input_bits = 0;               ///< bits per input (the input format's width)
  int in_width = 0;                 ///< n_inputs * input_bits
  std::vector<int> output_bits;     ///< bits per output (each output's result format width)
  std::vector<int> output_offset;   ///< lowest bit of output o in out_data
  int out_width = 0;
  int latency_cycles = 0;           ///< clock edges from in_data sampled to out_data valid
};

/// The packing of `netlist`'s ports.
PortLayout port_layout(const netlist::Netlist& netlist);

/// The whole design as Verilog-2005 text. Throws ConfigError for a bad top name and
/// InternalError for a netlist that breaks its own invariants (an operand from another layer).
std::string write_verilog(const netlist::Netlist& netlist, const VerilogOptions& options = {});

}  // namespace nas4ml::firmware
