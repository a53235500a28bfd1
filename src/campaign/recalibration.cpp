#include "nas4ml/campaign/recalibration.hpp"

#include <spdlog/spdlog.h>

#include "nas4ml/synth/calibration.hpp"

namespace nas4ml::campaign {

CalibrationPoints calibration_points(const std::vector<SynthesisRecord>& runs, const std::string& flavor) {
  CalibrationPoints p;
  for (const auto& r : runs) {
    if (r.status != "ok" || !r.result.is_object() || !r.result.contains("estimate") || r.result["estimate"].is_null())
      continue;
    const Json& e = r.result["estimate"];
    if (e.value("estimator", std::string()) != flavor) continue;  // another flavor's numbers
    const Json& m = r.result["resources"];
    if (m["lut"].get<double>() < kMinCalibrationLut) continue;
    p.ids.push_back(r.genome_hash);
    p.estimated_lut.push_back(e["lut"].get<double>());
    p.synthesized_lut.push_back(m["lut"].get<double>());
    p.estimated_ff.push_back(e["ff"].get<double>());  // the valid pipeline is already in it (raw_rtl_estimate)
    p.synthesized_ff.push_back(m["ff"].get<double>());
  }
  return p;
}

void refit_calibration(estimate::DeviceModel& device, const std::string& flavor, const std::vector<SynthesisRecord>& runs,
                       bool log) {
  const CalibrationPoints p = calibration_points(runs, flavor);
  if (p.ids.size() < 2) return;
  auto& cal = device.calibration[flavor];
  const auto fit = [log, &flavor](const char* name, const std::vector<double>& e, const std::vector<double>& m,
                         estimate::Calibration& c) {
    if (e.size() < 2) return;
    const auto before = synth::relative_errors(e, m, c.scale);
    c.scale = synth::fit_scale(e, m);
    c.offset = 0.0;
    const auto after = synth::relative_errors(e, m, c.scale);
    if (log)
      spdlog::info("{} estimator {} vs synthesis ({} designs): |error| median {:.1f}% p90 {:.1f}% before, "
                   "{:.1f}% / {:.1f}% after refit (scale {:.4f})",
                   flavor, name, after.n, 100 * before.median, 100 * before.p90, 100 * after.median, 100 * after.p90, c.scale);
  };
  fit("LUT", p.estimated_lut, p.synthesized_lut, cal.lut);
  fit("FF", p.estimated_ff, p.synthesized_ff, cal.ff);
}

}  // namespace nas4ml::campaign
