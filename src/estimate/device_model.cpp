#include "nas4ml/estimate/device_model.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>
#include <unistd.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/safe_name.hpp"

namespace nas4ml::estimate {

namespace fs = std::filesystem;

std::vector<std::string> estimator_flavors() { return {"rtl", "hls", "rtl_vivado"}; }

FlavorCalibration DeviceModel::calibration_for(std::string_view flavor) const {
  const auto it = calibration.find(std::string(flavor));
  return it == calibration.end() ? FlavorCalibration{} : it->second;
}

namespace {
Calibration read_calibration(const JsonView& v) {
  v.require_object("a calibration {\"scale\": s, \"offset\": o}");
  v.check_keys({"scale", "offset"});
  return {v.get_number("scale", 1e-6, 1e6), v.get_number("offset", -1e9, 1e9, 0.0)};
}
}  // namespace

DeviceModel load_device_model(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw ConfigError(path.string(), "", "device file not found", "a JSON device model (estimators/<vendor>/<part>.json)",
                      "no such file");
  return parse_device_model(load_json_file(path), path);
}

DeviceModel parse_device_model(const Json& doc, const fs::path& path) {
  const JsonView v(doc, path.string());
  v.require_object("a device model");
  v.check_keys({"name", "vendor", "family", "part", "source", "resources", "dsp", "default_clock_ns", "calibration"});
  DeviceModel d;
  d.file = path;
  d.name = v.get_string("name");
  d.vendor = v.get_string("vendor");
  d.family = v.get_string("family");
  d.part = v.get_string("part");
  d.source = v.get_string("source");
  const JsonView r = v.at("resources");
  r.require_object("resource totals");
  r.check_keys({"lut", "ff", "dsp", "bram18"});
  constexpr std::int64_t big = std::int64_t{1} << 40;
  d.lut = r.get_int("lut", 1, big);
  d.ff = r.get_int("ff", 1, big);
  d.dsp = r.get_int("dsp", 0, big);
  d.bram18 = r.get_int("bram18", 0, big);
  const JsonView dsp = v.at("dsp");
  dsp.require_object("DSP operand widths");
  dsp.check_keys({"a_width", "b_width"});
  d.dsp_a_width = static_cast<int>(dsp.get_int("a_width", 2, 64));
  d.dsp_b_width = static_cast<int>(dsp.get_int("b_width", 2, 64));
  d.default_clock_ns = v.get_number("default_clock_ns", 0.1, 1000.0);
  if (v.has("calibration")) {
    const JsonView c = v.at("calibration");
    c.require_object("calibration per estimator flavor");
    const std::vector<std::string> flavors = estimator_flavors();
    c.check_keys(flavors);
    for (const std::string& flavor : flavors) {
      if (!c.has(flavor)) continue;
      const JsonView f = c.at(flavor);
      f.require_object("calibration per resource");
      f.check_keys({"lut", "ff", "dsp", "bram18"});
      FlavorCalibration fc;
      if (f.has("lut")) fc.lut = read_calibration(f.at("lut"));
      if (f.has("ff")) fc.ff = read_calibration(f.at("ff"));
      if (f.has("dsp")) fc.dsp = read_calibration(f.at("dsp"));
      if (f.has("bram18")) fc.bram18 = read_calibration(f.at("bram18"));
      d.calibration[flavor] = fc;
    }
  }
  return d;
}

std::vector<std::string> list_devices(const fs::path& estimators_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::is_directory(estimators_dir, ec)) return names;
  for (const auto& vendor : fs::directory_iterator(estimators_dir, ec)) {
    if (!vendor.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(vendor.path(), ec))
      if (f.is_regular_file() && f.path().extension() == ".json") names.push_back(f.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());  // one name per part, whatever the vendor
  return names;
}

DeviceModel find_device(std::string_view name, const fs::path& estimators_dir) {
  // The name becomes a file name under estimators_dir: nothing that could climb out of it.
  if (!is_safe_name(name))
    throw ConfigError({}, "device", "bad device name",
                      "1-64 characters of A-Z, a-z, 0-9, _, - and . without \"..\" (a file estimators/<vendor>/<name>.json)",
                      quoted_for_message(name));
  std::error_code ec;
  if (!fs::is_directory(estimators_dir, ec))
    throw ConfigError(estimators_dir.string(), "", "estimators folder not found",
                      "a folder with <vendor>/<part>.json device files", "no such folder");
  for (const auto& vendor : fs::directory_iterator(estimators_dir, ec)) {
    if (!vendor.is_directory()) continue;
    const fs::path p = vendor.path() / (std::string(name) + ".json");
    if (fs::exists(p, ec)) return load_device_model(p);
  }
  const auto names = list_devices(estimators_dir);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  std::string problem = "unknown device";
  if (auto near = nearest_word(name, names)) problem += " (did you mean " + *near + "?)";
  throw ConfigError(estimators_dir.string(), "", problem, "one of: " + list, std::string(name));
}

fs::path default_estimators_dir() {
  if (const char* env = std::getenv("NAS4ML_ESTIMATORS"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (int i = 0; i < 6 && !dir.empty(); ++i) {
    if (fs::is_directory(dir / "estimators", ec)) return dir / "estimators";
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return fs::current_path(ec) / "estimators";
}

Json to_json(const DeviceModel& d) {
  Json j = {{"name", d.name},
            {"vendor", d.vendor},
            {"family", d.family},
            {"part", d.part},
            {"source", d.source},
            {"resources", {{"lut", d.lut}, {"ff", d.ff}, {"dsp", d.dsp}, {"bram18", d.bram18}}},
            {"dsp", {{"a_width", d.dsp_a_width}, {"b_width", d.dsp_b_width}}},
            {"default_clock_ns", d.default_clock_ns}};
  Json cal = Json::object();
  for (const auto& [flavor, fc] : d.calibration) {
    auto one = [](const Calibration& c) { return Json{{"scale", c.scale}, {"offset", c.offset}}; };
    cal[flavor] = {{"lut", one(fc.lut)}, {"ff", one(fc.ff)}, {"dsp", one(fc.dsp)}, {"bram18", one(fc.bram18)}};
  }
  j["calibration"] = cal;
  return j;
}

}  // namespace nas4ml::estimate
