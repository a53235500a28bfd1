#include "nas4ml/nn/task.hpp"

#include <algorithm>
#include <functional>
#include <span>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nas4ml/core/error.hpp"
#include "task_kinds.hpp"

namespace nas4ml::nn {

namespace {
struct Registration {
  std::string kind;
  std::function<std::unique_ptr<Task>(const TaskSpec&)> make;
  std::span<const detail::MetricName> metrics;  // the metrics the kind adds, with directions
};

// The registry: one line per task kind.
const std::vector<Registration>& registry() {
  static const std::vector<Registration> r = {
      {"classification", detail::make_classification_task, {}},
      {"regression", detail::make_regression_task, detail::regression_metrics},
      {"autoencoder", detail::make_autoencoder_task, detail::autoencoder_metrics},
  };
  return r;
}

std::vector<std::string> string_list(const JsonView& v, std::string_view key) {
  const JsonView list = v.at(key);
  list.require_array("an array of names");
  if (list.size() == 0) list.fail("empty list", "at least one name", "[]");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size(); ++i) out.push_back(list.at(i).as_string());
  return out;
}
// The variational autoencoder's keys: latent size (required), beta >= 0, decoder hidden units.
void parse_variational(const JsonView& view, TaskSpec& s) {
  s.variational = view.get_bool("variational", false);
  if (!s.variational) {
    for (const char* key : {"latent", "beta", "decoder"})
      if (view.has(key))
        view.at(key).fail("only a variational autoencoder has this key", "\"variational\": true or no key",
                          view.at(key).json().dump());
    return;
  }
  if (!view.has("latent"))
    view.fail("a variational autoencoder needs a latent size", "\"latent\": an integer in [1, 64]", "no \"latent\" key");
  s.latent = static_cast<int>(view.get_int("latent", 1, 64));
  s.beta = view.get_number("beta", 0.0, 1e3, 1.0);
  if (view.has("decoder")) {
    const JsonView d = view.at("decoder");
    d.require_array("an array of hidden layer sizes, e.g. [16, 32]");
    for (std::size_t i = 0; i < d.size(); ++i) s.decoder.push_back(static_cast<int>(d.at(i).as_int(1, 4096)));
  }
}
}  // namespace

const std::vector<std::string>& task_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> k;
    for (const auto& r : registry()) k.push_back(r.kind);
    return k;
  }();
  return kinds;
}

std::unique_ptr<Task> make_task(const TaskSpec& spec) {
  for (const auto& r : registry())
    if (r.kind == spec.kind) return r.make(spec);
  throw InternalError("make_task: unregistered task kind '" + spec.kind + "'");
}

TaskSpec parse_task_spec(const JsonView& view) {
  TaskSpec s;
  if (view.json().is_string()) {
    s.kind = view.as_string();
    if (std::find(task_kinds().begin(), task_kinds().end(), s.kind) == task_kinds().end())
      view.fail("unknown task kind", fmt::format("one of {}", fmt::join(task_kinds(), ", ")), "\"" + s.kind + "\"");
    if (!s.is_classification())
      view.fail("a regression or autoencoder task needs its settings", "an object like {\"kind\": \"" + s.kind + "\", ...}",
                "\"" + s.kind + "\"");
    return s;
  }
  view.require_object("a task object like {\"kind\": \"regression\", \"targets\": [\"m_bb\"]}");
  s.kind = view.get_choice("kind", task_kinds());
  if (view.has("variational") && s.kind != "autoencoder")
    view.at("variational").fail("a variational autoencoder is an autoencoder task",
                                "\"kind\": \"autoencoder\" with \"variational\"", "\"kind\": \"" + s.kind + "\"");
  if (s.kind == "classification") {
    view.check_keys({"kind"});
  } else if (s.kind == "regression") {
    if (view.has("classes"))
      view.at("classes").fail("a regression task has no class list", "numeric \"targets\" columns",
                              view.at("classes").json().dump());
    view.check_keys({"kind", "targets", "loss", "huber_delta"});
    s.targets = string_list(view, "targets");
    s.loss = view.get_choice("loss", {"mse", "huber"}, "mse");
    s.huber_delta = view.get_number("huber_delta", 1e-6, 1e6, 1.0);
  } else {
    view.check_keys({"kind", "background", "score", "score_format", "variational", "latent", "beta", "decoder"});
    s.background = string_list(view, "background");
    s.score = view.get_choice("score", {"squared", "absolute"}, "squared");
    if (view.has("score_format")) {
      const FixedFormat f = view.at("score_format").as_fixed_format();
      if (f.is_signed || f.width > 40 || f.integer < 1)
        view.at("score_format").fail("the anomaly score is unsigned", "ap_ufixed<W,I> with W <= 40 and I >= 1",
                                     view.at("score_format").json().dump());
      s.score_width = f.width;
      s.score_integer = f.integer;
    }
    parse_variational(view, s);
  }
  return s;
}

Json to_json(const TaskSpec& s) {
  if (s.is_classification()) return Json();
  Json j;
  j["kind"] = s.kind;
  if (s.kind == "regression") {
    j["targets"] = s.targets;
    j["loss"] = s.loss;
    j["huber_delta"] = s.huber_delta;
  } else {
    j["background"] = s.background;
    j["score"] = s.score;
    j["score_format"] = fmt::format("ap_ufixed<{},{}>", s.score_width, s.score_integer);
    if (s.variational) {  // only then, so the hashes of plain autoencoder experiments stay the same
      j["variational"] = true;
      j["latent"] = s.latent;
      j["beta"] = s.beta;
      j["decoder"] = s.decoder;
    }
  }
  return j;
}

const std::vector<std::string>& task_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& r : registry())
      for (const auto& m : r.metrics) n.emplace_back(m.name);
    return n;
  }();
  return names;
}

bool task_metric_maximized(const std::string& name) {
  for (const auto& r : registry())
    for (const auto& m : r.metrics)
      if (name == m.name) return m.maximize;
  return false;
}

}  // namespace nas4ml::nn
