#pragma once
/// \file Weka/OpenML ARFF files (https://waikato.github.io/weka-wiki/formats_and_processing/arff/):
/// `@relation`, `@attribute name numeric|real|integer|{a,b,...}`, `@data` rows in CSV form,
/// `%` comments. Features must be numeric; the class attribute is usually nominal.
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/data/raw_table.hpp"

namespace nas4ml::data {

/// Which attributes to read from an ARFF file.
struct ArffOptions {
  ColumnRef label;                  ///< default: the last attribute
  std::vector<ColumnRef> features;  ///< empty: every attribute except the label
  std::string spec_file;            ///< the dataset spec, named in column-selection errors
};

/// Parses `text` (the whole file, decompressed) named `file` in messages. `?` is a missing value
/// (NaN). A label outside a nominal class attribute's declared values is a DataError; so are
/// unknown attribute types, nominal or string features, sparse `{...}` rows and the CSV errors.
RawTable read_arff(std::string_view text, const std::string& file, const ArffOptions& options);

}  // namespace nas4ml::data
