#pragma once
/// \file The dataset spec: a JSON file a person writes to say where a data set is and how to read,
/// split and preprocess it. Every field and its default is documented in docs/data.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nas4ml/core/json.hpp"
#include "nas4ml/data/raw_table.hpp"

namespace nas4ml::data {

/// File formats the readers understand.
enum class DataFormat { csv, arff, idx, npy };

/// "csv", "arff", "idx", "npy".
const char* format_name(DataFormat format) noexcept;

/// What to do with rows holding NaN, infinity or a missing value.
enum class NanPolicy { error, drop };

/// One source: a single file (CSV, ARFF) or a features/labels pair (IDX, NPY).
struct SourceSpec {
  std::filesystem::path features;  ///< resolved against the spec's folder (the only file for CSV/ARFF)
  std::filesystem::path labels;    ///< IDX/NPY only
  std::string features_field;      ///< JSON path naming `features`, e.g. "$.source.features"
  std::string labels_field;        ///< JSON path naming `labels`
};

/// Fractions of the rows that go to each split (must sum to 1).
struct SplitFractions {
  double train = 0.6;
  double validation = 0.2;
  double test = 0.2;
};

/// A parsed and checked dataset spec.
struct DatasetSpec {
  std::string file;                       ///< the spec's path, as given
  std::string name;
  std::string description;
  DataFormat format = DataFormat::csv;
  SourceSpec source;                      ///< the data (train file when `test_source` is set)
  std::optional<SourceSpec> test_source;  ///< a separate test file: it is the test split
  std::string missing_hint;               ///< said when a source file is missing (where to get it)
  bool header = true;                     ///< CSV: first line names the columns
  std::vector<std::string> column_names;  ///< CSV without header / NPY: names of the columns
  ColumnRef label_column;                 ///< CSV/ARFF; default: last column
  std::vector<ColumnRef> feature_columns; ///< CSV/ARFF/NPY; default: all but the label
  std::vector<std::string> classes;       ///< class order; empty: sorted distinct labels
  std::string preprocessing = "standardize";  ///< none, standardize, minmax
  int pooling = 1;                        ///< IDX average pooling factor
  SplitFractions split;
  std::uint64_t seed = 1;                 ///< split (and subsample) seed
  NanPolicy nan_policy = NanPolicy::error;
  std::size_t max_rows = 0;               ///< 0: all rows
};

/// Reads and checks the spec at `path` (unknown keys, types, ranges, fractions summing to 1).
/// Relative source paths are resolved against the spec's folder. Throws ConfigError.
DatasetSpec load_dataset_spec(const std::filesystem::path& path);

/// Same, from an already parsed document; `file` names it in messages and `folder` resolves paths.
DatasetSpec parse_dataset_spec(const Json& document, const std::string& file, const std::filesystem::path& folder);

}  // namespace nas4ml::data
