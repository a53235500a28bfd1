// `nas4ml calibrate <result.json | design folder...> --device xcvu9p [--write]`: fits an
// estimator flavor's per-resource scale against synthesized results (the flavor each result's
// backend calibrates, from the target registry: rtl from yosys, rtl_vivado from Vivado, hls from
// Vitis HLS csynth) (docs/synthesis.md "Calibration") and prints the median and 90th-percentile
// relative error before and after. A design folder is one `nas4ml emit` wrote, in which the user
// ran the vendor tool: its target reads the reports and attaches the raw estimate.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/synth/calibration.hpp"
#include "nas4ml/synth/synthesis_result.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::cli {
namespace {

/// The result `arg` names: a result.json, or a design folder (firmware/<id> or its target's
/// subfolder) whose target reads the vendor reports in it.
synth::SynthesisResult load_result(const std::string& arg, const estimate::DeviceModel& device) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(arg)) return synth::load_synthesis_result(arg);
  for (const auto& kind : synth::target_names()) {
    const auto target = synth::make_target(kind);
    for (const fs::path& dir : {fs::path(arg), fs::path(arg) / kind})
      if (auto r = target->result_from_reports(dir, device)) return *r;
  }
  throw ConfigError(arg, "", "not a design folder of any target",
                    "a result.json of `nas4ml synth`, or a folder `nas4ml emit` wrote (firmware/<id> or its rtl/) "
                    "holding the vendor tool's reports",
                    "a folder without a design.json");
}

struct CalibrateArgs {
  std::vector<std::string> results;
  std::string device;
  std::string estimators;
  bool write = false;
  bool holdout = false;
  bool json = false;
};

int run_calibrate(const CalibrateArgs& a) {
  const std::filesystem::path estimators =
      a.estimators.empty() ? estimate::default_estimators_dir() : std::filesystem::path(a.estimators);
  const estimate::DeviceModel device = estimate::find_device(a.device, estimators);

  // Estimated and measured totals per resource, one entry per result file.
  std::vector<double> e_lut, m_lut, e_ff, m_ff;
  std::size_t exact_srl = 0, exact_dsp = 0, exact_bram = 0, n = 0;
  std::string flavor;  // of the first result; every other one must match
  for (const auto& file : a.results) {
    const synth::SynthesisResult r = load_result(file, device);
    if (r.estimate.is_null())
      throw ConfigError(file, "$.estimate", "the result has no estimate to calibrate against",
                        "a result written by `nas4ml synth`", "none");
    const JsonView e(r.estimate, file, "$.estimate");
    const std::string est = e.get_string("estimator");
    if (flavor.empty()) flavor = est;
    const auto flavors = estimate::estimator_flavors();
    const bool known = std::find(flavors.begin(), flavors.end(), flavor) != flavors.end();
    if (!known || est != flavor || e.get_bool("calibrated"))
      e.fail("only uncalibrated estimates of one flavor can be fitted",
             "estimator " + (known ? flavor : std::string("rtl, hls or rtl_vivado")) + ", calibrated false",
             est + (e.get_bool("calibrated") ? ", calibrated" : ""));
    // The backend's target says which flavor its results calibrate (synth/target.hpp): Vivado maps
    // carries and packs LUTs unlike the yosys results the rtl flavor is fitted to.
    if (synth::make_backend_target(r.backend, {}, file + ":$.backend")->calibrated_flavor() != est) {
      std::string own;
      for (const auto& b : synth::backend_names())
        if (synth::make_backend_target(b, {})->calibrated_flavor() == est) own += (own.empty() ? "" : " or ") + b;
      throw ConfigError(file, "$.backend", "the " + est + " estimator is calibrated against " + own + " only",
                        own, r.backend);
    }
    e_lut.push_back(e.get_number("lut", 0, 1e12));
    m_lut.push_back(static_cast<double>(r.resources.lut));
    e_ff.push_back(e.get_number("ff", 0, 1e12));
    m_ff.push_back(static_cast<double>(r.resources.ff));
    exact_srl += e.get_number("srl", 0, 1e12) == static_cast<double>(r.resources.srl);
    exact_dsp += e.get_number("dsp", 0, 1e12) == static_cast<double>(r.resources.dsp);
    exact_bram += e.get_number("bram18", 0, 1e12) == static_cast<double>(r.resources.bram18);
    ++n;
  }
  std::vector<bool> held;
  if (a.holdout)
    for (std::size_t i = 0; i < n; ++i) held.push_back(i % 2 == 1);  // every second file, in the order given
  const synth::ResourceFit lut = synth::calibrate_resource("lut", e_lut, m_lut, held);
  const synth::ResourceFit ff = synth::calibrate_resource("ff", e_ff, m_ff, held);

  if (a.write) {
    // Only the calibration section of this flavor changes; the rest of the file is kept as is.
    Json doc = load_json_file(device.file);
    doc["calibration"][flavor]["lut"] = {{"scale", lut.scale}, {"offset", 0.0}};
    doc["calibration"][flavor]["ff"] = {{"scale", ff.scale}, {"offset", 0.0}};
    save_json_file(device.file, doc);
    estimate::load_device_model(device.file);  // the file must still load
  }
  if (a.json) {
    auto stats = [](const synth::ErrorStats& s) { return Json{{"n", s.n}, {"median", s.median}, {"p90", s.p90}, {"max", s.max}}; };
    Json j = {{"device", device.name}, {"flavor", flavor}, {"designs", n}, {"written", a.write}, {"resources", Json::object()}};
    for (const auto* f : {&lut, &ff})
      j["resources"][f->resource] = {{"scale", f->scale}, {"offset", 0.0},
                                     {"fit_before", stats(f->before)}, {"fit_after", stats(f->after)},
                                     {"held_back_before", stats(f->held_before)}, {"held_back_after", stats(f->held_after)}};
    j["exact"] = {{"srl", exact_srl}, {"dsp", exact_dsp}, {"bram18", exact_bram}};
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  std::cout << fmt::format("{} estimator vs synthesis, {} designs, device {}{}\n", flavor, n, device.name,
                           a.holdout ? " (fit on every first, checked on every second file)" : "");
  std::cout << fmt::format("{:<5} {:>8}  {:>22}  {:>22}\n", "", "scale", "|error| median / p90", "after");
  auto line = [](const char* label, const synth::ResourceFit& f, const synth::ErrorStats& before,
                 const synth::ErrorStats& after) {
    return fmt::format("{:<5} {:>8.4f}  {:>10.2f}% / {:>6.2f}%  {:>10.2f}% / {:>6.2f}%   ({} designs)\n", label, f.scale,
                       100 * before.median, 100 * before.p90, 100 * after.median, 100 * after.p90, before.n);
  };
  std::cout << "fitted designs:\n";
  std::cout << line("LUT", lut, lut.before, lut.after) << line("FF", ff, ff.before, ff.after);
  if (a.holdout) {
    std::cout << "held-back designs:\n";
    std::cout << line("LUT", lut, lut.held_before, lut.held_after) << line("FF", ff, ff.held_before, ff.held_after);
  }
  std::cout << fmt::format("exact counts: SRL {}/{}, DSP {}/{}, BRAM18 {}/{} (not scaled)\n", exact_srl, n, exact_dsp,
                           n, exact_bram, n);
  std::cout << (a.write ? fmt::format("wrote calibration.{}.lut/ff to {}\n", flavor, device.file.string())
                        : "not written (pass --write to update the device file)\n");
  return 0;
}

}  // namespace

void add_calibrate_command(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<CalibrateArgs>();
  CLI::App* sub = app.add_subcommand(
      "calibrate",
      "Fit an estimator against synthesis results (result.json files written by `nas4ml synth`, or\n"
      "folders `nas4ml emit` wrote in which Vivado ran build_vivado.tcl: the rtl estimator against yosys,\n"
      "rtl_vivado against Vivado, hls against Vitis HLS csynth, one flavor per call): one least-squares\n"
      "scale per resource (LUT, FF) on relative errors, no offset. Prints the median and 90th-percentile\n"
      "|error| before and after; --write stores the scales in the device file.");
  sub->add_option("results", args->results, "result.json files from `nas4ml synth`, or firmware/<id> (or its rtl/) folders")
      ->required()
      ->check(CLI::ExistingPath);
  sub->add_option("--device", args->device, "Device whose calibration section is fitted (estimators/<vendor>/<device>.json)")
      ->required();
  sub->add_option("--estimators", args->estimators, "Folder of device models (default: the source tree's estimators/)");
  sub->add_flag("--write", args->write, "Write the fitted scales into the device file's calibration.<flavor> section");
  sub->add_flag("--holdout", args->holdout,
                "Fit on every first result file and report the error on every second one as well (held back)");
  sub->add_flag("--json", args->json, "Print the fit as JSON");
  table.add(sub, [args] { return run_calibrate(*args); });
}

}  // namespace nas4ml::cli
