#include "nas4ml/estimate/estimator.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/complexity.hpp"
#include "nas4ml/estimate/hls_model.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/estimate/rtl_counts.hpp"
#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/lower.hpp"

namespace nas4ml::estimate {

namespace {

double clock_of(const DeviceModel& d, const EstimateOptions& o) {
  if (o.clock_ns < 0 || !std::isfinite(o.clock_ns))
    throw ConfigError("", "--clock-ns", "clock period must be positive (ns)", "> 0", std::to_string(o.clock_ns));
  return o.clock_ns > 0 ? o.clock_ns : d.default_clock_ns;
}

void add_complexity(Estimate& e, const nn::QuantizedModel& m) {
  for (std::size_t k = 0; k < m.layers.size() && k < e.layers.size(); ++k) {
    e.layers[k].bops = layer_bops(m, k);
    e.layers[k].ebops = layer_ebops(m, k);
  }
}

/// `rtl`: bit-level counts of the netlist the Verilog writer prints (rtl_counts.hpp), in the
/// cells of one synthesis tool: `rtl` yosys' (CARRY4, SRL16E), `rtl_vivado` Vivado's (CARRY8,
/// SRLC32E), each flavor with its own calibration in the device file.
class RtlEstimator final : public Estimator {
 public:
  RtlEstimator(std::string name, CarryShiftCells cells) : name_(std::move(name)), cells_(cells) {}
  std::string name() const override { return name_; }
  Estimate estimate(const nn::QuantizedModel& model, const DeviceModel& device,
                    const EstimateOptions& options) const override {
    Estimate e;
    e.flavor = name();
    e.device = device.name;
    e.clock_ns = clock_of(device, options);
    netlist::LoweringOptions lo;
    lo.clock_ns = e.clock_ns;
    lo.levels_per_stage = options.levels_per_stage;
    lo.dsp_products = options.dsp_products;
    lo.sharing = options.sharing;
    lo.sharing_effort = options.sharing_effort;
    lo.decode_origins = false;  // counting reads Netlist::literals
    // One netlist per thread, rebuilt in place call after call: its ~2 MB of arrays keep their
    // pages (a fresh netlist costs ~150 page faults per estimate, docs/netlist.md "Speed").
    thread_local netlist::Netlist n;
    netlist::lower(model, lo, n);
    e.layers = count_netlist(n, device.dsp_a_width, device.dsp_b_width, cells_);
    add_complexity(e, model);
    finish_estimate(e, device);
    e.latency_cycles = n.latency_cycles;
    e.latency_ns = e.latency_cycles * e.clock_ns;
    return e;
  }

 private:
  std::string name_;
  CarryShiftCells cells_;
};

/// DSP-vs-LUT policy of one HLS tool version for constant-weight products (docs/estimators.md):
/// the fraction of multipliers put on DSPs, by weight width, read off published csynth reports of
/// the jet MLP (hls4ml, github.com/fastmachinelearning/hls4ml).
struct DspPolicy {
  const char* tool;
  double wide_fraction;    ///< weights of >= 9 bits
  double narrow_fraction;  ///< weights of < 9 bits
};
constexpr DspPolicy dsp_policies[] = {
    {"vivado-2019.2", 3943.0 / 4256.0, 221.0 / 1064.0},  // <16,6> R=1: 3943 of 4256; 6-bit 75% pruned: 221 of 1064
    {"vitis-2024.1", 1502.0 / 4256.0, 34.0 / 1064.0},    // <16,6> R=1: 1502 of 4256; 6-bit 75% pruned: 34 of 1064
    {"hls4ml-rule", 1.0, 0.0},  // hls4ml's own objective: every product on a DSP unless weights < 9 bits
};

const DspPolicy& policy_of(const std::string& tool) {
  for (const auto& p : dsp_policies)
    if (tool == p.tool) return p;
  throw ConfigError("", "hls tool", "unknown HLS tool version for the DSP policy",
                    "vivado-2019.2, vitis-2024.1 or hls4ml-rule", tool);
}

/// `hls`: the hls4ml io_parallel dense layer (latency/resource strategy, reuse factor).
class HlsEstimator final : public Estimator {
 public:
  std::string name() const override { return "hls"; }
  Estimate estimate(const nn::QuantizedModel& model, const DeviceModel& device,
                    const EstimateOptions& options) const override {
    Estimate e;
    e.flavor = name();
    e.device = device.name;
    e.clock_ns = clock_of(device, options);
    const DspPolicy& policy = policy_of(options.hls_tool);
    netlist::LoweringOptions delay;  // the same per-adder-level delay model as the rtl netlist
    delay.clock_ns = e.clock_ns;
    int total_cycles = 0, ii = 1;
    for (std::size_t k = 0; k < model.layers.size(); ++k) {
      const auto& l = model.layers[k];
      const FixedFormat& fin = k == 0 ? model.input_format : model.layers[k - 1].result_format;
      LayerEstimate le;
      le.index = static_cast<int>(k);
      le.n_in = l.n_in;
      le.n_out = l.n_out;
      if (l.reuse_factor < 1)
        throw ConfigError("", "layers[" + std::to_string(k) + "].reuse_factor", "reuse factor must be >= 1", ">= 1",
                          std::to_string(l.reuse_factor));
      int R = l.reuse_factor;
      if (!hls_reuse_factor_valid(l.n_in, l.n_out, R)) {
        const int v = hls_nearest_valid_reuse_factor(l.n_in, l.n_out, R);
        if (l.strategy == nn::Strategy::resource) {
          le.note = "R moved from " + std::to_string(R) + " to " + std::to_string(v) + " (nearest valid)";
          R = v;
        } else {
          le.note = "R " + std::to_string(R) + " is not a valid hls4ml reuse factor (nearest " + std::to_string(v) + ")";
        }
      }
      le.reuse_factor = R;
      std::int64_t zeros = 0, csd_adders = 0;
      for (auto w : l.weights) {
        zeros += w == 0;
        if (w != 0) csd_adders += netlist::csd_weight(w) - 1;
      }
      const std::int64_t n = std::int64_t{l.n_in} * l.n_out;
      const int bw = l.weight_format.width, ba = fin.width;
      const int acc = ba + bw + static_cast<int>(std::ceil(std::log2(std::max(1, l.n_in)))) + 1;
      const bool latency = l.strategy == nn::Strategy::latency;
      // Multipliers: latency strategy drops zero products; resource strategy keeps them.
      const std::int64_t mults = latency ? hls_multiplier_limit(l.n_in, l.n_out, R, zeros)
                                         : (n + R - 1) / R;
      le.adders = static_cast<int>(mults);
      const double frac = bw >= 9 ? policy.wide_fraction : policy.narrow_fraction;
      le.dsp = std::round(frac * static_cast<double>(mults));
      const double lut_mults = static_cast<double>(mults) - le.dsp;
      // LUT products: at R = 1 constant multipliers of (CSD digits - 1) adders of ba + bw bits
      // (the average over the kept weights); at R > 1 general multipliers, ~ ba * bw LUTs.
      const double kept = static_cast<double>(n - zeros);
      const double per_const = kept > 0 ? static_cast<double>(csd_adders) / kept * (ba + bw) : 0.0;
      const double per_mult = R == 1 && latency ? per_const : static_cast<double>(ba * bw);
      // Adder trees: per output, one accumulator add per multiplier result.
      const double tree = static_cast<double>(mults) * acc;
      le.lut = lut_mults * per_mult + tree + (R > 1 ? static_cast<double>(mults) * ba : 0.0);  // + input muxes
      // Latency: a product cycle, the adder tree's levels packed into clock periods, R - 1 more
      // iterations; resource strategy ~ R + 3 (a loop of R iterations and its prologue).
      const int levels = static_cast<int>(std::ceil(std::log2(std::max(2, l.n_in))));
      const double t_level = delay.level_base_ns + delay.level_per_bit_ns * acc;
      const int tree_cycles = static_cast<int>(std::ceil(levels * t_level / e.clock_ns));
      le.latency_cycles = latency ? 1 + tree_cycles + (R - 1) : R + 3;
      le.ii = R;
      // FF: the accumulator of every output each cycle of the pipeline, plus multiplier outputs.
      le.ff = static_cast<double>(l.n_out) * acc * std::max(1, le.latency_cycles - 1) +
              (le.dsp > 0 ? le.dsp * (ba + bw) : 0.0);
      le.bram18 = latency ? 0.0 : static_cast<double>(hls_weight_bram18(l.n_in, l.n_out, R, bw));
      // Another activation than relu/linear: the HLS project's table (hls_model.hpp), read by every neuron.
      if (!nn::activation_kind(l.activation).hls_supported()) {
        const HlsTableCost t = hls_activation_table(l.activation, l.result_format, l.n_out, R,
                                                    "$.layers[" + std::to_string(k) + "].result_format");
        le.lut += t.lut;
        le.ff += t.ff;
        le.bram18 += t.bram18;
        le.latency_cycles += t.latency_cycles;
        le.note += (le.note.empty() ? "" : "; ") +
                   fmt::format("{} table: {} entries x {} bits, {} {} ROM{}", nn::to_string(l.activation), t.entries,
                               t.bits, t.bram ? (t.ports + 1) / 2 : t.ports, t.bram ? "BRAM" : "LUT",
                               (t.bram ? (t.ports + 1) / 2 : t.ports) == 1 ? "" : "s");
      }
      le.live_neurons = l.n_out;
      total_cycles += le.latency_cycles;
      ii = std::max(ii, R);
      e.layers.push_back(le);
    }
    add_complexity(e, model);
    finish_estimate(e, device);
    e.latency_cycles = total_cycles;
    e.latency_ns = total_cycles * e.clock_ns;
    e.ii = ii;
    return e;
  }
};

}  // namespace

EstimateOptions estimate_options_for(const netlist::LoweringOptions& lowering) {
  EstimateOptions o;
  o.clock_ns = lowering.clock_ns;
  o.levels_per_stage = lowering.levels_per_stage;
  o.dsp_products = lowering.dsp_products;
  o.sharing = lowering.sharing;
  o.sharing_effort = lowering.sharing_effort;
  return o;
}

std::unique_ptr<Estimator> make_estimator(std::string_view flavor) {
  if (flavor == "rtl") return std::make_unique<RtlEstimator>("rtl", CarryShiftCells{4, 16});
  if (flavor == "hls") return std::make_unique<HlsEstimator>();
  if (flavor == "rtl_vivado") return std::make_unique<RtlEstimator>("rtl_vivado", CarryShiftCells{8, 32});
  throw ConfigError("", "estimator flavor", "unknown estimator", "rtl, hls or rtl_vivado", std::string(flavor));
}

void finish_estimate(Estimate& e, const DeviceModel& device) {
  double lut = 0, ff = 0, srl = 0, carry = 0, dsp = 0, bram = 0, bops = 0, ebops = 0;
  int cycles = 0, ii = 1;
  for (const auto& l : e.layers) {
    lut += l.lut;
    ff += l.ff;
    srl += l.srl;
    carry += l.carry;
    dsp += l.dsp;
    bram += l.bram18;
    bops += l.bops;
    ebops += l.ebops;
    cycles += l.latency_cycles;
    ii = std::max(ii, l.ii);
  }
  const FlavorCalibration c = device.calibration_for(e.flavor);
  e.lut = std::max(0.0, c.lut.apply(lut));
  e.ff = std::max(0.0, c.ff.apply(ff));
  e.dsp = std::max(0.0, c.dsp.apply(dsp));
  e.bram18 = std::max(0.0, c.bram18.apply(bram));
  e.srl = srl;
  e.carry = carry;
  e.bops = bops;
  e.ebops = ebops;
  e.latency_cycles = cycles;
  e.latency_ns = cycles * e.clock_ns;
  e.ii = ii;
  auto pct = [](double used, std::int64_t total) { return total > 0 ? 100.0 * used / static_cast<double>(total) : 0.0; };
  e.lut_pct = pct(e.lut + e.srl, device.lut);  // an SRL16E occupies a LUT
  e.ff_pct = pct(e.ff, device.ff);
  e.dsp_pct = pct(e.dsp, device.dsp);
  e.bram18_pct = pct(e.bram18, device.bram18);
}

Json to_json(const Estimate& e) {
  Json layers = Json::array();
  for (const auto& l : e.layers) {
    Json j = {{"index", l.index},   {"n_in", l.n_in},     {"n_out", l.n_out}, {"lut", l.lut},
              {"ff", l.ff},         {"srl", l.srl},       {"carry", l.carry}, {"dsp", l.dsp},
              {"bram18", l.bram18}, {"latency_cycles", l.latency_cycles},     {"ii", l.ii},
              {"bops", l.bops},     {"ebops", l.ebops},   {"adders", l.adders},
              {"live_neurons", l.live_neurons},           {"reuse_factor", l.reuse_factor}};
    if (!l.note.empty()) j["note"] = l.note;
    layers.push_back(j);
  }
  return {{"flavor", e.flavor},
          {"device", e.device},
          {"clock_ns", e.clock_ns},
          {"lut", e.lut},
          {"ff", e.ff},
          {"srl", e.srl},
          {"carry", e.carry},
          {"dsp", e.dsp},
          {"bram18", e.bram18},
          {"latency_cycles", e.latency_cycles},
          {"latency_ns", e.latency_ns},
          {"ii", e.ii},
          {"utilization_pct", {{"lut", e.lut_pct}, {"ff", e.ff_pct}, {"dsp", e.dsp_pct}, {"bram18", e.bram18_pct}}},
          {"bops", e.bops},
          {"ebops", e.ebops},
          {"layers", layers}};
}

}  // namespace nas4ml::estimate
