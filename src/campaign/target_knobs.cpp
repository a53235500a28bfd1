#include "nas4ml/campaign/target_knobs.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/activation.hpp"

namespace nas4ml::campaign {
namespace {

void check_layer(const synth::Target& t, const space::LayerChoices& c, const std::string& where,
                 const std::string& file, const std::string& experiment) {
  const std::string why = fmt::format("the {} target (hardware.target in {}) has no reuse factor or strategy", t.name(),
                                      experiment);
  if (c.reuse_factor != std::vector<int>{1})
    throw ConfigError(file, "$." + where + ".reuse_factor", why, "[1] (or omit it), or a target with reuse such as \"hls\"",
                      fmt::format("[{}]", fmt::join(c.reuse_factor, ", ")));
  if (c.strategy != std::vector<nn::Strategy>{nn::Strategy::latency}) {
    std::vector<std::string> names;
    for (auto s : c.strategy) names.push_back(s == nn::Strategy::latency ? "\"latency\"" : "\"resource\"");
    throw ConfigError(file, "$." + where + ".strategy", why, "[\"latency\"] (or omit it), or a target with reuse such as \"hls\"",
                      fmt::format("[{}]", fmt::join(names, ", ")));
  }
}

// The hls estimator and writer cost and emit relu and linear layers only (nn/activation.hpp).
void check_activations(const synth::Target& t, const space::SearchSpace& space, const std::string& experiment) {
  if (t.estimator_flavor() != "hls") return;
  for (nn::Activation a : space.hidden.activation)
    if (!nn::activation_kind(a).hls_supported())
      throw ConfigError(space.file, "$.hidden.activation",
                        fmt::format("the {} target (hardware.target in {}) emits relu and linear layers only", t.name(),
                                    experiment),
                        "\"relu\" or \"linear\", or the rtl target", "\"" + nn::to_string(a) + "\"");
}

}  // namespace

void check_target_knobs(const synth::Target& target, const space::SearchSpace& space, const std::string& experiment) {
  check_activations(target, space, experiment);
  if (target.has_reuse()) return;
  check_layer(target, space.hidden, "hidden", space.file, experiment);
  check_layer(target, space.output, "output", space.file, experiment);
}

}  // namespace nas4ml::campaign
