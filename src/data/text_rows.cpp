#include "text_rows.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/json.hpp"

namespace nas4ml::data {

std::string RawTable::location(std::size_t row) const {
  return fmt::format("{} {}", located_by_line ? "line" : "index", row_location.at(row));
}

namespace detail {
namespace {
bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}
}  // namespace

bool RecordSplitter::next(char skip_comment) {
  const std::size_t n = text_.size();
  for (;;) {
    if (pos_ >= n) return false;
    buffer_.clear();
    spans_.clear();
    quoted_.clear();
    record_line_ = line_;
    const std::size_t record_start = pos_;
    // Skip a comment line without splitting it.
    if (skip_comment != 0) {
      std::size_t p = pos_;
      while (p < n && is_blank(text_[p])) ++p;
      if (p < n && text_[p] == skip_comment) {
        while (p < n && text_[p] != '\n') ++p;
        pos_ = p < n ? p + 1 : n;
        ++line_;
        continue;
      }
    }
    bool end_of_record = false;
    std::size_t record_end = n;
    while (!end_of_record) {
      // One cell.
      while (pos_ < n && is_blank(text_[pos_])) ++pos_;
      const std::size_t cell_start = buffer_.size();
      bool was_quoted = false;
      if (pos_ < n && quotes_.find(text_[pos_]) != std::string_view::npos) {
        const char q = text_[pos_++];
        was_quoted = true;
        while (pos_ < n) {
          const char c = text_[pos_];
          if (c == q) {
            if (pos_ + 1 < n && text_[pos_ + 1] == q) {
              buffer_.push_back(q);
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          if (c == '\n') ++line_;
          buffer_.push_back(c);
          ++pos_;
        }
      }
      for (;;) {
        if (pos_ >= n) {
          end_of_record = true;
          record_end = n;
          break;
        }
        const char c = text_[pos_];
        if (c == delimiter_) {
          ++pos_;
          break;
        }
        if (c == '\n' || c == '\r') {
          record_end = pos_;
          if (c == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') ++pos_;
          ++pos_;
          ++line_;
          end_of_record = true;
          break;
        }
        if (!was_quoted || !is_blank(c)) buffer_.push_back(c);
        ++pos_;
      }
      if (!was_quoted)
        while (buffer_.size() > cell_start && is_blank(buffer_.back())) buffer_.pop_back();
      spans_.emplace_back(cell_start, buffer_.size() - cell_start);
      quoted_.push_back(was_quoted);
    }
    raw_ = trim(text_.substr(record_start, record_end - record_start));
    if (raw_.empty()) continue;  // blank line
    return true;
  }
}

bool is_missing_marker(std::string_view cell) noexcept {
  return cell.empty() || cell == "?" || iequals(cell, "NA") || iequals(cell, "N/A") || iequals(cell, "nan");
}

bool parse_number(std::string_view cell, double& value) noexcept {
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  if (cell.empty()) return false;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (end != cell.data() + cell.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow to +-inf; underflow to 0: from_chars leaves value unchanged, so decide here.
    const bool negative = cell.front() == '-';
    const auto e = cell.find_first_of("eE");
    const bool big = e != std::string_view::npos && cell.size() > e + 1 && cell[e + 1] != '-';
    value = big ? (negative ? -HUGE_VAL : HUGE_VAL) : 0.0;
    return true;
  }
  return ec == std::errc();
}

std::string list_names(const std::vector<std::string>& names, std::size_t limit) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
    if (i) s += ", ";
    s += names[i];
  }
  if (names.size() > limit) s += fmt::format(", ... ({} in all)", names.size());
  return s;
}

void add_feature_column(std::vector<std::size_t>& cols, std::size_t c, const ColumnRef& ref,
                        const std::vector<std::string>& names, const std::string& spec_file) {
  if (std::find(cols.begin(), cols.end(), c) != cols.end())
    throw ConfigError(spec_file, ref.json_path, "feature column repeated", "each column once in \"feature_columns\"",
                      c < names.size() ? fmt::format("\"{}\" (index {}) again", names[c], c) : std::to_string(c));
  cols.push_back(c);
}

std::size_t resolve_column(const ColumnRef& ref, const std::vector<std::string>& names,
                           bool names_are_real, const std::string& spec_file,
                           const std::string& data_file, std::string_view role) {
  const auto n = static_cast<std::int64_t>(names.size());
  if (ref.name) {
    if (!names_are_real)
      throw ConfigError(spec_file, ref.json_path,
                        fmt::format("{} column given by name but {} has no header", role, data_file),
                        "a 0-based column index, or \"header\": true, or \"column_names\"",
                        fmt::format("\"{}\"", *ref.name));
    const auto it = std::find(names.begin(), names.end(), *ref.name);
    if (it == names.end()) {
      std::string problem = fmt::format("unknown {} column \"{}\" in {}", role, *ref.name, data_file);
      if (const auto near = nearest_word(*ref.name, names)) problem += fmt::format(" (did you mean \"{}\"?)", *near);
      throw ConfigError(spec_file, ref.json_path, problem, "one of " + list_names(names),
                        fmt::format("\"{}\"", *ref.name));
    }
    return static_cast<std::size_t>(it - names.begin());
  }
  const std::int64_t idx = ref.index < 0 ? ref.index + n : ref.index;
  if (idx < 0 || idx >= n)
    throw ConfigError(spec_file, ref.json_path,
                      fmt::format("{} column index out of range for {}", role, data_file),
                      fmt::format("an index in [{}, {}] ({} columns)", -n, n - 1, n), std::to_string(ref.index));
  return static_cast<std::size_t>(idx);
}

std::int32_t LabelInterner::id(std::string_view label) {
  auto [it, inserted] = ids_.try_emplace(std::string(label), static_cast<std::int32_t>(table_.label_names.size()));
  if (inserted) table_.label_names.emplace_back(label);
  return it->second;
}

void read_records(RecordSplitter& splitter, char comment, std::size_t columns,
                  const std::vector<std::string>& column_names,
                  const std::vector<std::size_t>& feature_cols, std::size_t label_col,
                  const std::vector<std::string>& allowed_labels, std::string_view columns_source,
                  RawTable& table) {
  LabelInterner labels(table);
  const std::size_t nf = feature_cols.size();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  while (splitter.next(comment)) {
    const std::size_t line = splitter.line();
    if (comment == '%' && splitter.raw().front() == '{')
      throw DataError(table.file, fmt::format("line {}", line), "sparse ARFF rows are not supported",
                      "a dense row of comma-separated values", std::string(splitter.raw().substr(0, 40)));
    if (splitter.size() != columns) {
      throw DataError(table.file, fmt::format("line {}", line), "row has the wrong number of cells",
                      fmt::format("{} cells ({})", columns, columns_source),
                      fmt::format("{} cells", splitter.size()));
    }
    for (std::size_t k = 0; k < nf; ++k) {
      const std::size_t c = feature_cols[k];
      const std::string_view cell = splitter.cell(c);
      double v = 0;
      if (!splitter.quoted(c) && is_missing_marker(cell)) {
        table.values.push_back(nan);
      } else if (parse_number(cell, v)) {
        if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max())
          throw DataError(table.file, fmt::format("line {}, column {} (index {})", line, column_names[c], c),
                          "number too large for 32-bit floating point", "|value| <= 3.4e38", fmt::format("\"{}\"", cell));
        table.values.push_back(static_cast<float>(v));
      } else {
        throw DataError(table.file, fmt::format("line {}, column {} (index {})", line, column_names[c], c),
                        "not a number", "a number", fmt::format("\"{}\"", cell));
      }
    }
    const std::string_view label = splitter.cell(label_col);
    if (label.empty() || (!splitter.quoted(label_col) && label == "?"))
      throw DataError(table.file, fmt::format("line {}, column {} (index {})", line, column_names[label_col], label_col),
                      "missing label", "a class label", fmt::format("\"{}\"", label));
    if (!allowed_labels.empty() &&
        std::find(allowed_labels.begin(), allowed_labels.end(), label) == allowed_labels.end())
      throw DataError(table.file, fmt::format("line {}, column {} (index {})", line, column_names[label_col], label_col),
                      fmt::format("unknown label: not a declared value of attribute {}", column_names[label_col]),
                      "one of " + list_names(allowed_labels), fmt::format("\"{}\"", label));
    table.labels.push_back(labels.id(label));
    table.row_location.push_back(line);
  }
}

}  // namespace detail
}  // namespace nas4ml::data
