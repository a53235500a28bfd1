// Campaign tables and running campaigns from Python (docs/python.md "Campaigns"). The tables
// are the ones `nas4ml front --json` and `nas4ml export --json` print, made by the same calls.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <optional>

#include "bindings.hpp"
#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/candidate_view.hpp"
#include "nas4ml/campaign/export_table.hpp"
#include "nas4ml/campaign/front_table.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"

namespace nas4ml::python {
namespace {

campaign::Store open_store(const std::string& run) { return campaign::Store::open(campaign::RunPaths(run).store()); }

/// (columns, rows as a list of dicts) of `nas4ml front --json`.
py::tuple front(const std::string& run) {
  const auto t = campaign::front_table(open_store(run));
  return py::make_tuple(t.columns, to_python(t.json));
}

/// (columns, rows) of `nas4ml export --json`.
py::tuple evaluations(const std::string& run) {
  const auto t = campaign::export_table(open_store(run));
  return py::make_tuple(t.columns, to_python(campaign::to_json(t)));
}

PyModel candidate_model(const std::string& run, const std::string& id) {
  const auto store = open_store(run);
  const auto record = campaign::find_candidate(store, id);
  if (record.model.is_null())
    throw ConfigError(store.path().string(), id, "this candidate has no trained model", "a candidate that trained",
                      record.status + (record.failure_reason.empty() ? "" : ": " + record.failure_reason));
  return PyModel{std::make_shared<nn::QuantizedModel>(nn::quantized_model_from_json(JsonView(record.model, store.path().string(), "$.model")))};
}

/// Runs (or resumes) a campaign with the GIL released. After each committed generation the
/// campaign polls stop_requested(): there the GIL is taken, `progress` is called with the
/// generation's counts, and pending signals are checked (PyErr_CheckSignals), so Ctrl-C raises
/// KeyboardInterrupt once the generation in flight is stored; the campaign can be resumed.
py::object run_or_resume(const std::optional<std::string>& experiment, const std::string& out,
                         const std::optional<py::function>& progress, std::optional<int> threads,
                         std::optional<int> stop_after_generation, bool emit) {
  campaign::RunOptions o;
  o.threads = threads;
  o.stop_after_generation = stop_after_generation;
  o.emit = emit;
  bool interrupted = false;
  std::optional<py::error_already_set> failure;
  int calls = 0;
  o.stop_requested = [&]() -> bool {
    py::gil_scoped_acquire gil;
    try {
      if (progress) {
        const auto store = open_store(out);
        const Json fr = store.front();
        py::dict info;
        info["generation"] = store.last_generation().value_or(-1);
        info["evaluations"] = store.count_evaluations();
        info["failed"] = store.count_evaluations(true);
        info["front_size"] = fr.size();
        info["calls"] = ++calls;
        (*progress)(info);
      }
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    } catch (py::error_already_set& e) {
      failure.emplace(std::move(e));
      interrupted = true;
    }
    return interrupted;
  };
  campaign::CampaignSummary s;
  {
    py::gil_scoped_release release;
    s = experiment ? campaign::run_campaign(*experiment, out, o) : campaign::resume_campaign(out, o);
  }
  if (failure) throw std::move(*failure);
  py::dict d;
  d["run_dir"] = s.run_dir.string();
  d["finished"] = s.finished;
  d["generations"] = s.generations;
  d["evaluations"] = s.evaluations;
  d["failed"] = s.failed;
  d["front"] = to_python(s.front);
  return d;
}

}  // namespace

void add_campaign_bindings(py::module_& m) {
  m.def("_front", &front, py::arg("run"));
  m.def("_evaluations", &evaluations, py::arg("run"));
  m.def("_candidate_model", &candidate_model, py::arg("run"), py::arg("id"));
  m.def(
      "_run",
      [](const std::string& experiment, const std::string& out, const std::optional<py::function>& progress,
         std::optional<int> threads, std::optional<int> stop_after_generation, bool emit) {
        return run_or_resume(experiment, out, progress, threads, stop_after_generation, emit);
      },
      py::arg("experiment"), py::arg("out"), py::arg("progress") = py::none(), py::arg("threads") = py::none(),
      py::arg("stop_after_generation") = py::none(), py::arg("emit") = true);
  m.def(
      "_resume",
      [](const std::string& out, const std::optional<py::function>& progress, std::optional<int> threads, bool emit) {
        return run_or_resume(std::nullopt, out, progress, threads, std::nullopt, emit);
      },
      py::arg("out"), py::arg("progress") = py::none(), py::arg("threads") = py::none(), py::arg("emit") = true);
}

}  // namespace nas4ml::python
