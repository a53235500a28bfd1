#include "nas4ml/campaign/emit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/campaign/raw_inputs.hpp"
#include "nas4ml/campaign/synthesis_budget.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/firmware/hls4ml_config.hpp"
#include "nas4ml/firmware/hls_writer.hpp"
#include "nas4ml/firmware/testbench.hpp"
#include "nas4ml/interop/onnx_wire.hpp"
#include "nas4ml/interop/qonnx_export.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/search/parallel_for.hpp"
#include "nas4ml/synth/rtl_target.hpp"
#include "nas4ml/synth/target.hpp"

namespace nas4ml::campaign {
namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw ConfigError(path.string(), "", "cannot write file", "a writable folder", "write failed");
}

std::string number(const Json& j, const char* key, const char* fmt_spec = "{:.0f}") {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return "-";
  return fmt::format(fmt::runtime(fmt_spec), j[key].get<double>());
}

std::string synthesized_row(const Json& result, const std::string& when) {
  const Json& r = result["resources"];
  return fmt::format("| synthesized ({}, {}) | {} | {} | {} | {} | | | |\n", result.value("tool_version", result.value("backend", "?")), when,
                     number(r, "lut"), number(r, "ff"), number(r, "dsp"), number(r, "bram18"));
}

std::string estimated_row(const std::string& label, const Json& est) {
  return fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", label, number(est, "lut"), number(est, "ff"),
                     number(est, "dsp"), number(est, "bram18"), number(est, "latency_cycles"),
                     number(est, "latency_ns", "{:.1f}"), number(est, "ii"));
}

/// The "estimated" rows of report.md: the candidate's stored estimate; or, when the design was
/// lowered with another sharing effort than the search priced it with (cse, no DSP products) and
/// the estimator counts that netlist (rtl, rtl_vivado), the estimate of the design written (same
/// device, clock and calibration) and then the stored one.
std::string estimated_rows(const EvaluationRecord& rec, const nn::QuantizedModel& model, const estimate::DeviceModel& device,
                           const netlist::LoweringOptions& lowering, int search_effort) {
  const Json& stored = rec.estimates;
  const std::string flavor = stored.is_object() ? stored.value("flavor", "?") : "?";
  if (lowering.sharing != netlist::Sharing::cse || lowering.dsp_products || lowering.sharing_effort == search_effort ||
      (flavor != "rtl" && flavor != "rtl_vivado"))  // the same netlist, or an estimate that does not count it
    return estimated_row(fmt::format("estimated ({})", flavor), stored);
  const Json emitted =
      estimate::to_json(estimate::make_estimator(flavor)->estimate(model, device, estimate::estimate_options_for(lowering)));
  return estimated_row(fmt::format("estimated ({}, this design: sharing effort {})", flavor, lowering.sharing_effort), emitted) +
         estimated_row(fmt::format("estimated during the search ({}, sharing effort {})", flavor, search_effort), stored);
}

/// `estimated`: its rows (estimated_rows()); `earlier`: the candidate's stored syntheses (during
/// the search and at earlier emits), oldest first; `synthesis`: the one this emit ran (null when none).
std::string report_md(const EvaluationRecord& rec, const nn::QuantizedModel& model, const EmittedCandidate& c,
                      const std::string& estimated, const std::vector<SynthesisRecord>& earlier, const Json& synthesis,
                      const std::string& simulation) {
  std::string layers = std::to_string(model.n_inputs);
  for (const auto& l : model.layers) layers += "-" + std::to_string(l.n_out);
  const Json& val = rec.metrics.is_object() ? rec.metrics["validation"] : Json();
  const Json& test = rec.metrics.is_object() ? rec.metrics["test"] : Json();
  std::string s = fmt::format("# Candidate {}\n\nNetwork {} (generation {}, index {}), input {}.\n\n", c.id, layers,
                              rec.generation, rec.index, model.input_format.to_string());
  s += "## Accuracy (fixed point, golden integer model)\n\n| split | accuracy | AUC |\n|---|---|---|\n";
  s += fmt::format("| validation | {} | {} |\n| test | {} | {} |\n\n", number(val, "accuracy", "{:.4f}"),
                   number(val, "auc", "{:.4f}"), number(test, "accuracy", "{:.4f}"), number(test, "auc", "{:.4f}"));
  s += "## Resources\n\n| | LUT | FF | DSP | BRAM18 | latency (cycles) | latency (ns) | II |\n|---|---|---|---|---|---|---|---|\n";
  s += estimated;
  for (const auto& e : earlier)
    if (e.status == "ok" && e.result.is_object())
      s += synthesized_row(e.result, fmt::format("stored, front of generation {}", e.generation));
  if (synthesis.is_object()) s += synthesized_row(synthesis, "this emit");
  s += "\nEstimates are analytic (docs/estimators.md); synthesized counts are those of the tool each row names "
       "(docs/synthesis.md: the core for yosys and, from Vivado's hierarchical report, for Vivado). A stored synthesis "
       "is of the design as lowered when it ran: during the search with the search's sharing effort, at an emit with "
       "that emit's.\n";
  s += "\n## Verification\n\n" + simulation + "\n";
  if (!c.problem.empty()) s += "\nProblem: " + c.problem + "\n";
  s += "\nNot run here: Vivado (rtl/build_vivado.tcl) and Vitis HLS (hls/build_prj.tcl); their reports are the "
       "ones to trust for LUT, FF, DSP and the clock.\n";
  s += "\nFiles: model.q.json (the model), model.onnx (the same as QONNX, docs/interop.md), rtl/ (the Verilog core, the "
       "firmware top level, constraints.xdc, build_vivado.tcl and a README with the port map), tb/ (test vectors and benches), hls/ (the HLS C++ project "
       "with build_prj.tcl for Vitis HLS and its C-simulation data), hls4ml_config.json (the same design as an hls4ml "
       "configuration), manifest.json.\n";
  return s;
}

}  // namespace

synth::TargetSettings target_settings(const ExperimentConfig& config, const RunPaths& paths) {
  synth::TargetSettings s;
  s.lowering.clock_ns = config.hardware.clock_ns;
  s.lowering.dsp_products = config.hardware.use_dsp;
  s.lowering.sharing = netlist::parse_sharing(config.hardware.sharing);
  s.lowering.sharing_effort = config.hardware.sharing_effort;
  s.tool.timeout_seconds = config.synthesis.timeout_seconds;
  s.tool.memory_limit_bytes = static_cast<std::uint64_t>(config.synthesis.memory_limit_mb) << 20;
  s.tool.cache_dir = paths.synth_cache();
  if (const char* p = std::getenv("NAS4ML_YOSYS"); p != nullptr && *p != '\0') s.tool.program = p;
  return s;
}

synth::TargetSettings emit_target_settings(const ExperimentConfig& config, const RunPaths& paths) {
  synth::TargetSettings s = target_settings(config, paths);
  if (s.lowering.sharing == netlist::Sharing::cse) s.lowering.sharing_effort = config.hardware.emit_sharing_effort;
  return s;
}

int emitted_sharing_effort(const nn::QuantizedModel& model, const estimate::DeviceModel& device,
                           const netlist::LoweringOptions& lowering, int search_effort) {
  if (lowering.sharing != netlist::Sharing::cse || lowering.dsp_products || lowering.sharing_effort == search_effort)
    return lowering.sharing_effort;
  netlist::LoweringOptions searched = lowering;
  searched.sharing_effort = search_effort;
  const auto rtl = estimate::make_estimator("rtl");
  const estimate::Estimate wide = rtl->estimate(model, device, estimate::estimate_options_for(lowering));
  const estimate::Estimate narrow = rtl->estimate(model, device, estimate::estimate_options_for(searched));
  const bool narrower = narrow.lut < wide.lut || (narrow.lut == wide.lut && narrow.ff < wide.ff);
  return narrower ? search_effort : lowering.sharing_effort;
}

std::vector<std::string> spread_along_front(const Json& front, int n) {
  std::vector<std::pair<double, std::string>> members;
  for (const auto& m : front) members.emplace_back(m["objectives"][0].get<double>(), m["id"].get<std::string>());
  std::sort(members.begin(), members.end());
  std::vector<std::string> ids;
  const int m = static_cast<int>(members.size());
  if (n <= 0) return ids;
  if (m <= n) {
    for (auto& p : members) ids.push_back(p.second);
    return ids;
  }
  if (n == 1) return {members[static_cast<std::size_t>(m / 2)].second};  // the middle of the front
  for (int k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(std::lround(static_cast<double>(k) * (m - 1) / (n - 1)));
    if (ids.empty() || ids.back() != members[i].second) ids.push_back(members[i].second);
  }
  return ids;
}

std::vector<EmittedCandidate> emit_front(Store& store, const RunPaths& paths, const data::LoadedDataset& data,
                                         const estimate::DeviceModel& device, const synth::TargetSettings& target_settings,
                                         const EmitOptions& options) {
  const Json front = store.front();
  std::vector<std::string> ids = options.ids;
  if (ids.empty())
    for (const auto& m : front) ids.push_back(m["id"].get<std::string>());
  std::vector<std::string> to_synthesize;
  if (options.ids.empty()) {
    // Spread along the members yosys is predicted to finish within the time limit.
    to_synthesize = spread_along_front(synthesizable_front(store, front, target_settings.tool.timeout_seconds).members,
                                       options.synthesize_top_n);
  } else {
    const auto n = std::min<std::size_t>(ids.size(), static_cast<std::size_t>(std::max(0, options.synthesize_top_n)));
    to_synthesize.assign(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n));
  }
  const Json manifest = store.manifest();
  const int generation = store.last_generation().value_or(0);

  // Read everything from the store first (one thread owns it), ...
  struct Work {
    EmittedCandidate c;
    EvaluationRecord rec;
    nn::QuantizedModel model;
    bool synthesize = false;
    std::optional<SynthesisRecord> synthesis_record;
    std::vector<SynthesisRecord> earlier;  // stored syntheses of this candidate
    Json synthesis;
    std::string simulation = "Not simulated (run `nas4ml sim model.q.json --data <dataset.json>`).";
  };
  const std::vector<SynthesisRecord> stored_synthesis = store.synthesis_runs();
  std::vector<Work> work;
  for (const auto& id : ids) {
    Work w;
    w.c.id = id;
    w.c.dir = paths.firmware_dir(id);  // rejects unsafe ids before anything is read or written
    auto rec = store.evaluation(id);
    if (!rec) throw ConfigError(paths.store().string(), "evaluations", "no candidate with this id", "an id of `nas4ml front`", id);
    if (rec->model.is_null())
      throw ConfigError(paths.store().string(), "evaluations", "candidate has no trained model (it failed)",
                        "a successful candidate", id + ": " + rec->failure_reason);
    w.model = nn::quantized_model_from_json(JsonView(rec->model, paths.store().string(), "$.model"));
    w.rec = std::move(*rec);
    w.synthesize = std::find(to_synthesize.begin(), to_synthesize.end(), id) != to_synthesize.end();
    for (const auto& r : stored_synthesis)
      if (r.genome_hash == id) w.earlier.push_back(r);
    work.push_back(std::move(w));
  }

  // The targets every candidate is written for: rtl (Verilog, synthesized and simulated) and hls.
  synth::TargetSettings settings = target_settings;
  settings.part = device.part;  // the Vivado and Vitis HLS scripts' part
  const bool hls_synthesis = synth::backend_target(options.synthesis_backend) == "hls";  // else the rtl target's
  synth::TargetSettings rtl_settings = settings;
  if (!hls_synthesis) rtl_settings.backend = options.synthesis_backend;
  const auto rtl_target = synth::make_target("rtl", rtl_settings);
  // A design the search's effort lowers to fewer LUTs is emitted with that effort (emitted_sharing_effort()).
  synth::TargetSettings searched_settings = rtl_settings;
  searched_settings.lowering.sharing_effort = options.search_sharing_effort;
  const auto rtl_searched = synth::make_target("rtl", searched_settings);
  const auto hls = synth::make_target("hls", settings);
  if (!to_synthesize.empty()) synth::check_device_family(hls_synthesis ? *hls : *rtl_target, device);
  firmware::Hls4mlConfigOptions hls4ml_options;
  hls4ml_options.part = device.part.empty() ? hls4ml_options.part : device.part;
  hls4ml_options.clock_ns = settings.lowering.clock_ns;

  // ... then write, synthesize and simulate the candidates in parallel (each tool run is one
  // single-threaded process; the calling thread's TBB arena decides how many run at once), ...
  nas4ml::search::parallel_for(work.size(), [&](std::size_t i) {
    Work& w = work[i];
    EmittedCandidate& c = w.c;
    std::filesystem::create_directories(c.dir);
    nn::save_quantized_model(w.model, c.dir / "model.q.json");
    try {  // QONNX (docs/interop.md); a layer it cannot express (a ROM activation) is noted, not fatal
      interop::save_onnx(interop::export_qonnx(w.model).model, c.dir / "model.onnx");
    } catch (const ConfigError& e) {
      c.problem = std::string("QONNX export: ") + e.what();
    }
    // One lowering per design: the rtl target's written design carries its netlist to synthesis
    // and simulation.
    const int effort = emitted_sharing_effort(w.model, device, settings.lowering, options.search_sharing_effort);
    const synth::Target& rtl = effort == settings.lowering.sharing_effort ? *rtl_target : *rtl_searched;
    netlist::LoweringOptions lowering = settings.lowering;
    lowering.sharing_effort = effort;
    const synth::WrittenDesign rtl_design = rtl.write(w.model, c.dir / "rtl");
    const auto ports = firmware::port_layout(*rtl_design.netlist);
    const auto vectors = firmware::make_test_vectors(w.model, data.test.x, static_cast<std::size_t>(options.simulate_samples));
    firmware::write_testbench_files(c.dir / "tb", ports, settings.top, vectors);
    std::optional<synth::WrittenDesign> hls_design;
    try {  // a model the HLS writer cannot express (e.g. a > 53-bit weight format) still gets its rtl/
      hls_design = hls->write(w.model, c.dir / "hls");
      firmware::save_hls_testbench_data(vectors, c.dir / "hls");
      // hls4ml's config names relu layers only; its tables are not ours, so none for a ROM activation
      if (std::all_of(w.model.layers.begin(), w.model.layers.end(),
                      [](const auto& l) { return nn::activation_kind(l.activation).hls_supported(); }))
        save_json_file(c.dir / "hls4ml_config.json", firmware::hls4ml_config(w.model, hls4ml_options));
    } catch (const ConfigError& e) {
      c.problem += (c.problem.empty() ? "" : "; ") + std::string("HLS project: ") + e.what();
    }
    save_json_file(c.dir / "manifest.json", manifest);
    if (w.synthesize) {
      SynthesisRecord r;
      r.genome_hash = c.id;
      r.generation = generation;
      r.backend = options.synthesis_backend;
      try {
        if (hls_synthesis && !hls_design)
          throw ToolError("hls", {}, "no HLS project to synthesize (see the HLS project problem)");
        const auto result = hls_synthesis
                                ? hls->synthesize(w.model, *hls_design, device, c.dir / "synth")
                                : rtl.synthesize(w.model, rtl_design, device, c.dir / "synth");
        w.synthesis = synth::to_json(result);
        r.result = w.synthesis;
        c.synthesized = true;
      } catch (const Error& e) {
        r.status = std::string(e.what()).find("timed out") != std::string::npos ? "timeout" : "failed";
        r.failure_reason = e.what();
        c.problem = std::string("synthesis: ") + e.what();
      }
      w.synthesis_record = std::move(r);
    }
    if (options.simulate) {
      try {
        const synth::Verification v = rtl.verify(rtl_design, vectors, c.dir / "sim");
        c.simulated = true;
        c.simulation_ok = v.ok;
        w.simulation = v.summary;
        if (!v.ok) c.problem = "simulation does not match the golden model";
      } catch (const Error& e) {
        c.problem = std::string("simulation: ") + e.what();
        w.simulation = "Simulation failed: " + std::string(e.what());
      }
    }
    if (options.csim && hls_design) {
      try {
        const synth::Verification v = hls->verify(*hls_design, vectors, c.dir / "csim");
        c.csim_ok = v.ok;
        w.simulation += "\n\nHLS project: " + v.summary;
        if (!v.ok) c.problem = "C simulation does not match the golden model";
      } catch (const Error& e) {
        c.problem = std::string("C simulation: ") + e.what();
        w.simulation += "\n\nHLS C simulation failed: " + std::string(e.what());
      }
    }
    std::string raw_section;
    if (options.raw_data != nullptr) {
      try {  // firmware reading raw units; a model that cannot be folded is noted, not fatal
        const RawInputsOptions ro{&data, options.raw_data, options.raw_input_format, settings.top, options.simulate_samples,
                                  options.simulate, &device, &*rtl_design.netlist};
        const RawInputsResult r = emit_raw_inputs(w.model, rtl, ro, c.dir / "raw_inputs");
        raw_section = "\n" + r.section;
        if (!r.problem.empty()) c.problem += (c.problem.empty() ? "" : "; ") + r.problem;
      } catch (const ConfigError& e) {
        c.problem += (c.problem.empty() ? "" : "; ") + std::string("raw-unit inputs: ") + e.what();
      }
    }
    const std::string estimated = estimated_rows(w.rec, w.model, device, lowering, options.search_sharing_effort);
    write_text(c.dir / "report.md",
               report_md(w.rec, w.model, c, estimated, w.earlier, w.synthesis, w.simulation) + raw_section);
  });

  // ... and store the synthesis results in order, from this thread.
  std::vector<EmittedCandidate> out;
  for (auto& w : work) {
    if (w.synthesis_record) store.add_synthesis(*w.synthesis_record);
    if (!w.c.problem.empty()) spdlog::warn("{}: {}", w.c.id, w.c.problem.substr(0, w.c.problem.find('\n')));
    out.push_back(std::move(w.c));
  }
  return out;
}

}  // namespace nas4ml::campaign
