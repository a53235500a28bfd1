#include "nas4ml/campaign/extend_campaign.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::campaign {

void extend_generations(ExperimentConfig& cfg, Store& store, const RunPaths& paths, int k) {
  const std::string where = paths.store().string();
  if (k < 1) throw ConfigError(where, "--generations", "cannot extend a campaign", "+K with K >= 1", fmt::format("+{}", k));
  if (!cfg.search.generations)
    throw ConfigError(where, "$.search", "cannot extend a campaign by generations", "a campaign budgeted by `generations`",
                      "`max_evaluations`");
  if (store.experiment_hash() != experiment_hash(cfg))
    throw ConfigError(where, "meta.experiment_hash", "the stored experiment does not match its hash",
                      store.experiment_hash(), experiment_hash(cfg));
  const int before = *cfg.search.generations;
  cfg.search.generations = before + k;
  const Json experiment = to_json(cfg);
  const std::string hash = experiment_hash(cfg);
  Json manifest = store.manifest();
  manifest["experiment_hash"] = hash;
  store.set_experiment(experiment, hash);
  store.set_manifest(manifest);
  save_json_file(paths.experiment(), experiment);
  spdlog::info("extending {} from {} to {} generations", paths.root().string(), before, before + k);
}

}  // namespace nas4ml::campaign
