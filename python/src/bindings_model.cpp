// nas4ml.load_model / nas4ml.Model / nas4ml.import_onnx (docs/python.md "Models").
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include "bindings.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/interop/model_inputs.hpp"
#include "nas4ml/interop/onnx_import.hpp"
#include "nas4ml/interop/onnx_wire.hpp"
#include "nas4ml/interop/qonnx_export.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"

namespace nas4ml::python {
namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

/// X as a (rows, n_inputs) float32 matrix; a wrong shape is a DataError naming `what`.
data::FeatureMatrix feature_matrix(const FloatArray& x, int n_inputs, const char* what) {
  if (x.ndim() != 2 || x.shape(1) != n_inputs)
    throw DataError({}, what, "wrong array shape", fmt::format("a 2-D array of shape (n, {})", n_inputs),
                    x.ndim() == 2 ? fmt::format("shape ({}, {})", x.shape(0), x.shape(1)) : fmt::format("{} dimensions", x.ndim()));
  return Eigen::Map<const data::FeatureMatrix>(x.data(), x.shape(0), x.shape(1));
}

/// Raw outputs (rows x n_outputs) of the golden model on X.
std::vector<std::int64_t> golden_outputs(const nn::QuantizedModel& m, const FloatArray& x, bool preprocessed) {
  data::FeatureMatrix f = feature_matrix(x, m.n_inputs, "X");
  py::gil_scoped_release release;
  if (!preprocessed) f = interop::model_inputs(m, f, "X");
  return nn::golden_forward_batch(m, nn::quantize_inputs(m, f));
}

py::array_t<double> predict(const PyModel& pm, const FloatArray& x, bool preprocessed) {
  const auto& m = *pm.model;
  const auto raw = golden_outputs(m, x, preprocessed);
  const auto n_out = static_cast<py::ssize_t>(m.n_outputs());
  py::array_t<double> out({static_cast<py::ssize_t>(raw.size()) / n_out, n_out});
  auto* p = out.mutable_data();
  for (std::size_t k = 0; k < raw.size(); ++k) p[k] = to_real(raw[k], m.layers.back().result_format);
  return out;
}

py::array_t<std::int64_t> predict_raw(const PyModel& pm, const FloatArray& x, bool preprocessed) {
  const auto raw = golden_outputs(*pm.model, x, preprocessed);
  const auto n_out = static_cast<py::ssize_t>(pm.model->n_outputs());
  py::array_t<std::int64_t> out({static_cast<py::ssize_t>(raw.size()) / n_out, n_out});
  std::copy(raw.begin(), raw.end(), out.mutable_data());
  return out;
}

py::array_t<std::int64_t> predict_classes(const PyModel& pm, const FloatArray& x, bool preprocessed) {
  const auto raw = golden_outputs(*pm.model, x, preprocessed);
  const auto n_out = static_cast<std::size_t>(pm.model->n_outputs());
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(raw.size() / n_out));
  for (std::size_t r = 0; r < raw.size() / n_out; ++r)
    out.mutable_data()[r] = nn::golden_argmax(std::span<const std::int64_t>(raw.data() + r * n_out, n_out));
  return out;
}

py::object estimate_model(const PyModel& pm, const std::string& device, const std::string& flavor, double clock_ns,
                          const std::string& estimators, const std::string& sharing, int sharing_effort) {
  const std::filesystem::path dir = estimators.empty() ? estimate::default_estimators_dir() : std::filesystem::path(estimators);
  Json j;
  {
    py::gil_scoped_release release;
    const auto d = estimate::find_device(device, dir);
    estimate::EstimateOptions o;
    o.clock_ns = clock_ns;
    o.sharing = netlist::parse_sharing(sharing, "", "sharing");
    o.sharing_effort = sharing_effort;
    j = estimate::to_json(estimate::make_estimator(flavor)->estimate(*pm.model, d, o));
  }
  return to_python(j);
}

py::object evaluate(const PyModel& pm, const FloatArray& x, const py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>& y,
                    bool preprocessed) {
  const auto& m = *pm.model;
  data::Split s{feature_matrix(x, m.n_inputs, "X"), std::vector<std::int32_t>(y.data(), y.data() + y.size())};
  if (s.y.size() != s.rows())
    throw DataError({}, "y", "labels do not match the samples", fmt::format("{} labels", s.rows()), std::to_string(s.y.size()));
  Json j;
  {
    py::gil_scoped_release release;
    if (!preprocessed) s.x = interop::model_inputs(m, s.x, "X");
    j = nn::evaluate_model(m, s, m.n_outputs() == 2 ? 1 : 0).to_json();
  }
  return to_python(j);
}

py::list export_qonnx(const PyModel& pm, const std::string& path, const std::string& float_type) {
  const auto e = interop::export_qonnx(*pm.model, interop::parse_qonnx_float(float_type, "float_type"));
  interop::save_onnx(e.model, path);
  py::list warnings;
  for (const auto& w : e.warnings) warnings.append(w);
  return warnings;
}

std::optional<FixedFormat> format_arg(const std::optional<std::string>& text, const char* name) {
  if (!text) return std::nullopt;
  try {
    return parse_fixed_format(*text);
  } catch (const std::invalid_argument&) {
    throw ConfigError({}, name, "bad fixed-point format", "ap_fixed<W,I> or ap_ufixed<W,I>[,Q[,O]]", "\"" + *text + "\"");
  }
}

}  // namespace

void add_model_bindings(py::module_& m) {
  py::class_<PyModel>(m, "Model", "A trained fixed-point model (QuantizedModel, docs/model.md)")
      .def_property_readonly("name", [](const PyModel& p) { return p.model->name; })
      .def_property_readonly("n_inputs", [](const PyModel& p) { return p.model->n_inputs; })
      .def_property_readonly("n_outputs", [](const PyModel& p) { return p.model->n_outputs(); })
      .def_property_readonly("feature_names", [](const PyModel& p) { return p.model->feature_names; })
      .def_property_readonly("class_names", [](const PyModel& p) { return p.model->class_names; })
      .def_property_readonly("input_format", [](const PyModel& p) { return p.model->input_format.to_string(); })
      .def("to_dict", [](const PyModel& p) { return to_python(nn::to_json(*p.model)); },
           "The model as model.q.json holds it (weights as raw integers)")
      .def("save", [](const PyModel& p, const std::string& path) { nn::save_quantized_model(*p.model, path); },
           py::arg("path"), "Write model.q.json")
      .def("predict", &predict, py::arg("X"), py::arg("preprocessed") = false,
           "Outputs of the golden integer model (bit-exact with the firmware) as real values, shape (n, n_outputs).\n"
           "X holds raw features (the model's own standardization is applied, as `nas4ml sim` does) unless\n"
           "preprocessed=True. Computed as float32 inputs, like the data readers.")
      .def("predict_raw", &predict_raw, py::arg("X"), py::arg("preprocessed") = false,
           "The same outputs as raw integers of the output layer's format")
      .def("predict_classes", &predict_classes, py::arg("X"), py::arg("preprocessed") = false,
           "Predicted class index per sample (largest output, the first on ties)")
      .def("evaluate", &evaluate, py::arg("X"), py::arg("y"), py::arg("preprocessed") = false,
           "Metrics (accuracy, auc, loss, ...) of the integer model on (X, y)")
      .def("estimate", &estimate_model, py::arg("device") = "xcvu9p", py::arg("flavor") = "rtl", py::arg("clock_ns") = 0.0,
           py::arg("estimators") = "", py::arg("sharing") = "cse", py::arg("sharing_effort") = 1,
           "Resource and latency estimate as a dict (what `nas4ml estimate --json` prints); rtl: sharing "
           "\"cse\" (shared subexpressions, the default) or \"none\" (per-neuron adder trees), and with "
           "cse sharing_effort 1-256 (runs of the subexpression search per layer; 1 as a campaign prices "
           "candidates, 8 as `nas4ml emit` lowers the emitted designs)")
      .def("export_qonnx", &export_qonnx, py::arg("path"), py::arg("float_type") = "auto",
           "Write the model as a QONNX graph (docs/interop.md); returns the warnings")
      .def("__repr__", [](const PyModel& p) {
        std::string shape = std::to_string(p.model->n_inputs);
        for (const auto& l : p.model->layers) shape += "-" + std::to_string(l.n_out);
        return fmt::format("<nas4ml.Model {} ({})>", p.model->name, shape);
      });
  m.def("load_model", [](const std::string& path) { return PyModel{std::make_shared<nn::QuantizedModel>(nn::load_quantized_model(path))}; },
        py::arg("path"), "Read model.q.json");
  m.def(
      "import_onnx",
      [](const std::string& path, const std::optional<std::string>& data, const std::optional<std::string>& input_format,
         const std::optional<std::string>& weight_format, const std::optional<std::string>& bias_format,
         const std::optional<std::string>& result_format) {
        std::optional<data::LoadedDataset> d;
        if (data) d = data::load_dataset(*data);
        interop::ImportOptions o;
        o.data = d ? &*d : nullptr;
        o.input_format = format_arg(input_format, "input_format");
        o.weight_format = format_arg(weight_format, "weight_format");
        o.bias_format = format_arg(bias_format, "bias_format");
        o.result_format = format_arg(result_format, "result_format");
        auto r = interop::import_onnx(interop::load_onnx(path), path, o);
        return py::make_tuple(PyModel{std::make_shared<nn::QuantizedModel>(std::move(r.model))}, r.notes);
      },
      py::arg("path"), py::arg("data") = py::none(), py::arg("input_format") = py::none(),
      py::arg("weight_format") = py::none(), py::arg("bias_format") = py::none(), py::arg("result_format") = py::none(),
      "Import a dense ONNX/QONNX network (docs/interop.md); returns (model, notes)");
}

}  // namespace nas4ml::python
