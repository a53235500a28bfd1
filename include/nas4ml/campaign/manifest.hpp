#pragma once
/// \file The manifest of a campaign: what is needed to know exactly what produced its results
/// (experiment hash, data set checksums and split seed, engine version and git hash, compiler,
/// threads, tool versions). Stored in the campaign store and copied into every firmware folder.
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::campaign {

/// The data set's part: name, spec file, sources with SHA-256 and bytes, split seed, rows per split.
Json dataset_manifest(const data::LoadedDataset& data);

/// The whole manifest (the yosys version is added by the caller when synthesis is on).
Json make_manifest(const ExperimentConfig& config, const data::LoadedDataset& data, const space::SearchSpace& space,
                   int threads);

}  // namespace nas4ml::campaign
