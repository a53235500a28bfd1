#pragma once
/// \file The objective ranges that normalize a campaign's hypervolume. They are fixed from the
/// first generation with a successful candidate and saved with every generation's optimizer state,
/// so the hypervolumes of all generations (and of a resumed run) compare.
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/core/json.hpp"

namespace nas4ml::campaign {

/// Lower and upper ends of each objective, in minimized form (a maximized objective negated);
/// `hi[k] > lo[k]` in every objective.
struct HypervolumeBounds {
  std::vector<double> lo;
  std::vector<double> hi;
};

/// The bounds of `points` (minimized objectives): their ideal and nadir; an objective without
/// spread gets the range [lo, lo + 1]. nullopt when `points` is empty.
std::optional<HypervolumeBounds> bounds_of(const std::vector<std::vector<double>>& points);

/// `{"lo": [...], "hi": [...]}`, as saved in the optimizer state.
Json to_json(const HypervolumeBounds& bounds);

/// Reads `state.hv_bounds` of a saved optimizer state: nullopt when absent or null. A ConfigError
/// (exit 2) naming `file` and the field when it is not two arrays of `objectives` finite numbers
/// with hi > lo: a damaged store, never an internal error later on.
std::optional<HypervolumeBounds> read_hypervolume_bounds(const Json& state, std::size_t objectives,
                                                         const std::string& file);

}  // namespace nas4ml::campaign
