#include "nas4ml/netlist/bit_liveness.hpp"

#include <algorithm>

namespace nas4ml::netlist {

namespace {

/// The pass's view of the netlist: bit origins by global index and each node's first bit, in
/// compact arrays (the estimate's time budget is ~1 ms; Node is large and scattered).
class LivenessPass {
 public:
  explicit LivenessPass(const Netlist& n) : n_(n), live_(n.bits.size(), 0), first_(n.nodes.size()) {
    for (std::size_t i = 0; i < n.nodes.size(); ++i) first_[i] = n.nodes[i].first_bit;
  }

  std::vector<std::uint8_t> run() {
    for (NodeId out : n_.outputs)
      if (out != no_node)
        for (const BitOrigin& o : n_.origins(out)) mark(o);
    // Readers come after their operands: walking backwards, a node's liveness is final when reached.
    for (NodeId id = static_cast<NodeId>(n_.nodes.size()) - 1; id >= 0; --id) visit(id);
    return std::move(live_);
  }

 private:
  /// Marks the bit that really generates `o` as live (constants have none).
  void mark(const BitOrigin& o) {
    if (o.kind == BitOrigin::Kind::signal) live_[first_[static_cast<std::size_t>(o.node)] + static_cast<std::uint32_t>(o.bit)] = 1;
  }

  /// Origin of operand `op` at position `p` of its reader (sign-extended), or nullptr for the
  /// constant-zero positions below its shift.
  const BitOrigin* operand_bit(const Operand& op, int p) const {
    if (p < op.shift) return nullptr;
    const Node& x = n_.nodes[static_cast<std::size_t>(op.node)];
    return &n_.bits[first_[static_cast<std::size_t>(op.node)] + static_cast<std::uint32_t>(std::min(p - op.shift, x.width - 1))];
  }

  void visit(NodeId id) {
    const Node& node = n_.nodes[static_cast<std::size_t>(id)];
    if (node.kind == NodeKind::input || node.kind == NodeKind::constant) return;
    const int top = highest_live_bit(n_, live_, id);
    if (top < 0) return;
    const std::uint8_t* own = live_.data() + node.first_bit;
    switch (node.kind) {
      case NodeKind::relu:
        mark(*operand_bit(node.a, n_.nodes[static_cast<std::size_t>(node.a.node)].width - 1));  // the sign
        [[fallthrough]];
      case NodeKind::reg:
        for (int j = 0; j <= top; ++j)
          if (own[j]) mark(*operand_bit(node.a, j));
        break;
      case NodeKind::cast: {  // a saturating cast: the clamp reads every kept source bit
        const Node& src = n_.nodes[static_cast<std::size_t>(node.a.node)];
        for (int sj = std::max(0, -node.a.shift); sj < src.width; ++sj) mark(n_.bits[first_[static_cast<std::size_t>(node.a.node)] + static_cast<std::uint32_t>(sj)]);
        break;
      }
      case NodeKind::add:
      case NodeKind::sub:
        // Sum bit j depends on the operand bits at positions [first signal carry, j].
        mark_range(node.a, first_signal_carry(node), top);
        mark_range(node.b, first_signal_carry(node), top);
        break;
      case NodeKind::multiply: mark_range(node.a, 0, top); break;
      case NodeKind::input:
      case NodeKind::constant: break;
    }
  }

  /// Marks operand `op`'s bits at reader positions [from, to].
  void mark_range(const Operand& op, int from, int to) {
    const int w = n_.nodes[static_cast<std::size_t>(op.node)].width;
    const BitOrigin* bits = n_.bits.data() + first_[static_cast<std::size_t>(op.node)];
    const int lo = std::max(from - op.shift, 0), hi = std::min(to - op.shift, w - 1);
    for (int j = lo; j <= hi; ++j) mark(bits[j]);
    if (to - op.shift >= w && from - op.shift < w) mark(bits[w - 1]);  // sign extension (already in range when hi == w - 1)
  }

  /// Lowest position of adder `a` whose carry-out depends on a signal: below it the carry is a
  /// constant, so the operand bits there only feed wiring. Mirrors the lowering's ripple-carry
  /// simulation (lower.cpp, derive_adder_bits) on constants only.
  int first_signal_carry(const Node& a) const {
    const bool subtract = a.kind == NodeKind::sub;
    int carry = subtract ? 1 : 0;
    // Below the larger shift one operand is zero: a + 0 and a - 0 keep the carry-in constant
    // (only 0 - b, a negation, turns it into a signal at once).
    const int start = subtract && a.a.shift > 0 ? 0 : std::max(a.a.shift, a.b.shift);
    for (int i = start; i < a.width; ++i) {
      const BitOrigin* x = operand_bit(a.a, i);
      const BitOrigin* y = operand_bit(a.b, i);
      const bool x_sig = x && !x->is_constant(), y_sig = y && !y->is_constant();
      int csum = carry;
      if (x && x->kind == BitOrigin::Kind::one) ++csum;
      const bool y_one = y && y->kind == BitOrigin::Kind::one;
      if (!y_sig && (y_one != subtract)) ++csum;  // a subtrahend's constant bit is inverted
      if (!x_sig && !y_sig) {
        carry = csum >= 2 ? 1 : 0;
      } else if (x_sig != y_sig) {
        if (csum == 1) return i;  // carry = the signal
        carry = csum == 0 ? 0 : 1;
      } else if (x->node == y->node && x->bit == y->bit && (x->inverted != y->inverted) != subtract) {
        carry = 1 + csum >= 2 ? 1 : 0;  // s + ~s = all ones: the carry is the incoming one
      } else {
        return i;
      }
    }
    return a.width;
  }

  const Netlist& n_;
  std::vector<std::uint8_t> live_;
  std::vector<std::uint32_t> first_;
};

}  // namespace

int highest_live_bit(const Netlist& netlist, const std::vector<std::uint8_t>& live, NodeId n) {
  const Node& node = netlist.nodes[static_cast<std::size_t>(n)];
  for (int j = node.width - 1; j >= 0; --j)
    if (live[node.first_bit + static_cast<std::uint32_t>(j)]) return j;
  return -1;
}

std::vector<std::uint8_t> live_generated_bits(const Netlist& n) { return LivenessPass(n).run(); }

}  // namespace nas4ml::netlist
