// `nas4ml targets`: the registered implementation targets and their options (docs/targets.md).
// `nas4ml csim model.q.json --data <dataset.json>`: writes the model's HLS project (the `hls`
// target), test data from the data set's test split and the golden integer model, compiles it
// with g++ against Xilinx's ap_types headers and reports mismatches (docs/firmware.md).
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "model_features.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/core/private_temp_dir.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::cli {
namespace {

int run_targets(bool json) {
  Json all = Json::array();
  for (const auto& name : synth::target_names()) {
    const auto t = synth::make_target(name);
    Json options = Json::array();
    for (const auto& o : t->options())
      options.push_back({{"name", o.name}, {"default", o.value}, {"description", o.description}});
    all.push_back({{"name", name},
                   {"description", t->description()},
                   {"estimator", t->estimator_flavor()},
                   {"reuse_factor_and_strategy", t->has_reuse()},
                   {"options", options}});
  }
  if (json) {
    std::cout << all.dump(2) << '\n';
    return 0;
  }
  for (const auto& t : all) {
    std::cout << fmt::format("{}  {}\n  estimator: {}; reuse factor and strategy: {}\n", t["name"].get<std::string>(),
                             t["description"].get<std::string>(), t["estimator"].get<std::string>(),
                             t["reuse_factor_and_strategy"].get<bool>() ? "searched" : "not offered (refused in a search space)");
    for (const auto& o : t["options"])
      std::cout << fmt::format("  {:<28} {:<24} {}\n", o["name"].get<std::string>(), o["default"].get<std::string>(),
                               o["description"].get<std::string>());
  }
  return 0;
}

struct CsimArgs {
  std::string model, data, out, part, ap_types;
  std::size_t samples = 1000;
  double clock_ns = 5.0;
  double timeout = 600.0;
  bool json = false;
};

int run_csim(const CsimArgs& a) {
  if (a.samples == 0) throw ConfigError({}, "--samples", "need at least one sample", ">= 1", "0");
  if (!(a.clock_ns > 0)) throw ConfigError({}, "--clock-ns", "clock period must be positive", "> 0 ns", fmt::format("{}", a.clock_ns));
  if (!a.ap_types.empty()) ::setenv("NAS4ML_AP_TYPES", a.ap_types.c_str(), 1);
  const nn::QuantizedModel model = nn::load_quantized_model(a.model);
  data::LoadOverrides overrides;
  overrides.raw_features = true;
  const data::LoadedDataset d = data::load_dataset(a.data, overrides);
  const auto vectors = firmware::make_test_vectors(model, model_features(model, d, a.data), a.samples);
  if (vectors.rows < a.samples)
    spdlog::warn("the test split has {} samples; simulating all of them ({} asked)", vectors.rows, a.samples);

  synth::TargetSettings s;
  s.lowering.clock_ns = a.clock_ns;
  s.part = a.part;
  s.tool.timeout_seconds = a.timeout;
  const auto target = synth::make_target("hls", s);
  std::optional<PrivateTempDir> temp;
  std::filesystem::path dir = a.out;
  if (dir.empty()) {
    temp.emplace("nas4ml-csim-");
    dir = temp->path();
  }
  synth::Verification v;
  try {
    const auto design = target->write(model, dir / "hls");
    v = target->verify(design, vectors, dir / "csim");
  } catch (...) {
    if (temp) {
      temp->keep();
      spdlog::warn("C simulation files kept for inspection in {}", dir.string());
    }
    throw;
  }
  if (a.json) {
    Json j = v.details;
    j["model"] = model.name;
    j["data"] = a.data;
    j["bit_exact"] = v.ok;
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << fmt::format("model {} on {}: {}\n", model.name, d.name, v.summary);
    if (!a.out.empty()) std::cout << fmt::format("project in {}, build and run in {}\n", (dir / "hls").string(), (dir / "csim").string());
  }
  return v.ok ? 0 : 1;
}

}  // namespace

void add_target_commands(CLI::App& app, CommandTable& table) {
  auto json = std::make_shared<bool>(false);
  CLI::App* targets = app.add_subcommand("targets", "List the implementation targets (rtl, hls, ...) and their options");
  targets->add_flag("--json", *json, "Print the list as JSON");
  table.add(targets, [json] { return run_targets(*json); });

  auto args = std::make_shared<CsimArgs>();
  CLI::App* sub = app.add_subcommand(
      "csim",
      "C-simulate a trained model's HLS project (the hls target) bit-exactly: g++ against Xilinx's ap_types\n"
      "headers, inputs from the data set's test split, expected outputs from the golden integer model.\n"
      "Exit status 0 when bit-exact, 1 otherwise.");
  sub->add_option("model", args->model, "Trained model file (model.q.json, docs/model.md)")->required()->check(CLI::ExistingFile);
  sub->add_option("--data", args->data, "Dataset spec (JSON, docs/data.md); its test split is simulated")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--samples", args->samples, "Number of test samples (all when the split is smaller)")->capture_default_str();
  sub->add_option("--out", args->out, "Keep the project (out/hls) and the build (out/csim) here (default: a temporary folder)");
  sub->add_option("--part", args->part, "FPGA part written into build_prj.tcl (default xcvu9p-flga2104-2L-e)");
  sub->add_option("--clock-ns", args->clock_ns, "Clock period written into build_prj.tcl, ns")->capture_default_str();
  sub->add_option("--ap-types", args->ap_types, "Folder with Xilinx's ap_fixed.h (default: $NAS4ML_AP_TYPES, else the build's)");
  sub->add_option("--timeout", args->timeout, "Wall-clock limit in seconds for the compile and for the run")->capture_default_str();
  sub->add_flag("--json", args->json, "Print the report as JSON");
  table.add(sub, [args] { return run_csim(*args); });
}

}  // namespace nas4ml::cli
