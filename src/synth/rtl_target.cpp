#include "nas4ml/synth/rtl_target.hpp"

#include <fstream>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/firmware/rtl_package.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
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

// The package top level's instance of the core (templates/rtl/axis_top.v.tpl), whose row of
// Vivado's hierarchical utilization report is what the rtl_vivado estimator predicts.
constexpr const char* kCoreInstance = "u_core";
// The record of how the design was made (lowering options, names), for result_from_reports().
constexpr const char* kDesignRecord = "design.json";

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
            {"hardware.sharing_effort", std::to_string(lo.sharing_effort), "with cse: runs of the subexpression search per layer, the fewest adders kept"},
            {"--levels-per-stage", std::to_string(lo.levels_per_stage), "(sim, synth) adder levels per pipeline stage; 0 = from the clock"},
            {"--backend", backend_, "(synth) yosys (the core, synth_xilinx) or vivado (the firmware package, out of "
                                    "context); an experiment's synthesis.backend chooses"},
            {"synthesis.timeout_seconds", fmt::format("{}", flow_.yosys.timeout_seconds), "synthesis tool wall-clock limit"},
            {"synthesis.memory_limit_mb", std::to_string(flow_.yosys.memory_limit_bytes >> 20), "yosys address-space limit"}};
  }
  bool has_reuse() const override { return false; }
  // Each backend has its own flavor: Vivado maps carries (CARRY8), shift registers (SRLC32E) and
  // packs LUTs (LUT6_2) unlike yosys, so its results calibrate rtl_vivado, never rtl.
  std::string estimator_flavor() const override { return backend_ == "yosys" ? "rtl" : "rtl_vivado"; }
  std::vector<std::string> backends() const override { return {"yosys", "vivado"}; }
  std::string backend() const override { return backend_; }
  std::string calibrated_flavor() const override { return estimator_flavor(); }
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
    // The argmax tree is cut like the core: as many comparison levels per stage as its last
    // layer has adder levels.
    firmware::RtlPackageOptions po = package_;
    po.argmax_levels_per_stage = d.netlist->layers.empty() ? 1 : d.netlist->layers.back().levels_per_stage;
    d.package = firmware::rtl_package_layout(firmware::port_layout(*d.netlist), po);
    d.package_top = firmware::rtl_package_top(model, *d.package, po);
    for (auto& f : firmware::write_rtl_package(dir, model, *d.package, po, file)) d.files.push_back(std::move(f));
    save_json_file(dir / kDesignRecord, design_record());
    d.files.push_back(kDesignRecord);
    return d;
  }

  // A folder holding design.json of this target, its model beside or above it, Vivado's reports.
  std::optional<SynthesisResult> result_from_reports(const fs::path& design_dir,
                                                     const estimate::DeviceModel& device) const override {
    const fs::path dir = design_dir.filename().empty() ? design_dir.parent_path() : design_dir;  // "rtl/"
    const fs::path record_file = dir / kDesignRecord;
    if (!fs::is_regular_file(record_file)) return std::nullopt;
    const Json record = load_json_file(record_file);
    if (!record.is_object() || record.value("target", "") != name()) return std::nullopt;
    const JsonView v(record, record_file.string());
    v.check_keys({"target", "top", "package_top", "core_instance", "clock_ns", "levels_per_stage", "dsp_products", "sharing", "sharing_effort"});
    TargetSettings s;
    s.backend = "vivado";
    s.top = v.get_string("top");
    s.lowering.clock_ns = v.get_number("clock_ns", 0.01, 1e6);
    s.lowering.levels_per_stage = static_cast<int>(v.get_int("levels_per_stage", 0, 1 << 20));
    s.lowering.dsp_products = v.get_bool("dsp_products");
    s.lowering.sharing = netlist::parse_sharing(v.get_string("sharing"), record_file.string(), "$.sharing");
    s.lowering.sharing_effort = static_cast<int>(v.get_int("sharing_effort", 1, netlist::kMaxSharingEffort, 1));
    const fs::path reports = dir / "reports" / "utilization.rpt";
    if (!fs::exists(reports))
      throw ConfigError(reports.string(), "", "no Vivado reports in this design folder",
                        "the reports build_vivado.tcl writes (run vivado -mode batch -source build_vivado.tcl there)", "none");
    fs::path model_file = dir / "model.q.json";
    if (!fs::exists(model_file)) model_file = dir.parent_path() / "model.q.json";
    if (!fs::exists(model_file))
      throw ConfigError((dir / "model.q.json").string(), "", "no model beside the design",
                        "model.q.json in the design folder or its parent (as `nas4ml emit` writes it)", "none");
    SynthesisResult r = vivado_package_result(dir, v.get_string("core_instance"));
    const std::string design = r.package.at("instance").get<std::string>();
    if (design != v.get_string("package_top"))
      throw ToolError(reports.string(), "Design", "the report is of another design", v.get_string("package_top"), design);
    r.estimate = raw_rtl_estimate(nn::load_quantized_model(model_file), device, s.lowering, "rtl_vivado");
    return r;
  }

  SynthesisResult synthesize(const nn::QuantizedModel& model, const WrittenDesign& design,
                             const estimate::DeviceModel& device, const fs::path& out_dir) const override {
    NAS4ML_ASSERT(design.netlist.has_value(), "an rtl design carries its netlist");
    check_device_family(*this, device);
    if (backend_ == "vivado") {
      SynthesisResult r = run_vivado(design.dir, package_.top, kCoreInstance, limits_);
      r.estimate = raw_rtl_estimate(model, device, flow_.lowering, calibrated_flavor());
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
        "dropped by the reset, {} mismatches, {} class mismatches, latency {} cycles at the ports (netlist {} + argmax {} "
        "+ 2), "
        "{} refused samples while the output flowed, {} handshake violations: {}.",
        r.tool_version.empty() ? "Verilator" : r.tool_version, package_.top, package_.top, c.samples, c.checked,
        c.dropped, c.mismatches, c.class_mismatches, c.latency, design.package->core.latency_cycles,
        design.package->argmax_stages, c.stalls,
        c.protocol_errors, r.ok() ? "bit-exact" : "MISMATCH");
    v.details = Json{{"samples", c.samples},
                     {"checked", c.checked},
                     {"dropped_by_reset", c.dropped},
                     {"mismatches", c.mismatches},
                     {"class_mismatches", c.class_mismatches},
                     {"latency_cycles", c.latency},
                     {"expected_latency_cycles", r.expected_latency},
                     {"netlist_latency_cycles", design.package->core.latency_cycles},
                     {"argmax_stages", design.package->argmax_stages},
                     {"stalls", c.stalls},
                     {"protocol_errors", c.protocol_errors}};
    return v;
  }

  const FlowOptions& flow() const { return flow_; }

 private:
  // What result_from_reports() needs to recompute the design's estimate.
  Json design_record() const {
    const auto& lo = flow_.lowering;
    Json record{{"target", name()},
                {"top", flow_.top},
                {"package_top", package_.top},
                {"core_instance", kCoreInstance},
                {"clock_ns", lo.clock_ns},
                {"levels_per_stage", lo.levels_per_stage},
                {"dsp_products", lo.dsp_products},
                {"sharing", netlist::to_string(lo.sharing)}};
    if (lo.sharing_effort != 1) record["sharing_effort"] = lo.sharing_effort;  // absent = 1
    return record;
  }

  FlowOptions flow_;
  std::string backend_;
  ToolLimits limits_;
  firmware::RtlPackageOptions package_;
};

}  // namespace

std::unique_ptr<Target> make_rtl_target(const TargetSettings& settings) { return std::make_unique<RtlTarget>(settings); }

}  // namespace nas4ml::synth
