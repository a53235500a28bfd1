// `nas4ml estimate model.q.json --device xcvu9p --flavor rtl|hls [--clock-ns T] [--json]`:
// analytic resource and latency estimate of a trained model (docs/estimators.md), with a
// per-layer breakdown.
#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/netlist/netlist.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"

namespace nas4ml::cli {
namespace {

struct EstimateArgs {
  std::string model;
  std::string device = "xcvu9p";
  std::string flavor = "rtl";
  std::string estimators;
  estimate::EstimateOptions options;
  bool json = false;
};

int run_estimate(const EstimateArgs& a) {
  const std::filesystem::path dir =
      a.estimators.empty() ? estimate::default_estimators_dir() : std::filesystem::path(a.estimators);
  const estimate::DeviceModel device = estimate::find_device(a.device, dir);
  const auto estimator = estimate::make_estimator(a.flavor);
  const nn::QuantizedModel model = nn::load_quantized_model(a.model);
  const estimate::Estimate e = estimator->estimate(model, device, a.options);
  if (a.json) {
    Json j = estimate::to_json(e);
    j["model"] = a.model;
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  std::cout << fmt::format("{} estimate of {} on {} ({}) at {:g} ns\n", e.flavor, a.model, device.name, device.part,
                           e.clock_ns);
  std::cout << fmt::format("{:>5} {:>9} {:>9} {:>9} {:>6} {:>7} {:>6} {:>7} {:>4} {:>7} {:>12} {:>10}\n", "layer",
                           "shape", "LUT", "FF", "SRL", "CARRY4", "DSP", "BRAM18", "II", "cycles", "BOPs", "EBOPs");
  for (const auto& l : e.layers) {
    std::cout << fmt::format("{:>5} {:>9} {:>9.0f} {:>9.0f} {:>6.0f} {:>7.0f} {:>6.0f} {:>7.0f} {:>4} {:>7} {:>12.0f} {:>10.0f}",
                             l.index, fmt::format("{}x{}", l.n_in, l.n_out), l.lut, l.ff, l.srl, l.carry, l.dsp,
                             l.bram18, l.ii, l.latency_cycles, l.bops, l.ebops);
    if (!l.note.empty()) std::cout << "  " << l.note;
    std::cout << '\n';
  }
  std::cout << fmt::format("{:>5} {:>9} {:>9.0f} {:>9.0f} {:>6.0f} {:>7.0f} {:>6.0f} {:>7.0f} {:>4} {:>7} {:>12.0f} {:>10.0f}\n",
                           "total", "", e.lut, e.ff, e.srl, e.carry, e.dsp, e.bram18, e.ii, e.latency_cycles, e.bops,
                           e.ebops);
  std::cout << fmt::format("latency {} cycles = {:g} ns, II {}; utilization LUT {:.3f}%  FF {:.3f}%  DSP {:.3f}%  BRAM18 {:.3f}%\n",
                           e.latency_cycles, e.latency_ns, e.ii, e.lut_pct, e.ff_pct, e.dsp_pct, e.bram18_pct);
  std::cout << "(layer rows are model counts; totals include the device's calibration for this flavor)\n";
  return 0;
}

}  // namespace

void add_estimate_command(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<EstimateArgs>();
  CLI::App* sub = app.add_subcommand(
      "estimate",
      "Estimate LUT, FF, DSP, BRAM18, latency and II of a trained model on an FPGA, analytically\n"
      "(about a millisecond; no synthesis). See docs/estimators.md.");
  sub->add_option("model", args->model, "Trained model file (model.q.json, written by training)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--device", args->device,
                  "Device name: a file estimators/<vendor>/<name>.json (xcvu9p, xcvu13p, xcku115, xczu9eg)")
      ->capture_default_str();
  sub->add_option("--flavor", args->flavor,
                  "rtl: our fully parallel shift-add netlist counted bit by bit (II 1); rtl_vivado: the same "
                  "netlist in Vivado's cells, with its own calibration; hls: hls4ml's "
                  "Vivado/Vitis HLS dense layer (reuse factor and strategy from the model)")
      ->check(CLI::IsMember(estimate::estimator_flavors()))
      ->capture_default_str();
  sub->add_option("--clock-ns", args->options.clock_ns,
                  "Target clock period in ns (0.1 to 1000); default: the device file's default_clock_ns (5 ns)")
      ->check(CLI::Range(netlist::kMinClockNs, netlist::kMaxClockNs));
  sub->add_option("--levels-per-stage", args->options.levels_per_stage,
                  "rtl: adder levels between pipeline registers; 0 (default) derives it from the clock")
      ->check(CLI::Range(0, netlist::kMaxLevelsPerStage));
  sub->add_flag("--dsp", args->options.dsp_products,
                "rtl: multiply with DSP48 slices (plain `*`) instead of shift-add LUT logic");
  sub->add_option_function<std::string>(
         "--sharing", [args](const std::string& s) { args->options.sharing = netlist::parse_sharing(s, "", "--sharing"); },
         "rtl: adders shared between neurons: cse (default: shared two-term subexpressions, each layer's delay "
         "limit dc from the model) or none (CSD terms in per-neuron trees, the earlier default)")
      ->check(CLI::IsMember({"none", "cse"}));
  sub->add_option("--sharing-effort", args->options.sharing_effort,
                  "rtl, with --sharing cse: runs of the subexpression search per layer, the fewest adders kept (1 = "
                  "the single greedy search; a layer of at most 128 terms gets at least 3 runs; a layer searched 2 or more "
                  "times sums its rows as nonnegative words, docs/netlist.md)")
      ->check(CLI::Range(1, netlist::kMaxSharingEffort));
  sub->add_option("--hls-tool", args->options.hls_tool,
                  "hls: tool version whose DSP-vs-LUT choice to model: vitis-2024.1, vivado-2019.2 or hls4ml-rule")
      ->check(CLI::IsMember({"vitis-2024.1", "vivado-2019.2", "hls4ml-rule"}))
      ->capture_default_str();
  sub->add_option("--estimators", args->estimators,
                  "Folder of device files; default: $NAS4ML_ESTIMATORS or the project's estimators/");
  sub->add_flag("--json", args->json, "Print the estimate as JSON (totals, utilization %, per-layer breakdown)");
  table.add(sub, [args] { return run_estimate(*args); });
}

}  // namespace nas4ml::cli
