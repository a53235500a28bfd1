#pragma once
// Shared pieces of the `nas4ml` Python extension (docs/python.md): each bindings_*.cpp adds one
// group of functions to the module.
#include <memory>
#include <string>

#include <pybind11/pybind11.h>

#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::python {

namespace py = pybind11;

/// The Python-side model: a shared, immutable QuantizedModel.
struct PyModel {
  std::shared_ptr<const nn::QuantizedModel> model;
};

/// JSON -> Python objects (through the json module, so nulls, nested objects and arrays map the
/// usual way).
py::object to_python(const nlohmann::ordered_json& j);
py::object to_python(const Json& j);

/// Python object (dict, list, str, numbers) -> JSON (through the json module).
Json from_python(const py::handle& obj);

void add_model_bindings(py::module_& m);     // bindings_model.cpp: load_model, Model, import_onnx
void add_train_bindings(py::module_& m);     // bindings_train.cpp: load_dataset, train
void add_campaign_bindings(py::module_& m);  // bindings_campaign.cpp: campaign tables, run

}  // namespace nas4ml::python
