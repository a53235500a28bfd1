#include "nas4ml/data/csv_reader.hpp"

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "text_rows.hpp"

namespace nas4ml::data {

RawTable read_csv(std::string_view text, const std::string& file, const CsvOptions& options) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
  RawTable table;
  table.file = file;
  detail::RecordSplitter splitter(text, options.delimiter, "\"");
  if (!splitter.next())
    throw DataError(file, "", "file is empty", options.header ? "a header line and data rows" : "data rows",
                    text.empty() ? "0 bytes" : "only blank lines");

  // Column names: from the header, from the spec, or positional placeholders.
  std::vector<std::string> names;
  bool names_are_real = true;
  std::string columns_source;
  const std::size_t columns = splitter.size();
  if (options.header) {
    for (std::size_t i = 0; i < columns; ++i) names.emplace_back(splitter.cell(i));
    columns_source = fmt::format("as in the header, line {}", splitter.line());
  } else {
    columns_source = fmt::format("as in line {}", splitter.line());
    if (!options.column_names.empty()) {
      if (options.column_names.size() != columns)
        throw ConfigError(options.spec_file, "$.column_names",
                          fmt::format("column_names does not match the columns of {}", file),
                          fmt::format("{} names (line {} has {} cells)", columns, splitter.line(), columns),
                          fmt::format("{} names", options.column_names.size()));
      names = options.column_names;
    } else {
      names_are_real = false;
      for (std::size_t i = 0; i < columns; ++i) names.push_back(fmt::format("column_{}", i));
    }
  }
  if (columns < 2)
    throw DataError(file, fmt::format("line {}", splitter.line()), "too few columns",
                    "at least one feature column and a label column", fmt::format("{} column", columns));

  const std::size_t label_col =
      detail::resolve_column(options.label, names, names_are_real, options.spec_file, file, "label");
  std::vector<std::size_t> feature_cols;
  if (options.features.empty()) {
    for (std::size_t i = 0; i < columns; ++i)
      if (i != label_col) feature_cols.push_back(i);
  } else {
    for (const auto& ref : options.features) {
      const auto c = detail::resolve_column(ref, names, names_are_real, options.spec_file, file, "feature");
      if (c == label_col)
        throw ConfigError(options.spec_file, ref.json_path, "the label column cannot also be a feature",
                          "a column other than " + names[label_col], names[c]);
      detail::add_feature_column(feature_cols, c, ref, names, options.spec_file);
    }
  }
  for (auto c : feature_cols) table.feature_names.push_back(names[c]);

  if (!options.header) {
    // The first record is data: start over so it is read as a row.
    splitter = detail::RecordSplitter(text, options.delimiter, "\"");
  }
  const std::size_t header_line = splitter.line();
  table.values.reserve(text.size() / 8);
  detail::read_records(splitter, 0, columns, names, feature_cols, label_col, {}, columns_source, table);
  if (table.rows() == 0)
    throw DataError(file, "", "no data rows after the header", "at least one data row",
                    fmt::format("only the header (line {})", header_line));
  table.values.shrink_to_fit();
  return table;
}

}  // namespace nas4ml::data
