#pragma once
/// \file Analytic resource and latency estimators behind one interface, selected by name
/// (docs/estimators.md): `rtl` counts the project's own netlist bit by bit in the cells yosys maps
/// it to; `rtl_vivado` counts the same netlist in Vivado's cells (CARRY8, SRLC32E) and has its
/// own calibration, fitted on Vivado reports; `hls` models the hls4ml Vivado/Vitis HLS dense
/// implementation (latency and resource strategies).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/core/json.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/netlist/netlist.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::estimate {

/// Resources and latency of one layer (uncalibrated model counts).
struct LayerEstimate {
  int index = 0;
  int n_in = 0, n_out = 0;
  double lut = 0, ff = 0, srl = 0, carry = 0, dsp = 0, bram18 = 0;
  int latency_cycles = 0;
  int ii = 1;
  double bops = 0, ebops = 0;
  int adders = 0;          ///< rtl: adder nodes; hls: multipliers instantiated
  int live_neurons = 0;    ///< neurons with logic (not dead, not constant)
  int reuse_factor = 1;    ///< hls: the reuse factor used (after hls4ml's correction)
  std::string note;        ///< e.g. "R moved from 5 to 4 (nearest valid)"
};

/// A whole-model estimate; totals are calibrated with the device's coefficients.
struct Estimate {
  std::string flavor;
  std::string device;
  double clock_ns = 0;
  double lut = 0, ff = 0, srl = 0, carry = 0, dsp = 0, bram18 = 0;
  int latency_cycles = 0;
  double latency_ns = 0;
  int ii = 1;
  double lut_pct = 0, ff_pct = 0, dsp_pct = 0, bram18_pct = 0;  ///< utilization of the device, %
  double bops = 0, ebops = 0;
  std::vector<LayerEstimate> layers;
};

/// Options shared by the estimators.
struct EstimateOptions {
  double clock_ns = 0;          ///< target clock in ns; 0 = the device's default_clock_ns
  int levels_per_stage = 0;     ///< rtl: adder levels per register stage; 0 = from the clock
  bool dsp_products = false;    ///< rtl: products as `*` on DSPs instead of CSD shift-adds
  netlist::Sharing sharing = netlist::Sharing::cse;  ///< rtl: adder sharing between neurons (docs/netlist.md)
  int sharing_effort = 1;       ///< rtl, with sharing: runs of the subexpression search per layer
  std::string hls_tool = "vitis-2024.1";  ///< hls: "vivado-2019.2" or "vitis-2024.1" (DSP policy)
};

/// The options under which the rtl estimators count the netlist that `lowering` builds (its clock,
/// stages, DSP products, sharing and sharing effort; the rest default).
EstimateOptions estimate_options_for(const netlist::LoweringOptions& lowering);

/// The estimator interface.
class Estimator {
 public:
  virtual ~Estimator() = default;
  /// Its name ("rtl", "hls", "rtl_vivado").
  virtual std::string name() const = 0;
  /// Estimates `model` on `device`. Throws ConfigError for bad options.
  virtual Estimate estimate(const nn::QuantizedModel& model, const DeviceModel& device,
                            const EstimateOptions& options) const = 0;
};

/// The estimator called `flavor` (one of estimator_flavors(), device_model.hpp); ConfigError
/// naming the valid ones otherwise.
std::unique_ptr<Estimator> make_estimator(std::string_view flavor);

/// Fills totals, latency in ns, utilization and calibration from the per-layer numbers.
void finish_estimate(Estimate& e, const DeviceModel& device);

/// The estimate as JSON (totals, utilization, per-layer breakdown).
Json to_json(const Estimate& e);

}  // namespace nas4ml::estimate
