#pragma once
/// \file From a campaign store to what people read: the front table (`nas4ml front`, the report)
/// and report.html.
#include <string>
#include <vector>

#include "nas4ml/campaign/front_table.hpp"
#include "nas4ml/campaign/report.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/estimate/device_model.hpp"

namespace nas4ml::campaign {

/// Everything report.html shows, read from the store. Estimate-vs-synthesis pairs use each
/// synthesis run's uncalibrated estimate scaled by `device`'s current rtl calibration.
ReportData report_data(const Store& store, const RunPaths& paths, const estimate::DeviceModel& device);

/// Writes paths.report() and returns its path.
std::filesystem::path write_report(const Store& store, const RunPaths& paths, const estimate::DeviceModel& device);

/// The device model a campaign used, with the rtl calibration refitted from its stored syntheses
/// (what the campaign had at its end). `device_file` is the manifest's.
estimate::DeviceModel campaign_device(const Store& store);


}  // namespace nas4ml::campaign
