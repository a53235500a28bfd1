#pragma once
/// \file FPGA device models: resource totals, DSP operand widths, default clock and the
/// calibration coefficients of each estimator flavor, read from data files
/// estimators/<vendor>/<part>.json (docs/estimators.md). No part number appears in code.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/core/json.hpp"

namespace nas4ml::estimate {

/// calibrated = scale * raw + offset, per resource.
struct Calibration {
  double scale = 1.0;
  double offset = 0.0;
  double apply(double raw) const noexcept { return scale * raw + offset; }
};

/// Calibration of one estimator flavor: one entry per resource.
struct FlavorCalibration {
  Calibration lut, ff, dsp, bram18;
};

/// Names of every estimator flavor, the keys a device file's "calibration" may have: "rtl"
/// (predicts yosys), "hls" (predicts Vitis HLS csynth), "rtl_vivado" (predicts Vivado on the rtl
/// core; estimator.hpp).
std::vector<std::string> estimator_flavors();

/// One device, as read from its JSON file.
struct DeviceModel {
  std::string name;            ///< short name, e.g. the file stem ("xcvu9p")
  std::string vendor;          ///< "xilinx"
  std::string family;          ///< e.g. "Virtex UltraScale+"
  std::string part;            ///< full part for tools, e.g. with package and speed grade
  std::string source;          ///< where the totals come from (data sheet and table)
  std::int64_t lut = 0, ff = 0, dsp = 0, bram18 = 0;  ///< totals available on the device
  int dsp_a_width = 27, dsp_b_width = 18;            ///< signed multiplier operand widths of one DSP
  double default_clock_ns = 5.0;                     ///< clock used when none is given
  std::map<std::string, FlavorCalibration> calibration;  ///< by flavor (estimator_flavors()); missing = identity
  std::filesystem::path file;  ///< the file it was read from

  /// The calibration of `flavor` (identity when the file has none).
  FlavorCalibration calibration_for(std::string_view flavor) const;
};

/// Reads and checks one device file. A missing file, invalid JSON, a missing or mistyped field,
/// an unknown key or a value out of range is a ConfigError naming the file and the JSON path.
DeviceModel load_device_model(const std::filesystem::path& path);

/// Checks a parsed device file (the same checks as load_device_model); `path` names it in
/// messages and becomes DeviceModel::file.
DeviceModel parse_device_model(const Json& document, const std::filesystem::path& path);

/// The device file `<dir>/<vendor>/<name>.json` for any vendor folder; ConfigError listing the
/// available devices when there is none.
DeviceModel find_device(std::string_view name, const std::filesystem::path& estimators_dir);

/// Names of every device under `estimators_dir` (file stems of <vendor>/<part>.json), sorted.
std::vector<std::string> list_devices(const std::filesystem::path& estimators_dir);

/// The default estimators folder: $NAS4ML_ESTIMATORS if set, else the first `estimators/` found
/// walking up from the running executable's folder (the source tree of a build folder).
std::filesystem::path default_estimators_dir();

/// The device model as JSON (same schema as the files).
Json to_json(const DeviceModel& device);

}  // namespace nas4ml::estimate
