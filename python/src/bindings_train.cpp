// nas4ml.load_dataset / nas4ml.train (docs/python.md "Training from NumPy").
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>

#include <fmt/format.h>

#include "bindings.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/trainer.hpp"

namespace nas4ml::python {
namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using LabelArray = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;

py::array_t<float> to_numpy(const data::FeatureMatrix& x) {
  py::array_t<float> a({static_cast<py::ssize_t>(x.rows()), static_cast<py::ssize_t>(x.cols())});
  std::copy(x.data(), x.data() + x.size(), a.mutable_data());
  return a;
}

py::array_t<std::int32_t> to_numpy(const std::vector<std::int32_t>& y) {
  py::array_t<std::int32_t> a(static_cast<py::ssize_t>(y.size()));
  std::copy(y.begin(), y.end(), a.mutable_data());
  return a;
}

py::dict load_dataset(const std::string& spec, bool raw) {
  data::LoadOverrides o;
  o.raw_features = raw;
  data::LoadedDataset d;
  {
    py::gil_scoped_release release;
    d = data::load_dataset(spec, o);
  }
  py::dict out;
  out["name"] = d.name;
  out["feature_names"] = d.feature_names;
  out["class_names"] = d.class_names;
  out["X_train"] = to_numpy(d.train.x);
  out["y_train"] = to_numpy(d.train.y);
  out["X_val"] = to_numpy(d.validation.x);
  out["y_val"] = to_numpy(d.validation.y);
  out["X_test"] = to_numpy(d.test.x);
  out["y_test"] = to_numpy(d.test.y);
  py::dict pre;
  pre["method"] = d.preprocessing.method;
  pre["offset"] = d.preprocessing.offset;
  pre["scale"] = d.preprocessing.scale;
  out["preprocessing"] = pre;
  return out;
}

/// One split from arrays; `name` is the argument name used in errors.
data::Split split(const FloatArray& x, const LabelArray& y, const std::string& name) {
  if (x.ndim() != 2)
    throw DataError({}, "X_" + name, "wrong array shape", "a 2-D array (samples, features)", fmt::format("{} dimensions", x.ndim()));
  if (y.ndim() != 1 || y.shape(0) != x.shape(0))
    throw DataError({}, "y_" + name, "labels do not match the samples", fmt::format("a 1-D array of {} labels", x.shape(0)),
                    y.ndim() == 1 ? fmt::format("{} labels", y.shape(0)) : fmt::format("{} dimensions", y.ndim()));
  data::Split s;
  s.x = Eigen::Map<const data::FeatureMatrix>(x.data(), x.shape(0), x.shape(1));
  s.y.assign(y.data(), y.data() + y.size());
  return s;
}

py::tuple train(const py::object& spec, const FloatArray& x_train, const LabelArray& y_train, const FloatArray& x_val,
                const LabelArray& y_val, std::uint64_t seed, int epochs, const std::optional<FloatArray>& x_test,
                const std::optional<LabelArray>& y_test, const std::optional<std::vector<std::string>>& class_names,
                const std::optional<std::vector<std::string>>& feature_names,
                const std::optional<std::vector<double>>& input_offset, const std::optional<std::vector<double>>& input_scale,
                int signal_class) {
  nn::ModelSpec ms;
  std::string source = "model spec";
  if (py::isinstance<py::str>(spec)) {
    source = spec.cast<std::string>();
    ms = nn::load_model_spec(source);
  } else {
    const Json j = from_python(spec);
    ms = nn::parse_model_spec(JsonView(j, source));
  }
  data::LoadedDataset d;
  d.name = "arrays";
  d.train = split(x_train, y_train, "train");
  d.validation = split(x_val, y_val, "val");
  if (x_test.has_value() != y_test.has_value())
    throw ConfigError({}, "X_test", "give both X_test and y_test, or neither", "both or neither", "one of them");
  d.test = x_test ? split(*x_test, *y_test, "test") : data::Split{data::FeatureMatrix(0, d.train.x.cols()), {}};
  const auto n_features = static_cast<std::size_t>(d.train.x.cols());
  int n_classes = 0;
  for (const auto* s : {&d.train, &d.validation, &d.test})
    for (auto label : s->y) n_classes = std::max(n_classes, label + 1);
  if (class_names) {
    d.class_names = *class_names;
  } else {
    for (int c = 0; c < n_classes; ++c) d.class_names.push_back(std::to_string(c));
  }
  if (feature_names) {
    d.feature_names = *feature_names;
  } else {
    for (std::size_t f = 0; f < n_features; ++f) d.feature_names.push_back(fmt::format("x{}", f));
  }
  if (d.feature_names.size() != n_features)
    throw ConfigError({}, "feature_names", "wrong number of feature names", std::to_string(n_features), std::to_string(d.feature_names.size()));
  d.preprocessing.method = input_offset || input_scale ? "given" : "none";
  d.preprocessing.offset = input_offset.value_or(std::vector<double>(n_features, 0.0));
  d.preprocessing.scale = input_scale.value_or(std::vector<double>(n_features, 1.0));
  if (d.preprocessing.offset.size() != n_features || d.preprocessing.scale.size() != n_features)
    throw ConfigError({}, "input_offset", "one offset and one scale per feature", std::to_string(n_features),
                      fmt::format("{} and {}", d.preprocessing.offset.size(), d.preprocessing.scale.size()));
  nn::TrainOptions o;
  o.seed = seed;
  o.epochs = epochs;
  o.spec_source = source;
  if (signal_class >= 0) o.signal_class = signal_class;
  nn::TrainResult r;
  {
    py::gil_scoped_release release;
    r = nn::train_model(ms, d, o);
  }
  if (!r.ok) {
    Json failure = {{"ok", false}, {"failure", r.failure}, {"epochs_run", r.epochs_run}};
    return py::make_tuple(py::none(), to_python(failure));
  }
  Json metrics = r.model.training;
  metrics["ok"] = true;
  return py::make_tuple(PyModel{std::make_shared<nn::QuantizedModel>(std::move(r.model))}, to_python(metrics));
}

}  // namespace

void add_train_bindings(py::module_& m) {
  m.def("load_dataset", &load_dataset, py::arg("spec"), py::arg("raw") = false,
        "Read a dataset spec (docs/data.md): a dict with X_train, y_train, X_val, y_val, X_test, y_test (NumPy),\n"
        "feature_names, class_names and the preprocessing fitted on the training split (applied unless raw=True)");
  m.def("_train", &train, py::arg("spec"), py::arg("X_train"), py::arg("y_train"), py::arg("X_val"), py::arg("y_val"),
        py::arg("seed") = 1, py::arg("epochs") = 0, py::arg("X_test") = py::none(), py::arg("y_test") = py::none(),
        py::arg("class_names") = py::none(), py::arg("feature_names") = py::none(), py::arg("input_offset") = py::none(),
        py::arg("input_scale") = py::none(), py::arg("signal_class") = -1);
}

}  // namespace nas4ml::python
