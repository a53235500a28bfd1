#pragma once
/// \file What every reader (CSV, ARFF, IDX, NPY) produces: selected feature columns in raw units,
/// one label per row, and where each row came from (for messages).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nas4ml::data {

/// A column named in a dataset spec, by name or by position.
struct ColumnRef {
  std::optional<std::string> name;  ///< by name (needs a header, `column_names` or ARFF attributes)
  std::int64_t index = -1;          ///< by 0-based position when `name` is empty; negative counts from the end
  std::string json_path;            ///< where the spec names it ("$.label_column"), for messages
};

/// One source file's rows after reading.
struct RawTable {
  std::string file;                        ///< display path, for messages
  std::vector<std::string> feature_names;  ///< selected feature columns, in spec order
  std::vector<float> values;               ///< rows x feature_names.size(), row-major, raw units
  std::vector<std::int32_t> labels;        ///< per row: index into label_names
  std::vector<std::string> label_names;    ///< distinct label texts, in order of first appearance
  std::vector<std::size_t> row_location;   ///< per row: 1-based line (text files) or 0-based index
  bool located_by_line = true;             ///< true: row_location holds lines; false: indices

  std::size_t n_features() const noexcept { return feature_names.size(); }
  std::size_t rows() const noexcept { return labels.size(); }
  /// "line 12" or "index 12", for error locations.
  std::string location(std::size_t row) const;
};

}  // namespace nas4ml::data
