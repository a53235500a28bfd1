#pragma once
// Test helper (netlist tests of the CMVM searches): random matrices, every signal of a graph as
// its coefficient vector, the exactness check of a graph against its matrix, a graph's hash,
// a netlist's adders, a lowered netlist's outputs against the golden model on one input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/netlist/cmvm.hpp"
#include "nas4ml/netlist/netlist.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "nas4ml/nn/golden_inference.hpp"

namespace nas4ml::test {

/// rows x cols entries of `bits`-bit signed integers, each 0 with probability `zeros`.
inline std::vector<std::int64_t> random_matrix(Rng& rng, int rows, int cols, int bits, double zeros) {
  std::vector<std::int64_t> m;
  for (int i = 0; i < rows * cols; ++i)
    m.push_back(rng.bernoulli(zeros) ? 0 : static_cast<std::int64_t>(rng.below(std::uint64_t{1} << bits)) -
                                               (std::int64_t{1} << (bits - 1)));
  return m;
}

/// Every signal of the graph as its coefficient vector over the inputs.
inline std::vector<std::vector<std::int64_t>> signal_forms(const netlist::CmvmGraph& g) {
  std::vector<std::vector<std::int64_t>> f(g.depth.size(), std::vector<std::int64_t>(std::size_t(g.n_inputs), 0));
  for (int i = 0; i < g.n_inputs; ++i) f[std::size_t(i)][std::size_t(i)] = 1;
  for (std::size_t k = 0; k < g.ops.size(); ++k) {
    const netlist::CmvmOp& op = g.ops[k];
    REQUIRE(op.a < g.n_inputs + static_cast<int>(k));  // operands come first
    REQUIRE(op.b < g.n_inputs + static_cast<int>(k));
    const std::int64_t sign = op.subtract ? -1 : 1;
    for (int i = 0; i < g.n_inputs; ++i)
      f[std::size_t(g.n_inputs) + k][std::size_t(i)] =
          f[std::size_t(op.a)][std::size_t(i)] + sign * (f[std::size_t(op.b)][std::size_t(i)] << op.shift);
    CHECK(g.depth[std::size_t(g.n_inputs) + k] ==
          std::max(g.depth[std::size_t(op.a)], g.depth[std::size_t(op.b)]) + 1);
  }
  return f;
}

/// REQUIREs that the graph's rows are exactly m's rows (every signal expanded over the inputs).
inline void require_exact(const netlist::CmvmGraph& g, const std::vector<std::int64_t>& m, int rows, int cols) {
  REQUIRE(g.n_inputs == cols);
  REQUIRE(g.rows.size() == std::size_t(rows));
  REQUIRE(g.depth.size() == std::size_t(cols) + g.ops.size());
  const auto f = signal_forms(g);
  for (int r = 0; r < rows; ++r) {
    std::vector<std::int64_t> sum(std::size_t(cols), 0);
    for (const netlist::CmvmTerm& t : g.rows[std::size_t(r)])
      for (int i = 0; i < cols; ++i)
        sum[std::size_t(i)] += (t.negative ? -1 : 1) * (f[std::size_t(t.signal)][std::size_t(i)] << t.shift);
    REQUIRE(sum == std::vector<std::int64_t>(m.begin() + r * cols, m.begin() + (r + 1) * cols));
  }
}

/// FNV-1a over every field of a graph (ops, depths, rows' terms, zero terms, depth limit).
inline std::uint64_t graph_hash(const netlist::CmvmGraph& g, std::uint64_t h = 1469598103934665603ULL) {
  auto add = [&h](std::int64_t v) {
    for (int i = 0; i < 8; ++i) h = (h ^ static_cast<std::uint64_t>((v >> (8 * i)) & 0xFF)) * 1099511628211ULL;
  };
  add(g.n_inputs);
  add(g.depth_limit);
  add(static_cast<std::int64_t>(g.ops.size()));
  for (const netlist::CmvmOp& op : g.ops) {
    add(op.a);
    add(op.b);
    add(op.shift);
    add(op.subtract);
  }
  for (std::int32_t d : g.depth) add(d);
  for (std::size_t r = 0; r < g.rows.size(); ++r) {
    add(static_cast<std::int64_t>(g.rows[r].size()));
    for (const netlist::CmvmTerm& t : g.rows[r]) {
      add(t.signal);
      add(t.shift);
      add(t.negative);
    }
    add(g.zero_term[r]);
  }
  return h;
}

/// Whether node x generates a bit of its own (logic; wiring nodes, such as the nonnegative words
/// of docs/netlist.md "Nonnegative sums", only pass other nodes' bits on).
inline bool generates_a_bit(const netlist::Netlist& n, const netlist::Node& x) {
  for (int j = 0; j < x.width; ++j)
    if (n.literals[x.first_bit + static_cast<std::uint32_t>(j)] == 2 + 2 * (x.first_bit + static_cast<std::uint32_t>(j)))
      return true;
  return false;
}

/// Add and subtract nodes of a netlist that generate a bit (wiring nodes are not adders).
inline int netlist_adders(const netlist::Netlist& n) {
  return static_cast<int>(std::count_if(n.nodes.begin(), n.nodes.end(), [&](const netlist::Node& x) {
    return (x.kind == netlist::NodeKind::add || x.kind == netlist::NodeKind::sub) && generates_a_bit(n, x);
  }));
}

/// Simulates `n` on one input (simulate_nodes throws on a value outside a node's [lo, hi]), checks
/// every bit origin, and REQUIREs every layer output to equal the golden model's trace.
inline void require_golden(const netlist::Netlist& n, const nn::QuantizedModel& model, std::span<const std::int64_t> x) {
  const auto v = netlist::simulate_nodes(n, x);
  netlist::check_bit_origins(n, v);
  const auto trace = nn::golden_trace(model, x);
  for (std::size_t k = 0; k < n.layers.size(); ++k)
    for (std::size_t o = 0; o < n.layers[k].outputs.size(); ++o)
      if (n.layers[k].outputs[o] != netlist::no_node) REQUIRE(v[std::size_t(n.layers[k].outputs[o])] == trace[k][o]);
}

}  // namespace nas4ml::test
