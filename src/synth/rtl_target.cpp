#include "nas4ml/synth/rtl_target.hpp"

#include <fstream>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/firmware/rtl_package.hpp"
#include "nas4ml/synth/package_simulation.hpp"
#include "nas4ml/synth/process.hpp"
#include "nas4ml/synth/simulator.hpp"
#include "nas4ml/synth/vendor_flow.hpp"

namespace nas4ml::synth {
namespace fs = std::filesystem;

FlowOptions rtl_flow_options(const TargetSettings& s) {
  FlowOptions flow;
  flow.lowering = s.lowering;
  flow.top = s.top;
  flow.yosys.use_dsp = s.lowering.dsp_products;
  if (!s.tool.program.empty()) flow.yosys.program = s.tool.program;
  flow.yosys.timeout_seconds = s.tool.timeout_seconds;
  flow.yosys.memory_limit_bytes = s.tool.memory_limit_bytes;
  flow.yosys.cache_dir = s.tool.cache_dir;
  return flow;
}

TargetSettings target_settings(const FlowOptions& flow) {
  TargetSettings s;
  s.lowering = flow.lowering;
  s.top = flow.top;
  s.tool.program = flow.yosys.program;
  s.tool.timeout_seconds = flow.yosys.timeout_seconds;
  s.tool.memory_limit_bytes = flow.yosys.memory_limit_bytes;
  s.tool.cache_dir = flow.yosys.cache_dir;
  return s;
}

namespace {

// The device families this target builds for (a device file's "family", AMD's names) and the
// synth_xilinx -family each maps to; another family is a line here plus its device files.
struct FamilyMapping {
  const char* family;
  const char* yosys_family;
};
constexpr FamilyMapping kFamilies[] = {
    {"Virtex UltraScale+", "xcup"},     {"Kintex UltraScale+", "xcup"},     {"Artix UltraScale+", "xcup"},
    {"Zynq UltraScale+ MPSoC", "xcup"}, {"Zynq UltraScale+ RFSoC", "xcup"}, {"Virtex UltraScale", "xcu"},
    {"Kintex UltraScale", "xcu"},
};

class RtlTarget final : public Target {
 public:
  explicit RtlTarget(const TargetSettings& s)
      : flow_(rtl_flow_options(s)), backend_(s.backend.empty() ? "yosys" : s.backend), limits_(s.tool) {
    if (backend_ != "yosys" && backend_ != "vivado")
      throw ConfigError({}, "--backend", "unknown rtl synthesis backend", "\"yosys\" or \"vivado\"",
                        "\"" + backend_ + "\"");
    if (backend_ == "vivado") limits_.program.clear();  // the program named in settings is yosys'
    package_.core = flow_.top;
    package_.top = flow_.top + "_axis";
    package_.clock_ns = s.lowering.clock_ns;
    if (!s.part.empty()) package_.part = s.part;
  }

  std::string name() const override { return "rtl"; }
  std::string description() const override {
    return "netlist -> Verilog core + firmware top level (reset, AXI4-Stream handshakes) -> yosys synth_xilinx; "
           "Verilator check; fully parallel (II = 1, no reuse factor)";
  }
  std::vector<TargetOption> options() const override {
    const auto& lo = flow_.lowering;
    return {{"hardware.clock_ns", fmt::format("{}", lo.clock_ns), "clock period the pipeline is cut for, ns"},
            {"hardware.use_dsp", lo.dsp_products ? "true" : "false", "products as DSP multiplies (else CSD shift-adds)"},
            {"hardware.sharing", lo.sharing == netlist::Sharing::cse ? "cse" : "none",
             "shared two-term subexpressions between a layer's neurons"},
            {"--levels-per-stage", std::to_string(lo.levels_per_stage), "(sim, synth) adder levels per pipeline stage; 0 = from the clock"},
            {"--backend", backend_, "(synth) yosys (the core, synth_xilinx) or vivado (the firmware package, out of "
                                    "context); an experiment's synthesis.backend chooses"},
            {"synthesis.timeout_seconds", fmt::format("{}", flow_.yosys.timeout_seconds), "synthesis tool wall-clock limit"},
            {"synthesis.memory_limit_mb", std::to_string(flow_.yosys.memory_limit_bytes >> 20), "yosys address-space limit"}};
  }
  bool has_reuse() const override { return false; }
  std::string estimator_flavor() const override { return "rtl"; }
  std::vector<std::string> backends() const override { return {"yosys", "vivado"}; }
  std::string backend() const override { return backend_; }
  // Vivado maps carries (CARRY8) and packs LUTs (LUT6_2) unlike yosys: its results do not refit
  // the yosys-calibrated rtl flavor.
  std::string calibrated_flavor() const override { return backend_ == "yosys" ? "rtl" : ""; }
  std::string tool() const override {
    if (backend_ == "yosys") return yosys_version(flow_.yosys.program);
    if (const auto path = find_program("vivado")) return path->string();
    throw ToolError("vivado", {}, "the synthesis tool is not on PATH", "vivado on PATH (AMD/Xilinx, not a Debian package)",
                    "no vivado on PATH");
  }
  std::vector<std::string> device_families() const override {
    std::vector<std::string> out;
    for (const auto& f : kFamilies) out.emplace_back(f.family);
    return out;
  }

  WrittenDesign write(const nn::QuantizedModel& model, const fs::path& dir) const override {
    WrittenDesign d;
    d.dir = dir;
    d.netlist = netlist::lower(model, flow_.lowering);
    firmware::VerilogOptions vo;
    vo.top = flow_.top;
    d.verilog = firmware::write_verilog(*d.netlist, vo);
    const std::string file = flow_.top + ".v";
    fs::create_directories(dir);
    std::ofstream out(dir / file, std::ios::binary | std::ios::trunc);
    out << d.verilog;
    if (!out) throw ConfigError((dir / file).string(), "", "cannot write file", "a writable folder", "write failed");
    d.files.push_back(file);
    // The firmware package around the core: top level, XDC, Vivado script, README.
    d.package = firmware::rtl_package_layout(firmware::port_layout(*d.netlist), package_);
    d.package_top = firmware::rtl_package_top(model, *d.package, package_);
    for (auto& f : firmware::write_rtl_package(dir, model, *d.package, package_, file)) d.files.push_back(std::move(f));
    return d;
  }

  SynthesisResult synthesize(const nn::QuantizedModel& model, const WrittenDesign& design,
                             const estimate::DeviceModel& device, const fs::path& out_dir) const override {
    NAS4ML_ASSERT(design.netlist.has_value(), "an rtl design carries its netlist");
    check_device_family(*this, device);
    if (backend_ == "vivado") {
      SynthesisResult r = run_vivado(design.dir, package_.top, limits_);
      fs::create_directories(out_dir);
      save_json_file(out_dir / "result.json", to_json(r));
      return r;
    }
    FlowOptions flow = flow_;
    for (const auto& f : kFamilies)
      if (device.family == f.family) flow.yosys.family = f.yosys_family;
    return synthesize_lowered(model, *design.netlist, design.verilog, device, out_dir, flow);
  }

  // The check runs the firmware package's top level, which holds the core: bit-exact outputs
  // (and classes), the latency at the ports = the netlist's + 2, reset and back-pressure.
  Verification verify(const WrittenDesign& design, const firmware::TestVectors& vectors,
                      const fs::path& work_dir) const override {
    NAS4ML_ASSERT(design.netlist.has_value() && design.package.has_value(), "an rtl design carries its netlist and package");
    const PackageSimulationReport r =
        simulate_rtl_package(design.verilog, design.package_top, *design.package, package_.top, vectors, work_dir);
    const auto& c = r.counts;
    Verification v;
    v.tool = "verilator";
    v.ok = r.ok();
    v.summary = fmt::format(
        "{} simulation of the firmware top level {} (rtl/{}.v around the core) on {} test samples with random "
        "valid/ready, stretches of m_axis_tready low and a reset in the middle of the stream: {} delivered, {} "
        "dropped by the reset, {} mismatches, {} class mismatches, latency {} cycles at the ports (netlist {} + 2), "
        "{} refused samples while the output flowed, {} handshake violations: {}.",
        r.tool_version.empty() ? "Verilator" : r.tool_version, package_.top, package_.top, c.samples, c.checked,
        c.dropped, c.mismatches, c.class_mismatches, c.latency, design.package->core.latency_cycles, c.stalls,
        c.protocol_errors, r.ok() ? "bit-exact" : "MISMATCH");
    v.details = Json{{"samples", c.samples},
                     {"checked", c.checked},
                     {"dropped_by_reset", c.dropped},
                     {"mismatches", c.mismatches},
                     {"class_mismatches", c.class_mismatches},
                     {"latency_cycles", c.latency},
                     {"expected_latency_cycles", r.expected_latency},
                     {"netlist_latency_cycles", design.package->core.latency_cycles},
                     {"stalls", c.stalls},
                     {"protocol_errors", c.protocol_errors}};
    return v;
  }

  const FlowOptions& flow() const { return flow_; }

 private:
  FlowOptions flow_;
  std::string backend_;
  ToolLimits limits_;
  firmware::RtlPackageOptions package_;
};

}  // namespace

std::unique_ptr<Target> make_rtl_target(const TargetSettings& settings) { return std::make_unique<RtlTarget>(settings); }

}  // namespace nas4ml::synth
