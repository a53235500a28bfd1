#pragma once
/// \file Firmware for data arriving in raw units: an emitted member's model with its input
/// standardization folded into the first layer (nn/standardization_folding.hpp), written by the
/// rtl target into firmware/<id>/raw_inputs/, measured on the test split beside the unfolded
/// model and optionally simulated against its own golden model (docs/firmware.md "Raw-unit inputs").
#include <filesystem>
#include <optional>
#include <string>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/netlist/netlist.hpp"
#include "nas4ml/nn/quantized_model.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::campaign {

/// What emit_raw_inputs() needs besides the model.
struct RawInputsOptions {
  const data::LoadedDataset* data = nullptr;  ///< the splits as the model was trained (preprocessed)
  const data::LoadedDataset* raw = nullptr;   ///< the same splits in raw units (LoadOverrides::raw_features)
  std::optional<FixedFormat> input_format;    ///< the folded model's input format; empty: derived from
                                              ///< the raw training split's range (nn::raw_input_format)
  std::string top = "nas4ml_top";
  int samples = 1000;                         ///< test-split samples in the test vectors
  bool simulate = false;                      ///< run the rtl target's check (Verilator stream bench)
  const estimate::DeviceModel* device = nullptr;    ///< set: the report compares both netlists' rtl counts
  const netlist::Netlist* unfolded = nullptr;       ///< the unfolded model's netlist (as emit lowered it)
};

/// The outcome, for report.md.
struct RawInputsResult {
  std::string section;        ///< a markdown section ("## Raw-unit inputs ...")
  bool simulated = false;
  bool simulation_ok = false;
  std::string problem;        ///< a failed simulation, for the report
  double accuracy = -1;       ///< test accuracy of the folded model (-1: not a classifier)
  double unfolded_accuracy = -1;
};

/// Folds `model`'s standardization, writes `dir`/{model.q.json, rtl/, tb/} (and sim/ when
/// simulating) with `rtl`, compares both models' golden outputs on the test split. ConfigError
/// when the model cannot be folded (nn::fold_standardization) or the splits differ in size.
RawInputsResult emit_raw_inputs(const nn::QuantizedModel& model, const synth::Target& rtl,
                                const RawInputsOptions& options, const std::filesystem::path& dir);

}  // namespace nas4ml::campaign
