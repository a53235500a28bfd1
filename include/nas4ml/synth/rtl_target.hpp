#pragma once
/// \file The `rtl` target (target.hpp): the netlist lowering (netlist/lower.hpp) written as
/// Verilog (firmware/verilog_writer.hpp), synthesized by yosys `synth_xilinx`
/// (yosys_backend.hpp), checked by Verilator against the golden model (simulator.hpp), predicted
/// by the `rtl` estimator. It has no reuse factor or strategy: every product has its own
/// hardware and a new sample enters every cycle (II = 1).
#include <memory>

#include "nas4ml/synth/synth_flow.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::synth {

/// The flow options (lowering, top, yosys limits) the rtl target runs with for `settings`.
FlowOptions rtl_flow_options(const TargetSettings& settings);

/// A new `rtl` target.
std::unique_ptr<Target> make_rtl_target(const TargetSettings& settings);

}  // namespace nas4ml::synth
