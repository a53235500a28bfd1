#include "nas4ml/campaign/raw_inputs.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/estimate/rtl_counts.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/standardization_folding.hpp"

namespace nas4ml::campaign {
namespace {

nn::RawInputRange training_range(const data::FeatureMatrix& x) {
  nn::RawInputRange r;
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    r.min.push_back(x.rows() > 0 ? static_cast<double>(x.col(c).minCoeff()) : 0.0);
    r.max.push_back(x.rows() > 0 ? static_cast<double>(x.col(c).maxCoeff()) : 0.0);
  }
  return r;
}

/// Share of rows whose argmax equals the label (-1 when the model is not a classifier of `y`).
double accuracy(const std::vector<std::int64_t>& outputs, int n_out, const std::vector<std::int32_t>& y) {
  if (n_out < 2 || y.empty() || outputs.size() != y.size() * static_cast<std::size_t>(n_out)) return -1;
  std::size_t right = 0;
  for (std::size_t r = 0; r < y.size(); ++r)
    if (nn::golden_argmax(std::span(outputs).subspan(r * n_out, static_cast<std::size_t>(n_out))) == y[r]) ++right;
  return static_cast<double>(right) / static_cast<double>(y.size());
}

/// "| label | LUT | FF | latency |" of a netlist's rtl counts, calibrated for `device`.
std::string estimate_row(const char* label, const netlist::Netlist& n, const estimate::DeviceModel& device) {
  estimate::Estimate e;
  e.layers = estimate::count_netlist(n, device.dsp_a_width, device.dsp_b_width);
  estimate::finish_estimate(e, device);
  return fmt::format("| {} | {:.0f} | {:.0f} | {:.0f} | {} |\n", label, e.lut, e.ff, e.dsp, n.latency_cycles);
}

std::string percent(double a) { return a < 0 ? "-" : fmt::format("{:.4f}", a); }

}  // namespace

RawInputsResult emit_raw_inputs(const nn::QuantizedModel& model, const synth::Target& rtl,
                                const RawInputsOptions& o, const std::filesystem::path& dir) {
  NAS4ML_ASSERT(o.data != nullptr && o.raw != nullptr, "emit_raw_inputs needs both splits");
  const auto& test = o.data->test;
  const auto& raw_test = o.raw->test;
  if (test.rows() != raw_test.rows() || test.x.cols() != raw_test.x.cols())
    throw ConfigError(o.raw->spec_file, "test", "raw and standardized test splits differ",
                      fmt::format("{} rows", test.rows()), fmt::format("{} rows", raw_test.rows()));
  const FixedFormat format = o.input_format ? *o.input_format : nn::raw_input_format(model, training_range(o.raw->train.x));
  const nn::QuantizedModel folded = nn::fold_standardization(model, format);
  std::filesystem::create_directories(dir);
  nn::save_quantized_model(folded, dir / "model.q.json");

  // Both models on the whole test split: the unfolded one on standardized inputs, the folded on raw.
  const int n_out = model.n_outputs();
  const auto before = nn::golden_forward_batch(model, nn::quantize_inputs(model, test.x));
  const auto after = nn::golden_forward_batch(folded, nn::quantize_inputs(folded, raw_test.x));
  std::size_t identical = 0, same_class = 0;
  std::int64_t max_diff = 0;
  for (std::size_t r = 0; r < test.rows(); ++r) {
    const std::span a(before.data() + r * n_out, static_cast<std::size_t>(n_out));
    const std::span b(after.data() + r * n_out, static_cast<std::size_t>(n_out));
    if (std::equal(a.begin(), a.end(), b.begin())) ++identical;
    if (nn::golden_argmax(a) == nn::golden_argmax(b)) ++same_class;
    for (int k = 0; k < n_out; ++k) max_diff = std::max(max_diff, std::abs(a[k] - b[k]));
  }
  RawInputsResult res;
  res.unfolded_accuracy = accuracy(before, n_out, test.y);
  res.accuracy = accuracy(after, n_out, test.y);

  const synth::WrittenDesign design = rtl.write(folded, dir / "rtl");
  const auto vectors = firmware::make_test_vectors(folded, raw_test.x, static_cast<std::size_t>(o.samples));
  firmware::write_testbench_files(dir / "tb", firmware::port_layout(*design.netlist), o.top, vectors);
  std::string sim = "Not simulated (`nas4ml emit --simulate`, or `nas4ml sim raw_inputs/model.q.json`).";
  if (o.simulate) {
    try {
      const synth::Verification v = rtl.verify(design, vectors, dir / "sim");
      res.simulated = true;
      res.simulation_ok = v.ok;
      sim = v.summary;
      if (!v.ok) res.problem = "raw-input firmware simulation does not match its golden model";
    } catch (const Error& e) {
      res.problem = std::string("raw-input simulation: ") + e.what();
      sim = "Simulation failed: " + std::string(e.what());
    }
  }
  const auto& l0 = folded.layers[0];
  res.section = fmt::format(
      "## Raw-unit inputs (standardization folded into the first layer)\n\n"
      "raw_inputs/ holds the same network reading raw feature units: input {}, first-layer weights {}, biases {} "
      "(the unfolded model reads standardized inputs {} with weights {}). Its weights are re-quantized, so it is "
      "a different model, measured here on the {} test samples:\n\n"
      "| model | test accuracy |\n|---|---|\n| unfolded (standardized inputs) | {} |\n| folded (raw inputs) | {} |\n\n"
      "Outputs identical on {} of {} samples, same class on {}; largest output difference {} steps of the output "
      "format.\n\nVerification of raw_inputs/rtl against its own golden model: {}\n",
      folded.input_format.to_string(), l0.weight_format.to_string(), l0.bias_format.to_string(),
      model.input_format.to_string(), model.layers[0].weight_format.to_string(), test.rows(),
      percent(res.unfolded_accuracy), percent(res.accuracy), identical, test.rows(), same_class, max_diff, sim);
  if (o.device != nullptr && o.unfolded != nullptr)
    res.section += "\nEstimated cost (rtl estimator, counts of both netlists):\n\n| model | LUT | FF | DSP | latency (cycles) |\n"
                   "|---|---|---|---|---|\n" + estimate_row("unfolded", *o.unfolded, *o.device) +
                   estimate_row("folded (raw inputs)", *design.netlist, *o.device);
  return res;
}

}  // namespace nas4ml::campaign
