#pragma once
/// \file `nas4ml show runs/NAME ID`: one candidate as people read it — architecture in the
/// `space sample` notation, per-layer fixed-point formats, objectives, metrics, estimates,
/// synthesis and where its firmware is.
#include <string>

#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"

namespace nas4ml::campaign {

/// The candidate `id` (a genome hash, or a unique prefix of one) of the campaign in `store`, as
/// text. Throws ConfigError naming the store when no candidate (or several) match.
std::string describe_candidate(const Store& store, const RunPaths& paths, const std::string& id);

/// The stored evaluation `id` names (a full hash, a baseline's name, or a unique prefix of a
/// hash); ConfigError otherwise.
EvaluationRecord find_candidate(const Store& store, const std::string& id);

}  // namespace nas4ml::campaign
