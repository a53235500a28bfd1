#pragma once
/// \file Knobs a target ignores are never searched (docs/targets.md): a search space that offers
/// reuse factors other than 1 or the resource strategy to a target without them (synth::Target::
/// has_reuse(), e.g. `rtl`) is refused before any candidate is trained, since its candidates
/// would differ only in numbers the hardware never sees.
#include <string>

#include "nas4ml/space/search_space.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::campaign {

/// Throws a ConfigError naming the search space file, the field ("$.hidden.reuse_factor", ...),
/// what the target accepts and what the space offers, unless `target` implements every knob
/// `space` offers (reuse factors and strategies; with an hls-estimated target, activations other
/// than relu and linear). `experiment` (the file choosing the target) is named in the message.
void check_target_knobs(const synth::Target& target, const space::SearchSpace& space, const std::string& experiment);

}  // namespace nas4ml::campaign
