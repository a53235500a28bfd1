#include "nas4ml/synth/rtl_target.hpp"

#include <fstream>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/synth/simulator.hpp"

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

class RtlTarget final : public Target {
 public:
  explicit RtlTarget(const TargetSettings& s) : flow_(rtl_flow_options(s)) {}

  std::string name() const override { return "rtl"; }
  std::string description() const override {
    return "netlist -> Verilog -> yosys synth_xilinx; Verilator check; fully parallel (II = 1, no reuse factor)";
  }
  std::vector<TargetOption> options() const override {
    const auto& lo = flow_.lowering;
    return {{"hardware.clock_ns", fmt::format("{}", lo.clock_ns), "clock period the pipeline is cut for, ns"},
            {"hardware.use_dsp", lo.dsp_products ? "true" : "false", "products as DSP multiplies (else CSD shift-adds)"},
            {"hardware.sharing", lo.sharing == netlist::Sharing::cse ? "cse" : "none",
             "shared two-term subexpressions between a layer's neurons"},
            {"--levels-per-stage", std::to_string(lo.levels_per_stage), "(sim, synth) adder levels per pipeline stage; 0 = from the clock"},
            {"synthesis.timeout_seconds", fmt::format("{}", flow_.yosys.timeout_seconds), "yosys wall-clock limit"},
            {"synthesis.memory_limit_mb", std::to_string(flow_.yosys.memory_limit_bytes >> 20), "yosys address-space limit"}};
  }
  bool has_reuse() const override { return false; }
  std::string estimator_flavor() const override { return "rtl"; }

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
    return d;
  }

  SynthesisResult synthesize(const nn::QuantizedModel& model, const WrittenDesign& design,
                             const estimate::DeviceModel& device, const fs::path& out_dir) const override {
    NAS4ML_ASSERT(design.netlist.has_value(), "an rtl design carries its netlist");
    return synthesize_lowered(model, *design.netlist, design.verilog, device, out_dir, flow_);
  }

  Verification verify(const WrittenDesign& design, const firmware::TestVectors& vectors,
                      const fs::path& work_dir) const override {
    NAS4ML_ASSERT(design.netlist.has_value(), "an rtl design carries its netlist");
    const SimulationReport r =
        simulate_design(design.verilog, flow_.top, firmware::port_layout(*design.netlist), vectors, work_dir);
    Verification v;
    v.tool = r.simulator;
    v.ok = r.ok();
    v.summary = fmt::format("{} simulation of {} test samples: {} checked, {} mismatches, latency {} cycles "
                            "(netlist: {}): {}.",
                            r.simulator, r.counts.samples, r.counts.checked, r.counts.mismatches, r.counts.latency,
                            r.expected_latency, r.ok() ? "bit-exact" : "MISMATCH");
    v.details = Json{{"samples", r.counts.samples},       {"checked", r.counts.checked},
                     {"mismatches", r.counts.mismatches}, {"latency_cycles", r.counts.latency},
                     {"netlist_latency_cycles", r.expected_latency}};
    return v;
  }

  const FlowOptions& flow() const { return flow_; }

 private:
  FlowOptions flow_;
};

}  // namespace

std::unique_ptr<Target> make_rtl_target(const TargetSettings& settings) { return std::make_unique<RtlTarget>(settings); }

}  // namespace nas4ml::synth
