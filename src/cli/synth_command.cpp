// `nas4ml synth model.q.json --backend yosys --out DIR [--json]`: lowers a trained model to the
// netlist, writes it as Verilog, synthesizes it with yosys and prints the measured resources beside
// the rtl estimator's uncalibrated numbers for the same netlist (docs/synthesis.md).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/device_model.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/synth/rtl_target.hpp"
#include "nas4ml/synth/synth_flow.hpp"

namespace nas4ml::cli {
namespace {

struct SynthArgs {
  std::string model;
  std::string backend = "yosys";
  std::string out;
  bool json = false;
  bool dsp = false;
  std::string sharing = "cse";
  int sharing_effort = 1;
  double clock_ns = 0.0;
  int levels_per_stage = 0;
  std::string device = "xcvu9p";
  std::string estimators;
  std::string top = "nas4ml_top";
  std::string yosys = "yosys";
  std::string cache;
  double timeout = 1800.0;
  double memory_gb = 8.0;
};

std::string pct(double est, std::int64_t measured) {
  if (measured == 0) return est == 0 ? "exact" : "-";
  return fmt::format("{:+.1f}%", 100.0 * (est - static_cast<double>(measured)) / static_cast<double>(measured));
}

// The vendor backends (synth/vendor_flow.hpp): measured counts, the estimate when the result has
// one (of the flavor the backend calibrates), the whole package's counts when the result is of
// its core, and what the tool says about timing.
int print_vendor_result(const nn::QuantizedModel& model, const synth::SynthesisResult& r, const std::string& out) {
  const auto& m = r.resources;
  std::cout << fmt::format("model {}: {} ({}), {:.1f} s\n", model.name, r.tool_version, r.backend, r.wall_seconds);
  const std::string est_label = r.estimate.is_object() ? r.estimate.value("estimator", std::string()) + " estimate" : "";
  std::cout << fmt::format("{:<10} {:>12} {:>14} {:>8}\n", "resource", r.backend, est_label, "");
  auto row = [&](const char* label, std::int64_t measured, const char* key) {
    if (!r.estimate.is_object()) {
      std::cout << fmt::format("{:<10} {:>12}\n", label, measured);
      return;
    }
    const double est = r.estimate.at(key).get<double>();
    std::cout << fmt::format("{:<10} {:>12} {:>14.0f} {:>8}\n", label, measured, est, pct(est, measured));
  };
  row("LUT", m.lut, "lut");
  row("FF", m.ff, "ff");
  row("SRL", m.srl, "srl");
  row("CARRY", m.carry, "carry");
  row("DSP", m.dsp, "dsp");
  row("BRAM18", m.bram18, "bram18");
  if (r.package.is_object()) std::cout << "the counts above are the core's; the whole package: " << r.package.dump() << '\n';
  for (const auto& [key, value] : r.timing.items()) std::cout << fmt::format("{:<22} {}\n", key, value.dump());
  std::cout << fmt::format("results, design, reports and log in {}\n", out);
  return 0;
}

int run_synth(const SynthArgs& a) {
  synth::backend_target(a.backend, "--backend");  // an unknown backend is refused before anything is read
  if (a.timeout <= 0) throw ConfigError({}, "--timeout", "time limit must be positive", "> 0 s", fmt::format("{}", a.timeout));
  if (a.memory_gb <= 0) throw ConfigError({}, "--memory-gb", "memory limit must be positive", "> 0 GB", fmt::format("{}", a.memory_gb));
  const nn::QuantizedModel model = nn::load_quantized_model(a.model);
  const std::filesystem::path estimators =
      a.estimators.empty() ? estimate::default_estimators_dir() : std::filesystem::path(a.estimators);
  const estimate::DeviceModel device = estimate::find_device(a.device, estimators);

  synth::TargetSettings settings;
  settings.lowering.clock_ns = a.clock_ns > 0 ? a.clock_ns : device.default_clock_ns;
  settings.lowering.levels_per_stage = a.levels_per_stage;
  settings.lowering.dsp_products = a.dsp;
  settings.lowering.sharing = netlist::parse_sharing(a.sharing, "", "--sharing");
  settings.lowering.sharing_effort = a.sharing_effort;
  settings.top = a.top;
  settings.tool.program = a.yosys;
  settings.tool.timeout_seconds = a.timeout;
  settings.tool.memory_limit_bytes = static_cast<std::uint64_t>(a.memory_gb * (1ull << 30));
  settings.tool.cache_dir = a.cache;
  settings.part = device.part;
  const auto target = synth::make_backend_target(a.backend, settings, "--backend");
  synth::check_device_family(*target, device);
  const synth::WrittenDesign design = target->write(model, std::filesystem::path(a.out) / target->name());
  const synth::SynthesisResult r = target->synthesize(model, design, device, a.out);
  if (a.json) {
    std::cout << synth::to_json(r).dump(2) << '\n';
    return 0;
  }
  // A vendor tool's report (vendor_flow.hpp) is printed as parsed; the netlist core's synthesis
  // (the results the rtl estimate is calibrated on) beside that estimate, resource by resource.
  if (target->calibrated_flavor() != "rtl") return print_vendor_result(model, r, a.out);
  const auto& m = r.resources;
  const Json& e = r.estimate;
  std::cout << fmt::format("model {}: synthesized with {} (synth_xilinx -family {}{}), {:.1f} s, {:.0f} MB{}\n",
                           model.name, r.tool_version, r.family, r.use_dsp ? "" : " -nodsp", r.wall_seconds,
                           static_cast<double>(r.peak_rss_bytes) / 1e6, r.cache_hit ? " (from the cache)" : "");
  std::cout << fmt::format("{:<10} {:>12} {:>14} {:>8}\n", "resource", r.backend, "rtl estimate", "error");
  auto row = [&](const char* label, std::int64_t measured, const char* key) {
    const double est = e.at(key).get<double>();
    std::cout << fmt::format("{:<10} {:>12} {:>14.0f} {:>8}\n", label, measured, est, pct(est, measured));
  };
  row("LUT", m.lut, "lut");
  row("FF", m.ff, "ff");
  row("SRL", m.srl, "srl");
  row("CARRY4", m.carry, "carry");
  row("DSP", m.dsp, "dsp");
  row("BRAM18", m.bram18, "bram18");
  std::cout << fmt::format("{:<10} {:>12}\n", "MUXF7/8", m.muxf7 + m.muxf8);
  std::cout << fmt::format("{:<10} {:>12}\n", "INV", m.inv);
  std::cout << fmt::format("logic depth {} cells; latency {} cycles at {:g} ns (netlist)\n", r.logic_depth,
                           e.at("latency_cycles").get<int>(), settings.lowering.clock_ns);
  std::cout << fmt::format("LUT by size: {} / {} / {} / {} / {} / {} (LUT1..LUT6)\n", m.lut_by_size[0], m.lut_by_size[1],
                           m.lut_by_size[2], m.lut_by_size[3], m.lut_by_size[4], m.lut_by_size[5]);
  std::cout << fmt::format("results, design, script and log in {}\n", a.out);
  return 0;
}

}  // namespace

void add_synth_command(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<SynthArgs>();
  CLI::App* sub = app.add_subcommand(
      "synth",
      "Synthesize a trained model: lower it to the netlist, write Verilog, run yosys 0.23 for Xilinx\n"
      "UltraScale+ (synth_xilinx -family xcup -flatten -noiopad) and compare the counts with the rtl\n"
      "estimate. Writes design.v, synth.ys, yosys.log, stat.json and result.json into --out.");
  sub->add_option("model", args->model, "Trained model file (model.q.json, docs/model.md)")->required()->check(CLI::ExistingFile);
  sub->add_option("--backend", args->backend,
                  "Synthesis backend: yosys (the Verilog core), vivado (the rtl firmware package, out of context: "
                  "reports/utilization.rpt and timing_summary.rpt) or vitis_hls (the HLS project's csynth.xml); the "
                  "vendor tools must be on PATH (docs/synthesis.md)")
      ->capture_default_str();
  sub->add_option("--out", args->out, "Output folder for the design, script, log and result.json (created)")->required();
  sub->add_flag("--json", args->json, "Print the whole result as JSON instead of a table");
  sub->add_flag("--dsp", args->dsp,
                "DSP variant: products as plain `*` that yosys maps to DSP48E2 (default: CSD shift-adds with -nodsp, "
                "no DSP)");
  sub->add_option("--sharing", args->sharing, "Adders shared between neurons: none or cse (docs/netlist.md)")
      ->check(CLI::IsMember({"none", "cse"}))
      ->capture_default_str();
  sub->add_option("--sharing-effort", args->sharing_effort,
                  "With --sharing cse: runs of the subexpression search per layer, the fewest adders kept (from 2 on, "
                  "rows summed as nonnegative words; docs/netlist.md)")
      ->check(CLI::Range(1, netlist::kMaxSharingEffort))
      ->capture_default_str();
  sub->add_option("--clock-ns", args->clock_ns,
                  "Target clock period in ns; decides the adder levels per pipeline stage (default: the device's "
                  "default clock)");
  sub->add_option("--levels-per-stage", args->levels_per_stage,
                  "Force K adder levels between pipeline registers (default 0: derived from the clock)")
      ->check(CLI::Range(0, 64));
  sub->add_option("--device", args->device, "Device model for the estimate (estimators/<vendor>/<device>.json)")
      ->capture_default_str();
  sub->add_option("--estimators", args->estimators, "Folder of device models (default: the source tree's estimators/)");
  sub->add_option("--top", args->top, "Name of the top Verilog module")->capture_default_str();
  sub->add_option("--yosys", args->yosys, "yosys executable (name on PATH or path)")->capture_default_str();
  sub->add_option("--cache", args->cache,
                  "Cache folder: a run whose (Verilog, yosys version, script) was synthesized before is read from it "
                  "instead of re-run (default: no cache)");
  sub->add_option("--timeout", args->timeout, "Wall-clock limit of the yosys run in seconds; the run is killed after it")
      ->capture_default_str();
  sub->add_option("--memory-gb", args->memory_gb, "Address-space limit of the yosys process in GiB")
      ->capture_default_str();
  table.add(sub, [args] { return run_synth(*args); });
}

}  // namespace nas4ml::cli
