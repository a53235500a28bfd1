#pragma once
// Private to the data module: pieces the CSV and ARFF readers share.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nas4ml/data/raw_table.hpp"

namespace nas4ml::data::detail {

/// Splits a text into records of cells, honouring quotes (a quoted cell may hold the delimiter,
/// doubled quotes and newlines). Cells are trimmed of blanks; quotes are removed.
class RecordSplitter {
 public:
  RecordSplitter(std::string_view text, char delimiter, std::string_view quotes, std::size_t first_line = 1)
      : text_(text), delimiter_(delimiter), quotes_(quotes), line_(first_line) {}
  /// Reads the next non-blank record; false at the end of the text. `skip_comment` skips lines
  /// that start with this character (0: none).
  bool next(char skip_comment = 0);
  /// 1-based line where the current record starts.
  std::size_t line() const noexcept { return record_line_; }
  std::size_t size() const noexcept { return spans_.size(); }
  std::string_view cell(std::size_t i) const noexcept {
    return std::string_view(buffer_).substr(spans_[i].first, spans_[i].second);
  }
  /// Whether cell i was quoted in the file.
  bool quoted(std::size_t i) const noexcept { return quoted_[i]; }
  /// The raw text of the current record (trimmed), for directives like `@attribute`.
  std::string_view raw() const noexcept { return raw_; }
  /// Current position in the text (start of the next record).
  std::size_t position() const noexcept { return pos_; }

 private:
  std::string_view text_;
  char delimiter_;
  std::string_view quotes_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  std::string buffer_;
  std::vector<std::pair<std::size_t, std::size_t>> spans_;
  std::vector<bool> quoted_;
  std::string_view raw_;
};

/// Missing-value markers: "", "?", "NA", "N/A", "nan" (any case).
bool is_missing_marker(std::string_view cell) noexcept;

/// Parses a whole cell as a number (leading '+' allowed, `inf`/`nan` accepted); false if it is not
/// one.
bool parse_number(std::string_view cell, double& value) noexcept;

/// Turns a column reference into a 0-based column index among `names` (the file's columns).
/// Throws ConfigError at the spec's JSON path for an unknown name or an index out of range.
std::size_t resolve_column(const ColumnRef& ref, const std::vector<std::string>& names,
                           bool names_are_real, const std::string& spec_file,
                           const std::string& data_file, std::string_view role);

/// Appends feature column `c` (resolved from `ref`) to `cols`; ConfigError at the spec's JSON
/// path when the column is already a feature (a repeated column would be learned twice).
void add_feature_column(std::vector<std::size_t>& cols, std::size_t c, const ColumnRef& ref,
                        const std::vector<std::string>& names, const std::string& spec_file);

/// Interns label texts into RawTable::label_names.
class LabelInterner {
 public:
  explicit LabelInterner(RawTable& table) : table_(table) {}
  std::int32_t id(std::string_view label);

 private:
  RawTable& table_;
  std::unordered_map<std::string, std::int32_t> ids_;
};

/// Reads data records from `splitter` into `table`: `columns` cells per record, features at
/// `feature_cols`, label at `label_col`. `allowed_labels` (may be empty) restricts label values.
void read_records(RecordSplitter& splitter, char comment, std::size_t columns,
                  const std::vector<std::string>& column_names,
                  const std::vector<std::size_t>& feature_cols, std::size_t label_col,
                  const std::vector<std::string>& allowed_labels, std::string_view columns_source,
                  RawTable& table);

/// A short list of names for messages: the first `limit`, then "... (N in all)".
std::string list_names(const std::vector<std::string>& names, std::size_t limit = 20);

}  // namespace nas4ml::data::detail
