#include "nas4ml/netlist/bit_liveness.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace nas4ml::netlist {

namespace {

/// Bits lo..hi (0 <= lo <= hi <= 63) set.
std::uint64_t bit_range(int lo, int hi) { return (~std::uint64_t{0} >> (63 - hi)) & (~std::uint64_t{0} << lo); }

/// Byte i of kSpread[b] is bit i of b: eight mask bits as eight 0/1 bytes.
constexpr auto kSpread = [] {
  std::array<std::uint64_t, 256> t{};
  for (unsigned b = 0; b < 256; ++b)
    for (unsigned i = 0; i < 8; ++i)
      if ((b >> i) & 1) t[b] |= std::uint64_t{1} << (8 * i);
  return t;
}();

/// The pass keeps, per node, a 64-bit mask of the positions some reader depends on (`need_`),
/// whatever generates them: a reader marks its operand's positions with a few shifts, no
/// per-bit look-up of origins and no per-bit stores. Walking backwards, every reader of node x
/// comes before x; x then resolves its mask: a position it generates keeps its mark (those are
/// its live bits, written to `live` eight at a time), any other one (wiring, sign extension,
/// duplicate register bit, constant) hands the mark to the bit its origin names (an earlier
/// node, or a lower position of x). Which positions x generates comes from x's literals, eight
/// compared at a time, as a mask. Node widths are at most 64.
class LivenessPass {
 public:
  LivenessPass(const Netlist& n, const std::uint32_t* literals, std::vector<std::uint8_t>& live)
      : n_(n), nodes_(n.nodes.data()), literals_(literals), live_(live) {
    const std::size_t nbits = n.literals.size();
    // 8 bytes beyond the last bit: a node's live bytes are read and written by words.
    live_.assign(nbits + 8, 0);
    // Work table kept per thread (no allocation per lowering).
    thread_local std::vector<std::uint64_t> need;
    need.assign(n.nodes.size(), 0);
    need_ = need.data();
  }

  void run() {
    for (NodeId out : n_.outputs)
      if (out != no_node) need(out) = ~std::uint64_t{0};
    std::uint8_t* live = live_.data();
    for (NodeId id = static_cast<NodeId>(n_.nodes.size()) - 1; id >= 0; --id) visit(id, live);
    live_.resize(n_.literals.size());
  }

 private:
  std::uint64_t& need(NodeId id) { return need_[static_cast<std::size_t>(id)]; }
  const Node& node(NodeId id) const { return nodes_[static_cast<std::size_t>(id)]; }

  void visit(NodeId id, std::uint8_t* live_bits) {
    const Node& x = node(id);
    // Marks handed on by later nodes' pass-through bits were set as x's live bytes (below).
    std::uint64_t m = need(id) | live_mask(live_bits + x.first_bit, x.width);
    if (m == 0) return;
    // Readers mark ranges without knowing x's width (mark_range): cut them to it.
    m &= ~std::uint64_t{0} >> (64 - x.width);
    // Marks on positions x does not generate go to the bits their literals name, highest first
    // (a duplicate register bit names a lower one, which may pass its mark on in turn).
    const std::uint64_t gen = generated(x);
    for (std::uint64_t h = m & ~gen; h != 0; h = m & ~gen) {
      const int j = 63 - std::countl_zero(h);
      m &= ~(std::uint64_t{1} << j);
      const std::uint32_t l = literals_[x.first_bit + static_cast<std::uint32_t>(j)];
      if (l < 2) continue;  // a constant
      const std::uint32_t g = (l - 2) >> 1;
      if (g >= x.first_bit) m |= std::uint64_t{1} << (g - x.first_bit);  // a lower position of x
      else live_bits[g] = 1;  // an earlier node's generating bit: it keeps the mark
    }
    // x's live bits, eight at a time (the bytes beyond x belong to later nodes, already final:
    // OR keeps them).
    std::uint8_t* live = live_bits + x.first_bit;
    for (int c = 0; c < x.width; c += 8) {
      std::uint64_t w;
      std::memcpy(&w, live + c, 8);
      w |= kSpread[(m >> c) & 0xFF];
      std::memcpy(live + c, &w, 8);
    }
    if (m == 0) return;  // x's logic is dead
    const int top = 63 - std::countl_zero(m);  // highest live bit
    if (x.kind == NodeKind::add || x.kind == NodeKind::sub) {  // most nodes
      // Sum bit j depends on the operand bits at positions [carry_from, j] (the lowering's
      // ripple-carry simulation found where the carry stops being a constant).
      mark_range(x.a, x.adder.carry_from, top);
      mark_range(x.b, x.adder.carry_from, top);
      return;
    }
    switch (x.kind) {
      case NodeKind::reg: need(x.a.node) |= m; break;  // bit j reads operand bit j (shift 0)
      case NodeKind::relu:  // the same, and the sign (the operand is as wide or wider)
        need(x.a.node) |= m | std::uint64_t{1} << (node(x.a.node).width - 1);
        break;
      case NodeKind::cast:  // a saturating cast: the clamp reads every kept source bit
        need(x.a.node) |= ~std::uint64_t{0} << std::max(0, -x.a.shift);  // -shift < 62 (lowering)
        break;
      case NodeKind::multiply: mark_range(x.a, 0, top); break;
      case NodeKind::lookup: need(x.a.node) |= ~std::uint64_t{0}; break;  // a ROM reads its whole address
      // x^2 mod 2^(j+1) depends on x mod 2^(j+1) only: bit j reads the operand's bits 0..j.
      case NodeKind::square: mark_range(x.a, 0, top); break;
      case NodeKind::absolute:  // the same, and the sign (which decides the negation)
        mark_range(x.a, 0, top);
        need(x.a.node) |= std::uint64_t{1} << (node(x.a.node).width - 1);
        break;
      default: break;  // inputs and constants read nothing
    }
  }

  /// The 0/1 bytes p[0 .. width) as a mask (bytes beyond width may be read, not counted).
  static std::uint64_t live_mask(const std::uint8_t* p, int width) {
    std::uint64_t m = 0;
    for (int c = 0; c < width; c += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + c, 8);
      m |= (((w & 0x0101010101010101ULL) * 0x0102040810204080ULL) >> 56) << c;  // byte i -> bit i
    }
    return width == 64 ? m : m & ((std::uint64_t{1} << width) - 1);
  }

  /// The positions of x whose literal is x's own (bit j: literal 2 + 2 * (first_bit + j)).
  std::uint64_t generated(const Node& x) const {
    const std::uint32_t* lits = literals_ + x.first_bit;
    const std::uint32_t own = 2 + 2 * x.first_bit;
    std::uint64_t gen = 0;
#ifdef __AVX2__
    const __m256i step = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int c = 0; c < x.width; c += 8) {
      // Masked: only x's own literals are read (the last node's end is the array's).
      const __m256i in = _mm256_cmpgt_epi32(_mm256_set1_epi32(x.width - c), lane);
      const __m256i l = _mm256_maskload_epi32(reinterpret_cast<const int*>(lits + c), in);
      const __m256i want = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(own + 2 * static_cast<std::uint32_t>(c))), step);
      const __m256i same = _mm256_and_si256(_mm256_cmpeq_epi32(l, want), in);
      gen |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(same)))) << c;
    }
#else
    for (int j = 0; j < x.width; ++j)
      gen |= std::uint64_t{lits[j] == own + 2 * static_cast<std::uint32_t>(j)} << j;
#endif
    return gen;
  }

  /// Marks the bits operand `op` feeds to reader positions [from, to] (to <= 63, shift >= 0).
  /// Above its width the operand is sign-extended: its top bit, which the range holds then
  /// unless it starts above the operand; the operand's visit cuts the range to its width.
  void mark_range(const Operand& op, int from, int to) {
    const int lo = std::max(from - op.shift, 0), hi = to - op.shift;
    if (lo <= hi) need(op.node) |= bit_range(lo, hi);
  }

  const Netlist& n_;
  const Node* nodes_;
  const std::uint32_t* literals_;  // every bit's origin (Netlist::literals)
  std::vector<std::uint8_t>& live_;
  std::uint64_t* need_;        // per node: positions some reader depends on (maybe beyond its width)
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
