#pragma once
/// \file The whole synthesis flow of one trained model: QuantizedModel -> netlist (lowering) ->
/// Verilog (firmware writer) -> yosys -> measured counts, with the rtl estimator's uncalibrated
/// numbers for the same netlist attached, so `nas4ml calibrate` can fit the estimator against
/// the measurements later (docs/synthesis.md).
#include <filesystem>
#include <string>

#include "nas4ml/core/json.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/netlist/netlist.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/synth/synthesis_result.hpp"
#include "nas4ml/synth/yosys_backend.hpp"

namespace nas4ml::synth {

/// How one model is lowered, written and synthesized.
struct FlowOptions {
  netlist::LoweringOptions lowering;  ///< clock, levels per stage, DSP variant
  std::string top = "nas4ml_top";     ///< top module name
  YosysOptions yosys;                 ///< use_dsp should equal lowering.dsp_products
};

/// Flip-flops and shift registers of the firmware's valid pipeline (latency L registers, not part
/// of the netlist), as yosys 0.23 maps them (measured: L = 1, 2 -> L FDRE; 3..16 -> one SRL16E;
/// 17 -> SRL16E + FDRE; 33 -> SRLC32E + FDRE; beyond 16 we take ceil((L-1)/32) SRLs + 1 FF).
struct ValidPipeCost {
  int ff = 0;
  int srl = 0;
};
ValidPipeCost valid_pipe_cost(int latency_cycles);

/// An rtl estimator flavor's uncalibrated totals for `model` (the device's calibration is
/// ignored) as the `estimate` object of a synthesis result:
/// {"estimator": flavor, "calibrated": false, "device", "clock_ns", "lut", "ff", "srl", "carry",
///  "dsp", "bram18", "latency_cycles", "valid_pipe": {"ff", "srl"}}.
/// "rtl" (yosys synthesizes the core alone) includes the core's valid pipeline; "rtl_vivado"
/// (Vivado's row of the core inside the firmware package, whose valid output is left unconnected
/// there and removed) does not.
Json raw_rtl_estimate(const nn::QuantizedModel& model, const estimate::DeviceModel& device,
                      const netlist::LoweringOptions& lowering, const std::string& flavor = "rtl");

/// Synthesizes `model` already lowered to `net` and written as `verilog` (one lowering per
/// design) in `out_dir`; the result carries raw_rtl_estimate() and is saved as out_dir/result.json.
SynthesisResult synthesize_lowered(const nn::QuantizedModel& model, const netlist::Netlist& net, const std::string& verilog,
                                   const estimate::DeviceModel& device, const std::filesystem::path& out_dir,
                                   const FlowOptions& options);

/// Lowers, writes and synthesizes `model` in `out_dir` (synthesize_lowered()).
SynthesisResult synthesize_model(const nn::QuantizedModel& model, const estimate::DeviceModel& device,
                                 const std::filesystem::path& out_dir, const FlowOptions& options);

}  // namespace nas4ml::synth
