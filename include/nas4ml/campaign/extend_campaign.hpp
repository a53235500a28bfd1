#pragma once
/// \file Extending a campaign's budget (`nas4ml resume runs/NAME --generations +K`): the stored
/// experiment becomes the one configured with G+K generations from the start, so the resumed
/// search is exactly the search that configuration would have run (the optimizer state, random
/// streams and calibration do not depend on the number of generations).
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"

namespace nas4ml::campaign {

/// Adds `k` generations to `config` (parsed from `store`) and records the new experiment, its hash
/// and the manifest's hash in `store` and in paths.experiment(). Throws ConfigError when k < 1 or
/// when the campaign's budget is `max_evaluations`. With synthesis, the finished campaign's last
/// search round is stored before it is due; the campaign applies each stored round only from the
/// generation it is due at and ignores the rows its final `emit` stored, so the calibration each
/// generation sees is the longer campaign's.
void extend_generations(ExperimentConfig& config, Store& store, const RunPaths& paths, int k);

}  // namespace nas4ml::campaign
