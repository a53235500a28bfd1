// `nas4ml export-model model.q.json --qonnx out.onnx` and `nas4ml import net.onnx --data ds.json
// --save model.q.json`: models in and out through ONNX/QONNX (docs/interop.md).
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/interop/model_inputs.hpp"
#include "nas4ml/interop/onnx_import.hpp"
#include "nas4ml/interop/onnx_wire.hpp"
#include "nas4ml/interop/qonnx_export.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"

namespace nas4ml::cli {
namespace {

struct ExportArgs {
  std::string model, qonnx, float_type = "auto";
};

int run_export(const ExportArgs& a) {
  const nn::QuantizedModel model = nn::load_quantized_model(a.model);
  const auto e = interop::export_qonnx(model, interop::parse_qonnx_float(a.float_type, "--float"));
  interop::save_onnx(e.model, a.qonnx);
  int quants = 0;
  for (const auto& n : e.model.graph.nodes) quants += n.op_type == "Quant";
  for (const auto& w : e.warnings) spdlog::warn("{}", w);
  std::cout << fmt::format("wrote {}: QONNX graph of {} ({} layers), {} nodes of which {} Quant, {} tensors\n", a.qonnx,
                           model.name, model.layers.size(), e.model.graph.nodes.size(), quants,
                           e.float_type == interop::OnnxType::float32 ? "float32" : "float64");
  return 0;
}

struct ImportArgs {
  std::string onnx, data, save, name, device = "xcvu9p", flavor = "rtl";
  std::string input_format, weight_format, bias_format, result_format;
};

std::optional<FixedFormat> format_option(const std::string& text, const std::string& option) {
  if (text.empty()) return std::nullopt;
  try {
    return parse_fixed_format(text);
  } catch (const std::invalid_argument& e) {
    throw ConfigError({}, option, "bad fixed-point format", "ap_fixed<W,I> or ap_ufixed<W,I>[,Q[,O]]", "\"" + text + "\"");
  }
}

int run_import(const ImportArgs& a) {
  const data::LoadedDataset d = data::load_dataset(a.data);
  interop::ImportOptions o;
  o.data = &d;
  o.name = a.name;
  o.input_format = format_option(a.input_format, "--input-format");
  o.weight_format = format_option(a.weight_format, "--weight-format");
  o.bias_format = format_option(a.bias_format, "--bias-format");
  o.result_format = format_option(a.result_format, "--result-format");
  const auto r = interop::import_onnx(interop::load_onnx(a.onnx), a.onnx, o);
  const auto& m = r.model;
  for (const auto& n : r.notes) std::cout << "note: " << n << '\n';
  std::string shape = std::to_string(m.n_inputs);
  for (const auto& l : m.layers) shape += "-" + std::to_string(l.n_out);
  std::cout << fmt::format("imported {} ({}), {} graph{}; input {}\n", m.name, shape,
                           r.quantized_graph ? "quantized (QONNX)" : "float", r.used_metadata ? ", nas4ml metadata" : "",
                           m.input_format.to_string());
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    const auto& l = m.layers[k];
    std::cout << fmt::format("  layer {} {}x{} {:<6} weights {} bias {} result {}\n", k, l.n_in, l.n_out,
                             nn::to_string(l.activation), l.weight_format.to_string(), l.bias_format.to_string(),
                             l.result_format.to_string());
  }
  // Evaluated like any candidate: the test split through the model's own preprocessing.
  data::LoadOverrides raw;
  raw.raw_features = true;
  const data::LoadedDataset rd = data::load_dataset(a.data, raw);
  if (rd.n_classes() != static_cast<std::size_t>(m.n_outputs()))
    throw DataError(a.data, "", "the data set's classes do not fit the network's outputs",
                    fmt::format("{} classes", m.n_outputs()), std::to_string(rd.n_classes()));
  data::Split test{interop::model_inputs(m, rd.test.x, a.data), rd.test.y};
  const nn::Metrics mt = nn::evaluate_model(m, test, m.n_outputs() == 2 ? 1 : 0);
  std::cout << fmt::format("fixed-point test accuracy {:.4f} on {} samples (golden integer model), auc {:.4f}\n",
                           mt.accuracy, mt.samples, mt.auc);
  const auto device = estimate::find_device(a.device, estimate::default_estimators_dir());
  const auto e = estimate::make_estimator(a.flavor)->estimate(m, device, {});
  std::cout << fmt::format("{} estimate on {}: LUT {:.0f}, FF {:.0f}, DSP {:.0f}, BRAM18 {:.0f}, latency {} cycles = {:g} ns, II {}\n",
                           e.flavor, device.name, e.lut, e.ff, e.dsp, e.bram18, e.latency_cycles, e.latency_ns, e.ii);
  if (!a.save.empty()) {
    nn::QuantizedModel saved = m;
    saved.training["imported_test_accuracy"] = mt.accuracy;
    if (!r.used_metadata) nn::save_quantized_model(saved, a.save);
    else nn::save_quantized_model(m, a.save);  // a nas4ml export comes back unchanged
    std::cout << "saved " << a.save << '\n';
  }
  return 0;
}

}  // namespace

void add_interop_commands(CLI::App& app, CommandTable& table) {
  {
    auto args = std::make_shared<ExportArgs>();
    auto* cmd = app.add_subcommand(
        "export-model",
        "Write a trained model as a QONNX graph (ONNX MatMul/Add/Relu with QONNX Quant nodes on inputs,\n"
        "weights, biases and results) that computes exactly what the firmware computes; hls4ml and FINN\n"
        "read it (docs/interop.md).");
    cmd->add_option("model", args->model, "Trained model file (model.q.json)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--qonnx", args->qonnx, "The .onnx file to write")->required();
    cmd->add_option("--float", args->float_type,
                    "Tensor type: auto (float32 when every sum fits its 24-bit significand, else float64), float32, float64")
        ->capture_default_str();
    table.add(cmd, [args] { return run_export(*args); });
  }
  {
    auto args = std::make_shared<ImportArgs>();
    auto* cmd = app.add_subcommand(
        "import",
        "Read a dense ONNX or QONNX network (MatMul/Gemm, Add, Relu, BatchNormalization, Quant) as a fixed-point\n"
        "model: formats from its Quant nodes, else by the rule of docs/interop.md, else as given. Prints the\n"
        "fixed-point test accuracy on --data and the estimate; --save writes model.q.json.");
    cmd->add_option("onnx", args->onnx, "The .onnx file")->required()->check(CLI::ExistingFile);
    cmd->add_option("--data", args->data, "Dataset spec (JSON, docs/data.md) the network was trained for")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--save", args->save, "Write the imported model (QuantizedModel JSON) to this file");
    cmd->add_option("--name", args->name, "Model name (default: the graph's name)");
    cmd->add_option("--input-format", args->input_format, "Input format where the graph has no input Quant, e.g. ap_fixed<16,6>");
    cmd->add_option("--weight-format", args->weight_format, "Weight format of layers without weight Quant");
    cmd->add_option("--bias-format", args->bias_format, "Bias format of layers without bias Quant");
    cmd->add_option("--result-format", args->result_format, "Result format of layers without result Quant");
    cmd->add_option("--device", args->device, "Device of the estimate (estimators/<vendor>/<name>.json)")->capture_default_str();
    cmd->add_option("--flavor", args->flavor, "Estimator: rtl or hls")->check(CLI::IsMember({"rtl", "hls"}))->capture_default_str();
    table.add(cmd, [args] { return run_import(*args); });
  }
}

}  // namespace nas4ml::cli
