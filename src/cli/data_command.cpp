// `nas4ml data inspect <dataset.json> [--source PATH] [--json] [--all-features]`: reads a data set
// the way a campaign would and prints what is in it (docs/data.md).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/data/dataset_spec.hpp"

namespace nas4ml::cli {
namespace {

struct InspectArgs {
  std::string spec;
  std::string source;
  bool json = false;
  bool all_features = false;
  std::size_t features_shown = 10;
  std::optional<std::size_t> max_rows;
  std::optional<std::uint64_t> seed;
};

/// Logs "loading <name>: <stage> (x.x s)" once a second while a load runs longer than a second.
class ProgressWatch {
 public:
  explicit ProgressWatch(std::string name) : name_(std::move(name)), start_(Clock::now()) {
    thread_ = std::thread([this] { watch(); });
  }
  ~ProgressWatch() { stop(); }
  void set_stage(const std::string& stage) {
    std::lock_guard lock(mutex_);
    stage_ = stage;
  }
  /// Stops watching after a successful load; logs the total time when a progress line was shown.
  void finish() {
    if (stop() && shown_) spdlog::info("loaded {} in {:.1f} s", name_, seconds());
  }

 private:
  using Clock = std::chrono::steady_clock;
  /// Stops the thread; false when it was already stopped.
  bool stop() {
    {
      std::lock_guard lock(mutex_);
      if (done_) return false;
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    return true;
  }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  void watch() {
    std::unique_lock lock(mutex_);
    while (!done_) {
      cv_.wait_for(lock, std::chrono::seconds(1));
      if (done_) break;
      spdlog::info("loading {}: {} ({:.1f} s)", name_, stage_, seconds());
      shown_ = true;
    }
  }
  std::string name_;
  Clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::string stage_ = "starting";
  bool done_ = false;
  bool shown_ = false;
  std::thread thread_;
};

struct FeatureStats {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0;
  std::size_t n = 0;
};

std::vector<FeatureStats> feature_stats(const data::LoadedDataset& d) {
  const std::size_t nf = d.n_features();
  std::vector<FeatureStats> s(nf);
  for (const data::Split* split : {&d.train, &d.validation, &d.test}) {
    const auto rows = static_cast<std::size_t>(split->x.rows());
    for (std::size_t r = 0; r < rows; ++r) {
      const float* row = split->x.data() + r * nf;
      for (std::size_t c = 0; c < nf; ++c) {
        s[c].min = std::min<double>(s[c].min, row[c]);
        s[c].max = std::max<double>(s[c].max, row[c]);
        s[c].sum += row[c];
        ++s[c].n;
      }
    }
  }
  return s;
}

std::vector<std::size_t> counts(const data::Split& s, std::size_t n_classes) {
  std::vector<std::size_t> c(n_classes, 0);
  for (auto y : s.y) ++c[static_cast<std::size_t>(y)];
  return c;
}

std::string describe_format(const data::DatasetSpec& spec, const data::LoadedDataset& d) {
  std::string s = data::format_name(spec.format);
  if (spec.format == data::DataFormat::idx && spec.pooling > 1)
    s += fmt::format(", average pooling {}x{} -> {} inputs", spec.pooling, spec.pooling, d.n_features());
  if (spec.test_source) s += ", separate test file";
  return s;
}

int run_inspect(const InspectArgs& args) {
  data::DatasetSpec spec = data::load_dataset_spec(args.spec);
  data::LoadOverrides o;
  if (!args.source.empty()) o.source = args.source;
  o.max_rows = args.max_rows;
  o.seed = args.seed;
  o.raw_features = true;
  ProgressWatch watch(spec.name);
  o.on_stage = [&watch](const std::string& stage) { watch.set_stage(stage); };
  const data::LoadedDataset d = data::load_dataset(spec, o);
  watch.finish();
  if (args.seed) spec.seed = *args.seed;

  const std::size_t nc = d.n_classes();
  const auto c_train = counts(d.train, nc), c_val = counts(d.validation, nc), c_test = counts(d.test, nc);
  const auto stats = feature_stats(d);
  const std::size_t total = d.train.rows() + d.validation.rows() + d.test.rows();

  if (args.json) {
    nlohmann::json j;
    j["name"] = d.name;
    j["spec"] = d.spec_file;
    j["format"] = data::format_name(spec.format);
    if (spec.format == data::DataFormat::idx) j["pooling"] = spec.pooling;
    j["rows"] = {{"train", d.train.rows()}, {"validation", d.validation.rows()}, {"test", d.test.rows()},
                 {"total", total}, {"dropped", d.rows_dropped}};
    j["split"] = {{"seed", d.split_seed}, {"train", spec.split.train}, {"validation", spec.split.validation},
                  {"test", spec.test_source ? nlohmann::json("test file") : nlohmann::json(spec.split.test)}};
    j["n_features"] = d.n_features();
    j["classes"] = nlohmann::json::array();
    for (std::size_t c = 0; c < nc; ++c)
      j["classes"].push_back({{"id", c}, {"name", d.class_names[c]}, {"train", c_train[c]},
                              {"validation", c_val[c]}, {"test", c_test[c]}});
    j["preprocessing"] = {{"method", d.preprocessing.method}, {"fitted_on", "train"}};
    j["features"] = nlohmann::json::array();
    for (std::size_t f = 0; f < d.n_features(); ++f)
      j["features"].push_back({{"name", d.feature_names[f]}, {"min", stats[f].min},
                               {"mean", stats[f].sum / static_cast<double>(stats[f].n)}, {"max", stats[f].max},
                               {"offset", d.preprocessing.offset[f]}, {"scale", d.preprocessing.scale[f]}});
    j["sources"] = nlohmann::json::array();
    for (const auto& s : d.sources) j["sources"].push_back({{"path", s.path}, {"bytes", s.bytes}, {"sha256", s.sha256}});
    std::cout << j.dump(2) << '\n';
    return 0;
  }

  auto& out = std::cout;
  out << fmt::format("data set       {} ({})\n", d.name, d.spec_file);
  out << fmt::format("format         {}\n", describe_format(spec, d));
  out << fmt::format("rows           {} in all: train {}, validation {}, test {}; {} dropped (nan_policy)\n", total,
                     d.train.rows(), d.validation.rows(), d.test.rows(), d.rows_dropped);
  out << fmt::format("features       {}\n", d.n_features());
  out << fmt::format("classes        {}\n", nc);
  if (spec.test_source)
    out << fmt::format("split          stratified, seed {}: train {} / validation {} of the training file; test = test file\n",
                       d.split_seed, spec.split.train, spec.split.validation);
  else
    out << fmt::format("split          stratified, seed {}: train {} / validation {} / test {}\n", d.split_seed,
                       spec.split.train, spec.split.validation, spec.split.test);
  out << fmt::format("preprocessing  {}{}\n", d.preprocessing.method,
                     d.preprocessing.method == "none" ? "" : ", x' = (x - offset) * scale fitted on the training split");

  std::size_t name_width = 5;
  for (const auto& n : d.class_names) name_width = std::max(name_width, n.size());
  out << fmt::format("\n{:>5}  {:<{}}  {:>10}  {:>10}  {:>10}  {:>10}\n", "class", "label", name_width, "train",
                     "validation", "test", "total");
  for (std::size_t c = 0; c < nc; ++c)
    out << fmt::format("{:>5}  {:<{}}  {:>10}  {:>10}  {:>10}  {:>10}\n", c, d.class_names[c], name_width, c_train[c],
                       c_val[c], c_test[c], c_train[c] + c_val[c] + c_test[c]);

  const std::size_t shown = args.all_features ? d.n_features() : std::min(args.features_shown, d.n_features());
  std::size_t fw = 7;
  for (std::size_t f = 0; f < shown; ++f) fw = std::max(fw, d.feature_names[f].size());
  out << fmt::format("\n{:<{}}  {:>12}  {:>12}  {:>12}  {:>12}  {:>12}   (raw units, all {} rows)\n", "feature", fw,
                     "min", "mean", "max", "offset", "scale", total);
  for (std::size_t f = 0; f < shown; ++f)
    out << fmt::format("{:<{}}  {:>12.6g}  {:>12.6g}  {:>12.6g}  {:>12.6g}  {:>12.6g}\n", d.feature_names[f], fw,
                       stats[f].min, stats[f].sum / static_cast<double>(stats[f].n), stats[f].max,
                       d.preprocessing.offset[f], d.preprocessing.scale[f]);
  if (shown < d.n_features())
    out << fmt::format("... {} more features omitted (--all-features shows all)\n", d.n_features() - shown);

  out << "\nsources\n";
  for (const auto& s : d.sources) out << fmt::format("  {}  {} bytes  sha256 {}\n", s.path, s.bytes, s.sha256);
  return 0;
}

}  // namespace

void add_data_command(CLI::App& app, CommandTable& table) {
  CLI::App* data = app.add_subcommand("data", "Work with data sets described by dataset specs (docs/data.md)");
  data->require_subcommand(1);
  auto args = std::make_shared<InspectArgs>();
  CLI::App* inspect = data->add_subcommand(
      "inspect",
      "Read a data set exactly as a campaign would (readers, NaN policy, class order, stratified split,\n"
      "preprocessing fitted on the training split) and print: rows per split, features, classes with\n"
      "their counts per split, per-feature min/mean/max in raw units with the fitted offset and scale,\n"
      "and the size and SHA-256 of every source file. Exits 2 with one `error:` line on bad data.");
  inspect->add_option("dataset", args->spec, "The dataset spec JSON file (e.g. experiments/datasets/magic.json)")
      ->required();
  inspect->add_option("--source", args->source,
                      "Read the data from this file instead of the spec's `source` (CSV or ARFF specs only, e.g. "
                      "the LHC jet file you downloaded for experiments/datasets/jets_hlf.json)");
  inspect->add_flag("--json", args->json, "Print one JSON object instead of tables (always lists every feature)");
  inspect->add_flag("--all-features", args->all_features, "List every feature, not only the first ones");
  inspect->add_option("--features-shown", args->features_shown,
                      "How many features the table lists without --all-features")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20));
  inspect->add_option("--max-rows", args->max_rows,
                      "Keep at most this many rows (stratified, deterministic subsample from the seed); "
                      "default: the spec's `max_rows` (0 = all)");
  inspect->add_option("--seed", args->seed, "Split and subsample seed; default: the spec's `split.seed`");
  table.add(inspect, [args] { return run_inspect(*args); });
}

}  // namespace nas4ml::cli
