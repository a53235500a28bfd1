// `nas4ml sim model.q.json --data <dataset.json> [--samples N] [--target rtl|hls] [--package]`:
// writes the model's design through its implementation target (synth/target.hpp) and a test
// bench with inputs from the data set's test split and expected outputs from the golden integer
// model, simulates it and reports mismatches and, for the rtl core, the measured latency
// (docs/firmware.md). The rtl core runs in Verilator (default) or iverilog; --package runs the
// rtl target's own check (the firmware top level's stream bench); the hls target's check is its
// C simulation.
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "model_features.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/core/private_temp_dir.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/synth/simulator.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::cli {
namespace {

struct SimArgs {
  std::string model;
  std::string data;
  std::size_t samples = 1000;
  std::string out;
  std::string simulator = "verilator";
  std::string program;
  double clock_ns = 5.0;
  int levels_per_stage = 0;
  bool dsp = false;
  std::string sharing = "cse";
  int sharing_effort = 1;
  bool json = false;
  double timeout = 900.0;
  std::string target = "rtl";
  bool package = false;
};

// The target's own check (Target::verify) of the design it wrote into dir/<target>.
int run_target_check(const SimArgs& a, const nn::QuantizedModel& model, const synth::Target& target,
                     const synth::WrittenDesign& design, const firmware::TestVectors& vectors,
                     const std::filesystem::path& dir) {
  const synth::Verification v = target.verify(design, vectors, dir / "check");
  if (a.json) {
    Json j = {{"model", model.name}, {"data", a.data},   {"target", target.name()},
              {"tool", v.tool},      {"bit_exact", v.ok}, {"summary", v.summary}};
    for (const auto& [key, value] : v.details.items()) j[key] = value;
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << v.summary << '\n' << (v.ok ? "bit-exact: PASS\n" : "bit-exact: FAIL\n");
    if (!a.out.empty()) std::cout << fmt::format("files in {}\n", a.out);
  }
  return v.ok ? 0 : 1;
}

int run_sim(const SimArgs& a) {
  if (a.samples == 0) throw ConfigError({}, "--samples", "need at least one sample", ">= 1", "0");
  if (!(a.clock_ns > 0)) throw ConfigError({}, "--clock-ns", "clock period must be positive", "> 0 ns", fmt::format("{}", a.clock_ns));
  const nn::QuantizedModel model = nn::load_quantized_model(a.model);
  data::LoadOverrides overrides;
  overrides.raw_features = true;
  const data::LoadedDataset d = data::load_dataset(a.data, overrides);
  const data::FeatureMatrix x = model_features(model, d, a.data);

  synth::TargetSettings settings;
  settings.lowering.clock_ns = a.clock_ns;
  settings.lowering.levels_per_stage = a.levels_per_stage;
  settings.lowering.dsp_products = a.dsp;
  settings.lowering.sharing = netlist::parse_sharing(a.sharing, "", "--sharing");
  settings.lowering.sharing_effort = a.sharing_effort;
  settings.tool.timeout_seconds = a.timeout;
  const auto target = synth::make_target(a.target, settings, "--target");
  if (a.package && target->name() != "rtl")
    throw ConfigError({}, "--package", "only the rtl target has a firmware package", "--target rtl", "--target " + a.target);
  const firmware::TestVectors vectors = firmware::make_test_vectors(model, x, a.samples);
  if (vectors.rows < a.samples)
    spdlog::warn("the test split has {} samples; simulating all of them ({} asked)", vectors.rows, a.samples);

  synth::SimulationOptions so;
  so.simulator = synth::parse_simulator(a.simulator);
  so.program = a.program;
  so.timeout_seconds = a.timeout;
  // Without --out the files go to a private mkdtemp folder (never a predictable /tmp name).
  std::optional<PrivateTempDir> temp;
  std::filesystem::path dir = a.out;
  if (dir.empty()) {
    temp.emplace("nas4ml-sim-");
    dir = temp->path();
  }
  synth::SimulationReport r;
  try {
    // One lowering: the target's written design carries its netlist and Verilog core.
    const synth::WrittenDesign design = target->write(model, dir / target->name());
    if (a.package || !design.netlist) {
      const int status = run_target_check(a, model, *target, design, vectors, dir);
      if (status != 0 && temp) {
        temp->keep();
        spdlog::warn("simulation files kept for inspection in {}", dir.string());
      }
      return status;
    }
    r = synth::simulate_design(design.verilog, settings.top, firmware::port_layout(*design.netlist), vectors, dir, so);
  } catch (...) {
    if (temp) {
      temp->keep();
      spdlog::warn("simulation files kept for inspection in {}", dir.string());
    }
    throw;
  }
  if (a.json) {
    const Json j = {{"model", model.name},
                    {"data", a.data},
                    {"simulator", r.simulator},
                    {"tool_version", r.tool_version},
                    {"samples", r.counts.samples},
                    {"checked", r.counts.checked},
                    {"mismatches", r.counts.mismatches},
                    {"latency_cycles", r.counts.latency},
                    {"netlist_latency_cycles", r.expected_latency},
                    {"build_seconds", r.build_seconds},
                    {"run_seconds", r.run_seconds},
                    {"bit_exact", r.ok()}};
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << fmt::format("model {} on {} ({} test samples), {} ({})\n", model.name, d.name, r.counts.samples,
                             r.simulator, r.tool_version);
    std::cout << fmt::format("samples checked   {}\n", r.counts.checked);
    std::cout << fmt::format("mismatches        {}\n", r.counts.mismatches);
    std::cout << fmt::format("latency (cycles)  {} measured, {} netlist\n", r.counts.latency, r.expected_latency);
    std::cout << fmt::format("time              {:.1f} s build, {:.2f} s simulation\n", r.build_seconds, r.run_seconds);
    std::cout << (r.ok() ? "bit-exact: PASS\n" : "bit-exact: FAIL\n");
    if (!a.out.empty()) std::cout << fmt::format("files in {}\n", a.out);
  }
  return r.ok() ? 0 : 1;
}

}  // namespace

void add_sim_command(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<SimArgs>();
  CLI::App* sub = app.add_subcommand(
      "sim",
      "Simulate a trained model's Verilog bit-exactly: inputs from the data set's test split (quantized to the\n"
      "model's input format), expected outputs from the golden integer model. Prints mismatches (zero\n"
      "expected) and the measured latency in clock cycles (must equal the netlist's). Exit status 0 when\n"
      "bit-exact with the right latency, 1 otherwise.");
  sub->add_option("model", args->model, "Trained model file (model.q.json, docs/model.md)")->required()->check(CLI::ExistingFile);
  sub->add_option("--data", args->data, "Dataset spec (JSON, docs/data.md); its test split is simulated")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--samples", args->samples, "Number of test samples to simulate (all when the split is smaller)")
      ->capture_default_str();
  sub->add_option("--out", args->out,
                  "Keep the design, test bench, hex files and logs in this folder (default: a temporary folder, "
                  "removed after a successful run)");
  sub->add_option("--simulator", args->simulator, "verilator (fast) or iverilog (slow, pure Verilog test bench)")
      ->capture_default_str();
  sub->add_option("--simulator-path", args->program, "Simulator executable (default: found on PATH)");
  sub->add_option("--clock-ns", args->clock_ns,
                  "Target clock period in ns used by the lowering to place pipeline registers")
      ->capture_default_str();
  sub->add_option("--levels-per-stage", args->levels_per_stage,
                  "Force K adder levels between pipeline registers (default 0: derived from the clock)")
      ->check(CLI::Range(0, 64));
  sub->add_flag("--dsp", args->dsp, "Simulate the DSP variant (plain `*` products) instead of CSD shift-adds");
  sub->add_option("--sharing", args->sharing, "Adders shared between neurons: none or cse (docs/netlist.md)")
      ->check(CLI::IsMember({"none", "cse"}))
      ->capture_default_str();
  sub->add_option("--sharing-effort", args->sharing_effort,
                  "With --sharing cse: runs of the subexpression search per layer, the fewest adders kept (from 2 on, "
                  "rows summed as nonnegative words; docs/netlist.md)")
      ->check(CLI::Range(1, netlist::kMaxSharingEffort))
      ->capture_default_str();
  sub->add_option("--target", args->target,
                  "Implementation target whose design is checked (`nas4ml targets`): rtl (its Verilog core in "
                  "--simulator, latency checked) or hls (its C simulation)")
      ->capture_default_str();
  sub->add_flag("--package", args->package,
                "rtl: simulate the firmware top level (reset, AXI4-Stream handshakes, back-pressure; Verilator) "
                "instead of the bare core");
  sub->add_flag("--json", args->json, "Print the report as JSON");
  sub->add_option("--timeout", args->timeout, "Wall-clock limit in seconds for the build and for the run")
      ->capture_default_str();
  table.add(sub, [args] { return run_sim(*args); });
}

}  // namespace nas4ml::cli
