#include "nas4ml/nn/quantized_model_json.hpp"

#include <fmt/format.h>

#include "nas4ml/nn/golden_inference.hpp"

namespace nas4ml::nn {

std::string to_string(Strategy strategy) { return strategy == Strategy::latency ? "latency" : "resource"; }

namespace {
Json rows_of(const std::vector<std::int64_t>& flat, int rows, int cols) {
  Json out = Json::array();
  for (int r = 0; r < rows; ++r) {
    Json row = Json::array();
    for (int c = 0; c < cols; ++c) row.push_back(flat[static_cast<std::size_t>(r) * cols + c]);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<std::string> string_list(const JsonView& v) {
  v.require_array("an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(v.at(i).as_string());
  return out;
}

std::vector<double> number_list(const JsonView& v, std::size_t n) {
  v.require_array(fmt::format("an array of {} numbers", n));
  if (v.size() != n) v.fail("wrong length", fmt::format("{} numbers (one per input)", n), std::to_string(v.size()));
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(v.at(i).as_number(-1e300, 1e300));
  return out;
}

// Reads an array of `rows` arrays of `cols` integers in [lo, hi] into `flat` (row-major).
void read_rows(const JsonView& v, int rows, int cols, std::int64_t lo, std::int64_t hi,
               std::vector<std::int64_t>& flat) {
  v.require_array(fmt::format("an array of {} rows", rows));
  if (v.size() != static_cast<std::size_t>(rows))
    v.fail("wrong number of rows", fmt::format("{} rows (one per output neuron)", rows), std::to_string(v.size()));
  flat.assign(static_cast<std::size_t>(rows) * cols, 0);
  for (int r = 0; r < rows; ++r) {
    const JsonView row = v.at(static_cast<std::size_t>(r));
    row.require_array(fmt::format("an array of {} integers", cols));
    if (row.size() != static_cast<std::size_t>(cols))
      row.fail("wrong row length", fmt::format("{} integers (one per input)", cols), std::to_string(row.size()));
    for (int c = 0; c < cols; ++c)
      flat[static_cast<std::size_t>(r) * cols + c] = row.at(static_cast<std::size_t>(c)).as_int(lo, hi);
  }
}
}  // namespace

Json to_json(const QuantizedModel& model) {
  Json j;
  j["format"] = quantized_model_format_tag;
  j["version"] = quantized_model_format_version;
  j["name"] = model.name;
  j["n_inputs"] = model.n_inputs;
  j["n_outputs"] = model.n_outputs();
  j["input_format"] = model.input_format.to_string();
  j["feature_names"] = model.feature_names;
  j["class_names"] = model.class_names;
  j["preprocessing"] = {{"offset", model.input_offset}, {"scale", model.input_scale}};
  Json layers = Json::array();
  for (const auto& l : model.layers) {
    Json lj;
    lj["n_in"] = l.n_in;
    lj["n_out"] = l.n_out;
    lj["activation"] = to_string(l.activation);
    lj["weight_format"] = l.weight_format.to_string();
    lj["bias_format"] = l.bias_format.to_string();
    lj["result_format"] = l.result_format.to_string();
    lj["reuse_factor"] = l.reuse_factor;
    lj["strategy"] = to_string(l.strategy);
    if (l.dc != -1) lj["dc"] = l.dc;
    std::size_t zeros = 0, pruned = 0;
    for (std::size_t i = 0; i < l.weights.size(); ++i) {
      zeros += l.weights[i] == 0;
      pruned += l.mask[i] == 0;
    }
    lj["pruned"] = pruned;
    lj["zero_weights"] = zeros;
    lj["weights"] = rows_of(l.weights, l.n_out, l.n_in);
    lj["biases"] = l.biases;
    std::vector<std::int64_t> mask(l.mask.begin(), l.mask.end());
    lj["mask"] = rows_of(mask, l.n_out, l.n_in);
    layers.push_back(std::move(lj));
  }
  j["layers"] = std::move(layers);
  if (model.anomaly_score)
    j["anomaly_score"] = {{"error", model.anomaly_score->error}, {"format", model.anomaly_score->format.to_string()}};
  if (model.anomaly_score && model.anomaly_score->against_zero()) j["anomaly_score"]["reference"] = "zero";
  j["training"] = model.training.is_null() ? Json::object() : model.training;
  return j;
}

QuantizedModel quantized_model_from_json(const JsonView& v) {
  v.require_object("a quantized model object");
  v.check_keys({"format", "version", "name", "n_inputs", "n_outputs", "input_format", "feature_names",
                "class_names", "preprocessing", "layers", "anomaly_score", "training"});
  const std::string tag = v.get_string("format");
  if (tag != quantized_model_format_tag)
    v.at("format").fail("not a nas4ml quantized model", fmt::format("\"{}\"", quantized_model_format_tag),
                        "\"" + tag + "\"");
  v.get_int("version", quantized_model_format_version, quantized_model_format_version);
  QuantizedModel m;
  m.name = v.get_string("name", "");
  m.n_inputs = static_cast<int>(v.get_int("n_inputs", 1, 1 << 20));
  m.input_format = v.at("input_format").as_fixed_format();
  const JsonView layers = v.at("layers");
  layers.require_array("an array of layers");
  if (layers.size() == 0) layers.fail("no layers", "at least one layer", "an empty array");
  int n_in = m.n_inputs;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const JsonView lv = layers.at(k);
    lv.require_object("a layer object");
    lv.check_keys({"n_in", "n_out", "activation", "weight_format", "bias_format", "result_format",
                   "reuse_factor", "strategy", "dc", "pruned", "zero_weights", "weights", "biases", "mask"});
    QuantizedLayer l;
    l.n_in = static_cast<int>(lv.get_int("n_in", 1, 1 << 20));
    if (l.n_in != n_in)
      lv.at("n_in").fail("layer sizes do not chain", fmt::format("{} (the previous layer's outputs)", n_in),
                         std::to_string(l.n_in));
    l.n_out = static_cast<int>(lv.get_int("n_out", 1, 1 << 20));
    l.activation = parse_activation(lv.get_choice("activation", activation_names()), "", "");
    l.weight_format = lv.at("weight_format").as_fixed_format();
    l.bias_format = lv.at("bias_format").as_fixed_format();
    l.result_format = lv.at("result_format").as_fixed_format();
    l.reuse_factor = static_cast<int>(lv.get_int("reuse_factor", 1, 1 << 20, 1));
    l.dc = static_cast<int>(lv.get_int("dc", -1, 64, -1));
    l.strategy = lv.get_choice("strategy", {"latency", "resource"}, "latency") == "latency" ? Strategy::latency
                                                                                           : Strategy::resource;
    read_rows(lv.at("weights"), l.n_out, l.n_in, l.weight_format.min_raw(), l.weight_format.max_raw(), l.weights);
    std::vector<std::int64_t> mask;
    read_rows(lv.at("mask"), l.n_out, l.n_in, 0, 1, mask);
    l.mask.assign(mask.begin(), mask.end());
    for (std::size_t i = 0; i < mask.size(); ++i)
      if (mask[i] == 0 && l.weights[i] != 0) {
        const auto r = i / static_cast<std::size_t>(l.n_in), c = i % static_cast<std::size_t>(l.n_in);
        lv.at("weights").at(r).at(c).fail("pruned weight is not zero", "0 where mask is 0",
                                          std::to_string(l.weights[i]));
      }
    const JsonView bv = lv.at("biases");
    bv.require_array(fmt::format("an array of {} integers", l.n_out));
    if (bv.size() != static_cast<std::size_t>(l.n_out))
      bv.fail("wrong length", fmt::format("{} integers (one per output)", l.n_out), std::to_string(bv.size()));
    for (std::size_t o = 0; o < bv.size(); ++o)
      l.biases.push_back(bv.at(o).as_int(l.bias_format.min_raw(), l.bias_format.max_raw()));
    n_in = l.n_out;
    m.layers.push_back(std::move(l));
    if (accumulator_width(m, k) > 62)
      lv.fail("accumulator wider than 62 bits", "narrower formats or fewer inputs",
              std::to_string(accumulator_width(m, k)) + " bits");
  }
  if (v.has("n_outputs")) {
    const auto n_out = v.get_int("n_outputs", 1, 1 << 20);
    if (n_out != m.n_outputs())
      v.at("n_outputs").fail("differs from the last layer", std::to_string(m.n_outputs()), std::to_string(n_out));
  }
  if (v.has("feature_names")) {
    m.feature_names = string_list(v.at("feature_names"));
    if (!m.feature_names.empty() && m.feature_names.size() != static_cast<std::size_t>(m.n_inputs))
      v.at("feature_names").fail("wrong length", std::to_string(m.n_inputs), std::to_string(m.feature_names.size()));
  }
  if (v.has("class_names")) {
    m.class_names = string_list(v.at("class_names"));
    if (!m.class_names.empty() && m.class_names.size() != static_cast<std::size_t>(m.n_outputs()))
      v.at("class_names").fail("wrong length", std::to_string(m.n_outputs()), std::to_string(m.class_names.size()));
  }
  if (v.has("preprocessing")) {
    const JsonView p = v.at("preprocessing");
    p.require_object("an object with offset and scale");
    p.check_keys({"offset", "scale"});
    if (p.has("offset") && p.at("offset").size() > 0) m.input_offset = number_list(p.at("offset"), static_cast<std::size_t>(m.n_inputs));
    if (p.has("scale") && p.at("scale").size() > 0) m.input_scale = number_list(p.at("scale"), static_cast<std::size_t>(m.n_inputs));
  }
  if (v.has("anomaly_score")) {
    const JsonView a = v.at("anomaly_score");
    a.require_object("an object with error and format");
    a.check_keys({"error", "format", "reference"});
    AnomalyScore score;
    score.error = a.get_choice("error", {"squared", "absolute"});
    score.format = a.at("format").as_fixed_format();
    score.reference = a.get_choice("reference", {"input", "zero"}, "input");
    if (score.format.is_signed) a.at("format").fail("the anomaly score is unsigned", "ap_ufixed<W,I,...>", score.format.to_string());
    if (!score.against_zero() && m.n_outputs() != m.n_inputs)
      a.fail("an anomaly score needs as many outputs as inputs", std::to_string(m.n_inputs), std::to_string(m.n_outputs()));
    m.anomaly_score = score;
  }
  if (v.has("training")) m.training = v.at("training").json();
  return m;
}

void save_quantized_model(const QuantizedModel& model, const std::filesystem::path& path) {
  save_json_file(path, to_json(model));
}

QuantizedModel load_quantized_model(const std::filesystem::path& path) {
  const Json j = load_json_file(path);
  return quantized_model_from_json(JsonView(j, path.string()));
}

}  // namespace nas4ml::nn
