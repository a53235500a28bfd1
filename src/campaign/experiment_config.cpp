#include "nas4ml/campaign/experiment_config.hpp"

#include "nas4ml/estimate/device_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/evp.h>

#include "nas4ml/core/safe_name.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/data/dataset_spec.hpp"
#include "nas4ml/search/survival.hpp"
#include "nas4ml/netlist/netlist.hpp"
#include "nas4ml/campaign/target_knobs.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/space/genome_encoding.hpp"
#include "nas4ml/space/search_space.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::campaign {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTopKeys = {"version",  "name",        "description", "dataset", "dataset_source",
                                           "search_space",
                                           "objectives", "constraints", "hardware",    "search",  "training",
                                           "synthesis", "seed",        "threads",     "baselines",
                                           "task", "distillation"};
const std::vector<std::string> kObjectiveKeys = {"metric", "direction"};
const std::vector<std::string> kOperators = {"max", "min", "max_fraction_of_device"};
const std::vector<std::string> kHardwareKeys = {"device", "target", "estimator", "clock_ns", "use_dsp", "sharing", "sharing_effort",
                                                "emit_sharing_effort"};
const std::vector<std::string> kSearchKeys = {"algorithm", "population", "generations", "max_evaluations",
                                              "prescreen", "initial_design", "parents", "multi_fidelity",
                                              "inherit_weights", "operator", "differential"};
const std::vector<std::string> kTrainingKeys = {"max_epochs", "timeout_seconds", "metrics_split", "init"};
const std::vector<std::string> kSynthesisKeys = {"enabled",     "backend",     "every_generations", "top_n",
                                                 "timeout_seconds", "memory_limit_mb", "jobs",     "recalibrate",
                                                 "final_top_n", "simulate",    "simulate_samples", "csim",
                                                 "fold_standardization"};

constexpr int kSchemaVersion = 1;
constexpr int kMaxThreads = 1024;

std::string in_quotes(std::string_view s) {
  std::string q;
  q.reserve(s.size() + 2);
  q += '"';
  q += s;
  q += '"';
  return q;
}

std::string one_of(const std::vector<std::string>& choices) {
  std::string s = "one of";
  for (std::size_t i = 0; i < choices.size(); ++i) s += (i ? ", " : " ") + choices[i];
  return s;
}

/// "the nearest valid word" if one is close, otherwise the whole list.
std::string nearest_or_list(const std::string& got, const std::vector<std::string>& choices) {
  if (const auto near = nearest_word(got, choices)) return in_quotes(*near);
  return one_of(choices);
}

/// The operator a mistaken constraint key most likely meant: symbols and long forms map by meaning
/// ("<=" and "maximum" mean max, ">=" and "minimum" mean min, anything with "frac" or "percent"
/// the device fraction); otherwise the nearest by spelling, or the whole list.
std::string suggest_operator(const std::string& key) {
  std::string k;
  for (char ch : key) k += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  const auto has = [&](std::string_view part) { return k.find(part) != std::string::npos; };
  if (has("frac") || has("percent") || has("%") || has("device")) return "\"max_fraction_of_device\"";
  if (k == "<=" || k == "<" || k == "le" || k == "lt" || k.rfind("max", 0) == 0 || has("upper") || has("below"))
    return "\"max\"";
  if (k == ">=" || k == ">" || k == "ge" || k == "gt" || k.rfind("min", 0) == 0 || has("lower") || has("above"))
    return "\"min\"";
  if (k.size() >= 4)
    if (const auto near = nearest_word(key, kOperators)) return "\"" + *near + "\"";
  return one_of(kOperators);
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// A path field: a non-empty string naming an existing file, resolved against `base`.
fs::path resolve_file(const JsonView& parent, std::string_view key, const fs::path& base, std::string_view what) {
  const JsonView v = parent.at(key);
  if (!v.json().is_string()) v.fail("wrong type", "a path (string) to " + std::string(what), describe_json(v.json()));
  const std::string text = v.as_string();
  if (text.empty()) v.fail("empty path", "a path to " + std::string(what), "\"\"");
  fs::path p(text);
  if (p.is_relative()) p = base / p;
  p = p.lexically_normal();
  std::error_code ec;
  if (!fs::exists(p, ec))
    v.fail("file not found", "an existing " + std::string(what) + " file",
           in_quotes(text) + " (resolved to " + p.string() + ")");
  if (!fs::is_regular_file(p, ec))
    v.fail("not a file", "an existing " + std::string(what) + " file",
           in_quotes(text) + " (resolved to " + p.string() + ", not a regular file)");
  return p;
}

/// A run name becomes a folder name: keep it to a safe alphabet.
bool safe_name(std::string_view s) {
  if (s.empty() || s.size() > 64 || s == "." || s == "..") return false;
  const auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  };
  return std::all_of(s.begin(), s.end(), ok) && s.front() != '.' && s.front() != '-';
}

constexpr std::string_view kNameRule = "1-64 letters, digits, '_', '-' or '.', not starting with '.' or '-'";

std::uint64_t parse_seed(const JsonView& v) {
  const Json& j = v.json();
  const std::string expected = "a non-negative integer (at most 18446744073709551615)";
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer()) v.fail("value out of range", expected, describe_json(j));  // negative
  if (j.is_number_float()) {
    const double d = j.get<double>();
    if (d >= 0 && d == static_cast<double>(static_cast<std::uint64_t>(d)) && d < 1.8446744073709552e19)
      return static_cast<std::uint64_t>(d);
    v.fail(d < 0 ? "value out of range" : "wrong type", expected, describe_json(j));
  }
  v.fail("wrong type", expected, describe_json(j));
}

int parse_threads(const JsonView& v) {
  const Json& j = v.json();
  const std::string expected = fmt::format("an integer in [0, {}] (0 = all cores)", kMaxThreads);
  if (!j.is_number()) v.fail("wrong type", expected, describe_json(j));
  const double d = j.get<double>();
  if (std::floor(d) != d) v.fail("wrong type", expected, describe_json(j));
  if (d < 0 || d > kMaxThreads) v.fail("value out of range", expected, describe_json(j));
  return static_cast<int>(d);
}

void parse_objectives(const JsonView& root, ExperimentConfig& c) {
  const JsonView list = root.at("objectives");
  list.require_array("an array of objectives like [\"accuracy\", {\"metric\": \"lut\", \"direction\": \"minimize\"}]");
  if (list.size() == 0) list.fail("no objectives", "at least one objective", "an empty array");
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonView o = list.at(i);
    std::optional<JsonView> metric_view, direction_view;
    if (o.json().is_string()) {
      metric_view = o;
    } else if (o.json().is_object()) {
      o.check_keys(kObjectiveKeys);
      metric_view = o.at("metric");
      if (o.has("direction")) direction_view = o.at("direction");
    } else {
      o.fail("wrong type", "a metric name or {\"metric\": ..., \"direction\": ...}", describe_json(o.json()));
    }
    const std::string metric = metric_view->as_string();
    if (!contains(metric_names(), metric))
      metric_view->fail("unknown objective metric", nearest_or_list(metric, metric_names()), in_quotes(metric));
    for (std::size_t k = 0; k < c.objectives.size(); ++k)
      if (c.objectives[k].metric == metric)
        metric_view->fail("duplicated objective", "each metric at most once",
                          in_quotes(metric) + " again (first at " + paths[k] + ")");
    const Direction natural = natural_direction(metric);
    Direction direction = natural;
    if (direction_view) {
      const std::string d = direction_view->as_string();
      if (d != "minimize" && d != "maximize")
        direction_view->fail("invalid direction", nearest_or_list(d, {"minimize", "maximize"}), in_quotes(d));
      direction = d == "minimize" ? Direction::minimize : Direction::maximize;
      if (direction != natural)
        direction_view->fail("direction contradicts the metric " + metric, in_quotes(to_string(natural)), in_quotes(d));
    }
    c.objectives.push_back({metric, direction});
    paths.push_back(o.path());
  }
}

void parse_constraints(const JsonView& root, ExperimentConfig& c) {
  if (!root.has("constraints")) return;
  const JsonView list = root.at("constraints");
  list.require_array("an array of constraints like [{\"metric\": \"latency_ns\", \"max\": 50}]");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonView e = list.at(i);
    e.require_object("a constraint like {\"metric\": \"latency_ns\", \"max\": 50}");
    std::vector<std::string> ops;
    for (const auto& [key, value] : e.json().items()) {
      if (key == "metric") continue;
      if (!contains(kOperators, key))
        throw ConfigError(e.file(), json_child_path(e.path(), key), "unknown constraint operator",
                          suggest_operator(key), in_quotes(key));
      ops.push_back(key);
    }
    const JsonView metric_view = e.at("metric");
    const std::string metric = metric_view.as_string();
    if (!contains(metric_names(), metric))
      metric_view.fail("unknown constraint metric", nearest_or_list(metric, metric_names()), in_quotes(metric));
    if (ops.empty()) e.fail("constraint without a bound", one_of(kOperators), "none");
    if (ops.size() > 1)
      e.fail("constraint with several bounds", "exactly " + one_of(kOperators),
             fmt::format("{} and {}", ops[0], ops[1]));
    const JsonView bound = e.at(ops[0]);
    Constraint k;
    k.metric = metric;
    if (ops[0] == "max_fraction_of_device") {
      k.op = ConstraintOp::max_fraction_of_device;
      if (!contains(device_resource_names(), metric))
        bound.fail("max_fraction_of_device bounds a device resource only", "metric lut, ff, dsp or bram",
                   in_quotes(metric));
      k.value = bound.as_number(0.0, 1.0);
      if (k.value <= 0.0) bound.fail("value out of range", "a fraction in (0, 1]", describe_json(bound.json()));
    } else {
      k.op = ops[0] == "max" ? ConstraintOp::max : ConstraintOp::min;
      const bool fraction = metric == "accuracy" || metric == "auc" || metric.starts_with("tpr_at_fpr");
      k.value = fraction ? bound.as_number(0.0, 1.0) : bound.as_number(metric == "bias" ? -1e18 : 0.0, 1e18);
    }
    for (const auto& other : c.constraints)
      if (other.metric == k.metric && other.op == k.op)
        e.fail("duplicated constraint", "each metric and operator at most once",
               fmt::format("{} {} again", metric, to_string(k.op)));
    // A min above a max on one metric leaves no feasible candidate: an empty front by design.
    for (const auto& other : c.constraints)
      if (other.metric == k.metric && other.op != k.op && other.op != ConstraintOp::max_fraction_of_device &&
          k.op != ConstraintOp::max_fraction_of_device) {
        const double lo = k.op == ConstraintOp::min ? k.value : other.value;
        const double hi = k.op == ConstraintOp::max ? k.value : other.value;
        if (lo > hi)
          e.fail("contradictory constraints: no candidate can satisfy both",
                 fmt::format("min <= max for {}", metric), fmt::format("min {:g} > max {:g}", lo, hi));
      }
    c.constraints.push_back(k);
  }
}

void parse_hardware(const JsonView& root, ExperimentConfig& c, const LoadOptions& options) {
  const JsonView h = root.at("hardware");
  h.require_object("an object like {\"device\": \"xcvu9p\", \"estimator\": \"rtl\"}");
  h.check_keys(kHardwareKeys);
  const JsonView device_view = h.at("device");
  c.hardware.device = device_view.as_string();
  if (!is_safe_name(c.hardware.device))  // it becomes a file name under estimators/
    device_view.fail("bad device name", "1-64 characters of A-Z, a-z, 0-9, _, - and . without \"..\"",
                     quoted_for_message(c.hardware.device));
  c.hardware.target = h.get_choice("target", synth::target_names(), c.hardware.target);
  c.hardware.estimator = h.get_choice("estimator", estimate::estimator_flavors(), synth::make_target(c.hardware.target)->estimator_flavor());
  c.hardware.clock_ns = h.get_number("clock_ns", netlist::kMinClockNs, netlist::kMaxClockNs, c.hardware.clock_ns);
  c.hardware.use_dsp = h.get_bool("use_dsp", c.hardware.use_dsp);
  c.hardware.sharing = h.get_choice("sharing", {"none", "cse"}, c.hardware.sharing);
  c.hardware.sharing_effort = static_cast<int>(h.get_int("sharing_effort", 1, netlist::kMaxSharingEffort, c.hardware.sharing_effort));
  c.hardware.emit_sharing_effort =
      static_cast<int>(h.get_int("emit_sharing_effort", 1, netlist::kMaxSharingEffort, c.hardware.emit_sharing_effort));

  if (options.estimators_dir) {
    std::error_code ec;
    if (!fs::is_directory(*options.estimators_dir, ec))
      throw ConfigError(options.estimators_dir->string(), "", "estimators folder not found",
                        "a folder of <vendor>/<part>.json device files", "no such folder");
    c.estimators_dir = fs::absolute(*options.estimators_dir).lexically_normal();
  } else {
    c.estimators_dir = find_estimators_dir(fs::absolute(c.source_file).parent_path(), h.file());
  }
  if (const auto file = find_device_file(c.estimators_dir, c.hardware.device)) {
    c.hardware.device_file = *file;
    return;
  }
  const auto devices = estimate::list_devices(c.estimators_dir);
  const std::string where =
      fmt::format("unknown device (no {}/<vendor>/{}.json)", c.estimators_dir.string(), c.hardware.device);
  if (devices.empty())
    device_view.fail(where, "a part with a device file; that folder has none yet", in_quotes(c.hardware.device));
  device_view.fail(where, nearest_or_list(c.hardware.device, devices), in_quotes(c.hardware.device));
}

MultiFidelityConfig parse_multi_fidelity(const JsonView& m) {
  m.require_object("an object like {\"fraction\": 0.5, \"quality_slack\": 0.25, \"hardware_slack\": 0.05}");
  m.check_keys({"fraction", "quality_slack", "hardware_slack"});
  MultiFidelityConfig f;
  f.fraction = m.get_number("fraction", 0.05, 0.95, f.fraction);
  f.quality_slack = m.get_number("quality_slack", 0.0, 10.0, f.quality_slack);
  f.hardware_slack = m.get_number("hardware_slack", 0.0, 10.0, f.hardware_slack);
  return f;
}

void parse_search(const JsonView& root, ExperimentConfig& c) {
  const JsonView s = root.at("search");
  s.require_object("an object like {\"population\": 32, \"generations\": 10}");
  s.check_keys(kSearchKeys);
  auto& r = c.search;
  r.algorithm = s.get_choice("algorithm", search::survival_kinds(), r.algorithm);  // registered kinds
  r.population = static_cast<int>(s.get_int("population", 2, 100000, r.population));
  r.prescreen = static_cast<int>(s.get_int("prescreen", 1, 100, r.prescreen));
  r.initial_design = s.get_choice("initial_design", {"random", "lhs"}, r.initial_design);
  r.parents = s.get_choice("parents", {"population", "archive"}, r.parents);
  if (s.has("multi_fidelity")) r.multi_fidelity = parse_multi_fidelity(s.at("multi_fidelity"));
  r.inherit_weights = s.get_bool("inherit_weights", r.inherit_weights);
  r.operator_kind = s.get_choice("operator", {"crossover", "differential"}, r.operator_kind);
  if (s.has("differential")) {
    const JsonView d = s.at("differential");
    d.require_object("an object like {\"f\": 0.5, \"cr\": 0.5, \"bounds\": \"random\"}");
    d.check_keys({"f", "cr", "bounds"});
    r.de_f = d.get_number("f", 0.01, 2.0, r.de_f);
    r.de_cr = d.get_number("cr", 0.0, 1.0, r.de_cr);
    r.de_bounds = d.get_choice("bounds", {"random", "clamp"}, r.de_bounds);
  }
  const bool g = s.has("generations"), m = s.has("max_evaluations");
  if (g && m)
    s.fail("both generations and max_evaluations given", "exactly one of them", "both");
  if (!g && !m)
    s.fail("no search budget", "\"generations\" or \"max_evaluations\"", "neither");
  if (g) r.generations = static_cast<int>(s.get_int("generations", 1, 1000000));
  if (m) {
    r.max_evaluations = s.get_int("max_evaluations", 1, 1000000000000LL);
    if (*r.max_evaluations < r.population)
      s.at("max_evaluations")
          .fail("budget smaller than one generation", fmt::format("at least the population, {}", r.population),
                std::to_string(*r.max_evaluations));
  }
}

void parse_training(const JsonView& root, ExperimentConfig& c) {
  if (!root.has("training")) return;
  const JsonView t = root.at("training");
  t.require_object("an object like {\"max_epochs\": 20, \"timeout_seconds\": 120}");
  t.check_keys(kTrainingKeys);
  auto& r = c.training;
  r.max_epochs = static_cast<int>(t.get_int("max_epochs", 1, 100000, r.max_epochs));
  r.timeout_seconds = t.get_number("timeout_seconds", 1.0, 604800.0, r.timeout_seconds);
  r.metrics_split = t.get_choice("metrics_split", {"validation", "test"}, r.metrics_split);
  r.init = t.get_choice("init", {"he", "uniform_fan_in"}, r.init);
}

void parse_synthesis(const JsonView& root, ExperimentConfig& c) {
  if (!root.has("synthesis")) return;
  const JsonView s = root.at("synthesis");
  s.require_object("an object like {\"every_generations\": 5, \"top_n\": 3}");
  s.check_keys(kSynthesisKeys);
  auto& r = c.synthesis;
  r.enabled = s.get_bool("enabled", r.enabled);
  r.backend = s.get_choice("backend", synth::backend_names(), r.backend);
  // Each backend runs one target's design (Vivado the rtl firmware package, Vitis HLS the hls project).
  if (synth::backend_target(r.backend) != c.hardware.target) {
    std::string own;
    for (const auto& b : synth::make_target(c.hardware.target)->backends()) own += (own.empty() ? "" : " or ") + b;
    s.at("backend").fail("the backend does not implement this experiment's hardware.target",
                         fmt::format("\"{}\" for target {}", own, c.hardware.target), "\"" + r.backend + "\"");
  }
  r.every_generations = static_cast<int>(s.get_int("every_generations", 1, 1000000, r.every_generations));
  r.top_n = static_cast<int>(s.get_int("top_n", 1, 100000, r.top_n));
  r.timeout_seconds = s.get_number("timeout_seconds", 1.0, 604800.0, r.timeout_seconds);
  r.memory_limit_mb = static_cast<int>(s.get_int("memory_limit_mb", 64, 4194304, r.memory_limit_mb));
  r.jobs = static_cast<int>(s.get_int("jobs", 1, 256, r.jobs));
  r.recalibrate = s.get_bool("recalibrate", r.recalibrate);
  r.final_top_n = static_cast<int>(s.get_int("final_top_n", 0, 100000, r.final_top_n));
  r.simulate = s.get_bool("simulate", r.simulate);
  r.simulate_samples = static_cast<int>(s.get_int("simulate_samples", 1, 10000000, r.simulate_samples));
  r.csim = s.get_bool("csim", r.csim);
  r.fold_standardization = s.get_bool("fold_standardization", r.fold_standardization);
  if (r.top_n > c.search.population)
    s.at("top_n").fail("more than a front can hold",
                       fmt::format("at most the population, {}", c.search.population), std::to_string(r.top_n));
}

/// Throws unless a data set with `features` features and `classes` classes (when known) fits the
/// search space's inputs and outputs; `how` says where the counts come from.
void check_fit(const ExperimentConfig& c, const space::SearchSpace& sp, std::optional<std::size_t> features,
               std::optional<std::size_t> classes, std::string_view how) {
  const std::string file = c.source_file.string();
  if (classes && *classes != static_cast<std::size_t>(sp.outputs))
    throw ConfigError(file, "$.search_space", "search space does not fit the data set",
                      fmt::format("{} outputs, one per class of {} ({})", *classes, c.dataset, how),
                      fmt::format("{} outputs in {}", sp.outputs, c.search_space));
  if (features && !sp.accepts_inputs(static_cast<int>(*features))) {
    const std::string got = sp.inputs_min == sp.inputs_max
                                ? fmt::format("{} inputs in {}", sp.inputs_min, c.search_space)
                                : fmt::format("{} to {} inputs in {}", sp.inputs_min, sp.inputs_max, c.search_space);
    throw ConfigError(file, "$.search_space", "search space does not fit the data set",
                      fmt::format("inputs for the {} features of {} ({})", *features, c.dataset, how), got);
  }
}

/// Parses the dataset spec and the search space with their own validators and checks that they
/// fit each other as far as the spec states the shape (without reading any data).
void check_referenced_files(const JsonView& root, const ExperimentConfig& c) {
  const data::DatasetSpec spec = data::load_dataset_spec(c.dataset_path);
  const space::SearchSpace sp = space::load_search_space(c.search_space_path);
  if (!c.dataset_source.empty() && spec.format != data::DataFormat::csv && spec.format != data::DataFormat::arff)
    root.at("dataset_source")
        .fail("a replacement data file needs a single-file dataset spec", "a CSV or ARFF dataset spec",
              fmt::format("a {} spec ({})", data::format_name(spec.format), c.dataset));
  std::optional<std::size_t> classes, features;
  if (!spec.classes.empty()) classes = spec.classes.size();
  if (!spec.feature_columns.empty())
    features = spec.feature_columns.size();
  else if (spec.format == data::DataFormat::csv && !spec.header && !spec.column_names.empty())
    features = spec.column_names.size() - 1;
  if (!c.task.is_classification()) {  // a task's outputs are targets or reconstructed inputs
    if (c.task.kind == "regression") {
      if (features) features = *features > c.task.targets.size() ? *features - c.task.targets.size() : 0;
      classes = c.task.targets.size();
    } else {
      classes = features;
      if (c.task.variational && sp.outputs != c.task.latent)  // a VAE deploys its latent means
        throw ConfigError(c.source_file.string(), "$.task.latent", "a VAE's search space has one output per latent mean",
                          fmt::format("{} outputs in {}", c.task.latent, c.search_space),
                          fmt::format("{} outputs", sp.outputs));
      if (c.task.variational) classes = std::nullopt;
    }
  }
  check_fit(c, sp, features, classes, "as its spec states");
}

std::string format_number(double v) { return fmt::format("{}", v); }

/// Rejects objectives and constraints naming a metric the experiment's task does not report.
void check_task_metrics(const JsonView& root, const ExperimentConfig& c) {
  auto check = [&](const std::string& metric, const char* list, std::size_t i) {
    if (metric_fits_task(metric, c.task)) return;
    std::vector<std::string> fit;
    for (const auto& m : metric_names())
      if (metric_fits_task(m, c.task)) fit.push_back(m);
    root.at(list).at(i).fail("metric not reported by a " + c.task.kind + " task", fmt::format("one of {}", fmt::join(fit, ", ")),
                             in_quotes(metric));
  };
  for (std::size_t i = 0; i < c.objectives.size(); ++i) check(c.objectives[i].metric, "objectives", i);
  for (std::size_t i = 0; i < c.constraints.size(); ++i) check(c.constraints[i].metric, "constraints", i);
}

}  // namespace

std::string_view to_string(Direction direction) noexcept {
  return direction == Direction::maximize ? "maximize" : "minimize";
}

std::string_view to_string(ConstraintOp op) noexcept {
  switch (op) {
    case ConstraintOp::max: return "max";
    case ConstraintOp::min: return "min";
    case ConstraintOp::max_fraction_of_device: return "max_fraction_of_device";
  }
  return "max";
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"accuracy",       "auc", "lut",  "ff",   "dsp", "bram", "latency_ns",
                                  "latency_cycles", "ii",  "bops", "ebops", "max_utilization"};
    for (const auto& m : nn::task_metric_names()) n.push_back(m);
    return n;
  }();
  return names;
}

bool metric_fits_task(const std::string& metric, const nn::TaskSpec& task) {
  if (task.is_classification()) {
    const auto& t = nn::task_metric_names();
    return std::find(t.begin(), t.end(), metric) == t.end();
  }
  if (metric == "accuracy") return false;
  if (metric == "auc") return task.kind == "autoencoder";
  const auto names = nn::make_task(task)->metric_names();
  const auto& t = nn::task_metric_names();
  return std::find(t.begin(), t.end(), metric) == t.end() || std::find(names.begin(), names.end(), metric) != names.end();
}

Direction natural_direction(std::string_view metric) {
  NAS4ML_ASSERT(contains(metric_names(), metric), "natural_direction of an unknown metric");
  return metric == "accuracy" || metric == "auc" || nn::task_metric_maximized(std::string(metric))
             ? Direction::maximize
             : Direction::minimize;
}

const std::vector<std::string>& device_resource_names() {
  static const std::vector<std::string> names = {"lut", "ff", "dsp", "bram"};
  return names;
}

DataCheck check_data(const ExperimentConfig& config) {
  data::LoadOverrides overrides;
  if (!config.dataset_source.empty()) overrides.source = config.dataset_source_path;
  data::LoadedDataset d = data::load_dataset(config.dataset_path, overrides);
  const space::SearchSpace sp = space::load_search_space(config.search_space_path);
  const auto task = nn::make_task(config.task);
  task->prepare(d, config.source_file.string());
  check_fit(config, sp, d.n_features(), static_cast<std::size_t>(task->output_units(d)), "as read from the data");
  DataCheck r;
  r.features = d.n_features();
  r.classes = d.n_classes();
  r.train_rows = d.train.rows();
  r.validation_rows = d.validation.rows();
  r.test_rows = d.test.rows();
  return r;
}

fs::path find_estimators_dir(const fs::path& start, const std::string& file) {
  std::error_code ec;
  fs::path dir = fs::absolute(start).lexically_normal();
  while (true) {
    const fs::path candidate = dir / "estimators";
    if (fs::is_directory(candidate, ec)) return candidate;
    if (!dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  // Experiments outside the source tree: the installation's own estimators/ folder.
  if (const fs::path fallback = estimate::default_estimators_dir(); fs::is_directory(fallback, ec)) return fallback;
  throw ConfigError(file, "$.hardware.device", "no estimators folder found",
                    "an estimators/<vendor>/<part>.json folder at or above the experiment's folder, or "
                    "--estimators DIR",
                    "none above " + fs::absolute(start).lexically_normal().string());
}

std::optional<fs::path> find_device_file(const fs::path& estimators_dir, std::string_view device) {
  if (device.empty() || device.find('/') != std::string_view::npos || device.find('\\') != std::string_view::npos ||
      device == "." || device == "..")
    return std::nullopt;
  std::error_code ec;
  std::vector<fs::path> hits;
  for (fs::directory_iterator vendor(estimators_dir, ec), end; !ec && vendor != end; vendor.increment(ec)) {
    if (!vendor->is_directory(ec)) continue;
    const fs::path p = vendor->path() / (std::string(device) + ".json");
    if (fs::is_regular_file(p, ec)) hits.push_back(p);
  }
  if (hits.empty()) return std::nullopt;
  std::sort(hits.begin(), hits.end());  // the same answer whatever the directory order
  return hits.front();
}

/// A baseline file is a QuantizedModel when its "format" says so, otherwise a model spec.
bool is_quantized_model_file(const fs::path& path) {
  const Json j = load_json_file(path);
  return j.is_object() && j.contains("format") && j["format"] == nn::quantized_model_format_tag;
}

/// A seeding baseline must be a model spec whose genome exists in the search space.
void check_seed(const JsonView& b, const Baseline& x, const ExperimentConfig& c) {
  if (x.quantized)
    b.at("seed_population").fail(fmt::format("baseline {} cannot seed the first generation", x.name),
                                 "a model spec (a QuantizedModel does not record all training knobs)",
                                 "a QuantizedModel file");
  const space::SearchSpace sp = space::load_search_space(c.search_space_path);
  const space::Encoding e = space::encode(sp, nn::load_model_spec(x.model_path));
  if (!e.gene.empty())
    b.at("seed_population").fail(fmt::format("baseline {} is not in the search space: gene {}", x.name, e.gene),
                                 e.expected, e.got);
}

/// "baselines": [{"name": "...", "model": "models/x.json", "seed_population": true}, ...]: model
/// specs (trained once) or QuantizedModel files (evaluated as they are).
void parse_baselines(const JsonView& root, ExperimentConfig& c, const fs::path& base) {
  if (!root.has("baselines")) return;
  const JsonView list = root.at("baselines");
  list.require_array("an array of {\"name\", \"model\"} objects");
  int seeds = 0;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const JsonView b = list.at(k);
    b.require_object("a baseline object {\"name\", \"model\"}");
    b.check_keys({"name", "model", "seed_population"});
    Baseline x;
    x.name = b.get_string("name");
    if (!safe_name(x.name)) b.at("name").fail("invalid baseline name", std::string(kNameRule), in_quotes(x.name));
    for (const auto& other : c.baselines)
      if (other.name == x.name) b.at("name").fail("duplicated baseline name", "each name once", in_quotes(x.name));
    x.model_path = resolve_file(b, "model", base, "model spec or QuantizedModel");
    x.model = b.get_string("model");
    x.quantized = is_quantized_model_file(x.model_path);
    x.seed_population = b.get_bool("seed_population", false);
    if (x.seed_population) {
      check_seed(b, x, c);
      if (++seeds > c.search.population)
        b.at("seed_population").fail("more seeding baselines than the population holds",
                                     fmt::format("at most {}", c.search.population), std::to_string(seeds));
    }
    c.baselines.push_back(std::move(x));
  }
}

ExperimentConfig parse_experiment(const Json& document, const fs::path& file, const LoadOptions& options) {
  const JsonView root(document, file.string());
  root.require_object("an experiment object");
  root.check_keys(kTopKeys);

  ExperimentConfig c;
  c.source_file = file;
  const fs::path base = fs::absolute(file).parent_path();

  c.version = static_cast<int>(root.get_int("version", 0, std::numeric_limits<int>::max(), kSchemaVersion));
  if (c.version != kSchemaVersion)
    root.at("version").fail("unsupported experiment version", std::to_string(kSchemaVersion),
                            std::to_string(c.version));
  if (root.has("name")) {
    c.name = root.get_string("name");
    if (!safe_name(c.name)) root.at("name").fail("invalid name", std::string(kNameRule), in_quotes(c.name));
  } else {
    c.name = file.stem().string();
    if (!safe_name(c.name))
      throw ConfigError(file.string(), "$.name",
                        "the file name is not a usable run name; give a \"name\"", std::string(kNameRule),
                        in_quotes(c.name));
  }
  c.description = root.get_string("description", "");

  c.dataset_path = resolve_file(root, "dataset", base, "dataset spec");
  c.dataset = root.get_string("dataset");
  c.search_space_path = resolve_file(root, "search_space", base, "search space");
  c.search_space = root.get_string("search_space");
  if (root.has("dataset_source") && !root.at("dataset_source").json().is_null()) {
    c.dataset_source_path = resolve_file(root, "dataset_source", base, "data");
    c.dataset_source = root.get_string("dataset_source");
  }
  if (root.has("task")) c.task = nn::parse_task_spec(root.at("task"));
  if (root.has("distillation")) c.distillation = parse_distillation(root.at("distillation"), base);
  check_referenced_files(root, c);

  parse_objectives(root, c);
  parse_constraints(root, c);
  check_task_metrics(root, c);
  parse_hardware(root, c, options);
  check_target_knobs(*synth::make_target(c.hardware.target), space::load_search_space(c.search_space_path),
                     c.source_file.string());
  parse_search(root, c);
  parse_training(root, c);
  parse_synthesis(root, c);
  if (root.has("seed")) c.seed = parse_seed(root.at("seed"));
  if (root.has("threads")) c.threads = parse_threads(root.at("threads"));
  parse_baselines(root, c, base);
  if (!c.task.is_classification() && !c.baselines.empty())
    root.at("baselines").fail("baselines are supported for classification experiments only",
                              "no \"baselines\" with a " + c.task.kind + " task", "a list of " + std::to_string(c.baselines.size()));
  return c;
}

ExperimentConfig load_experiment(const fs::path& file, const LoadOptions& options) {
  return parse_experiment(load_json_file(file), file, options);
}

Json to_json(const ExperimentConfig& c) {
  Json j = Json::object();
  j["version"] = c.version;
  j["name"] = c.name;
  j["description"] = c.description;
  j["dataset"] = c.dataset;
  j["dataset_source"] = c.dataset_source.empty() ? Json(nullptr) : Json(c.dataset_source);
  j["search_space"] = c.search_space;
  j["objectives"] = Json::array();
  for (const auto& o : c.objectives)
    j["objectives"].push_back({{"metric", o.metric}, {"direction", std::string(to_string(o.direction))}});
  j["constraints"] = Json::array();
  for (const auto& k : c.constraints)
    j["constraints"].push_back({{"metric", k.metric}, {std::string(to_string(k.op)), k.value}});
  j["hardware"] = {{"device", c.hardware.device},
                   {"estimator", c.hardware.estimator},
                   {"clock_ns", c.hardware.clock_ns},
                   {"use_dsp", c.hardware.use_dsp}};
  j["hardware"]["sharing"] = c.hardware.sharing;  // always: absent meant "none" before cse became the default
  if (c.hardware.sharing_effort != 1) j["hardware"]["sharing_effort"] = c.hardware.sharing_effort;  // absent = 1: older hashes hold
  if (c.hardware.emit_sharing_effort != 8)  // absent = 8: older hashes hold
    j["hardware"]["emit_sharing_effort"] = c.hardware.emit_sharing_effort;
  if (c.hardware.target != "rtl") j["hardware"]["target"] = c.hardware.target;  // absent = rtl: older hashes hold
  Json search = {{"algorithm", c.search.algorithm}, {"population", c.search.population}};
  if (c.search.generations) search["generations"] = *c.search.generations;
  if (c.search.max_evaluations) search["max_evaluations"] = *c.search.max_evaluations;
  if (c.search.prescreen != 1) search["prescreen"] = c.search.prescreen;  // absent = off: older hashes hold
  if (c.search.initial_design != "random") search["initial_design"] = c.search.initial_design;  // likewise
  if (c.search.parents != "population") search["parents"] = c.search.parents;  // likewise
  if (const auto& m = c.search.multi_fidelity)  // likewise
    search["multi_fidelity"] = {{"fraction", m->fraction}, {"quality_slack", m->quality_slack},
                                {"hardware_slack", m->hardware_slack}};
  if (c.search.inherit_weights) search["inherit_weights"] = true;  // likewise
  if (c.search.operator_kind != "crossover") search["operator"] = c.search.operator_kind;  // likewise
  if (c.search.de_f != 0.5 || c.search.de_cr != 0.5 || c.search.de_bounds != "random")  // likewise
    search["differential"] = {{"f", c.search.de_f}, {"cr", c.search.de_cr}, {"bounds", c.search.de_bounds}};
  j["search"] = search;
  j["training"] = {{"max_epochs", c.training.max_epochs},
                   {"timeout_seconds", c.training.timeout_seconds},
                   {"metrics_split", c.training.metrics_split}};
  if (c.training.init != "he") j["training"]["init"] = c.training.init;  // absent at the default: hashes unchanged
  const auto& s = c.synthesis;
  j["synthesis"] = {{"enabled", s.enabled},
                    {"backend", s.backend},
                    {"every_generations", s.every_generations},
                    {"top_n", s.top_n},
                    {"timeout_seconds", s.timeout_seconds},
                    {"memory_limit_mb", s.memory_limit_mb},
                    {"jobs", s.jobs},
                    {"recalibrate", s.recalibrate},
                    {"final_top_n", s.final_top_n},
                    {"simulate", s.simulate},
                    {"simulate_samples", s.simulate_samples}};
  if (s.csim) j["synthesis"]["csim"] = true;  // absent = false: older hashes hold
  if (s.fold_standardization) j["synthesis"]["fold_standardization"] = true;  // likewise
  j["seed"] = c.seed;
  j["threads"] = c.threads;
  if (!c.task.is_classification()) j["task"] = nn::to_json(c.task);  // absent = classification: older hashes hold
  if (c.distillation.enabled) j["distillation"] = to_json(c.distillation);  // absent = none: older hashes hold
  if (!c.baselines.empty()) {  // absent when none, so experiments without baselines keep their hash
    j["baselines"] = Json::array();
    for (const auto& b : c.baselines) {
      Json bj = {{"name", b.name}, {"model", b.model}};
      if (b.seed_population) bj["seed_population"] = true;  // absent = false: older hashes hold
      j["baselines"].push_back(std::move(bj));
    }
  }
  return j;
}

ExperimentConfig parse_stored_experiment(const Json& document, const fs::path& file) {
  Json stored = document;
  if (stored.is_object() && stored.contains("hardware") && stored["hardware"].is_object() &&
      !stored["hardware"].contains("sharing"))
    stored["hardware"]["sharing"] = "none";  // written before the key was always spelled out
  return parse_experiment(stored, file);
}

std::string experiment_hash(const ExperimentConfig& config) {
  Json canonical = to_json(config);
  if (config.hardware.sharing == "none") canonical["hardware"].erase("sharing");  // the hash from before
  const std::string text = canonical.dump();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw InternalError("OpenSSL EVP_Digest(SHA-256) failed");
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string describe(const ExperimentConfig& c) {
  std::string objectives;
  for (const auto& o : c.objectives)
    objectives += fmt::format("{}{} {}", objectives.empty() ? "" : ", ", o.metric,
                              o.direction == Direction::maximize ? "max" : "min");
  std::string constraints;
  for (const auto& k : c.constraints) {
    std::string bound;
    switch (k.op) {
      case ConstraintOp::max: bound = "<= " + format_number(k.value); break;
      case ConstraintOp::min: bound = ">= " + format_number(k.value); break;
      case ConstraintOp::max_fraction_of_device:
        bound = "<= " + format_number(k.value * 100.0) + "% of device";
        break;
    }
    constraints += fmt::format("{}{} {}", constraints.empty() ? "" : ", ", k.metric, bound);
  }
  const std::string budget = c.search.generations
                                 ? fmt::format("{} generations", *c.search.generations)
                                 : fmt::format("at most {} evaluations", *c.search.max_evaluations);
  const std::string synthesis =
      c.synthesis.enabled ? fmt::format("synthesis ({}) of the top {} every {} generations, {} at the end",
                                        c.synthesis.backend, c.synthesis.top_n, c.synthesis.every_generations,
                                        c.synthesis.final_top_n)
                          : std::string("no synthesis");
  return fmt::format(
      "dataset {}, {} objective{} ({}), {} constraint{}{}, device {} ({} estimator, {} ns clock), "
      "population {}, {}, {}, seed {}, threads {}, hash {}",
      c.dataset_path.stem().string(), c.objectives.size(), c.objectives.size() == 1 ? "" : "s", objectives,
      c.constraints.size(), c.constraints.size() == 1 ? "" : "s",
      constraints.empty() ? "" : " (" + constraints + ")", c.hardware.device, c.hardware.estimator,
      format_number(c.hardware.clock_ns), c.search.population, budget, synthesis, c.seed,
      c.threads == 0 ? std::string("all cores") : std::to_string(c.threads), experiment_hash(c).substr(0, 12));
}

}  // namespace nas4ml::campaign
