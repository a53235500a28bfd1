#pragma once
/// \file Bit-level resource counts of a netlist, the `rtl` estimator's model of what yosys 0.23
/// `synth_xilinx -family xcup` produces (measured, 66 yosys syntheses: benchmarks/README.md "estimator_vs_yosys"; docs/estimators.md):
///  - LUT: one per distinct non-constant XOR bit pair over all adder carry-chain positions
///    (AdderBits::new_pairs; stripped low bits, a XOR a and shared pairs cost nothing), plus a
///    saturating cast that can overflow: one per output bit, plus one per further 5 overflow
///    bits beyond the 5 that fold into those LUTs; ReLU is free (the register's synchronous reset);
///    DSP variant: products too small for a DSP cost (CSD digits - 1) x operand width.
///  - CARRY4: sum over adders of ceil(carry-chain bits / 4).
///  - FF: register bits that are real flip-flops (constant and duplicate ones already point
///    elsewhere in the netlist), minus those absorbed into SRLs: a chain of >= 3 flip-flops whose
///    intermediate outputs drive only the next one (and no synchronous reset) becomes one SRL16E
///    per 16 stages.
///  - DSP (DSP variant only): a product with a result of >= 9 bits and operands of >= 2 bits
///    (yosys' xilinx_dsp thresholds) takes ceil(a/27) * ceil(b/18) DSP48E2, the wider operand on
///    the 27-bit port.
///  - An autoencoder's anomaly score (the square / absolute nodes of its error terms): |x| of a
///    w-bit word w - 1 LUTs and ceil(w/4) CARRY4; x^2 the LUTs measured at its width (~0.16 w^3;
///    a table for a square of an adder's result, as the score's differences are, and one for a
///    square of a register) and floor(w/2) CARRY4, or
///    under the DSP variant ceil(w/27) * ceil(w/18) DSP48E2 (measured, docs/estimators.md).
#include <vector>

#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/netlist/netlist.hpp"

namespace nas4ml::estimate {

/// The cells a synthesis tool maps carry chains and delay lines to. The defaults are yosys 0.23
/// `synth_xilinx`'s (the `rtl` flavor); Vivado on UltraScale+ maps adders to CARRY8 and static
/// shift registers to SRLC32E (UG574 "CLB Resources", UG974 CARRY8 and SRLC32E: the
/// `rtl_vivado` flavor).
struct CarryShiftCells {
  int carry_bits = 4;   ///< carry-chain bits of one carry cell (CARRY4: 4, CARRY8: 8)
  int srl_depth = 16;   ///< stages of one shift-register LUT (SRL16E: 16, SRLC32E: 32)
};

/// Per-layer counts (lut, ff, srl, carry, dsp, adders, live_neurons, latency_cycles, ii = 1) of
/// `netlist`; `dsp_a_width` x `dsp_b_width` is one DSP's multiplier.
/// `cells` sets the carry-cell and shift-register widths (CARRY4 and SRL16 above are the defaults).
std::vector<LayerEstimate> count_netlist(const netlist::Netlist& netlist, int dsp_a_width = 27, int dsp_b_width = 18,
                                         const CarryShiftCells& cells = {});

}  // namespace nas4ml::estimate
