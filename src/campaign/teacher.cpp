#include "nas4ml/campaign/teacher.hpp"

#include <bit>
#include <cstdint>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/checksum.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"

namespace nas4ml::campaign {
namespace {
namespace fs = std::filesystem;
constexpr const char* kCacheKey = "teacher";
constexpr const char* kFormat = "nas4ml.teacher.v1";
// The teacher's random streams: a generation no candidate has.
constexpr std::uint64_t kTeacherGeneration = ~std::uint64_t{0};

fs::path existing_file(const JsonView& v, const fs::path& base, const std::string& what) {
  if (!v.json().is_string() || v.as_string().empty()) v.fail("wrong type", "a path (string) to " + what, describe_json(v.json()));
  fs::path p(v.as_string());
  if (p.is_relative()) p = base / p;
  p = p.lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(p, ec))
    v.fail("file not found", "an existing " + what + " file", "\"" + v.as_string() + "\" (resolved to " + p.string() + ")");
  return p;
}

// Logits as text: 8 hex digits per float's bit pattern (exact, compact).
std::string to_hex(const std::vector<float>& v) {
  std::string out;
  out.reserve(v.size() * 8);
  for (float f : v) out += fmt::format("{:08x}", std::bit_cast<std::uint32_t>(f));
  return out;
}

std::vector<float> from_hex(const std::string& text) {
  std::vector<float> out(text.size() / 8);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::bit_cast<float>(static_cast<std::uint32_t>(std::stoul(text.substr(i * 8, 8), nullptr, 16)));
  return out;
}

std::optional<nn::Teacher> read_cached(const fs::path& store_path, const std::string& key, const std::string& source) {
  std::error_code ec;
  if (!fs::exists(store_path, ec)) return std::nullopt;
  const Store store = Store::open_read_only(store_path);
  const auto text = store.cached(kCacheKey);
  if (!text) return std::nullopt;
  const Json j = Json::parse(*text, nullptr, false);
  if (j.is_discarded() || j.value("format", "") != kFormat)
    throw ConfigError(store_path.string(), "meta.cache.teacher", "corrupt cached teacher in the campaign store",
                      "the teacher nas4ml wrote", "unreadable");
  if (j.value("key", "") != key) return std::nullopt;  // another teacher, data set or seed: trained anew
  nn::Teacher t;
  t.source = source;
  t.n_classes = j.at("classes").get<int>();
  t.logits = from_hex(j.at("logits").get<std::string>());
  t.test_accuracy = j.at("test_accuracy").get<double>();
  return t;
}
}  // namespace

nn::Teacher teacher_from_spec(const fs::path& file, const data::LoadedDataset& data, std::uint64_t seed) {
  nn::ModelSpec spec = nn::load_model_spec(file);
  spec.training.quantization_aware = false;  // a float network
  spec.training.distillation_alpha = 1.0;
  nn::TrainOptions o;
  o.seed = seed;
  o.generation = kTeacherGeneration;
  o.spec_source = file.string();
  o.evaluate_train = false;
  o.float_metrics = true;
  o.keep_train_logits = true;
  spdlog::info("training the distillation teacher {} ({} epochs)", file.string(), spec.training.epochs);
  const nn::TrainResult r = nn::train_model(spec, data, o);
  if (!r.ok)
    throw ConfigError(file.string(), "training", "the distillation teacher did not train",
                      "a teacher that trains", r.failure);
  nn::Teacher t;
  t.source = file.string();
  t.n_classes = static_cast<int>(data.n_classes());
  t.logits = r.float_train_logits;
  t.test_accuracy = r.float_test_accuracy;
  return t;
}

nn::Teacher teacher_from_model(const fs::path& path, const data::LoadedDataset& data) {
  const nn::QuantizedModel m = nn::load_quantized_model(path);
  const std::string file = path.string();
  if (static_cast<std::size_t>(m.n_inputs) != data.n_features())
    throw ConfigError(file, "n_inputs", "teacher of the wrong shape",
                      fmt::format("{} inputs (the data set's features)", data.n_features()), std::to_string(m.n_inputs));
  if (static_cast<std::size_t>(m.n_outputs()) != data.n_classes())
    throw ConfigError(file, "n_outputs", "teacher of the wrong shape",
                      fmt::format("{} outputs (the data set's classes)", data.n_classes()), std::to_string(m.n_outputs()));
  const auto raw = nn::golden_forward_batch(m, nn::quantize_inputs(m, data.train.x));
  nn::Teacher t;
  t.source = file;
  t.n_classes = m.n_outputs();
  t.logits.resize(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i)
    t.logits[i] = static_cast<float>(to_real(raw[i], m.layers.back().result_format));
  t.test_accuracy = nn::evaluate_model(m, data.test).accuracy;
  return t;
}

DistillationConfig parse_distillation(const JsonView& v, const fs::path& base) {
  v.require_object("an object {\"teacher\" or \"teacher_model\", \"alpha\", \"temperature\"}");
  v.check_keys({"teacher", "teacher_model", "alpha", "temperature"});
  DistillationConfig d;
  d.enabled = true;
  if (v.has("teacher") == v.has("teacher_model"))
    v.fail("exactly one teacher", "\"teacher\" (a model spec trained in float) or \"teacher_model\" (a trained model)",
           v.has("teacher") ? "both" : "neither");
  const char* key = v.has("teacher") ? "teacher" : "teacher_model";
  d.teacher_path = existing_file(v.at(key), base, v.has("teacher") ? "model spec" : "trained model (.q.json)");
  (v.has("teacher") ? d.teacher : d.teacher_model) = v.at(key).as_string();
  d.alpha = v.get_number("alpha", 0.0, 1.0, d.alpha);
  if (d.alpha >= 1.0) v.at("alpha").fail("value out of range", "a weight in [0, 1) (1 would ignore the teacher)", "1");
  d.temperature = v.get_number("temperature", 0.01, 1000.0, d.temperature);
  return d;
}

Json to_json(const DistillationConfig& d) {
  Json j = {{"alpha", d.alpha}, {"temperature", d.temperature}};
  if (!d.teacher.empty()) j["teacher"] = d.teacher;
  if (!d.teacher_model.empty()) j["teacher_model"] = d.teacher_model;
  return j;
}

std::string teacher_key(const ExperimentConfig& config, const data::LoadedDataset& data) {
  const auto& d = config.distillation;
  Json sources = Json::array();
  for (const auto& s : data.sources) sources.push_back(s.sha256);
  const Json what = {
      {"teacher", d.teacher.empty() ? Json(nullptr) : nn::to_json(nn::load_model_spec(d.teacher_path))},
      {"teacher_model", d.teacher_model.empty() ? Json(nullptr) : Json(data::sha256_file(d.teacher_path))},
      {"data", {{"sources", sources}, {"split_seed", data.split_seed}, {"preprocessing", data.preprocessing.method},
                {"rows", {data.train.rows(), data.validation.rows(), data.test.rows()}}}},
      {"seed", config.seed}};
  return data::sha256_hex(what.dump());
}

std::shared_ptr<const nn::Teacher> campaign_teacher(const ExperimentConfig& config, const data::LoadedDataset& data,
                                                    const RunPaths& paths) {
  const auto& d = config.distillation;
  if (!d.enabled) return nullptr;
  if (!config.task.is_classification())
    throw ConfigError(config.source_file.string(), "$.distillation", "knowledge distillation trains classifiers only",
                      "no \"distillation\" with a " + config.task.kind + " task", "a \"distillation\" section");
  if (!d.teacher_model.empty()) return std::make_shared<const nn::Teacher>(teacher_from_model(d.teacher_path, data));
  if (auto cached = read_cached(paths.store(), teacher_key(config, data), d.teacher_path.string())) {
    spdlog::info("distillation teacher {}: cached in the campaign store", d.teacher);
    return std::make_shared<const nn::Teacher>(std::move(*cached));
  }
  return std::make_shared<const nn::Teacher>(teacher_from_spec(d.teacher_path, data, config.seed));
}

void cache_teacher(Store& store, const ExperimentConfig& config, const data::LoadedDataset& data,
                   const nn::Teacher& teacher) {
  if (config.distillation.teacher.empty()) return;  // a user's model file is its own cache
  const std::string key = teacher_key(config, data);
  if (const auto text = store.cached(kCacheKey)) {
    const Json j = Json::parse(*text, nullptr, false);
    if (!j.is_discarded() && j.value("key", "") == key) return;
  }
  const Json j = {{"format", kFormat},
                  {"key", key},
                  {"teacher", config.distillation.teacher},
                  {"classes", teacher.n_classes},
                  {"rows", teacher.rows()},
                  {"test_accuracy", teacher.test_accuracy},
                  {"logits", to_hex(teacher.logits)}};
  store.set_cached(kCacheKey, j.dump());
}

}  // namespace nas4ml::campaign
