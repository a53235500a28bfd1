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
/// and the manifest's hash in `store` and in paths.experiment(). Throws ConfigError when k < 1,
/// when the campaign's budget is `max_evaluations`, or when synthesis is enabled (the final
/// synthesis round of the finished campaign is stored and would recalibrate the estimator earlier
/// than a longer campaign would have).
void extend_generations(ExperimentConfig& config, Store& store, const RunPaths& paths, int k);

}  // namespace nas4ml::campaign
