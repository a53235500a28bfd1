#pragma once
/// \file Refitting an estimator flavor's calibration from a campaign's synthesis runs: per
/// resource one relative least-squares scale (synth/calibration.hpp) over every successful run
/// whose design has at least kMinCalibrationLut synthesized LUTs. Smaller designs are left out:
/// their counts are dominated by a few fixed cells (the valid pipeline, constant outputs) and
/// 66 yosys syntheses (benchmarks/README.md "estimator_vs_yosys") found the estimator's relative errors concentrated under 300 LUTs.
#include <string>
#include <vector>

#include "nas4ml/campaign/store.hpp"
#include "nas4ml/estimate/device_model.hpp"

namespace nas4ml::campaign {

/// Designs smaller than this (synthesized LUTs) do not enter the fit.
inline constexpr double kMinCalibrationLut = 100.0;

/// Estimated (uncalibrated, valid pipeline included) and synthesized counts of the usable runs.
struct CalibrationPoints {
  std::vector<std::string> ids;
  std::vector<double> estimated_lut, synthesized_lut, estimated_ff, synthesized_ff;
};

/// The usable points of `runs` for estimator `flavor` (successful, with an uncalibrated estimate
/// of that flavor attached, >= kMinCalibrationLut LUTs).
CalibrationPoints calibration_points(const std::vector<SynthesisRecord>& runs, const std::string& flavor = "rtl");

/// Sets device.calibration[flavor] LUT and FF scales fitted on the runs with an estimate of that
/// flavor (each needs >= 2 points; otherwise that resource keeps its calibration). With `log`,
/// prints the error before and after.
void refit_calibration(estimate::DeviceModel& device, const std::string& flavor, const std::vector<SynthesisRecord>& runs,
                       bool log);

}  // namespace nas4ml::campaign
