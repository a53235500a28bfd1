#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/netlist/bit_liveness.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "netlist/random_model.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;

namespace {
FixedFormat fmt(int w, int i, Overflow o = Overflow::wrap, Rounding r = Rounding::truncate) {
  return FixedFormat{w, i, true, r, o};
}

bool generated(const Netlist& n, NodeId id, int j) {
  const BitOrigin& o = n.origins(id)[static_cast<std::size_t>(j)];
  return o.kind == BitOrigin::Kind::signal && o.node == id && o.bit == j;
}

/// The low `w` bits of v as a signed w-bit value (what a w-bit Verilog wire holds).
std::int64_t wrap(std::int64_t v, int w) {
  if (w >= 64) return v;
  const auto u = static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << w) - 1);
  return (u >> (w - 1)) ? static_cast<std::int64_t>(u) - (std::int64_t{1} << w) : static_cast<std::int64_t>(u);
}

std::int64_t shifted(std::int64_t v, int s) { return s >= 0 ? v * (std::int64_t{1} << s) : v >> -s; }

/// Evaluates the netlist as the Verilog writer prints it: words of their nodes' widths (modular),
/// bits whose origin is a constant forced to it (the writer prints them as literals), and every
/// generated bit for which `flip` is 1 inverted where it is computed. Returns the model outputs.
std::vector<std::int64_t> evaluate_with_flips(const Netlist& n, const std::vector<std::int64_t>& input,
                                              const std::vector<std::uint8_t>& flip) {
  std::vector<std::int64_t> v(n.nodes.size(), 0);
  for (std::size_t id = 0; id < n.nodes.size(); ++id) {
    const Node& x = n.nodes[id];
    auto op = [&](const Operand& o) { return shifted(v[static_cast<std::size_t>(o.node)], o.shift); };
    std::int64_t r = 0;
    switch (x.kind) {
      case NodeKind::input: {
        const auto it = std::find(n.inputs.begin(), n.inputs.end(), static_cast<NodeId>(id));
        r = input[static_cast<std::size_t>(it - n.inputs.begin())];
        break;
      }
      case NodeKind::constant: r = x.value; break;
      case NodeKind::add: r = op(x.a) + op(x.b); break;
      case NodeKind::sub: r = op(x.a) - op(x.b); break;
      case NodeKind::multiply: r = op(x.a) * x.value; break;
      case NodeKind::cast:
        r = op(x.a);
        if (x.may_overflow && x.format.overflow == Overflow::saturate)
          r = std::clamp(r, x.format.min_raw(), x.format.max_raw());
        break;
      case NodeKind::relu: r = std::max<std::int64_t>(0, v[static_cast<std::size_t>(x.a.node)]); break;
      case NodeKind::reg: r = v[static_cast<std::size_t>(x.a.node)]; break;
      case NodeKind::lookup: FAIL("these networks have no lookup ROMs"); break;
    }
    r = wrap(r, x.width);
    for (int j = 0; j < x.width; ++j) {
      const BitOrigin& o = n.bits[x.first_bit + static_cast<std::uint32_t>(j)];
      const std::int64_t bit = std::int64_t{1} << j;
      if (o.is_constant()) r = o.kind == BitOrigin::Kind::one ? (r | bit) : (r & ~bit);  // a literal in the Verilog
      if (flip[x.first_bit + static_cast<std::uint32_t>(j)]) r ^= bit;
      r = wrap(r, x.width);
    }
    v[id] = r;
  }
  std::vector<std::int64_t> out;
  for (NodeId o : n.outputs) out.push_back(v[static_cast<std::size_t>(o)]);
  return out;
}
}  // namespace

TEST_CASE("bits under a wrapping cast's window are dead in the registers that feed it", "[netlist][liveness]") {
  // y = x0 + x1 + x2 + x3 kept to its low 3 bits (wrap). One adder level per stage: the two
  // partial sums (5 bits) are registered, and only their low 3 bits reach the output.
  nn::QuantizedModel m;
  m.name = "wrap3";
  m.n_inputs = 4;
  m.input_format = fmt(4, 4);
  nn::QuantizedLayer l;
  l.n_in = 4;
  l.n_out = 1;
  l.activation = nn::Activation::linear;
  l.weight_format = l.bias_format = fmt(4, 4);
  l.result_format = fmt(3, 3);
  l.weights = {1, 1, 1, 1};
  l.mask = {1, 1, 1, 1};
  l.biases = {0};
  m.layers.push_back(l);
  // The signed per-neuron trees (sharing none): a small layer's `cse` sums nonnegative words
  // (docs/netlist.md "Nonnegative sums"), whose registers this test does not pin.
  const Netlist n = lower(m, {.levels_per_stage = 1, .sharing = Sharing::none});
  const auto live = live_generated_bits(n);
  int inner_regs = 0;
  for (std::size_t id = 0; id < n.nodes.size(); ++id) {
    const Node& x = n.nodes[id];
    if (x.kind != NodeKind::reg || static_cast<NodeId>(id) == n.outputs[0]) continue;
    ++inner_regs;
    REQUIRE(x.width == 5);
    for (int j = 0; j < x.width; ++j) {
      INFO(node_name(n, static_cast<NodeId>(id)) << " bit " << j);
      CHECK(generated(n, static_cast<NodeId>(id), j));
      CHECK(live[x.first_bit + static_cast<std::uint32_t>(j)] == (j < 3 ? 1 : 0));
    }
  }
  CHECK(inner_regs == 2);
  for (int j = 0; j < n.nodes[static_cast<std::size_t>(n.outputs[0])].width; ++j)
    if (generated(n, n.outputs[0], j)) CHECK(live[n.bit_index(n.outputs[0], j)] == 1);
  // The final sum is 6 bits wide; positions 3 to 5 compute nothing an output reads.
  NodeId sum = n.outputs[0];
  while (n.nodes[static_cast<std::size_t>(sum)].kind != NodeKind::add) sum = n.nodes[static_cast<std::size_t>(sum)].a.node;
  CHECK(highest_live_bit(n, live, sum) == 2);
}

TEST_CASE("a result format wide enough keeps every register bit live", "[netlist][liveness]") {
  Rng rng = Rng::stream(5, 0, 0, "test.liveness.wide");
  const auto m = test::random_model(rng, {6, 3}, fmt(6, 6), fmt(5, 5), fmt(5, 5), fmt(20, 20), 0.0);
  // Signed sums (sharing none): in a sum of nonnegative words plus 2^m (docs/netlist.md
  // "Nonnegative sums") whose value is never negative, bit m of the root is always 1 and rightly dead.
  const Netlist n = lower(m, {.levels_per_stage = 1, .sharing = Sharing::none});
  const auto live = live_generated_bits(n);
  for (std::size_t id = 0; id < n.nodes.size(); ++id)
    if (n.nodes[id].kind == NodeKind::reg)
      for (int j = 0; j < n.nodes[id].width; ++j)
        if (generated(n, static_cast<NodeId>(id), j)) {
          INFO(node_name(n, static_cast<NodeId>(id)) << " bit " << j << " of " << n.nodes[id].width << ", source "
                                                     << node_name(n, n.nodes[id].a.node));
          CHECK(live[n.bit_index(static_cast<NodeId>(id), j)] == 1);
        }
}

TEST_CASE("inverting every dead bit changes no output (random networks, every cast mode)", "[netlist][liveness]") {
  Rng rng = Rng::stream(7, 0, 0, "test.liveness.sound");
  int dead_total = 0, live_flips_seen = 0;
  for (int trial = 0; trial < 24; ++trial) {
    const Overflow ov = trial % 2 ? Overflow::saturate : Overflow::wrap;
    const Rounding rd = trial % 3 ? Rounding::truncate : Rounding::round_half_up;
    const int hidden = 2 + static_cast<int>(rng.below(6));
    const auto m = test::random_model(rng, {5, hidden, hidden, 3}, fmt(8, 3), fmt(3 + trial % 8, 1),
                                      fmt(8, 3), fmt(6 + trial % 5, 3, ov, rd), 0.1 * (trial % 8));
    const Netlist n = lower(m, {.levels_per_stage = 1 + trial % 3});
    const auto live = live_generated_bits(n);
    std::vector<std::uint8_t> dead(n.bits.size(), 0), alive(n.bits.size(), 0);
    for (std::size_t id = 0; id < n.nodes.size(); ++id)
      for (int j = 0; j < n.nodes[id].width; ++j) {
        const std::uint32_t b = n.bit_index(static_cast<NodeId>(id), j);
        if (generated(n, static_cast<NodeId>(id), j)) (live[b] ? alive : dead)[b] = 1;
      }
    dead_total += static_cast<int>(std::count(dead.begin(), dead.end(), 1));
    const std::vector<std::uint8_t> none(n.bits.size(), 0);
    for (int s = 0; s < 200; ++s) {
      const auto x = test::random_input(rng, m);
      INFO("trial " << trial << " sample " << s);
      const auto expected = simulate(n, x);
      REQUIRE(evaluate_with_flips(n, x, none) == expected);
      REQUIRE(evaluate_with_flips(n, x, dead) == expected);
      live_flips_seen += evaluate_with_flips(n, x, alive) != expected;  // the flips do reach outputs
    }
  }
  CHECK(dead_total > 100);  // the check has something to flip
  CHECK(live_flips_seen > 1000);
}
