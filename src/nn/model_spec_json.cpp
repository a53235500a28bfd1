#include "nas4ml/nn/model_spec_json.hpp"

#include <cmath>

#include <fmt/format.h>

#include "nas4ml/nn/quantized_model_json.hpp"

namespace nas4ml::nn {

namespace {
const std::vector<std::string> layer_keys = {"units", "activation", "sparsity", "weight_format", "bias_format",
                                             "result_format", "reuse_factor", "strategy", "dc", "batch_norm"};
const std::vector<std::string> default_keys = {"activation", "sparsity", "weight_format", "bias_format",
                                               "result_format", "reuse_factor", "strategy", "dc", "batch_norm"};
const std::vector<std::string> training_keys = {"optimizer", "learning_rate", "momentum", "batch_size",
                                                "epochs", "schedule", "patience", "l1", "prune_rounds",
                                                "structured_pruning", "quantization_aware",
                                                "distillation_alpha", "distillation_temperature", "init"};

FixedFormat trainable_format(const JsonView& v) {
  const FixedFormat f = v.as_fixed_format();
  if (f.width > max_trainable_width)
    v.fail("format too wide to train", fmt::format("a width of at most {} bits", max_trainable_width),
           std::to_string(f.width) + " bits");
  return f;
}

// Reads the per-layer fields present in `v` over `layer` (used for "defaults" and for each layer).
void read_layer_fields(const JsonView& v, LayerSpec& layer) {
  if (v.has("activation"))
    layer.activation = parse_activation(v.get_choice("activation", activation_names()), "", "");
  if (v.has("sparsity")) {
    const double s = v.get_number("sparsity", 0.0, 1.0);
    if (s >= 1.0) v.at("sparsity").fail("value out of range", "a fraction in [0, 1)", describe_json(v.at("sparsity").json()));
    layer.sparsity = s;
  }
  if (v.has("weight_format")) layer.weight_format = trainable_format(v.at("weight_format"));
  if (v.has("bias_format")) layer.bias_format = trainable_format(v.at("bias_format"));
  if (v.has("result_format")) layer.result_format = trainable_format(v.at("result_format"));
  if (v.has("reuse_factor")) layer.reuse_factor = static_cast<int>(v.get_int("reuse_factor", 1, 1 << 16));
  if (v.has("dc")) layer.dc = static_cast<int>(v.get_int("dc", -1, 64));
  if (v.has("strategy"))
    layer.strategy = v.get_choice("strategy", {"latency", "resource"}) == "latency" ? Strategy::latency : Strategy::resource;
  if (v.has("batch_norm")) layer.batch_norm = v.get_bool("batch_norm", false);
}

TrainingSpec read_training(const JsonView& v) {
  v.require_object("an object of training settings");
  v.check_keys(training_keys);
  TrainingSpec t;
  t.optimizer = v.get_choice("optimizer", {"adam", "sgd"}, t.optimizer);
  t.learning_rate = v.get_number("learning_rate", 1e-9, 10.0, t.learning_rate);
  t.momentum = v.get_number("momentum", 0.0, 0.999999, t.momentum);
  t.batch_size = static_cast<int>(v.get_int("batch_size", 1, 1 << 20, t.batch_size));
  t.epochs = static_cast<int>(v.get_int("epochs", 1, 100000, t.epochs));
  t.schedule = v.get_choice("schedule", {"cosine", "step", "constant"}, t.schedule);
  t.patience = static_cast<int>(v.get_int("patience", 0, 100000, t.patience));
  t.l1 = v.get_number("l1", 0.0, 1.0, t.l1);
  t.prune_rounds = static_cast<int>(v.get_int("prune_rounds", 1, 100, t.prune_rounds));
  t.structured_pruning = v.get_bool("structured_pruning", t.structured_pruning);
  t.quantization_aware = v.get_bool("quantization_aware", t.quantization_aware);
  t.distillation_alpha = v.get_number("distillation_alpha", 0.0, 1.0, t.distillation_alpha);
  t.distillation_temperature = v.get_number("distillation_temperature", 0.01, 1000.0, t.distillation_temperature);
  t.init = v.get_choice("init", {"he", "uniform_fan_in"}, t.init);
  return t;
}
}  // namespace

ModelSpec parse_model_spec(const JsonView& v) {
  v.require_object("a model spec object");
  v.check_keys({"name", "inputs", "outputs", "input_format", "defaults", "layers", "training"});
  ModelSpec spec;
  spec.name = v.get_string("name", "model");
  spec.n_inputs = v.has("inputs") ? static_cast<int>(v.get_int("inputs", 1, 1 << 20)) : 0;
  if (v.has("input_format")) spec.input_format = trainable_format(v.at("input_format"));
  LayerSpec defaults;
  if (v.has("defaults")) {
    const JsonView d = v.at("defaults");
    d.require_object("an object of per-layer defaults");
    d.check_keys(default_keys);
    read_layer_fields(d, defaults);
  }
  const JsonView layers = v.at("layers");
  layers.require_array("an array of layers (hidden layers, then the output layer)");
  if (layers.size() == 0) layers.fail("no layers", "at least the output layer", "an empty array");
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const JsonView lv = layers.at(k);
    lv.require_object("a layer object");
    lv.check_keys(layer_keys);
    const bool last = k + 1 == layers.size();
    LayerSpec layer = defaults;
    layer.activation = last ? Activation::linear : (v.has("defaults") && v.at("defaults").has("activation")
                                                        ? defaults.activation
                                                        : Activation::relu);
    if (last) layer.batch_norm = false;  // the output layer does not inherit it from the defaults
    read_layer_fields(lv, layer);
    if (last && layer.batch_norm)
      lv.at("batch_norm").fail("batch normalization follows hidden layers only", "false or no key", "true");
    if (last) {
      layer.units = lv.has("units") ? static_cast<int>(lv.get_int("units", 1, 1 << 20)) : 0;
      if (layer.activation != Activation::linear)
        lv.at("activation").fail("the output layer must be linear (softmax lives in the loss)", "\"linear\"",
                                 "\"" + to_string(layer.activation) + "\"");
    } else {
      layer.units = static_cast<int>(lv.get_int("units", 1, 1 << 20));
    }
    spec.layers.push_back(layer);
  }
  if (v.has("outputs")) {
    const int outputs = static_cast<int>(v.get_int("outputs", 1, 1 << 20));
    auto& out = spec.layers.back();
    if (out.units != 0 && out.units != outputs)
      v.at("outputs").fail("differs from the last layer's units", std::to_string(out.units), std::to_string(outputs));
    out.units = outputs;
  }
  if (v.has("training")) spec.training = read_training(v.at("training"));
  return spec;
}

ModelSpec load_model_spec(const std::filesystem::path& path) {
  const Json j = load_json_file(path);
  return parse_model_spec(JsonView(j, path.string()));
}

Json to_json(const ModelSpec& spec) {
  Json j;
  j["name"] = spec.name;
  if (spec.n_inputs > 0) j["inputs"] = spec.n_inputs;
  j["input_format"] = spec.input_format.to_string();
  Json layers = Json::array();
  for (const auto& l : spec.layers) {
    Json lj;
    if (l.units > 0) lj["units"] = l.units;
    lj["activation"] = to_string(l.activation);
    lj["sparsity"] = l.sparsity;
    lj["weight_format"] = l.weight_format.to_string();
    lj["bias_format"] = l.bias_format.to_string();
    lj["result_format"] = l.result_format.to_string();
    lj["reuse_factor"] = l.reuse_factor;
    lj["strategy"] = to_string(l.strategy);
    if (l.dc != -1) lj["dc"] = l.dc;
    if (l.batch_norm) lj["batch_norm"] = true;
    layers.push_back(std::move(lj));
  }
  j["layers"] = std::move(layers);
  const auto& t = spec.training;
  j["training"] = {{"optimizer", t.optimizer},   {"learning_rate", t.learning_rate},
                   {"momentum", t.momentum},     {"batch_size", t.batch_size},
                   {"epochs", t.epochs},         {"schedule", t.schedule},
                   {"patience", t.patience},     {"l1", t.l1},
                   {"prune_rounds", t.prune_rounds}, {"structured_pruning", t.structured_pruning},
                   {"quantization_aware", t.quantization_aware}};
  if (t.distillation_alpha < 1.0) {  // written only when distilling: earlier specs keep their hashes
    j["training"]["distillation_alpha"] = t.distillation_alpha;
    j["training"]["distillation_temperature"] = t.distillation_temperature;
  }
  if (t.init != "he") j["training"]["init"] = t.init;  // written only when not the default: hashes kept
  return j;
}

void validate_model_spec(const ModelSpec& spec, const std::string& source) {
  // Reuse the parser's rules: write the spec out and read it back.
  const Json j = to_json(spec);
  (void)parse_model_spec(JsonView(j, source));
  auto bad = [&](const std::string& where, const std::string& problem, const std::string& expected,
                 const std::string& got) { throw ConfigError(source, where, problem, expected, got); };
  if (spec.n_inputs < 0) bad("$.inputs", "value out of range", "an integer >= 0 (0: from the data set)", std::to_string(spec.n_inputs));
  for (std::size_t k = 0; k < spec.layers.size(); ++k)
    if (!(spec.layers[k].sparsity >= 0.0 && spec.layers[k].sparsity < 1.0))
      bad(fmt::format("$.layers[{}].sparsity", k), "value out of range", "a fraction in [0, 1)",
          fmt::format("{}", spec.layers[k].sparsity));
}

namespace {

/// Fills in and checks the spec's input count and output units; `outputs_are` names where the
/// output count comes from in the message ("the data set's class count").
ModelSpec resolve_io(ModelSpec spec, int n_features, int n_outputs, const char* outputs_are, const std::string& source) {
  if (spec.layers.empty()) throw ConfigError(source, "$.layers", "no layers", "at least the output layer", "none");
  if (spec.n_inputs == 0) spec.n_inputs = n_features;
  if (spec.n_inputs != n_features)
    throw ConfigError(source, "$.inputs", "differs from the data set's feature count", std::to_string(n_features),
                      std::to_string(spec.n_inputs));
  auto& out = spec.layers.back();
  if (out.units == 0) out.units = n_outputs;
  if (out.units != n_outputs)
    throw ConfigError(source, fmt::format("$.layers[{}].units", spec.layers.size() - 1),
                      fmt::format("output units differ from {}", outputs_are), std::to_string(n_outputs),
                      std::to_string(out.units));
  return spec;
}

}  // namespace

ModelSpec resolve_model_spec(ModelSpec spec, int n_features, int n_classes, const std::string& source) {
  spec = resolve_io(std::move(spec), n_features, n_classes, "the data set's class count", source);
  if (n_classes < 2)
    throw ConfigError(source, "$.outputs", "a classifier needs at least 2 classes", ">= 2", std::to_string(n_classes));
  return spec;
}

ModelSpec resolve_task_model_spec(ModelSpec spec, int n_features, int n_outputs, const std::string& source) {
  return resolve_io(std::move(spec), n_features, n_outputs, "the task's output count", source);
}

}  // namespace nas4ml::nn
