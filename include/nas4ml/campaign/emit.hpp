#pragma once
/// \file Emitting Pareto winners as firmware: runs/NAME/firmware/<id>/ holds
///   model.q.json         the QuantizedModel (the single source of truth)
///   rtl/<top>.v          the Verilog of its netlist (the `rtl` target, synth/target.hpp; the callers
///                        lower it with emit_target_settings(): the experiment's emit effort, or
///                        the search's when that is estimated smaller, emitted_sharing_effort())
///   hls/                 the HLS C++ project of the `hls` target (firmware/hls_writer.hpp) with
///                        its C-simulation data tb_data/
///   hls4ml_config.json   the same design as an hls4ml configuration (firmware/hls4ml_config.hpp)
///   tb/                  test vectors (inputs.hex, expected.hex from the golden model), the
///                        self-checking Verilog bench and the Verilator harness
///   synth/               yosys run and result.json (when synthesized)
///   sim/                 the simulation run (when simulated)
///   raw_inputs/          the model with its standardization folded in, its rtl/ and tb/ (when asked)
///   report.md            accuracy, estimated and synthesized resources, latency, simulation result
///   manifest.json        the campaign's manifest
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::campaign {

/// What to do for each emitted candidate.
struct EmitOptions {
  std::vector<std::string> ids;   ///< only these (must be on the front or stored); empty: the whole front
  int synthesize_top_n = 0;       ///< synthesize this many: spread along the front's first objective, or the
                                  ///< first ones of `ids` when given
  bool simulate = false;          ///< simulate each member's Verilog against the golden model (Verilator)
  int simulate_samples = 1000;    ///< test-split samples in the test vectors and the simulation
  bool csim = false;              ///< C-simulate each member's HLS project (g++ and Xilinx's ap_types headers)
  /// The same data set in raw units (data::LoadOverrides::raw_features). When set, each member also
  /// gets raw_inputs/: its model with the standardization folded into the first layer, its rtl
  /// package and test vectors, measured and (with `simulate`) simulated (campaign/raw_inputs.hpp).
  const data::LoadedDataset* raw_data = nullptr;
  std::optional<FixedFormat> raw_input_format;  ///< the folded models' input format; empty: derived
  /// What synthesizes: "yosys" (the rtl core), "vivado" (the rtl package), "vitis_hls" (hls/).
  std::string synthesis_backend = "yosys";
  /// The sharing effort the candidates' stored estimates were lowered with (the experiment's
  /// hardware.sharing_effort); when the emitted designs are lowered with another one, report.md
  /// shows the estimate of the emitted netlist and this one as "estimated during the search".
  int search_sharing_effort = 1;
};

/// One emitted candidate.
struct EmittedCandidate {
  std::string id;
  std::filesystem::path dir;
  bool synthesized = false;
  bool simulated = false;
  bool simulation_ok = false;
  bool csim_ok = false;           ///< C simulation ran and was bit-exact
  std::string problem;            ///< a failed synthesis or simulation, for the report
};

/// The target settings an experiment's candidates are lowered, written and synthesized with
/// (clock, DSP variant, sharing; the synthesis tool's time and memory limits, the run folder's
/// synthesis cache; the device's part is set where the device is known). The program of the rtl
/// target's default backend is $NAS4ML_YOSYS when set (a path or a name on PATH).
synth::TargetSettings target_settings(const ExperimentConfig& config, const RunPaths& paths);

/// The target settings the designs `nas4ml emit` writes, synthesizes and simulates are lowered
/// with: target_settings() with, under cse, the experiment's hardware.emit_sharing_effort instead of
/// the search's hardware.sharing_effort (the few emitted designs afford the wider search).
synth::TargetSettings emit_target_settings(const ExperimentConfig& config, const RunPaths& paths);

/// The sharing effort `model` is emitted with under `lowering` (cse at the emit effort): that
/// effort, unless the rtl estimate of the design lowered with the search's effort has fewer LUTs
/// (then fewer FF). More runs never cost adders, but a graph with fewer adders can have wider ones
/// (docs/netlist.md "Sharing effort"), so an emitted design is never estimated larger than the
/// search's lowering of it. `lowering` itself when it is not cse, uses DSP products or already has
/// the search's effort.
int emitted_sharing_effort(const nn::QuantizedModel& model, const estimate::DeviceModel& device,
                           const netlist::LoweringOptions& lowering, int search_effort);

/// Emits the front (or options.ids) of `store`, candidates in parallel in the calling thread's TBB
/// arena; synthesis results are also stored in `store` (from the calling thread, in order).
/// An unknown id is a ConfigError; a failing tool is noted in the candidate's report, and the
/// other candidates are still emitted.
std::vector<EmittedCandidate> emit_front(Store& store, const RunPaths& paths, const data::LoadedDataset& data,
                                         const estimate::DeviceModel& device, const synth::TargetSettings& settings,
                                         const EmitOptions& options);

/// Up to `n` ids of `front` (JSON array of {"id", "objectives"}) spread evenly along the first
/// objective, extremes included, in ascending order of it (n = 1: the middle member).
std::vector<std::string> spread_along_front(const Json& front, int n);

}  // namespace nas4ml::campaign
