#pragma once
/// \file The one entry point the rest of nas4ml uses to get data: a dataset spec (JSON, schema in
/// docs/data.md) in, a read, checked, split and preprocessed LoadedDataset out.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "nas4ml/data/dataset.hpp"
#include "nas4ml/data/dataset_spec.hpp"

namespace nas4ml::data {

/// Values that replace the spec's own for one load (command-line options, experiment configs).
struct LoadOverrides {
  /// Replaces the spec's `source` (only for a spec whose `source` is one file: CSV or ARFF); a file
  /// ending in .arff or .csv (optionally .gz) is read in that format whatever the spec says.
  std::optional<std::filesystem::path> source;
  /// Replaces the spec's `max_rows` cap (stratified, deterministic subsample); 0 means no cap.
  std::optional<std::size_t> max_rows;
  /// Replaces the spec's `split.seed`.
  std::optional<std::uint64_t> seed;
  /// When true the splits keep raw feature units: the preprocessing is fitted on the training
  /// split and reported in LoadedDataset::preprocessing but not applied (used by `data inspect`).
  bool raw_features = false;
  /// Called with a short description of each loading stage ("reading train-images-idx3-ubyte.gz").
  std::function<void(const std::string& stage)> on_stage;
};

/// Reads the dataset spec at `spec` and the files it names, checks the data, splits it
/// (stratified, from the seed) and fits/applies the preprocessing on the training split.
/// Throws ConfigError for a bad spec and DataError for bad data, naming file and line.
LoadedDataset load_dataset(const std::filesystem::path& spec, const LoadOverrides& overrides = {});

/// Same, from a spec already read with load_dataset_spec().
LoadedDataset load_dataset(const DatasetSpec& spec, const LoadOverrides& overrides = {});

}  // namespace nas4ml::data
