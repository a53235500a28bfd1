#include "nas4ml/synth/hls_target.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/firmware/hls_writer.hpp"
#include "nas4ml/synth/hls_csim.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/vendor_flow.hpp"

namespace nas4ml::synth {
namespace fs = std::filesystem;

namespace {

class HlsTarget final : public Target {
 public:
  explicit HlsTarget(const TargetSettings& s) : settings_(s) {
    if (!s.backend.empty() && s.backend != "vitis_hls")
      throw ConfigError({}, "--backend", "unknown hls synthesis backend", "\"vitis_hls\"", "\"" + s.backend + "\"");
    hls_.project = s.top;
    hls_.part = s.part.empty() ? default_hls_part : s.part;
    hls_.clock_ns = s.lowering.clock_ns;
    // The C simulation's g++ is not the synthesis tool: a short synthesis limit (a quickstart's
    // 120 s) must not cut the compile of a large project on a busy machine.
    csim_.timeout_seconds = std::max(s.tool.timeout_seconds, CsimOptions{}.timeout_seconds);
  }

  std::string name() const override { return "hls"; }
  std::string description() const override {
    return "hls4ml-style Vitis HLS C++ project (ap_fixed); g++ C simulation here; Vitis HLS csynth when on PATH; "
           "per-layer reuse factor and strategy";
  }
  std::vector<TargetOption> options() const override {
    return {{"hardware.clock_ns", fmt::format("{}", hls_.clock_ns), "create_clock -period in build_prj.tcl, ns"},
            {"hardware.device", hls_.part, "set_part in build_prj.tcl (the device file's part)"},
            {"layer.reuse_factor", "search space", "PIPELINE II of a latency layer; products per multiplier"},
            {"layer.strategy", "search space", "latency (unrolled) or resource (reuse loop at II = 1)"},
            {"ap_types", default_ap_types_dir().string(), "ap_fixed.h for C simulation ($NAS4ML_AP_TYPES)"}};
  }
  bool has_reuse() const override { return true; }
  std::string estimator_flavor() const override { return "hls"; }
  std::vector<std::string> backends() const override { return {"vitis_hls"}; }
  std::string backend() const override { return "vitis_hls"; }
  std::string calibrated_flavor() const override { return "hls"; }
  std::string tool() const override {
    for (const char* p : {"vitis_hls", "vivado_hls"})
      if (const auto path = find_program(p)) return path->string();
    throw ToolError("vitis_hls", {}, "the synthesis tool is not on PATH",
                    "vitis_hls or vivado_hls on PATH (AMD/Xilinx, not a Debian package)", "neither on PATH");
  }
  // Vitis HLS builds for every AMD family; these are the ones with device files or a line here.
  std::vector<std::string> device_families() const override {
    return {"Virtex UltraScale+", "Kintex UltraScale+", "Artix UltraScale+", "Zynq UltraScale+ MPSoC",
            "Zynq UltraScale+ RFSoC", "Virtex UltraScale", "Kintex UltraScale", "Virtex-7", "Kintex-7", "Artix-7",
            "Zynq-7000"};
  }

  WrittenDesign write(const nn::QuantizedModel& model, const fs::path& dir) const override {
    const firmware::HlsProject p = firmware::write_hls_project(model, hls_);
    firmware::save_hls_project(p, dir);
    WrittenDesign d;
    d.dir = dir;
    for (const auto& [path, text] : p.files) d.files.push_back(path);
    return d;
  }

  // Vitis HLS C synthesis (vendor_flow.hpp) in the written project, with the hls estimator's
  // uncalibrated numbers beside it (what `nas4ml calibrate` fits); also saved as out_dir/result.json.
  SynthesisResult synthesize(const nn::QuantizedModel& model, const WrittenDesign& design,
                             const estimate::DeviceModel& device, const fs::path& out_dir) const override {
    check_device_family(*this, device);
    ToolLimits limits = settings_.tool;
    limits.program.clear();  // the program named in settings is the rtl target's
    SynthesisResult r = run_vitis_hls(design.dir, hls_.project, limits);
    estimate::DeviceModel raw = device;
    raw.calibration.clear();  // identity: calibration is fitted against these raw numbers
    estimate::EstimateOptions eo;
    eo.clock_ns = hls_.clock_ns;
    const estimate::Estimate e = estimate::make_estimator("hls")->estimate(model, raw, eo);
    r.estimate = Json{{"estimator", "hls"},   {"calibrated", false}, {"device", device.name},
                      {"clock_ns", e.clock_ns}, {"lut", e.lut},        {"ff", e.ff},
                      {"srl", e.srl},           {"carry", e.carry},    {"dsp", e.dsp},
                      {"bram18", e.bram18},     {"latency_cycles", e.latency_cycles}, {"ii", e.ii}};
    fs::create_directories(out_dir);
    save_json_file(out_dir / "result.json", to_json(r));
    return r;
  }

  Verification verify(const WrittenDesign& design, const firmware::TestVectors& vectors,
                      const fs::path& work_dir) const override {
    // The emitted project keeps its test data; compiler output goes to work_dir only.
    firmware::save_hls_testbench_data(vectors, design.dir);
    fs::create_directories(work_dir);
    fs::copy(design.dir, work_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    const CsimReport r = run_hls_csim(work_dir, hls_.project, csim_);
    Verification v;
    v.tool = "g++ C simulation";
    v.ok = r.ok();
    v.summary = fmt::format("C simulation (g++, Xilinx ap_types) of {} test samples: {} outputs checked{}, {} "
                            "mismatches: {}.",
                            r.samples, r.checked,
                            r.scores > 0 ? fmt::format(" (incl. {} anomaly scores, {} wrong)", r.scores, r.score_mismatches) : "",
                            r.mismatches, r.ok() ? "bit-exact" : "MISMATCH");
    v.details = Json{{"samples", r.samples},
                     {"checked", r.checked},
                     {"mismatches", r.mismatches},
                     {"scores", r.scores},
                     {"score_mismatches", r.score_mismatches},
                     {"compile_seconds", r.compile_seconds},
                     {"run_seconds", r.run_seconds}};
    return v;
  }

 private:
  TargetSettings settings_;
  firmware::HlsOptions hls_;
  CsimOptions csim_;
};

}  // namespace

std::unique_ptr<Target> make_hls_target(const TargetSettings& settings) { return std::make_unique<HlsTarget>(settings); }

}  // namespace nas4ml::synth
