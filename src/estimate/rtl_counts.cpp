#include "nas4ml/estimate/rtl_counts.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/lookup.hpp"
#include "nas4ml/netlist/lower.hpp"

namespace nas4ml::estimate {

using netlist::Netlist;
using netlist::Node;
using netlist::NodeId;
using netlist::NodeKind;

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

/// floor(v * 2^shift): the cast's view of its source range.
std::int64_t shifted(std::int64_t v, int shift) { return shift >= 0 ? v * (std::int64_t{1} << shift) : v >> -shift; }

/// LUTs of a cast (measured with yosys 0.23 on single casts, docs/estimators.md): wiring unless it
/// saturates and can overflow. Then the register after it absorbs one clamp as a synchronous set
/// or reset (FDSE/FDRE) and every other bit-wise decision costs one LUT per output bit: with a
/// ReLU after the cast the ReLU takes the reset, so each bit but the sign pays for the clamp; with
/// no ReLU a one-sided clamp is free but for its comparison (one LUT), a two-sided one pays one
/// LUT per bit for the second side. Overflow bits beyond 5 need more comparison LUTs.
double cast_luts(const Netlist& n, const Node& c, bool relu_follows) {
  if (!c.may_overflow || c.format.overflow != Overflow::saturate) return 0;  // wiring
  const Node& src = n.nodes[static_cast<std::size_t>(c.a.node)];
  int out_bits = 0;
  for (int j = 0; j < c.width; ++j) out_bits += n.literals[c.first_bit + static_cast<std::uint32_t>(j)] >= 2;
  // Source bits above the kept window decide the overflow.
  const int overflow_bits = std::max(0, src.width + c.a.shift - (c.width - 1));
  const double compare = overflow_bits > 5 ? static_cast<double>(ceil_div(overflow_bits - 5, 5)) : 0.0;
  const bool low = shifted(src.lo, c.a.shift) < c.format.min_raw();
  const bool high = shifted(src.hi, c.a.shift) > c.format.max_raw();
  if (relu_follows) return std::max(0, out_bits - 1) + compare;
  if (low && high) return out_bits + compare;
  return 1 + compare;
}

/// LUTs of an activation ROM (netlist/lookup.hpp): each live output bit it generates is a
/// function of the signal address bits it depends on.
double lookup_luts(const Netlist& n, const Node& rom, const std::uint8_t* live) {
  const Node& src = n.nodes[static_cast<std::size_t>(rom.a.node)];
  std::uint64_t address = 0;
  for (int j = 0; j < src.width; ++j)
    if (n.literals[src.first_bit + static_cast<std::uint32_t>(j)] >= 2) address |= std::uint64_t{1} << j;
  const netlist::LookupContents c =
      netlist::lookup_contents(static_cast<nn::Activation>(rom.value), rom.format, src.lo, src.hi);
  double luts = 0.0;
  for (int j = 0; j < rom.width && j < static_cast<int>(c.depends.size()); ++j) {
    const std::uint32_t g = rom.first_bit + static_cast<std::uint32_t>(j);
    if (n.literals[g] == 2 + 2 * g && live[g])
      luts += netlist::rom_bit_luts(std::popcount(c.depends[static_cast<std::size_t>(j)] & address));
  }
  return luts;
}

/// Bits of `x`'s word that are signals (not constants): the width logic on it really works on.
int signal_bits(const Netlist& n, const Node& x) {
  int w = 0;
  for (int j = 0; j < x.width; ++j) w += n.literals[x.first_bit + static_cast<std::uint32_t>(j)] >= 2;
  return w;
}

/// LUTs and CARRY4 of an anomaly score's error term (square or absolute value) of a w-bit signed
/// word, as yosys 0.23 `synth_xilinx -nodsp` maps `$signed(x) * $signed(x)` (with the writer's
/// constant bits 1 and w*2-1 as literals) and `x[w-1] ? 0 - x : x` (measured, docs/estimators.md
/// "Anomaly score"): |x| is w - 1 LUTs and a w-bit carry chain; x^2 takes floor(w/2) CARRY4 and
/// the LUTs measured for its width (abc's mapping of the partial products' adder array with
/// MUXF7/8/9, irregular from width to width; 7 and 15 interpolated, <= 5 one LUT per result bit),
/// beyond 16 bits the least-squares fit c w^3 of the widths 8 to 16. A square whose operand is
/// an adder's result in the same cycle (the score's difference y_i - x_i) maps differently from
/// one of a register: measured as the difference and its square minus the difference alone,
/// it costs up to 12% more LUTs at 11 to 16 bits and less at 8 to 10.
double square_luts(int w, bool adder_operand) {
  static constexpr double registered[17] = {0, 0, 4, 6, 8, 10, 13, 35, 58, 112, 220, 187, 252, 373, 454, 546, 639};
  static constexpr double after_adder[17] = {0, 0, 4, 6, 8, 10, 14, 36, 59, 120, 200, 213, 279, 415, 508, 600, 691};
  if (w <= 16) return (adder_operand ? after_adder : registered)[std::max(0, w)];
  return (adder_operand ? 0.1743 : 0.1597) * w * w * w;
}

void add_error_term(LayerEstimate& le, const Node& term, int w, bool adder_operand, bool use_dsp, int dsp_a_width,
                    int dsp_b_width, int carry_bits) {
  if (term.kind == NodeKind::absolute) {
    le.lut += std::max(0, w - 1);
    le.carry += static_cast<double>(ceil_div(w, carry_bits));
    return;
  }
  if (use_dsp && term.width >= 9 && w >= 2) {  // the DSP variant: yosys' xilinx_dsp thresholds, as a product
    le.dsp += static_cast<double>(ceil_div(w, dsp_a_width) * ceil_div(w, dsp_b_width));
    return;
  }
  le.lut += square_luts(w, adder_operand);
  // floor(w/2) CARRY4 measured: a chain of 4 * floor(w/2) bits, in the flavor's carry cells
  le.carry += static_cast<double>(ceil_div(4 * std::max(1, w / 2), carry_bits));
}

/// Whether any of the n bytes at p is nonzero: a few word loads (the first and last ones may
/// overlap the others) instead of a loop over the bytes.
bool any_set(const std::uint8_t* p, int n) {
  auto word = [p](int i, auto w) {
    std::memcpy(&w, p + i, sizeof w);
    return static_cast<std::uint64_t>(w);
  };
  if (n >= 8) {
    std::uint64_t any = word(0, std::uint64_t{}) | word(n - 8, std::uint64_t{});
    for (int i = 8; i < n - 8; i += 8) any |= word(i, std::uint64_t{});
    return any != 0;
  }
  if (n >= 4) return (word(0, std::uint32_t{}) | word(n - 4, std::uint32_t{})) != 0;
  for (int i = 0; i < n; ++i)
    if (p[i]) return true;
  return false;
}

/// Adds (sign 1) or removes (sign -1) a chain of `length` single-fanout flip-flops of the chain's
/// last layer: from 3 on, a chain is one shift-register LUT per `depth` flip-flops (SRL16: 16)
/// instead of its flip-flops.
void add_chain(LayerEstimate& le, std::int32_t length, int sign, int depth) {
  if (length < 3) return;
  le.ff -= sign * length;
  le.srl += sign * static_cast<double>(ceil_div(length, depth));
}
}  // namespace

std::vector<LayerEstimate> count_netlist(const Netlist& n, int dsp_a_width, int dsp_b_width, const CarryShiftCells& cells) {
  const int carry_bits = cells.carry_bits, srl_depth = cells.srl_depth;
  std::vector<LayerEstimate> layers(n.layers.size());
  for (std::size_t k = 0; k < n.layers.size(); ++k) {
    const auto& l = n.layers[k];
    layers[k].index = static_cast<int>(k);
    layers[k].n_in = l.n_in;
    layers[k].n_out = l.n_out;
    layers[k].latency_cycles = l.output_stage - l.first_stage;
    layers[k].ii = 1;
    for (std::size_t o = 0; o < l.outputs.size(); ++o)
      layers[k].live_neurons += l.outputs[o] != netlist::no_node && !l.constant_output[o];
  }
  const std::size_t nnodes = n.nodes.size();
  const std::uint8_t* live = n.live.data();  // computed by the lowering
  // Work tables per thread, reused from call to call (fresh pages cost more than the counting).
  // SRL chains are followed as they grow: chain[g] is the length of the chain of single-fanout
  // flip-flops ending at bit g (0: not a flip-flop, or a reset one), by global bit index, with
  // the chain's layer above bit 20 (kLayerShift), written for the bits of registers only. An
  // entry counts when its top 32 bits are this call's stamp: the table is never cleared.
  constexpr int kLayerShift = 20;
  constexpr std::int32_t kLengthMask = (1 << kLayerShift) - 1;
  thread_local std::vector<std::uint8_t> read_by_relu;
  thread_local std::vector<std::uint64_t> chain;
  thread_local std::uint64_t stamp = 0;
  thread_local std::vector<NodeId> clamps;  // saturating casts that may overflow
  read_by_relu.assign(nnodes, 0);
  if (chain.size() < n.literals.size()) chain.resize(n.literals.size(), 0);
  if (++stamp == std::uint64_t{1} << 32) {  // the stamps ran out: start again from a clean table
    std::fill(chain.begin(), chain.end(), 0);
    stamp = 1;
  }
  const std::uint64_t tag = stamp << 32;
  auto chain_at = [&](std::uint32_t g) -> std::int32_t {
    const std::uint64_t e = chain[g];
    return (e >> 32) == stamp ? static_cast<std::int32_t>(e & 0xFFFFFFFF) : 0;
  };
  clamps.clear();
  const std::uint32_t* lits = n.literals.data();
  for (std::size_t id = 0; id < nnodes; ++id) {
    const Node& node = n.nodes[id];
    if (node.layer < 0) continue;
    LayerEstimate& le = layers[static_cast<std::size_t>(node.layer)];
    switch (node.kind) {
      case NodeKind::add:
      case NodeKind::sub:
        // An adder no output depends on is removed whole. (A live adder keeps its dead top
        // positions: they share CARRY4 cells with live ones; measured, docs/estimators.md.)
        if (!any_set(live + node.first_bit, node.width)) break;
        ++le.adders;
        le.lut += node.adder.new_pairs;
        le.carry += static_cast<double>(ceil_div(node.adder.live_bits, carry_bits));
        break;
      case NodeKind::cast:  // counted below, once the ReLUs reading them are known
        if (node.may_overflow && node.format.overflow == Overflow::saturate) clamps.push_back(static_cast<NodeId>(id));
        break;
      case NodeKind::relu: read_by_relu[static_cast<std::size_t>(node.a.node)] = 1; break;
      case NodeKind::lookup: le.lut += lookup_luts(n, node, live); break;
      case NodeKind::square:
      case NodeKind::absolute:
        if (any_set(live + node.first_bit, node.width)) {
          const Node& x = n.nodes[static_cast<std::size_t>(node.a.node)];
          add_error_term(le, node, signal_bits(n, x), x.kind == NodeKind::add || x.kind == NodeKind::sub,
                         n.options.dsp_products, dsp_a_width, dsp_b_width, carry_bits);
        }
        break;
      case NodeKind::multiply: {
        const Node& x = n.nodes[static_cast<std::size_t>(node.a.node)];
        const int wc = netlist::signed_width(node.value, node.value);
        const int xw = x.width, wa = std::max(xw, wc), wb = std::min(xw, wc);
        if (node.width >= 9 && wa >= 2 && wb >= 2) {
          le.dsp += static_cast<double>(ceil_div(wa, dsp_a_width) * ceil_div(wb, dsp_b_width));
        } else {
          le.lut += static_cast<double>((netlist::csd_weight(node.value) - 1) * node.width);
        }
        break;
      }
      case NodeKind::reg: {
        std::uint64_t* length = chain.data() + node.first_bit;
        const std::int32_t layer_tag = node.layer << kLayerShift;
        const Node& src = n.nodes[static_cast<std::size_t>(node.a.node)];
        // Live bits are generated by their own node: flip-flops. The others are constants,
        // duplicates of another flip-flop, or no output depends on them (synthesis removes them).
        const std::uint8_t* ff = live + node.first_bit;
        int ffs = 0;
        if (src.kind == NodeKind::relu) {  // ReLU = synchronous reset: no SRL
          for (int j = 0; j < node.width; ++j) {
            ffs += ff[j];
            length[j] = tag;
          }
          le.ff += ffs;
          break;
        }
        const std::uint32_t* in = lits + src.first_bit;  // what each flip-flop stores
        for (int j = 0; j < node.width; ++j) {
          ffs += ff[j];
          length[j] = tag | static_cast<std::uint32_t>(ff[j] ? 1 | layer_tag : 0);
          const std::uint32_t d = in[j];
          if (!ff[j] || d < 2 || (d & 1) != 0) continue;  // a constant or an inverted bit
          const std::uint32_t g = (d - 2) >> 1;             // the generating bit, an earlier node's
          const std::int32_t before = chain_at(g);
          if (before == 0 || n.fanout[g] != 1) continue;  // not a flip-flop, or it drives more
          // The chain that ended at g now ends here.
          const std::int32_t was = before & kLengthMask;
          length[j] = tag | static_cast<std::uint32_t>((was + 1) | layer_tag);
          add_chain(layers[static_cast<std::size_t>(before >> kLayerShift)], was, -1, srl_depth);
          add_chain(le, was + 1, 1, srl_depth);
        }
        le.ff += ffs;
        break;
      }
      default: break;
    }
  }
  for (NodeId id : clamps) {
    const Node& node = n.nodes[static_cast<std::size_t>(id)];
    layers[static_cast<std::size_t>(node.layer)].lut += cast_luts(n, node, read_by_relu[static_cast<std::size_t>(id)] != 0);
  }
  return layers;
}

}  // namespace nas4ml::estimate
