#include "nas4ml/synth/synth_flow.hpp"

#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/firmware/verilog_writer.hpp"
#include "nas4ml/netlist/lower.hpp"

namespace nas4ml::synth {

ValidPipeCost valid_pipe_cost(int latency) {
  NAS4ML_ASSERT(latency >= 1, "a pipeline has at least one register");
  if (latency <= 2) return {latency, 0};
  if (latency <= 16) return {0, 1};
  return {1, (latency - 1 + 31) / 32};
}

Json raw_rtl_estimate(const nn::QuantizedModel& model, const estimate::DeviceModel& device,
                      const netlist::LoweringOptions& lowering, const std::string& flavor) {
  estimate::DeviceModel raw = device;
  raw.calibration.clear();  // identity: calibration is fitted against these raw numbers
  const estimate::Estimate e = estimate::make_estimator(flavor)->estimate(model, raw, estimate::estimate_options_for(lowering));
  const ValidPipeCost vp = flavor == "rtl" ? valid_pipe_cost(e.latency_cycles) : ValidPipeCost{};
  return Json{{"estimator", flavor},
              {"calibrated", false},
              {"device", device.name},
              {"clock_ns", e.clock_ns},
              {"lut", e.lut},
              {"ff", e.ff + vp.ff},
              {"srl", e.srl + vp.srl},
              {"carry", e.carry},
              {"dsp", e.dsp},
              {"bram18", e.bram18},
              {"latency_cycles", e.latency_cycles},
              {"valid_pipe", {{"ff", vp.ff}, {"srl", vp.srl}}}};
}

SynthesisResult synthesize_lowered(const nn::QuantizedModel& model, const netlist::Netlist& net, const std::string& verilog,
                                   const estimate::DeviceModel& device, const std::filesystem::path& out_dir,
                                   const FlowOptions& options) {
  if (options.yosys.use_dsp != options.lowering.dsp_products)
    throw ConfigError({}, "dsp", "the DSP option must be the same for the netlist and for yosys",
                      options.lowering.dsp_products ? "use_dsp on" : "use_dsp off",
                      options.yosys.use_dsp ? "on" : "off");
  SynthesisResult r = synthesize_with_yosys(verilog, options.top, out_dir, options.yosys);
  r.estimate = raw_rtl_estimate(model, device, options.lowering);
  NAS4ML_ASSERT(r.estimate.at("latency_cycles").get<int>() == net.latency_cycles,
                "the estimator and the writer lower the model alike");
  save_json_file(out_dir / "result.json", to_json(r));
  return r;
}

SynthesisResult synthesize_model(const nn::QuantizedModel& model, const estimate::DeviceModel& device,
                                 const std::filesystem::path& out_dir, const FlowOptions& options) {
  const netlist::Netlist net = netlist::lower(model, options.lowering);
  firmware::VerilogOptions vo;
  vo.top = options.top;
  return synthesize_lowered(model, net, firmware::write_verilog(net, vo), device, out_dir, options);
}

}  // namespace nas4ml::synth
