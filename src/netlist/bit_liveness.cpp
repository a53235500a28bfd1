#include "nas4ml/netlist/bit_liveness.hpp"

#include <algorithm>

namespace nas4ml::netlist {

namespace {

/// Marks the bit that really generates `o` as live (constants have none).
void mark(const Netlist& n, std::vector<std::uint8_t>& live, const BitOrigin& o) {
  if (o.kind == BitOrigin::Kind::signal) live[n.bit_index(o.node, o.bit)] = 1;
}

/// Origin of operand `op` at position `p` of its reader (sign-extended, zeros below the shift),
/// or nullptr for a constant-zero position.
const BitOrigin* operand_bit(const Netlist& n, const Operand& op, int p) {
  if (p < op.shift) return nullptr;
  const Node& x = n.nodes[static_cast<std::size_t>(op.node)];
  return &n.bits[x.first_bit + static_cast<std::uint32_t>(std::min(p - op.shift, x.width - 1))];
}

/// Lowest position of adder `a` whose carry-out depends on a signal: below it the carry is a
/// constant, so the operand bits there only feed wiring. Mirrors the lowering's ripple-carry
/// simulation (lower.cpp, derive_adder_bits) with constants only.
int first_signal_carry(const Netlist& n, const Node& a) {
  const bool subtract = a.kind == NodeKind::sub;
  int carry = subtract ? 1 : 0;
  for (int i = 0; i < a.width; ++i) {
    const BitOrigin* x = operand_bit(n, a.a, i);
    const BitOrigin* y = operand_bit(n, a.b, i);
    BitOrigin bx = x ? *x : BitOrigin::constant(false);
    BitOrigin by = y ? *y : BitOrigin::constant(false);
    if (subtract) {
      if (by.is_constant()) by = BitOrigin::constant(by.kind == BitOrigin::Kind::zero);
      else by.inverted = !by.inverted;
    }
    int csum = carry, nsig = 0;
    for (const BitOrigin* b : {&bx, &by}) {
      if (b->is_constant()) csum += b->kind == BitOrigin::Kind::one ? 1 : 0;
      else ++nsig;
    }
    if (nsig == 0) {
      carry = csum >= 2 ? 1 : 0;
    } else if (nsig == 1) {
      if (csum == 1) return i;  // carry = the signal
      carry = csum == 0 ? 0 : 1;
    } else if (bx.node == by.node && bx.bit == by.bit && bx.inverted != by.inverted) {
      carry = 1 + csum >= 2 ? 1 : 0;  // s + ~s = all ones: the carry is the incoming one
    } else {
      return i;
    }
  }
  return a.width;
}

}  // namespace

int highest_live_bit(const Netlist& netlist, const std::vector<std::uint8_t>& live, NodeId n) {
  const Node& node = netlist.nodes[static_cast<std::size_t>(n)];
  for (int j = node.width - 1; j >= 0; --j)
    if (live[node.first_bit + static_cast<std::uint32_t>(j)]) return j;
  return -1;
}

std::vector<std::uint8_t> live_generated_bits(const Netlist& n) {
  std::vector<std::uint8_t> live(n.bits.size(), 0);
  for (NodeId out : n.outputs)
    if (out != no_node)
      for (const BitOrigin& o : n.origins(out)) mark(n, live, o);
  // Readers come after their operands: walking backwards, a node's liveness is final when reached.
  for (NodeId id = static_cast<NodeId>(n.nodes.size()) - 1; id >= 0; --id) {
    const Node& node = n.nodes[static_cast<std::size_t>(id)];
    const int top = highest_live_bit(n, live, id);
    if (top < 0) continue;
    switch (node.kind) {
      case NodeKind::reg:
        for (int j = 0; j <= top; ++j)
          if (live[node.first_bit + static_cast<std::uint32_t>(j)]) mark(n, live, *operand_bit(n, node.a, j));
        break;
      case NodeKind::relu: {
        const Node& src = n.nodes[static_cast<std::size_t>(node.a.node)];
        mark(n, live, n.bits[src.first_bit + static_cast<std::uint32_t>(src.width - 1)]);
        for (int j = 0; j <= top; ++j)
          if (live[node.first_bit + static_cast<std::uint32_t>(j)]) mark(n, live, *operand_bit(n, node.a, j));
        break;
      }
      case NodeKind::cast: {  // a saturating cast: the clamp reads every kept source bit
        const Node& src = n.nodes[static_cast<std::size_t>(node.a.node)];
        for (int sj = std::max(0, -node.a.shift); sj < src.width; ++sj)
          mark(n, live, n.bits[src.first_bit + static_cast<std::uint32_t>(sj)]);
        break;
      }
      case NodeKind::add:
      case NodeKind::sub:
        // Sum bit j depends on the operand bits at positions [first signal carry, j].
        for (int p = first_signal_carry(n, node); p <= top; ++p)
          for (const Operand& op : {node.a, node.b})
            if (const BitOrigin* o = operand_bit(n, op, p)) mark(n, live, *o);
        break;
      case NodeKind::multiply:
        for (int p = 0; p <= top; ++p)
          if (const BitOrigin* o = operand_bit(n, node.a, p)) mark(n, live, *o);
        break;
      case NodeKind::input:
      case NodeKind::constant: break;
    }
  }
  return live;
}

}  // namespace nas4ml::netlist
