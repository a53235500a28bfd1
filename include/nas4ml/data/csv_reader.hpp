#pragma once
/// \file Comma-separated values (RFC 4180 quoting: "a, b" and "" inside quotes), with or without a
/// header line, label column and feature columns chosen by name or position.
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/data/raw_table.hpp"

namespace nas4ml::data {

/// How to read one delimited text file.
struct CsvOptions {
  bool header = true;                     ///< first non-blank line names the columns
  std::vector<std::string> column_names;  ///< names for a headerless file (optional)
  ColumnRef label;                        ///< default: the last column
  std::vector<ColumnRef> features;        ///< empty: every column except the label
  char delimiter = ',';
  std::string spec_file;                  ///< the dataset spec, named in column-selection errors
};

/// Parses `text` (the whole file, already decompressed) named `file` in messages.
/// Empty cells and `?`, `NA`, `nan` are missing values (NaN); `inf` is infinity: the loader's
/// nan_policy decides. Throws DataError (file, line, column) for ragged rows, non-numeric cells,
/// an empty or header-only file, and ConfigError (spec, JSON path) for unknown columns.
RawTable read_csv(std::string_view text, const std::string& file, const CsvOptions& options);

}  // namespace nas4ml::data
