#include "register_cut.hpp"

#include <unordered_map>
#include <vector>

#include "register_placement.hpp"

namespace nas4ml::bench {

using netlist::NodeId;
using netlist::NodeKind;

RegisterCut register_cut(const netlist::Netlist& n, const netlist::NetlistLayer& l) {
  RegisterCut out;
  const int K = l.levels_per_stage, stages = l.output_stage - l.first_stage;
  if (stages < 2 || K <= 0) return out;
  out.multi_cycle = true;
  auto node = [&](NodeId id) -> const netlist::Node& { return n.nodes[static_cast<std::size_t>(id)]; };
  auto origin = [&](NodeId id) {
    while (node(id).kind == NodeKind::reg) id = node(id).a.node;
    return id;
  };
  auto is_adder = [&](NodeId id) { return node(id).kind == NodeKind::add || node(id).kind == NodeKind::sub; };
  // The layer's values: its inputs and adders, numbered densely.
  std::unordered_map<NodeId, int> index;
  std::vector<NodeId> ids;
  auto add = [&](NodeId id) {
    if (index.emplace(id, static_cast<int>(ids.size())).second) ids.push_back(id);
  };
  for (NodeId in : l.inputs)
    if (in != netlist::no_node && node(in).kind != NodeKind::constant) add(origin(in));
  PlacementGraph g;
  g.inputs = static_cast<int>(ids.size());
  for (NodeId id = l.first_node; id < l.end_node; ++id)
    if (is_adder(id)) add(id);
  const std::size_t v = ids.size();
  g.operands.assign(v, {-1, -1});
  g.bits.assign(v, 0);
  g.to_output.assign(v, 0);
  std::vector<int> built(v, 0);
  g.adder.assign(v, 1);
  // A node's register bits: its signal bits (not constants), those of its own only if live (the
  // live flags mark generated bits; a wiring node, such as a nonnegative word, generates none).
  auto signal_bits = [&](NodeId id, bool live_only) {
    std::int64_t count = 0;
    for (int j = 0; j < node(id).width; ++j) {
      const std::size_t b = node(id).first_bit + static_cast<std::size_t>(j);
      count += (!live_only || n.live[b] != 0) && n.literals[b] >= 2;
    }
    return count;
  };
  auto generates_a_bit = [&](const netlist::Node& x) {
    for (int j = 0; j < x.width; ++j)
      if (n.literals[x.first_bit + static_cast<std::size_t>(j)] == 2 + 2 * (x.first_bit + static_cast<std::size_t>(j)))
        return true;
    return false;
  };
  for (std::size_t i = 0; i < v; ++i) {
    const netlist::Node& x = node(ids[i]);
    const bool logic = i < static_cast<std::size_t>(g.inputs) || generates_a_bit(x);
    g.bits[i] = signal_bits(ids[i], logic);
    if (i < static_cast<std::size_t>(g.inputs)) continue;
    built[i] = x.stage - l.first_stage;
    g.adder[i] = logic ? 1 : 0;  // a wiring node takes no adder level
    int k = 0;
    for (NodeId op : {x.a.node, x.b.node}) {
      const auto it = index.find(origin(op));
      if (it != index.end()) g.operands[i][static_cast<std::size_t>(k++)] = it->second;  // else a constant
    }
  }
  // Each neuron's output logic (cast, ReLU or ROM): a value without an adder level, read by the
  // output register, computed in the stage of its cast (carried there as the narrow output).
  for (const NodeId out : l.outputs) {
    if (out == netlist::no_node || node(out).kind != NodeKind::reg) continue;
    NodeId x = origin(out), cast = x;
    while (node(x).kind == NodeKind::relu || node(x).kind == NodeKind::lookup || node(x).kind == NodeKind::cast)
      cast = x, x = node(x).a.node;
    const auto it = index.find(origin(x));
    if (it == index.end()) continue;  // a constant neuron
    g.operands.push_back({it->second, -1});
    g.bits.push_back(signal_bits(out, true));
    g.to_output.push_back(1);
    g.adder.push_back(0);
    built.push_back(node(cast).stage - l.first_stage);
  }
  out.as_built = crossing_bits(g, built, stages);
  out.least = crossing_bits(g, place_registers(g, stages, K), stages);
  return out;
}

}  // namespace nas4ml::bench
