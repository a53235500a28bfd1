#include "nas4ml/campaign/manifest.hpp"

#include <filesystem>

#include "nas4ml/core/version.hpp"

namespace nas4ml::campaign {

Json dataset_manifest(const data::LoadedDataset& data) {
  Json sources = Json::array();
  for (const auto& s : data.sources) sources.push_back({{"path", s.path}, {"sha256", s.sha256}, {"bytes", s.bytes}});
  return {{"name", data.name},
          {"spec", data.spec_file},
          {"sources", sources},
          {"split_seed", data.split_seed},
          {"rows", {{"train", data.train.rows()}, {"validation", data.validation.rows()}, {"test", data.test.rows()}}},
          {"features", data.n_features()},
          {"classes", data.class_names},
          {"preprocessing", data.preprocessing.method}};
}

Json make_manifest(const ExperimentConfig& config, const data::LoadedDataset& data, const space::SearchSpace& space,
                   int threads) {
  return {{"engine", std::string(version())},
          {"git", std::string(git_hash())},
          {"compiler", std::string("g++ ") + __VERSION__},
          {"experiment_hash", experiment_hash(config)},
          {"experiment_file", std::filesystem::absolute(config.source_file).lexically_normal().string()},
          {"dataset", dataset_manifest(data)},
          {"search_space", space::fingerprint(space)},
          {"device_file", config.hardware.device_file.string()},
          {"threads", threads}};
}

}  // namespace nas4ml::campaign
