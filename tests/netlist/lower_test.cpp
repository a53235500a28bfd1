#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "nas4ml/core/error.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "netlist/cmvm_check.hpp"
#include "netlist/random_model.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;

namespace {
FixedFormat fmt(int w, int i, bool s = true) { return FixedFormat{w, i, s, Rounding::truncate, Overflow::wrap}; }

/// One dense layer with integer formats (no fractional bits) from explicit weights.
nn::QuantizedModel layer_model(int n_in, int n_out, std::vector<std::int64_t> w, std::vector<std::int64_t> b,
                               FixedFormat in = fmt(4, 4), FixedFormat wf = fmt(4, 4), FixedFormat res = fmt(16, 16)) {
  nn::QuantizedModel m;
  m.name = "hand";
  m.n_inputs = n_in;
  m.input_format = in;
  nn::QuantizedLayer l;
  l.n_in = n_in;
  l.n_out = n_out;
  l.activation = nn::Activation::linear;
  l.weight_format = wf;
  l.bias_format = wf;
  l.result_format = res;
  l.weights = std::move(w);
  l.biases = std::move(b);
  for (auto x : l.weights) l.mask.push_back(x != 0);
  m.layers.push_back(l);
  return m;
}

int count(const Netlist& n, NodeKind k, int layer = -2) {
  return static_cast<int>(std::count_if(n.nodes.begin(), n.nodes.end(), [&](const Node& x) {
    return x.kind == k && (layer == -2 || x.layer == layer);
  }));
}
/// Add and subtract nodes that generate a bit (not wiring, cmvm_check.hpp).
int adders(const Netlist& n, int layer = -2) {
  return static_cast<int>(std::count_if(n.nodes.begin(), n.nodes.end(), [&](const Node& x) {
    return (x.kind == NodeKind::add || x.kind == NodeKind::sub) && (layer == -2 || x.layer == layer) &&
           test::generates_a_bit(n, x);
  }));
}
}  // namespace

TEST_CASE("zero weights vanish and powers of two need no adder", "[netlist][lower]") {
  // y0 = 4*x0 (one term, no adder), y1 = 0 (no terms; bias 0 -> constant), y2 = 3*x1 = 4x1 - x1.
  const auto m = layer_model(2, 3, {4, 0, 0, 0, 0, 3}, {0, 0, 0});
  const Netlist n = lower(m);
  CHECK(adders(n) == 1);
  CHECK(n.layers[0].constant_output == std::vector<std::uint8_t>{0, 1, 0});
  const auto out = simulate(n, std::vector<std::int64_t>{-8, 7});
  CHECK(out == std::vector<std::int64_t>{-32, 0, 21});
}

TEST_CASE("pruning all of a neuron's weights removes its adders", "[netlist][lower][pruning]") {
  Rng rng(7);
  auto m = test::random_model(rng, {8, 6, 3}, fmt(8, 3), fmt(6, 1), fmt(8, 3), fmt(10, 4), 0.0);
  const Netlist full = lower(m);
  // Neuron 2 of layer 0: prune its incoming weights -> a constant (bias only), no adders.
  for (int i = 0; i < 8; ++i) m.layers[0].weights[2 * 8 + i] = 0;
  const Netlist pruned_in = lower(m);
  CHECK(pruned_in.layers[0].constant_output[2] == 1);
  CHECK(adders(pruned_in, 0) < adders(full, 0));
  // Neuron 4 of layer 0: prune its outgoing weights -> dead, its whole tree goes.
  auto m2 = m;
  for (int o = 0; o < 3; ++o) m2.layers[1].weights[o * 6 + 4] = 0;
  const Netlist dead = lower(m2);
  CHECK(dead.layers[0].outputs[4] == no_node);
  CHECK(adders(dead, 0) < adders(pruned_in, 0));
  // No node of layer 0 belongs to the dead neuron's cast/relu.
  CHECK(std::none_of(dead.nodes.begin(), dead.nodes.end(), [](const Node& x) {
    return x.layer == 0 && (x.kind == NodeKind::cast || x.kind == NodeKind::relu) && x.neuron == 4;
  }));
  // Outputs still equal the unpruned-structure evaluation of the same model.
  for (int t = 0; t < 50; ++t) {
    const auto x = test::random_input(rng, m2);
    CHECK(simulate(dead, x) == simulate(lower(m2, {.levels_per_stage = 1}), x));
  }
}

TEST_CASE("adder widths are exact: every node reaches its range bounds and never leaves them", "[netlist][lower][overflow]") {
  // Each node's value is linear in the independent layer inputs, so its extremes lie on the
  // corners of the input box: enumerate all 2^n corners and compare with [lo, hi].
  Rng rng(11);
  for (int trial = 0; trial < 6; ++trial) {
    const FixedFormat in = trial % 2 ? fmt(6, 2) : fmt(5, 5, false);
    auto m = test::random_model(rng, {7, 5}, in, fmt(7, 2), fmt(8, 3), fmt(12, 6), 0.3);
    m.layers[0].activation = nn::Activation::linear;
    const Netlist n = lower(m, {.levels_per_stage = 1 + trial % 3});
    std::vector<std::int64_t> lo(n.nodes.size(), INT64_MAX), hi(n.nodes.size(), INT64_MIN);
    for (int corner = 0; corner < (1 << 7); ++corner) {
      std::vector<std::int64_t> x;
      for (int i = 0; i < 7; ++i) x.push_back(corner >> i & 1 ? in.max_raw() : in.min_raw());
      const auto v = simulate_nodes(n, x);  // throws on any value outside [lo, hi]
      check_bit_origins(n, v);
      for (std::size_t k = 0; k < v.size(); ++k) {
        lo[k] = std::min(lo[k], v[k]);
        hi[k] = std::max(hi[k], v[k]);
      }
    }
    for (std::size_t k = 0; k < n.nodes.size(); ++k) {
      const Node& node = n.nodes[k];
      if (node.kind != NodeKind::add && node.kind != NodeKind::sub) continue;
      CHECK(lo[k] == node.lo);
      CHECK(hi[k] == node.hi);
      CHECK(node.width == signed_width(node.lo, node.hi));
    }
  }
}

TEST_CASE("identical neurons share every adder", "[netlist][lower]") {
  const auto one = layer_model(3, 1, {3, -5, 7}, {1});
  const auto two = layer_model(3, 2, {3, -5, 7, 3, -5, 7}, {1, 1});
  CHECK(adders(lower(one)) == adders(lower(two)));
  CHECK(adders(lower(one)) > 0);
}

TEST_CASE("terms are paired by width and operands of an adder share a pipeline stage", "[netlist][lower][pipeline]") {
  Rng rng(3);
  const auto m = test::random_model(rng, {16, 12, 4}, fmt(8, 3), fmt(6, 1), fmt(8, 3), fmt(10, 4), 0.5);
  for (int k : {1, 2, 3}) {
    const Netlist n = lower(m, {.levels_per_stage = k});
    int expected_latency = 0;
    for (const auto& layer : n.layers) {
      CHECK(layer.levels_per_stage == k);
      expected_latency += std::max(1, (layer.adder_levels + k - 1) / k);
      CHECK(layer.output_stage == expected_latency);
    }
    CHECK(n.latency_cycles == expected_latency);
    for (const Node& x : n.nodes) {
      if (x.kind == NodeKind::add || x.kind == NodeKind::sub) {
        const int sa = n.nodes[static_cast<std::size_t>(x.a.node)].stage;
        const int sb = n.nodes[static_cast<std::size_t>(x.b.node)].stage;
        CHECK((sa < 0 || sb < 0 || sa == sb));
        CHECK((x.a.shift == 0 || x.b.shift == 0));
      }
      if (x.kind == NodeKind::reg) CHECK(x.stage == n.nodes[static_cast<std::size_t>(x.a.node)].stage + 1);
    }
    for (NodeId o : n.outputs) CHECK(n.nodes[static_cast<std::size_t>(o)].stage == n.latency_cycles);
  }
}

TEST_CASE("levels per stage follow the documented delay model", "[netlist][lower][pipeline]") {
  LoweringOptions o;  // 0.7 + 0.02 w per level, 0.5 overhead
  o.clock_ns = 5.0;
  CHECK(levels_per_stage(o, 20) == 4);  // floor(4.5 / 1.1)
  o.clock_ns = 2.5;
  CHECK(levels_per_stage(o, 20) == 1);
  o.clock_ns = 1.0;
  CHECK(levels_per_stage(o, 40) == 1);  // never below 1
  o.levels_per_stage = 3;
  CHECK(levels_per_stage(o, 20) == 3);
}

TEST_CASE("bad lowering options are clear errors", "[netlist][lower][errors]") {
  const auto m = layer_model(2, 1, {1, 1}, {0});
  CHECK_THROWS_AS(lower(m, {.clock_ns = 0.0}), ConfigError);
  CHECK_THROWS_WITH(lower(m, {.clock_ns = -1.0}), Catch::Contains("clock"));
  CHECK_THROWS_AS(lower(m, {.levels_per_stage = -2}), ConfigError);
}

TEST_CASE("constant low bits are stripped and registers of constants vanish", "[netlist][lower][bits]") {
  // y = x0*4 + x1*8: both terms have constant-zero low bits; the adder's two low bits are
  // constants and bit 2 is x0's bit 0 passed through (no carry logic below bit 3).
  const auto m = layer_model(2, 1, {4, 8}, {0}, fmt(4, 4), fmt(5, 5));
  const Netlist n = lower(m, {.levels_per_stage = 1});
  const auto it = std::find_if(n.nodes.begin(), n.nodes.end(), [](const Node& x) { return x.kind == NodeKind::add; });
  REQUIRE(it != n.nodes.end());
  const auto id = static_cast<NodeId>(it - n.nodes.begin());
  // The common shift of 2 moves to the reader: the adder computes x0 + 2*x1.
  CHECK(it->adder.first_live == 1);
  CHECK(n.origins(id)[0] == BitOrigin::signal(n.inputs[0], 0));
  const NodeId out = n.outputs[0];
  const auto bits = n.origins(out);
  CHECK(bits[0] == BitOrigin::constant(false));
  CHECK(bits[1] == BitOrigin::constant(false));
}

TEST_CASE("node names are unique and Verilog-safe", "[netlist][names]") {
  Rng rng(17);
  const auto m = test::random_model(rng, {6, 5, 3}, fmt(8, 3), fmt(6, 1), fmt(8, 3), fmt(10, 4), 0.4);
  const Netlist n = lower(m, {.levels_per_stage = 1});
  std::set<std::string> names;
  for (std::size_t i = 0; i < n.nodes.size(); ++i) {
    const std::string name = node_name(n, static_cast<NodeId>(i));
    CHECK(names.insert(name).second);
    CHECK(std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }));
    CHECK(std::isalpha(static_cast<unsigned char>(name[0])));
  }
  CHECK(node_name(n, n.inputs[0]) == "x_0");
  CHECK(node_name(n, n.outputs[1]) == "l1_out_1");
}

TEST_CASE("a pipeline register carrying a neuron index of a wider earlier layer is named without reading past "
          "the layer's outputs (found by AddressSanitizer)", "[netlist][names][hardening]") {
  Netlist n;
  n.layers.resize(2);
  n.layers[1].outputs = {no_node, no_node};  // the later layer has 2 neurons
  Node reg;
  reg.kind = NodeKind::reg;
  reg.layer = 1;
  reg.neuron = 5;  // neuron 5 of the earlier layer, delayed in layer 1
  n.nodes.push_back(reg);
  CHECK(node_name(n, 0) == "l1_reg_0");
  n.nodes[0].layer = 7;  // a layer index beyond the netlist's layers
  CHECK(node_name(n, 0) == "l7_reg_0");
}

TEST_CASE("nonnegative sums are exact over every input, pipelined or not", "[netlist][lower][nonnegative]") {
  // One neuron of 3 signed 4-bit inputs, weights of both signs (a small layer: the default effort
  // searches it 3 times, so its row is summed as nonnegative words, docs/netlist.md "Nonnegative
  // sums"), with and without a bias: every one of the 4,096 inputs against the integer sum.
  Rng rng(41);
  int flips = 0;
  for (int trial = 0; trial < 12; ++trial) {
    std::vector<std::int64_t> w(3);
    for (auto& x : w) x = static_cast<std::int64_t>(rng.below(121)) - 60;
    const std::int64_t b = trial % 3 == 0 ? 0 : static_cast<std::int64_t>(rng.below(401)) - 200;
    const auto m = layer_model(3, 1, w, {b}, fmt(4, 4), fmt(8, 8), fmt(20, 20));
    for (int K : {16, 2, 1}) {
      INFO("trial " << trial << ", K = " << K);
      const Netlist n = lower(m, {.levels_per_stage = K});
      for (const Node& x : n.nodes)  // R - 2^m: wiring whose range is the signed sum's
        flips += (x.kind == NodeKind::add && !test::generates_a_bit(n, x) && x.lo < 0 &&
                  n.nodes[static_cast<std::size_t>(x.b.node)].kind == NodeKind::constant);
      for (std::int64_t x0 = -8; x0 < 8; ++x0)
        for (std::int64_t x1 = -8; x1 < 8; ++x1)
          for (std::int64_t x2 = -8; x2 < 8; ++x2) {
            const auto out = simulate(n, std::vector<std::int64_t>{x0, x1, x2});
            REQUIRE(out[0] == w[0] * x0 + w[1] * x1 + w[2] * x2 + b);
          }
    }
  }
  CHECK(flips > 0);
  // A row whose only term is negative and whose bias cancels its word's offset (7 - x: no
  // constant leaf, no flip; the root is the word itself).
  const Netlist single = lower(layer_model(1, 1, {-1}, {7}, fmt(4, 4), fmt(8, 8), fmt(20, 20)));
  for (std::int64_t x0 = -8; x0 < 8; ++x0) REQUIRE(simulate(single, std::vector<std::int64_t>{x0})[0] == 7 - x0);
}

TEST_CASE("nonnegative sums: every adder of a row reads nonnegative operands", "[netlist][lower][nonnegative]") {
  // One input, one neuron, weights of two CSD digits: no subexpression (a pattern occurring
  // twice, whose adder would read the signals themselves), every adder is the row's. Its terms
  // +-(x << s) of a signed input are words x + 8 and 7 - x; the sums of words are nonnegative,
  // so no adder repeats an operand's sign bit; the root's bit m is inverted at the end.
  for (std::int64_t w : {5, -7, 12, 31, -66, 96, -127, 72}) {
    // (A bias: without one, the row's constant would be a leaf more and deepen this single row,
    // which then keeps its signed leaves.)
    for (std::int64_t b : {13, -77}) {
      INFO("w = " << w << ", b = " << b);
      const auto m = layer_model(1, 1, {w}, {b}, fmt(4, 4), fmt(8, 8), fmt(20, 20));
      const Netlist n = lower(m);
      int logic = 0;
      for (const Node& x : n.nodes) {
        if ((x.kind != NodeKind::add && x.kind != NodeKind::sub) || !test::generates_a_bit(n, x)) continue;
        ++logic;
        for (NodeId op : {x.a.node, x.b.node}) CHECK(n.nodes[static_cast<std::size_t>(op)].lo >= 0);
      }
      CHECK(logic > 0);  // the row has adders to check
      for (std::int64_t x0 = -8; x0 < 8; ++x0) REQUIRE(simulate(n, std::vector<std::int64_t>{x0})[0] == w * x0 + b);
    }
  }
}
