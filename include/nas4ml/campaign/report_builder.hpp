#pragma once
/// \file From a campaign store to what people read: the front table (`nas4ml front`, the report)
/// and report.html.
#include <string>
#include <vector>

#include "nas4ml/campaign/report.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/estimate/device_model.hpp"

namespace nas4ml::campaign {

/// The front as a table: one row per member of the last stored front, sorted by the first
/// objective. Columns: id, generation, validation and test accuracy, estimated LUT, FF, DSP,
/// BRAM18, latency (ns), II, BOPs, and synthesized LUT and FF where a synthesis exists.
struct FrontTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  Json json;  ///< the same as an array of objects with numbers (null where absent)
};
FrontTable front_table(const Store& store);

/// Everything report.html shows, read from the store. Estimate-vs-synthesis pairs use each
/// synthesis run's uncalibrated estimate scaled by `device`'s current rtl calibration.
ReportData report_data(const Store& store, const RunPaths& paths, const estimate::DeviceModel& device);

/// Writes paths.report() and returns its path.
std::filesystem::path write_report(const Store& store, const RunPaths& paths, const estimate::DeviceModel& device);

/// The device model a campaign used, with the rtl calibration refitted from its stored syntheses
/// (what the campaign had at its end). `device_file` is the manifest's.
estimate::DeviceModel campaign_device(const Store& store);

/// Table as aligned text columns (for terminals) or CSV.
std::string format_table(const FrontTable& table, bool csv);

}  // namespace nas4ml::campaign
