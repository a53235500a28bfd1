#include "nas4ml/data/arff_reader.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "text_rows.hpp"

namespace nas4ml::data {
namespace {

enum class AttributeType { numeric, nominal, string, date };

struct Attribute {
  std::string name;
  AttributeType type;
  std::vector<std::string> values;  // nominal values, declared order
  std::size_t line;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_keyword(std::string_view line, std::string_view keyword) {
  if (line.size() < keyword.size()) return false;
  if (lower(line.substr(0, keyword.size())) != keyword) return false;
  return line.size() == keyword.size() || line[keyword.size()] == ' ' || line[keyword.size()] == '\t';
}

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Parses `@attribute <name> <type>` (name possibly quoted).
Attribute parse_attribute(std::string_view line, std::size_t line_no, const std::string& file) {
  Attribute a;
  a.line = line_no;
  std::string_view rest = skip_blanks(line.substr(std::string_view("@attribute").size()));
  if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
    const char q = rest.front();
    const auto end = rest.find(q, 1);
    if (end == std::string_view::npos)
      throw DataError(file, fmt::format("line {}", line_no), "unterminated quoted attribute name",
                      fmt::format("a closing {}", q), std::string(line));
    a.name = std::string(rest.substr(1, end - 1));
    rest = rest.substr(end + 1);
  } else {
    const auto end = rest.find_first_of(" \t{");
    a.name = std::string(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  }
  rest = skip_blanks(rest);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) rest.remove_suffix(1);
  if (a.name.empty() || rest.empty())
    throw DataError(file, fmt::format("line {}", line_no), "incomplete @attribute declaration",
                    "@attribute <name> <type>", std::string(line));
  if (rest.front() == '{') {
    if (rest.back() != '}')
      throw DataError(file, fmt::format("line {}", line_no), "unterminated nominal value list",
                      "{value, value, ...}", std::string(rest));
    a.type = AttributeType::nominal;
    detail::RecordSplitter values(rest.substr(1, rest.size() - 2), ',', "'\"");
    if (values.next())
      for (std::size_t i = 0; i < values.size(); ++i) a.values.emplace_back(values.cell(i));
    if (a.values.empty())
      throw DataError(file, fmt::format("line {}", line_no), fmt::format("nominal attribute {} has no values", a.name),
                      "{value, value, ...}", std::string(rest));
    return a;
  }
  const std::string type = lower(rest.substr(0, rest.find_first_of(" \t")));
  if (type == "numeric" || type == "real" || type == "integer")
    a.type = AttributeType::numeric;
  else if (type == "string")
    a.type = AttributeType::string;
  else if (type == "date")
    a.type = AttributeType::date;
  else
    throw DataError(file, fmt::format("line {}", line_no), fmt::format("bad ARFF attribute type for {}", a.name),
                    "numeric, real, integer, string, date or a nominal {a, b, ...}",
                    fmt::format("\"{}\"", std::string(rest)));
  return a;
}

const char* type_name(AttributeType t) {
  switch (t) {
    case AttributeType::numeric: return "numeric";
    case AttributeType::nominal: return "nominal";
    case AttributeType::string: return "string";
    case AttributeType::date: return "date";
  }
  return "?";
}

}  // namespace

RawTable read_arff(std::string_view text, const std::string& file, const ArffOptions& options) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
  RawTable table;
  table.file = file;
  // Header: read line by line until @data.
  std::vector<Attribute> attributes;
  bool have_relation = false, have_data = false;
  std::size_t pos = 0, line_no = 0, data_line = 0;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    line = skip_blanks(line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty() || line.front() == '%') continue;
    if (starts_with_keyword(line, "@relation")) {
      have_relation = true;
    } else if (starts_with_keyword(line, "@attribute")) {
      attributes.push_back(parse_attribute(line, line_no, file));
    } else if (starts_with_keyword(line, "@data")) {
      have_data = true;
      data_line = line_no;
      break;
    } else {
      throw DataError(file, fmt::format("line {}", line_no), "unexpected line in the ARFF header",
                      "@relation, @attribute, @data or a % comment", fmt::format("\"{}\"", std::string(line.substr(0, 40))));
    }
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw DataError(file, "", "file is empty", "an ARFF header and data", text.empty() ? "0 bytes" : "only blank lines");
  if (!have_relation || attributes.empty() || !have_data)
    throw DataError(file, "", "incomplete ARFF header", "@relation, @attribute lines and @data",
                    !have_relation ? "no @relation" : attributes.empty() ? "no @attribute" : "no @data");
  if (attributes.size() < 2)
    throw DataError(file, fmt::format("line {}", attributes.front().line), "too few attributes",
                    "at least one feature and a class attribute", "1 attribute");

  std::vector<std::string> names;
  for (const auto& a : attributes) names.push_back(a.name);
  const std::size_t label_col = detail::resolve_column(options.label, names, true, options.spec_file, file, "label");
  std::vector<std::size_t> feature_cols;
  if (options.features.empty()) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (i != label_col) feature_cols.push_back(i);
  } else {
    for (const auto& ref : options.features) {
      const auto c = detail::resolve_column(ref, names, true, options.spec_file, file, "feature");
      if (c == label_col)
        throw ConfigError(options.spec_file, ref.json_path, "the label column cannot also be a feature",
                          "an attribute other than " + names[label_col], names[c]);
      detail::add_feature_column(feature_cols, c, ref, names, options.spec_file);
    }
  }
  for (auto c : feature_cols) {
    const auto& a = attributes[c];
    if (a.type != AttributeType::numeric)
      throw DataError(file, fmt::format("line {}", a.line), fmt::format("bad ARFF attribute type for feature {}", a.name),
                      "numeric, real or integer (leave it out with \"feature_columns\")", type_name(a.type));
    table.feature_names.push_back(a.name);
  }
  const auto& label_attr = attributes[label_col];
  if (label_attr.type == AttributeType::date)
    throw DataError(file, fmt::format("line {}", label_attr.line), fmt::format("bad ARFF attribute type for class {}", label_attr.name),
                    "nominal {a, b, ...}, numeric or string", "date");

  detail::RecordSplitter splitter(text.substr(pos), ',', "'\"", data_line + 1);
  detail::read_records(splitter, '%', names.size(), names, feature_cols, label_col, label_attr.values,
                       fmt::format("one per @attribute, {} declared", names.size()), table);
  if (table.rows() == 0)
    throw DataError(file, "", "no data rows after @data", "at least one data row",
                    fmt::format("only the header (@data on line {})", data_line));
  return table;
}

}  // namespace nas4ml::data
