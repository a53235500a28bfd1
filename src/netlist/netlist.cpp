#include "nas4ml/netlist/netlist.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

#include "nas4ml/core/error.hpp"

namespace nas4ml::netlist {

std::string to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::input: return "input";
    case NodeKind::constant: return "constant";
    case NodeKind::add: return "add";
    case NodeKind::sub: return "sub";
    case NodeKind::multiply: return "multiply";
    case NodeKind::cast: return "cast";
    case NodeKind::relu: return "relu";
    case NodeKind::reg: return "reg";
    case NodeKind::lookup: return "lookup";
    case NodeKind::square: return "square";
    case NodeKind::absolute: return "absolute";
  }
  return "unknown";
}

std::string to_string(Sharing sharing) { return sharing == Sharing::cse ? "cse" : "none"; }

Sharing parse_sharing(const std::string& name, const std::string& file, const std::string& field) {
  if (name == "none") return Sharing::none;
  if (name == "cse") return Sharing::cse;
  throw ConfigError(file, field, "unknown sharing strategy", "\"none\" or \"cse\"", "\"" + name + "\"");
}

namespace {
// Built by appending (GCC 12 warns falsely, -Wrestrict, on "literal" + std::to_string()).
std::string join(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s.append(p);
  return s;
}
}  // namespace

std::string node_name(const Netlist& netlist, NodeId n) {
  const Node& node = netlist.nodes[static_cast<std::size_t>(n)];
  if (node.kind == NodeKind::input) {
    for (std::size_t i = 0; i < netlist.inputs.size(); ++i)
      if (netlist.inputs[i] == n) return join({"x_", std::to_string(i)});
  }
  if (node.kind == NodeKind::constant) return join({"c_", std::to_string(n)});
  const std::string layer = std::to_string(node.layer);
  // A pipeline register keeps its source's neuron index, which may belong to an earlier (wider)
  // layer: only an index inside this layer's outputs can name one of them.
  if (node.layer >= 0 && static_cast<std::size_t>(node.layer) < netlist.layers.size() &&
      node.kind == NodeKind::reg && node.neuron >= 0) {
    const auto& l = netlist.layers[static_cast<std::size_t>(node.layer)];
    if (static_cast<std::size_t>(node.neuron) < l.outputs.size() && l.outputs[static_cast<std::size_t>(node.neuron)] == n)
      return join({"l", layer, "_out_", std::to_string(node.neuron)});
  }
  return join({"l", layer, "_", to_string(node.kind), "_", std::to_string(n)});
}

}  // namespace nas4ml::netlist
