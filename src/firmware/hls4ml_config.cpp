#include "nas4ml/firmware/hls4ml_config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "nas4ml/firmware/hls_writer.hpp"
#include "nas4ml/nn/golden_inference.hpp"

namespace nas4ml::firmware {
namespace {

const char* strategy_name(nn::Strategy s) { return s == nn::Strategy::resource ? "Resource" : "Latency"; }

std::string accum(const nn::QuantizedModel& model, std::size_t k) {
  const int w = nn::accumulator_width(model, k);
  return fmt::format("ap_fixed<{},{}>", w, w - nn::accumulator_fractional(model, k));
}

// hls4ml has no layer for the score: this entry only describes what nas4ml's HLS project computes
// after the last layer, so a user rebuilding the design in hls4ml can add it in their own code.
Json anomaly_score_entry(const nn::QuantizedModel& model) {
  const HlsScoreTypes t = hls_score_types(model);
  const bool squared = model.anomaly_score->error == "squared";
  const std::size_t last = model.layers.size() - 1;
  const std::string act = hls4ml_activation_name(model, last);
  const std::string d = t.reference ? "(y_i - x_i)" : "y_i";  // against zero: the latent means alone
  Json inputs = {{"y", act.empty() ? hls4ml_dense_name(last) : act}};
  if (t.reference) inputs["x"] = "input_1";
  return Json{{"Error", model.anomaly_score->error},
              {"Formula", squared ? "score = (score_t) sum_i " + d + "^2"
                                  : "score = (score_t) sum_i |" + (t.reference ? std::string("y_i - x_i") : d) + "|"},
              {"Inputs", inputs},
              {"Precision", {{"difference", t.difference}, {"term", t.term}, {"sum", t.sum}, {"result", t.score}}},
              {"Note", "not an hls4ml layer: hls4ml has none for an anomaly score and ignores this key; nas4ml's HLS "
                       "project computes it in firmware/nnet_utils/nas4ml_score.h (every step exact, one cast to the "
                       "result precision)"}};
}

}  // namespace

std::string hls4ml_dense_name(std::size_t k) { return fmt::format("dense_{}", k); }

std::string hls4ml_activation_name(const nn::QuantizedModel& model, std::size_t k) {
  return model.layers.at(k).activation == nn::Activation::relu ? hls4ml_dense_name(k) + "_relu" : "";
}

Json hls4ml_config(const nn::QuantizedModel& model, const Hls4mlConfigOptions& o) {
  Json layers = Json::object();
  layers["input_1"] = {{"Precision", {{"result", model.input_format.to_string()}}}};
  int max_reuse = 1;
  bool any_resource = false;
  for (std::size_t k = 0; k < model.layers.size(); ++k) {
    const auto& l = model.layers[k];
    max_reuse = std::max(max_reuse, l.reuse_factor);
    any_resource = any_resource || l.strategy == nn::Strategy::resource;
    layers[hls4ml_dense_name(k)] = {{"Precision",
                                     {{"weight", l.weight_format.to_string()},
                                      {"bias", l.bias_format.to_string()},
                                      {"result", l.result_format.to_string()},
                                      {"accum", accum(model, k)}}},
                                    {"ReuseFactor", l.reuse_factor},
                                    {"Strategy", strategy_name(l.strategy)}};
    if (const std::string act = hls4ml_activation_name(model, k); !act.empty())
      layers[act] = {{"Precision", {{"result", l.result_format.to_string()}}}, {"ReuseFactor", l.reuse_factor}};
  }
  const Json model_level = {{"Precision", model.layers.back().result_format.to_string()},
                            {"ReuseFactor", max_reuse},
                            {"Strategy", any_resource ? "Resource" : "Latency"}};
  Json config{{"Backend", o.backend},
              {"ProjectName", o.project},
              {"OutputDir", o.output_dir},
              {"Part", o.part},
              {"ClockPeriod", o.clock_ns},
              {"IOType", "io_parallel"},
              {"HLSConfig", {{"Model", model_level}, {"LayerName", layers}}}};
  if (model.anomaly_score) config["AnomalyScore"] = anomaly_score_entry(model);
  return config;
}

}  // namespace nas4ml::firmware
