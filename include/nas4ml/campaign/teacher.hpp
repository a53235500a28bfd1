#pragma once
/// \file The teacher of a campaign with knowledge distillation (nn/distillation.hpp): the
/// experiment's `"distillation"` section, and the teacher's logits on the training split —
/// either a float network trained once per campaign from a model spec (same split, seeded by the
/// campaign seed, cached in the campaign store so a resumed campaign reuses exactly the same
/// teacher), or a user-supplied nas4ml model file evaluated by the golden integer model.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "nas4ml/core/json.hpp"
#include "nas4ml/data/dataset.hpp"
#include "nas4ml/nn/distillation.hpp"

namespace nas4ml::campaign {

struct ExperimentConfig;
struct RunPaths;
class Store;

/// The experiment's `"distillation"` section (docs/config.md).
struct DistillationConfig {
  bool enabled = false;
  std::string teacher;                 ///< a model spec file, as written (trained in float once per campaign)
  std::string teacher_model;           ///< or a trained nas4ml model (.q.json), as written
  std::filesystem::path teacher_path;  ///< the one given, resolved against the experiment's folder
  double alpha = 0.5;                  ///< weight of the label loss (candidates' default)
  double temperature = 4.0;            ///< softening temperature (candidates' default)
};

/// Parses `"distillation"`; relative paths resolve against `base`. Throws ConfigError.
DistillationConfig parse_distillation(const JsonView& view, const std::filesystem::path& base);
/// The canonical JSON (paths as written).
Json to_json(const DistillationConfig& config);

/// The campaign's teacher, or null without distillation. A cached teacher in the store at
/// `paths.store()` with the same key (teacher, data, seed) is reused as it is; otherwise the
/// teacher is trained (or evaluated) now. Throws ConfigError for a teacher that does not fit the
/// data (file, field, expected, got).
std::shared_ptr<const nn::Teacher> campaign_teacher(const ExperimentConfig& config, const data::LoadedDataset& data,
                                                    const RunPaths& paths);

/// Writes `teacher` into the store's cache (a no-op when the same key is already there).
void cache_teacher(Store& store, const ExperimentConfig& config, const data::LoadedDataset& data,
                   const nn::Teacher& teacher);

/// A float teacher trained from the model spec `file` on `data`'s training split (early stopping
/// on its validation split), seeded by `seed` with the random streams a campaign's teacher uses.
/// Throws ConfigError when it does not train.
nn::Teacher teacher_from_spec(const std::filesystem::path& file, const data::LoadedDataset& data, std::uint64_t seed);
/// A trained nas4ml model (.q.json) as a teacher: its golden integer outputs on the training rows.
/// Throws ConfigError (file, n_inputs / n_outputs, expected, got) when it does not fit the data.
nn::Teacher teacher_from_model(const std::filesystem::path& file, const data::LoadedDataset& data);

/// The cache key of the campaign's teacher: sha256 of the teacher's definition, the data set's
/// manifest and the campaign seed.
std::string teacher_key(const ExperimentConfig& config, const data::LoadedDataset& data);

}  // namespace nas4ml::campaign
