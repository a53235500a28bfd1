#include "nas4ml/data/dataset_loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/data/arff_reader.hpp"
#include "nas4ml/data/csv_reader.hpp"
#include "nas4ml/data/dataset_spec.hpp"
#include "nas4ml/data/gzip_file.hpp"
#include "nas4ml/data/idx_reader.hpp"
#include "nas4ml/data/npy_reader.hpp"
#include "nas4ml/data/preprocessing.hpp"
#include "nas4ml/data/split.hpp"

namespace nas4ml::data {
namespace {

void stage(const LoadOverrides& o, const std::string& what) {
  spdlog::debug("data: {}", what);
  if (o.on_stage) o.on_stage(what);
}

// Reads one file of a source, turning "not found" into a message that names the spec and field.
SourceContent read_checked(const DatasetSpec& spec, const std::filesystem::path& path, const std::string& field,
                           const LoadOverrides& o, std::vector<SourceFile>& sources) {
  std::error_code ec;
  const std::string display = path.string();
  if (!std::filesystem::exists(path, ec)) {
    std::string problem = "data file not found";
    if (!spec.missing_hint.empty()) problem += " (" + spec.missing_hint + ")";
    throw ConfigError(spec.file, field, problem, "an existing file", display);
  }
  stage(o, "reading " + path.filename().string());
  SourceContent content = read_source(path, display);
  sources.push_back(content.info);
  return content;
}

RawTable read_table(const DatasetSpec& spec, const SourceSpec& src, const LoadOverrides& o,
                    std::vector<SourceFile>& sources) {
  switch (spec.format) {
    case DataFormat::csv: {
      const auto content = read_checked(spec, src.features, src.features_field, o, sources);
      stage(o, "parsing " + src.features.filename().string());
      CsvOptions opt;
      opt.header = spec.header;
      opt.column_names = spec.column_names;
      opt.label = spec.label_column;
      opt.features = spec.feature_columns;
      opt.spec_file = spec.file;
      return read_csv(content.text, content.info.path, opt);
    }
    case DataFormat::arff: {
      const auto content = read_checked(spec, src.features, src.features_field, o, sources);
      stage(o, "parsing " + src.features.filename().string());
      ArffOptions opt;
      opt.label = spec.label_column;
      opt.features = spec.feature_columns;
      opt.spec_file = spec.file;
      return read_arff(content.text, content.info.path, opt);
    }
    case DataFormat::idx: {
      const auto images = read_checked(spec, src.features, src.features_field, o, sources);
      const auto labels = read_checked(spec, src.labels, src.labels_field, o, sources);
      stage(o, "decoding " + src.features.filename().string());
      IdxOptions opt;
      opt.pooling = spec.pooling;
      opt.spec_file = spec.file;
      return read_idx(images.text, images.info.path, labels.text, labels.info.path, opt);
    }
    case DataFormat::npy: {
      const auto features = read_checked(spec, src.features, src.features_field, o, sources);
      const auto labels = read_checked(spec, src.labels, src.labels_field, o, sources);
      stage(o, "decoding " + src.features.filename().string());
      NpyOptions opt;
      opt.column_names = spec.column_names;
      opt.features = spec.feature_columns;
      opt.spec_file = spec.file;
      return read_npy(features.text, features.info.path, labels.text, labels.info.path, opt);
    }
  }
  throw InternalError("unknown data format");
}

// Applies the NaN policy: throws at the first non-finite value, or removes its rows.
std::size_t handle_non_finite(RawTable& t, NanPolicy policy) {
  const std::size_t nf = t.n_features();
  std::size_t kept = 0, dropped = 0;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const float* row = t.values.data() + r * nf;
    std::size_t bad = nf;
    for (std::size_t c = 0; c < nf; ++c)
      if (!std::isfinite(row[c])) {
        bad = c;
        break;
      }
    if (bad < nf) {
      if (policy == NanPolicy::error)
        throw DataError(t.file, fmt::format("{}, column {}", t.location(r), t.feature_names[bad]),
                        "value is not finite (NaN, infinity or a missing value)",
                        "a finite number (or \"nan_policy\": \"drop\" in the dataset spec)",
                        fmt::format("{}", row[bad]));
      ++dropped;
      continue;
    }
    if (kept != r) {
      std::copy(row, row + nf, t.values.data() + kept * nf);
      t.labels[kept] = t.labels[r];
      t.row_location[kept] = t.row_location[r];
    }
    ++kept;
  }
  t.values.resize(kept * nf);
  t.labels.resize(kept);
  t.row_location.resize(kept);
  return dropped;
}

bool all_numeric(const std::vector<std::string>& labels, std::vector<double>& values) {
  values.clear();
  for (const auto& l : labels) {
    double v = 0;
    const auto [end, ec] = std::from_chars(l.data(), l.data() + l.size(), v);
    if (ec != std::errc() || end != l.data() + l.size()) return false;
    values.push_back(v);
  }
  return true;
}

// The default class order: distinct labels sorted numerically when all are numbers, else as text.
std::vector<std::string> default_class_order(const std::vector<const RawTable*>& tables) {
  std::vector<std::string> labels;
  for (const auto* t : tables)
    for (std::size_t id = 0; id < t->label_names.size(); ++id) {
      const bool used = std::find(t->labels.begin(), t->labels.end(), static_cast<std::int32_t>(id)) != t->labels.end();
      if (used && std::find(labels.begin(), labels.end(), t->label_names[id]) == labels.end())
        labels.push_back(t->label_names[id]);
    }
  std::vector<double> numbers;
  if (all_numeric(labels, numbers)) {
    // "1" and "1.0" are one number written twice: refuse rather than make two classes of it.
    for (std::size_t i = 0; i < numbers.size(); ++i)
      for (std::size_t j = i + 1; j < numbers.size(); ++j)
        if (numbers[i] == numbers[j])
          throw DataError(tables.front()->file, "", "one class label written two ways",
                          "each numeric label written the same way (or \"classes\" in the dataset spec)",
                          fmt::format("\"{}\" and \"{}\"", labels[i], labels[j]));
    std::vector<std::size_t> order(labels.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return numbers[a] < numbers[b]; });
    std::vector<std::string> sorted;
    for (auto i : order) sorted.push_back(labels[i]);
    return sorted;
  }
  std::sort(labels.begin(), labels.end());
  return labels;
}

// Rewrites t.labels from the reader's label ids to class ids in `classes`.
void map_labels(RawTable& t, const std::vector<std::string>& classes, const DatasetSpec& spec) {
  std::vector<std::int32_t> to_class(t.label_names.size(), -1);
  for (std::size_t id = 0; id < t.label_names.size(); ++id) {
    const auto it = std::find(classes.begin(), classes.end(), t.label_names[id]);
    if (it != classes.end()) to_class[id] = static_cast<std::int32_t>(it - classes.begin());
  }
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const auto c = to_class[static_cast<std::size_t>(t.labels[r])];
    if (c < 0) {
      std::string list;
      for (std::size_t i = 0; i < classes.size() && i < 30; ++i) list += (i ? ", " : "") + classes[i];
      if (classes.size() > 30) list += ", ...";
      throw DataError(t.file, t.location(r), "unknown label: not in the class order of " + spec.file + " (\"classes\")",
                      "one of " + list, fmt::format("\"{}\"", t.label_names[static_cast<std::size_t>(t.labels[r])]));
    }
    t.labels[r] = c;
  }
}

// Keeps rows `keep` (ascending) of t.
void keep_rows(RawTable& t, const std::vector<std::size_t>& keep) {
  const std::size_t nf = t.n_features();
  for (std::size_t k = 0; k < keep.size(); ++k) {
    const std::size_t r = keep[k];
    if (r != k) {
      std::copy(t.values.begin() + static_cast<std::ptrdiff_t>(r * nf),
                t.values.begin() + static_cast<std::ptrdiff_t>((r + 1) * nf),
                t.values.begin() + static_cast<std::ptrdiff_t>(k * nf));
      t.labels[k] = t.labels[r];
      t.row_location[k] = t.row_location[r];
    }
  }
  t.values.resize(keep.size() * nf);
  t.labels.resize(keep.size());
  t.row_location.resize(keep.size());
}

Split gather(const RawTable& t, const std::vector<std::size_t>& rows) {
  Split s;
  const std::size_t nf = t.n_features();
  s.x.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(nf));
  s.y.resize(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    std::copy_n(t.values.data() + rows[k] * nf, nf, s.x.data() + k * nf);
    s.y[k] = t.labels[rows[k]];
  }
  return s;
}

std::vector<std::size_t> class_counts(const std::vector<std::int32_t>& y, std::size_t n_classes) {
  std::vector<std::size_t> counts(n_classes, 0);
  for (auto c : y) ++counts[static_cast<std::size_t>(c)];
  return counts;
}

void require_every_class(const Split& split, const char* split_name, double fraction, const RawTable& source,
                         const std::vector<std::string>& classes, const std::vector<std::size_t>& class_totals) {
  const auto counts = class_counts(split.y, classes.size());
  for (std::size_t c = 0; c < classes.size(); ++c) {
    if (counts[c] > 0) continue;
    if (class_totals[c] == 0)
      throw DataError(source.file, "", fmt::format("class \"{}\" has no rows", classes[c]),
                      "every class named in \"classes\" to have rows (remove it from \"classes\")", "0 rows");
    throw DataError(source.file, "", fmt::format("the {} split has no rows of class \"{}\"", split_name, classes[c]),
                    fmt::format("at least 1 row per class per split (the class has {} rows{})", class_totals[c],
                                fraction > 0 ? fmt::format(", {} fraction {}", split_name, fraction) : std::string()),
                    "0 rows");
  }
}

}  // namespace

LoadedDataset load_dataset(const DatasetSpec& spec_in, const LoadOverrides& o) {
  DatasetSpec spec = spec_in;
  if (o.source) {
    if (spec.format != DataFormat::csv && spec.format != DataFormat::arff)
      throw ConfigError(spec.file, "$.source",
                        fmt::format("--source replaces a single-file source, but format {} reads a features file and "
                                    "a labels file",
                                    format_name(spec.format)),
                        "format csv or arff", format_name(spec.format));
    spec.source.features = o.source->lexically_normal();
    // The jet data set comes as OpenML ARFF or CSV: follow the file's extension.
    std::string name = spec.source.features.filename().string();
    if (name.size() > 3 && name.substr(name.size() - 3) == ".gz") name.resize(name.size() - 3);
    const auto ext = std::filesystem::path(name).extension().string();
    if (ext == ".arff" || ext == ".ARFF") spec.format = DataFormat::arff;
    if (ext == ".csv" || ext == ".CSV") spec.format = DataFormat::csv;
    spec.source.features_field = "$.source (given by --source)";
  }
  if (o.max_rows) spec.max_rows = *o.max_rows;
  if (o.seed) spec.seed = *o.seed;

  LoadedDataset d;
  d.name = spec.name;
  d.spec_file = spec.file;
  d.split_seed = spec.seed;

  RawTable main = read_table(spec, spec.source, o, d.sources);
  std::optional<RawTable> test;
  if (spec.test_source) {
    test = read_table(spec, *spec.test_source, o, d.sources);
    if (test->feature_names.size() != main.feature_names.size())
      throw DataError(test->file, "", "the test file's features differ from the training file's",
                      fmt::format("{} features as in {}", main.n_features(), main.file),
                      fmt::format("{} features", test->n_features()));
    for (std::size_t c = 0; c < main.n_features(); ++c)
      if (test->feature_names[c] != main.feature_names[c])
        throw DataError(test->file, "", fmt::format("feature {} differs from the training file's", c),
                        "\"" + main.feature_names[c] + "\"", "\"" + test->feature_names[c] + "\"");
  }
  d.rows_dropped = handle_non_finite(main, spec.nan_policy);
  if (test) d.rows_dropped += handle_non_finite(*test, spec.nan_policy);
  if (main.rows() == 0)
    throw DataError(main.file, "", "no rows left after dropping non-finite values", "at least one finite row",
                    fmt::format("{} rows dropped", d.rows_dropped));

  std::vector<const RawTable*> tables{&main};
  if (test) tables.push_back(&*test);
  d.class_names = spec.classes.empty() ? default_class_order(tables) : spec.classes;
  map_labels(main, d.class_names, spec);
  if (test) map_labels(*test, d.class_names, spec);
  const std::size_t n_classes = d.class_names.size();
  {
    const auto counts = class_counts(main.labels, n_classes);
    const auto present = std::count_if(counts.begin(), counts.end(), [](std::size_t n) { return n > 0; });
    if (present < 2) {
      const auto only = static_cast<std::size_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
      throw DataError(main.file, "", "the data hold a single class", "at least 2 classes",
                      fmt::format("only \"{}\" ({} rows)", d.class_names[only], counts[only]));
    }
  }

  if (spec.max_rows > 0) {
    const std::size_t total = main.rows() + (test ? test->rows() : 0);
    if (spec.max_rows < total) {
      stage(o, fmt::format("subsampling {} of {} rows", spec.max_rows, total));
      std::size_t main_cap = spec.max_rows;
      if (test) {
        main_cap = static_cast<std::size_t>(std::llround(static_cast<double>(spec.max_rows) *
                                                         static_cast<double>(main.rows()) / static_cast<double>(total)));
        const std::size_t test_cap = spec.max_rows - main_cap;
        keep_rows(*test, stratified_subsample(test->labels, n_classes, test_cap, spec.seed, 2));
      }
      keep_rows(main, stratified_subsample(main.labels, n_classes, main_cap, spec.seed, 1));
    }
  }

  stage(o, "splitting");
  const auto& f = spec.split;
  const auto idx = stratified_split(main.labels, n_classes, f.train, f.validation, test ? 0.0 : f.test, spec.seed);
  d.train = gather(main, idx.train);
  d.validation = gather(main, idx.validation);
  if (test) {
    std::vector<std::size_t> all(test->rows());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    d.test = gather(*test, all);
  } else {
    d.test = gather(main, idx.test);
  }
  const auto totals = class_counts(main.labels, n_classes);
  require_every_class(d.train, "train", f.train, main, d.class_names, totals);
  if (f.validation > 0) require_every_class(d.validation, "validation", f.validation, main, d.class_names, totals);
  if (test)
    require_every_class(d.test, "test", 1.0, *test, d.class_names, class_counts(test->labels, n_classes));
  else if (f.test > 0)
    require_every_class(d.test, "test", f.test, main, d.class_names, totals);
  d.feature_names = main.feature_names;

  stage(o, "preprocessing");
  d.preprocessing = fit_preprocessing(d.train.x, spec.preprocessing);
  if (!o.raw_features) {
    apply_preprocessing(d.preprocessing, d.train.x);
    apply_preprocessing(d.preprocessing, d.validation.x);
    apply_preprocessing(d.preprocessing, d.test.x);
  }
  spdlog::debug("data: {} loaded: {} train, {} validation, {} test rows, {} features, {} classes", d.name,
                d.train.rows(), d.validation.rows(), d.test.rows(), d.n_features(), d.n_classes());
  return d;
}

LoadedDataset load_dataset(const std::filesystem::path& spec, const LoadOverrides& overrides) {
  return load_dataset(load_dataset_spec(spec), overrides);
}

}  // namespace nas4ml::data
