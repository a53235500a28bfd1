#include "nas4ml/synth/target.hpp"

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

}  // namespace nas4ml::synth
