#include "nas4ml/campaign/target_knobs.hpp"

#include <algorithm>

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

int widest(const space::FormatChoices& c) {
  int w = 0;
  for (const auto& f : c.formats) w = std::max(w, f.width);
  for (int b : c.total_bits) w = std::max(w, b);
  return w;
}

// The hls writer and estimator tabulate an activation other than relu and linear over the
// layer's result format (2^W entries, W <= 12): a space offering one with a wider result format
// would train candidates the target cannot build.
void check_activations(const synth::Target& t, const space::LayerChoices& c, const std::string& where,
                       const std::string& file, const std::string& experiment) {
  if (t.estimator_flavor() != "hls") return;
  for (nn::Activation a : c.activation)
    if (!nn::activation_kind(a).hls_supported() && widest(c.result_format) > 12)
      throw ConfigError(file, "$." + where + ".result_format",
                        fmt::format("the {} target (hardware.target in {}) tabulates {} over the {} result format",
                                    t.name(), experiment, nn::to_string(a), where),
                        "formats of at most 12 bits", std::to_string(widest(c.result_format)) + " bits");
}

}  // namespace

void check_target_knobs(const synth::Target& target, const space::SearchSpace& space, const std::string& experiment) {
  check_activations(target, space.hidden, "hidden", space.file, experiment);
  check_activations(target, space.output, "output", space.file, experiment);
  if (target.has_reuse()) return;
  check_layer(target, space.hidden, "hidden", space.file, experiment);
  check_layer(target, space.output, "output", space.file, experiment);
}

}  // namespace nas4ml::campaign
