#include "nas4ml/netlist/simulate.hpp"

#include <algorithm>
#include <string>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/nn/activation.hpp"

namespace nas4ml::netlist {

namespace {
std::int64_t shifted(std::int64_t v, int shift) { return shift >= 0 ? v * (std::int64_t{1} << shift) : v >> -shift; }
}  // namespace

std::vector<std::int64_t> simulate_nodes(const Netlist& netlist, std::span<const std::int64_t> input_raw) {
  if (input_raw.size() != netlist.inputs.size())
    throw InternalError("netlist simulation got " + std::to_string(input_raw.size()) + " inputs, expected " +
                        std::to_string(netlist.inputs.size()));
  std::vector<std::int64_t> v(netlist.nodes.size(), 0);
  std::size_t next_input = 0;
  for (std::size_t i = 0; i < netlist.nodes.size(); ++i) {
    const Node& n = netlist.nodes[i];
    auto val = [&](const Operand& op) { return shifted(v[static_cast<std::size_t>(op.node)], op.shift); };
    std::int64_t r = 0;
    switch (n.kind) {
      case NodeKind::input: r = input_raw[next_input++]; break;
      case NodeKind::constant: r = n.value; break;
      case NodeKind::add: r = val(n.a) + val(n.b); break;
      case NodeKind::sub: r = val(n.a) - val(n.b); break;
      case NodeKind::multiply: r = val(n.a) * n.value; break;
      case NodeKind::cast: r = apply_overflow(val(n.a), n.format); break;
      case NodeKind::relu: r = std::max<std::int64_t>(0, val(n.a)); break;
      case NodeKind::reg: r = val(n.a); break;
      case NodeKind::lookup:
        r = nn::apply_activation(static_cast<nn::Activation>(n.value), val(n.a), n.format);
        break;
      case NodeKind::square: r = val(n.a) * val(n.a); break;
      case NodeKind::absolute: r = val(n.a) < 0 ? -val(n.a) : val(n.a); break;
    }
    if (r < n.lo || r > n.hi)
      throw InternalError("netlist node " + node_name(netlist, static_cast<NodeId>(i)) + " has value " +
                          std::to_string(r) + " outside its range [" + std::to_string(n.lo) + ", " +
                          std::to_string(n.hi) + "] (overflow)");
    v[i] = r;
  }
  return v;
}

std::vector<std::int64_t> simulate(const Netlist& netlist, std::span<const std::int64_t> input_raw) {
  const auto v = simulate_nodes(netlist, input_raw);
  std::vector<std::int64_t> out;
  out.reserve(netlist.outputs.size());
  for (NodeId o : netlist.outputs) out.push_back(v[static_cast<std::size_t>(o)]);
  return out;
}

std::size_t check_bit_origins(const Netlist& netlist, std::span<const std::int64_t> node_values) {
  NAS4ML_ASSERT(node_values.size() == netlist.nodes.size(), "one value per node expected");
  auto bit_of = [](std::int64_t v, int b) { return ((static_cast<std::uint64_t>(v) >> b) & 1) != 0; };
  std::size_t checked = 0;
  for (std::size_t i = 0; i < netlist.nodes.size(); ++i) {
    const Node& n = netlist.nodes[i];
    const auto origins = netlist.origins(static_cast<NodeId>(i));
    for (int j = 0; j < n.width; ++j) {
      const BitOrigin& o = origins[static_cast<std::size_t>(j)];
      bool expected;
      if (o.kind == BitOrigin::Kind::signal)
        expected = bit_of(node_values[static_cast<std::size_t>(o.node)], o.bit) != o.inverted;
      else
        expected = o.kind == BitOrigin::Kind::one;
      if (expected != bit_of(node_values[i], j))
        throw InternalError("bit origin of " + node_name(netlist, static_cast<NodeId>(i)) + "[" + std::to_string(j) +
                            "] disagrees with its value " + std::to_string(node_values[i]));
      ++checked;
    }
  }
  return checked;
}

}  // namespace nas4ml::netlist
