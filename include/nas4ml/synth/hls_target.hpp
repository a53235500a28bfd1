#pragma once
/// \file The `hls` target (target.hpp): an hls4ml-style Vitis HLS C++ project per model
/// (firmware/hls_writer.hpp), checked here by C simulation against Xilinx's ap_types headers
/// (hls_csim.hpp), predicted by the `hls` estimator (estimate/hls_model.hpp). Per-layer reuse
/// factor and strategy are implemented (PIPELINE II = reuse factor, hls4ml's multiplier limit,
/// resource strategy). Vendor synthesis (vitis_hls -f build_prj.tcl) is not run by nas4ml yet:
/// synthesize() says so.
#include <memory>

#include "nas4ml/synth/target.hpp"

namespace nas4ml::synth {

/// The part written into build_prj.tcl when the settings name none.
inline constexpr const char* default_hls_part = "xcvu9p-flga2104-2L-e";

/// A new `hls` target.
std::unique_ptr<Target> make_hls_target(const TargetSettings& settings);

}  // namespace nas4ml::synth
