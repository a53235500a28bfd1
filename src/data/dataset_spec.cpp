#include "nas4ml/data/dataset_spec.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::data {
namespace {

std::filesystem::path resolve(const std::filesystem::path& folder, const std::string& given) {
  const std::filesystem::path p(given);
  return (p.is_absolute() ? p : folder / p).lexically_normal();
}

std::string require_path(const JsonView& v) {
  const std::string s = v.as_string();
  if (s.empty()) v.fail("empty path", "a file path", "\"\"");
  return s;
}

SourceSpec parse_source(const JsonView& v, DataFormat format, const std::filesystem::path& folder) {
  SourceSpec s;
  const bool pair = format == DataFormat::idx || format == DataFormat::npy;
  if (!pair) {
    if (!v.json().is_string())
      v.fail("wrong type", fmt::format("a file path (a string) for format {}", format_name(format)), describe_json(v.json()));
    s.features = resolve(folder, require_path(v));
    s.features_field = v.path();
    return s;
  }
  if (!v.is_object())
    v.fail("wrong type", fmt::format("{{\"features\": path, \"labels\": path}} for format {}", format_name(format)),
           describe_json(v.json()));
  v.check_keys({"features", "labels"});
  s.features = resolve(folder, require_path(v.at("features")));
  s.labels = resolve(folder, require_path(v.at("labels")));
  s.features_field = json_child_path(v.path(), "features");
  s.labels_field = json_child_path(v.path(), "labels");
  return s;
}

ColumnRef parse_column(const JsonView& v) {
  ColumnRef ref;
  ref.json_path = v.path();
  if (v.json().is_string()) {
    ref.name = v.as_string();
    if (ref.name->empty()) v.fail("empty column name", "a column name or a 0-based index", "\"\"");
  } else if (v.json().is_number()) {
    ref.index = v.as_int(-1'000'000, 1'000'000);
  } else {
    v.fail("wrong type", "a column name (string) or a 0-based index (integer; negative counts from the end)",
           describe_json(v.json()));
  }
  return ref;
}

void only_for(const JsonView& spec, std::string_view key, DataFormat format, std::initializer_list<DataFormat> allowed) {
  if (!spec.has(key)) return;
  if (std::find(allowed.begin(), allowed.end(), format) != allowed.end()) return;
  std::string names;
  for (auto f : allowed) names += (names.empty() ? "" : ", ") + std::string(format_name(f));
  throw ConfigError(spec.file(), json_child_path(spec.path(), key),
                    fmt::format("\"{}\" does not apply to format {}", key, format_name(format)),
                    "format " + names + " (or leave the key out)", fmt::format("format {}", format_name(format)));
}

}  // namespace

const char* format_name(DataFormat format) noexcept {
  switch (format) {
    case DataFormat::csv: return "csv";
    case DataFormat::arff: return "arff";
    case DataFormat::idx: return "idx";
    case DataFormat::npy: return "npy";
  }
  return "?";
}

DatasetSpec parse_dataset_spec(const Json& document, const std::string& file, const std::filesystem::path& folder) {
  const JsonView v(document, file);
  v.require_object("a dataset spec (a JSON object)");
  v.check_keys({"name", "description", "format", "source", "test_source", "missing_hint", "header", "column_names",
                "label_column", "feature_columns", "classes", "preprocessing", "pooling", "split", "nan_policy",
                "max_rows"});
  DatasetSpec s;
  s.file = file;
  s.name = v.get_string("name");
  if (s.name.empty()) v.at("name").fail("empty name", "a short name for the data set", "\"\"");
  s.description = v.get_string("description", "");
  const std::string format = v.get_choice("format", {"csv", "arff", "idx", "npy"});
  s.format = format == "csv" ? DataFormat::csv : format == "arff" ? DataFormat::arff
           : format == "idx" ? DataFormat::idx : DataFormat::npy;
  s.source = parse_source(v.at("source"), s.format, folder);
  if (v.has("test_source")) s.test_source = parse_source(v.at("test_source"), s.format, folder);
  s.missing_hint = v.get_string("missing_hint", "");

  using F = DataFormat;
  only_for(v, "header", s.format, {F::csv});
  only_for(v, "column_names", s.format, {F::csv, F::npy});
  only_for(v, "label_column", s.format, {F::csv, F::arff});
  only_for(v, "feature_columns", s.format, {F::csv, F::arff, F::npy});
  only_for(v, "pooling", s.format, {F::idx});

  s.header = v.get_bool("header", true);
  if (v.has("column_names")) {
    if (s.format == F::csv && s.header)
      v.at("column_names").fail("\"column_names\" is for a file without a header", "\"header\": false",
                                "\"header\": true");
    const JsonView names = v.at("column_names");
    names.require_array("an array of column names");
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto name = names.at(i).as_string();
      if (std::find(s.column_names.begin(), s.column_names.end(), name) != s.column_names.end())
        names.at(i).fail("duplicate column name", "distinct names", "\"" + name + "\"");
      s.column_names.push_back(name);
    }
  }
  s.label_column.json_path = "$.label_column";
  if (v.has("label_column")) s.label_column = parse_column(v.at("label_column"));
  if (v.has("feature_columns")) {
    const JsonView cols = v.at("feature_columns");
    cols.require_array("an array of column names or indices");
    if (cols.size() == 0) cols.fail("no feature columns", "at least one column (or leave the key out for all)", "[]");
    for (std::size_t i = 0; i < cols.size(); ++i) s.feature_columns.push_back(parse_column(cols.at(i)));
  }
  if (v.has("classes")) {
    const JsonView classes = v.at("classes");
    classes.require_array("an array of class labels, in class-id order");
    for (std::size_t i = 0; i < classes.size(); ++i) {
      const JsonView c = classes.at(i);
      std::string label;
      if (c.json().is_string())
        label = c.as_string();
      else if (c.json().is_number_integer())
        label = std::to_string(c.as_int(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()));
      else
        c.fail("wrong type", "a class label (string or integer)", describe_json(c.json()));
      if (std::find(s.classes.begin(), s.classes.end(), label) != s.classes.end())
        c.fail("duplicate class", "distinct class labels", "\"" + label + "\"");
      s.classes.push_back(label);
    }
    if (s.classes.size() < 2)
      classes.fail("a single class", "at least 2 classes", fmt::format("{} class(es)", s.classes.size()));
  }
  s.preprocessing = v.get_choice("preprocessing", {"none", "standardize", "minmax"}, "standardize");
  s.pooling = static_cast<int>(v.get_int("pooling", 1, 28, 1));
  s.nan_policy = v.get_choice("nan_policy", {"error", "drop"}, "error") == "drop" ? NanPolicy::drop : NanPolicy::error;
  s.max_rows = static_cast<std::size_t>(v.get_int("max_rows", 0, std::int64_t{1} << 40, 0));

  if (s.test_source) s.split = {0.8, 0.2, 0.0};
  if (v.has("split")) {
    const JsonView split = v.at("split");
    split.check_keys({"train", "validation", "test", "seed"});
    s.split.train = split.get_number("train", 0.0, 1.0, s.split.train);
    s.split.validation = split.get_number("validation", 0.0, 1.0, s.split.validation);
    s.split.test = split.get_number("test", 0.0, 1.0, s.split.test);
    s.seed = static_cast<std::uint64_t>(split.get_int("seed", 0, std::numeric_limits<std::int64_t>::max(), 1));
    if (s.test_source && s.split.test != 0.0)
      split.at("test").fail("the test split comes from \"test_source\"", "0 or no \"test\" key",
                            fmt::format("{}", s.split.test));
    if (s.split.train <= 0.0) split.fail("empty training split", "\"train\" > 0", fmt::format("{}", s.split.train));
    const double sum = s.split.train + s.split.validation + s.split.test;
    if (std::abs(sum - 1.0) > 1e-9)
      split.fail("split fractions do not sum to 1", "train + validation + test = 1",
                 fmt::format("{} + {} + {} = {:.6g}", s.split.train, s.split.validation, s.split.test, sum));
  }
  return s;
}

DatasetSpec load_dataset_spec(const std::filesystem::path& path) {
  const Json document = load_json_file(path);
  return parse_dataset_spec(document, path.string(), path.parent_path());
}

}  // namespace nas4ml::data
