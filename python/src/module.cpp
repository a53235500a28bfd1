// The `nas4ml._nas4ml` extension module: nas4ml's library calls for Python (docs/python.md).
// nas4ml errors become Python exceptions carrying the CLI's one-line message:
// nas4ml.ConfigError, nas4ml.DataError, nas4ml.ToolError (all subclasses of nas4ml.Error,
// itself a ValueError) and nas4ml.InternalError (a RuntimeError).
#include <filesystem>

#include "bindings.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/core/logging.hpp"
#include "nas4ml/core/version.hpp"

namespace nas4ml::python {

py::object to_python(const nlohmann::ordered_json& j) { return py::module_::import("json").attr("loads")(j.dump()); }
py::object to_python(const Json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

Json from_python(const py::handle& obj) {
  const std::string text = py::str(py::module_::import("json").attr("dumps")(obj));
  return Json::parse(text);
}

}  // namespace nas4ml::python

PYBIND11_MODULE(_nas4ml, m) {
  using namespace nas4ml::python;
  m.doc() = "nas4ml: quantized neural networks and their FPGA implementation, searched together";
  static py::exception<nas4ml::Error> error(m, "Error", PyExc_ValueError);
  static py::exception<nas4ml::ConfigError> config_error(m, "ConfigError", error.ptr());
  static py::exception<nas4ml::DataError> data_error(m, "DataError", error.ptr());
  static py::exception<nas4ml::ToolError> tool_error(m, "ToolError", error.ptr());
  static py::exception<nas4ml::InternalError> internal_error(m, "InternalError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const nas4ml::ConfigError& e) {
      config_error(e.what());
    } catch (const nas4ml::DataError& e) {
      data_error(e.what());
    } catch (const nas4ml::ToolError& e) {
      tool_error(e.what());
    } catch (const nas4ml::InternalError& e) {
      internal_error(e.what());
    } catch (const nas4ml::Error& e) {
      error(e.what());
    } catch (const std::filesystem::filesystem_error& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    }
  });
  nas4ml::setup_logging(nas4ml::LogOptions{});  // log lines to stderr, as the command line does
  m.attr("__version__") = std::string(nas4ml::version());
  m.attr("git_hash") = std::string(nas4ml::git_hash());
  m.def(
      "set_log_level",
      [](const std::string& level) {
        nas4ml::LogOptions o;
        o.level = level;
        nas4ml::setup_logging(o);
      },
      py::arg("level"), "Verbosity of nas4ml's log lines on stderr: trace, debug, info, warn, error, off.");
  add_model_bindings(m);
  add_train_bindings(m);
  add_campaign_bindings(m);
}
