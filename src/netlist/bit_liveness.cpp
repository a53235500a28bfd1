#include "nas4ml/netlist/bit_liveness.hpp"

#include <algorithm>

namespace nas4ml::netlist {

namespace {

/// The pass's view of the netlist: bit origins as literals by global index, each node's first
/// bit and width in compact arrays (the estimate's time budget is ~1 ms; Node is large).
class LivenessPass {
 public:
  LivenessPass(const Netlist& n, const std::uint32_t* literals, std::vector<std::uint8_t>& live)
      : n_(n), literals_(literals), live_(live) {
    live_.assign(n.literals.size(), 0);
    thread_local std::vector<std::uint32_t> first;
    thread_local std::vector<std::int32_t> width;
    first.resize(n.nodes.size());
    width.resize(n.nodes.size());
    for (std::size_t i = 0; i < n.nodes.size(); ++i) {
      first[i] = n.nodes[i].first_bit;
      width[i] = n.nodes[i].width;
    }
    first_ = first.data();
    width_ = width.data();
  }

  void run() {
    for (NodeId out : n_.outputs)
      if (out != no_node) {
        const auto k = static_cast<std::size_t>(out);
        for (int j = 0; j < width_[k]; ++j) mark(literals_[first_[k] + static_cast<std::uint32_t>(j)]);
      }
    // Readers come after their operands: walking backwards, a node's liveness is final when reached.
    for (NodeId id = static_cast<NodeId>(n_.nodes.size()) - 1; id >= 0; --id) visit(id);
  }

 private:
  /// Marks the bit that really generates literal `l` as live (constants have none).
  void mark(std::uint32_t l) {
    if (l >= 2) live_[(l - 2) >> 1] = 1;
  }

  void visit(NodeId id) {
    const Node& node = n_.nodes[static_cast<std::size_t>(id)];
    if (node.kind == NodeKind::input || node.kind == NodeKind::constant) return;
    const int top = highest_live_bit(n_, live_, id);
    if (top < 0) return;
    const std::uint8_t* own = live_.data() + node.first_bit;
    switch (node.kind) {
      case NodeKind::relu:
      case NodeKind::reg: {
        const OperandBits x = operand(node.a);  // shift 0, same width or wider
        if (node.kind == NodeKind::relu) mark(x.bits[x.width - 1]);  // the sign
        for (int j = 0; j <= top; ++j)
          if (own[j]) mark(x.at(j));
        break;
      }
      case NodeKind::cast: {  // a saturating cast: the clamp reads every kept source bit
        const OperandBits x = operand(node.a);
        for (int sj = std::max(0, -node.a.shift); sj < x.width; ++sj) mark(x.bits[sj]);
        break;
      }
      case NodeKind::add:
      case NodeKind::sub:
        // Sum bit j depends on the operand bits at positions [carry_from, j] (the lowering's
        // ripple-carry simulation found where the carry stops being a constant).
        mark_range(node.a, node.adder.carry_from, top);
        mark_range(node.b, node.adder.carry_from, top);
        break;
      case NodeKind::multiply: mark_range(node.a, 0, top); break;
      case NodeKind::input:
      case NodeKind::constant: break;
    }
  }

  /// Marks operand `op`'s bits at reader positions [from, to].
  void mark_range(const Operand& op, int from, int to) {
    const OperandBits x = operand(op);
    const int lo = std::max(from - x.shift, 0), hi = std::min(to - x.shift, x.width - 1);
    for (int j = lo; j <= hi; ++j) mark(x.bits[j]);
    if (to - x.shift >= x.width && from - x.shift < x.width) mark(x.bits[x.width - 1]);  // sign extension
  }

  /// An operand as the pass reads it: its bit literals, width and shift.
  struct OperandBits {
    const std::uint32_t* bits;
    int width, shift;
    /// Literal at reader position p (sign-extended); constant 0 below the shift.
    std::uint32_t at(int p) const { return p < shift ? 0 : bits[std::min(p - shift, width - 1)]; }
  };
  OperandBits operand(const Operand& op) const {
    const auto k = static_cast<std::size_t>(op.node);
    return {literals_ + first_[k], width_[k], op.shift};
  }

  const Netlist& n_;
  const std::uint32_t* literals_;
  std::vector<std::uint8_t>& live_;
  const std::uint32_t* first_;  // per node: first bit and width (compact copies, per thread)
  const std::int32_t* width_;
};

}  // namespace

int highest_live_bit(const Netlist& netlist, const std::vector<std::uint8_t>& live, NodeId n) {
  const Node& node = netlist.nodes[static_cast<std::size_t>(n)];
  for (int j = node.width - 1; j >= 0; --j)
    if (live[node.first_bit + static_cast<std::uint32_t>(j)]) return j;
  return -1;
}

void mark_live_bits(const Netlist& n, const std::uint32_t* literals, std::vector<std::uint8_t>& live) {
  LivenessPass(n, literals, live).run();
}

std::vector<std::uint8_t> live_generated_bits(const Netlist& n) { return n.live; }

}  // namespace nas4ml::netlist
