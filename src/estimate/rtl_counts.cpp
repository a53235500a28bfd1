#include "nas4ml/estimate/rtl_counts.hpp"

#include <algorithm>

#include "nas4ml/netlist/bit_liveness.hpp"
#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/lower.hpp"

namespace nas4ml::estimate {

using netlist::BitOrigin;
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
  for (const BitOrigin& o : n.origins(static_cast<NodeId>(&c - n.nodes.data())))
    out_bits += o.is_constant() ? 0 : 1;
  // Source bits above the kept window decide the overflow.
  const int overflow_bits = std::max(0, src.width + c.a.shift - (c.width - 1));
  const double compare = overflow_bits > 5 ? static_cast<double>(ceil_div(overflow_bits - 5, 5)) : 0.0;
  const bool low = shifted(src.lo, c.a.shift) < c.format.min_raw();
  const bool high = shifted(src.hi, c.a.shift) > c.format.max_raw();
  if (relu_follows) return std::max(0, out_bits - 1) + compare;
  if (low && high) return out_bits + compare;
  return 1 + compare;
}
}  // namespace

std::vector<LayerEstimate> count_netlist(const Netlist& n, int dsp_a_width, int dsp_b_width) {
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
  const std::vector<std::uint8_t>& live = n.live;  // computed by the lowering
  // Work tables per thread, reused from call to call (fresh pages cost more than the counting).
  // The SRL tables cover register bits only, numbered compactly (reg_first: a reg node's first
  // number), so that their cost follows the ~1/6 of all bits that are register bits.
  thread_local std::vector<std::uint8_t> read_by_relu, is_ff, has_next;
  thread_local std::vector<std::int32_t> reg_first, prev, ff_layer;
  read_by_relu.assign(nnodes, 0);
  reg_first.resize(nnodes);
  std::int32_t reg_bits = 0;
  for (std::size_t id = 0; id < nnodes; ++id) {
    const Node& node = n.nodes[id];
    if (node.kind == NodeKind::relu) read_by_relu[static_cast<std::size_t>(node.a.node)] = 1;
    reg_first[id] = reg_bits;
    if (node.kind == NodeKind::reg) reg_bits += node.width;
  }
  const auto nreg = static_cast<std::size_t>(reg_bits);
  prev.assign(nreg, -1);
  is_ff.assign(nreg, 0);
  has_next.assign(nreg, 0);
  ff_layer.resize(nreg);  // written wherever is_ff is set, read only there
  for (std::size_t id = 0; id < nnodes; ++id) {
    const Node& node = n.nodes[id];
    if (node.layer < 0) continue;
    LayerEstimate& le = layers[static_cast<std::size_t>(node.layer)];
    switch (node.kind) {
      case NodeKind::add:
      case NodeKind::sub:
        // An adder no output depends on is removed whole. (A live adder keeps its dead top
        // positions: they share CARRY4 cells with live ones; measured, docs/estimators.md.)
        if (netlist::highest_live_bit(n, live, static_cast<NodeId>(id)) < 0) break;
        ++le.adders;
        le.lut += node.adder.new_pairs;
        le.carry += static_cast<double>(ceil_div(node.adder.live_bits, 4));
        break;
      case NodeKind::cast: le.lut += cast_luts(n, node, read_by_relu[id] != 0); break;
      case NodeKind::multiply: {
        const Node& x = n.nodes[static_cast<std::size_t>(node.a.node)];
        const int wc = netlist::signed_width(node.value, node.value);
        const int wa = std::max(x.width, wc), wb = std::min(x.width, wc);
        if (node.width >= 9 && wa >= 2 && wb >= 2) {
          le.dsp += static_cast<double>(ceil_div(wa, dsp_a_width) * ceil_div(wb, dsp_b_width));
        } else {
          le.lut += static_cast<double>((netlist::csd_weight(node.value) - 1) * node.width);
        }
        break;
      }
      case NodeKind::reg: {
        const Node& src = n.nodes[static_cast<std::size_t>(node.a.node)];
        const bool reset = src.kind == NodeKind::relu;  // ReLU = synchronous reset: no SRL
        for (int j = 0; j < node.width; ++j) {
          const std::uint32_t bit = node.first_bit + static_cast<std::uint32_t>(j);
          const BitOrigin& o = n.bits[bit];
          if (o.kind != BitOrigin::Kind::signal || o.node != static_cast<NodeId>(id) || o.bit != j) continue;
          if (!live[bit]) continue;  // no output depends on it: synthesis removes it
          const auto self = static_cast<std::size_t>(reg_first[id] + j);
          is_ff[self] = reset ? 2 : 1;
          ff_layer[self] = node.layer;
          le.ff += 1;
          const BitOrigin& d = n.bits[src.first_bit + static_cast<std::uint32_t>(j)];
          if (reset || d.kind != BitOrigin::Kind::signal || d.inverted) continue;
          // A flip-flop (is_ff == 1) is a bit of a reg node: d.node is one when is_ff is set.
          const auto dn = static_cast<std::size_t>(d.node);
          if (n.nodes[dn].kind != NodeKind::reg) continue;
          const auto p = static_cast<std::size_t>(reg_first[dn] + d.bit);
          if (is_ff[p] == 1 && n.fanout[n.bit_index(d.node, d.bit)] == 1) {
            prev[self] = static_cast<std::int32_t>(p);
            has_next[p] = 1;
          }
        }
        break;
      }
      default: break;
    }
  }
  // SRL chains: walk back from every chain end (a flip-flop with no single-fanout successor).
  for (std::size_t b = 0; b < nreg; ++b) {
    if (is_ff[b] != 1 || has_next[b]) continue;
    int length = 1;
    for (std::int32_t p = prev[b]; p >= 0; p = prev[static_cast<std::size_t>(p)]) ++length;
    if (length < 3) continue;
    LayerEstimate& le = layers[static_cast<std::size_t>(ff_layer[b])];
    le.ff -= length;
    le.srl += static_cast<double>(ceil_div(length, 16));
  }
  return layers;
}

}  // namespace nas4ml::estimate
