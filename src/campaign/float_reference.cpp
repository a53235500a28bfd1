#include "nas4ml/campaign/float_reference.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/trainer.hpp"

namespace nas4ml::campaign {
namespace {

constexpr const char* kFormat = "nas4ml.float_reference.v1";

std::filesystem::path cache_file(const RunPaths& paths, const std::string& id) {
  if (!is_safe_id(id)) throw ConfigError(paths.store().string(), "id", "unsafe candidate id", "[A-Za-z0-9_-]", id);
  return paths.root() / "float_reference" / (id + ".json");
}

/// The cached reference when the file is ours and names the same candidate and seed.
std::optional<FloatReference> read_cache(const std::filesystem::path& file, const EvaluationRecord& rec) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  try {
    const Json j = load_json_file(file);
    if (j.value("format", "") != kFormat || j.value("id", "") != rec.genome_hash || j.value("seed", 0ull) != rec.seed)
      return std::nullopt;
    FloatReference r;
    r.id = rec.genome_hash;
    r.ok = j.at("ok").get<bool>();
    r.float_accuracy = r.ok ? j.at("float_test_accuracy").get<double>() : std::nan("");
    r.failure = j.value("failure", "");
    return r;
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged cache entry is recomputed
  }
}

void write_cache(const std::filesystem::path& file, const FloatReference& r, const EvaluationRecord& rec, int epochs) {
  std::filesystem::create_directories(file.parent_path());
  const Json j = {{"format", kFormat},           {"id", rec.genome_hash},
                  {"seed", rec.seed},            {"generation", rec.generation},
                  {"index", rec.index},          {"ok", r.ok},
                  {"float_test_accuracy", r.ok ? Json(r.float_accuracy) : Json(nullptr)},
                  {"quantized_test_accuracy", r.quantized_accuracy},
                  {"epochs_run", epochs},        {"failure", r.failure}};
  const auto tmp = file.string() + ".tmp";
  std::ofstream(tmp) << j.dump(2) << '\n';
  std::filesystem::rename(tmp, file);  // readers never see half a file
}

}  // namespace

data::LoadedDataset campaign_dataset(const Store& store) {
  const ExperimentConfig cfg = parse_stored_experiment(store.experiment(), store.manifest().at("experiment_file").get<std::string>());
  data::LoadOverrides overrides;
  if (!cfg.dataset_source.empty()) overrides.source = cfg.dataset_source_path;
  return data::load_dataset(cfg.dataset_path, overrides);
}

FloatReference float_reference(const EvaluationRecord& rec, const data::LoadedDataset& data, const RunPaths& paths) {
  const auto file = cache_file(paths, rec.genome_hash);
  const Json& test = rec.metrics.is_object() && rec.metrics.contains("test") ? rec.metrics["test"] : Json();
  const double quantized = test.is_object() && test.contains("accuracy") ? test["accuracy"].get<double>() : std::nan("");
  if (auto cached = read_cache(file, rec)) {
    cached->quantized_accuracy = quantized;
    return *cached;
  }
  nn::ModelSpec spec = nn::parse_model_spec(JsonView(rec.model_spec, paths.store().string(), "$.model_spec"));
  spec.training.quantization_aware = false;
  nn::TrainOptions to;
  to.seed = rec.seed;
  to.generation = static_cast<std::uint64_t>(rec.generation);
  to.index = static_cast<std::uint64_t>(rec.index);
  to.spec_source = paths.store().string();
  to.evaluate_train = false;
  to.float_metrics = true;
  const nn::TrainResult trained = nn::train_model(spec, data, to);
  FloatReference r;
  r.id = rec.genome_hash;
  r.quantized_accuracy = quantized;
  r.ok = trained.ok;
  r.failure = trained.failure;
  r.float_accuracy = trained.ok ? trained.float_test_accuracy : std::nan("");
  write_cache(file, r, rec, trained.epochs_run);
  return r;
}

}  // namespace nas4ml::campaign
