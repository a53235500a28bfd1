#include "nas4ml/synth/target.hpp"

#include <algorithm>
#include <utility>

#include "nas4ml/core/error.hpp"
#include "nas4ml/synth/hls_target.hpp"
#include "nas4ml/synth/rtl_target.hpp"

namespace nas4ml::synth {

namespace {
// The registry: one line per kind.
const std::vector<std::pair<std::string, TargetFactory>>& registry() {
  static const std::vector<std::pair<std::string, TargetFactory>> kinds = {
      {"rtl", make_rtl_target},
      {"hls", make_hls_target},
  };
  return kinds;
}
}  // namespace

std::vector<std::string> target_names() {
  std::vector<std::string> out;
  for (const auto& [name, factory] : registry()) out.push_back(name);
  return out;
}

std::unique_ptr<Target> make_target(const std::string& name, const TargetSettings& settings, const std::string& field) {
  std::string names;
  for (const auto& [kind, factory] : registry()) {
    if (kind == name) return factory(settings);
    names += (names.empty() ? "\"" : ", \"") + kind + "\"";
  }
  throw ConfigError("", field, "unknown implementation target", "one of " + names, "\"" + name + "\"");
}

namespace {
std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}
}  // namespace

std::vector<std::string> backend_names() {
  std::vector<std::string> out;
  for (const auto& [kind, factory] : registry())
    for (auto& b : factory({})->backends()) out.push_back(std::move(b));
  return out;
}

std::string backend_target(const std::string& backend, const std::string& field) {
  for (const auto& [kind, factory] : registry()) {
    const auto backends = factory({})->backends();
    if (std::find(backends.begin(), backends.end(), backend) != backends.end()) return kind;
  }
  throw ConfigError("", field, "unknown synthesis backend", "one of " + quoted_list(backend_names()),
                    "\"" + backend + "\"");
}

std::unique_ptr<Target> make_backend_target(const std::string& backend, TargetSettings settings, const std::string& field) {
  const std::string kind = backend_target(backend, field);
  settings.backend = backend;
  return make_target(kind, settings, field);
}

void check_device_family(const Target& target, const estimate::DeviceModel& device) {
  const auto families = target.device_families();
  if (std::find(families.begin(), families.end(), device.family) != families.end()) return;
  throw ConfigError(device.file.string(), "$.family",
                    "the " + target.name() + " target does not build for this device family",
                    "one of " + quoted_list(families), "\"" + device.family + "\"");
}

}  // namespace nas4ml::synth
