#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <climits>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/netlist/cmvm.hpp"
#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "netlist/cmvm_check.hpp"
#include "netlist/random_model.hpp"
#include "support/run_cli.hpp"
#include "support/trained_magic.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;
using test::graph_hash, test::random_matrix, test::require_exact, test::signal_forms;

TEST_CASE("shared subexpressions compute exactly the matrix, within the depth limit", "[netlist][cmvm]") {
  Rng rng = Rng::stream(3, 0, 0, "netlist.cmvm");
  for (int trial = 0; trial < 40; ++trial) {
    const int rows = 1 + static_cast<int>(rng.below(12)), cols = 1 + static_cast<int>(rng.below(12));
    const int bits = 2 + static_cast<int>(rng.below(9));
    const auto m = random_matrix(rng, rows, cols, bits, trial % 3 == 0 ? 0.5 : 0.0);
    std::vector<std::uint8_t> extra(std::size_t(rows), 0);
    for (auto& e : extra) e = rng.bernoulli(0.5);
    std::int64_t plain = 0;  // adders of the plain trees: CSD digits + constant - 1 per row
    int deepest = 0;
    for (int r = 0; r < rows; ++r) {
      std::int64_t terms = extra[std::size_t(r)];
      for (int c = 0; c < cols; ++c) terms += csd_weight(m[std::size_t(r * cols + c)]);
      plain += std::max<std::int64_t>(terms - 1, 0);
      if (terms > 1) deepest = std::max(deepest, static_cast<int>(std::bit_width(std::uint64_t(terms - 1))));
    }
    for (int dc : {-1, 0, 1, 2}) {
      const CmvmGraph g = share_subexpressions(m, rows, cols, extra, dc);
      const auto f = signal_forms(g);
      for (int r = 0; r < rows; ++r) {
        std::vector<std::int64_t> sum(std::size_t(cols), 0);
        for (const CmvmTerm& t : g.rows[std::size_t(r)])
          for (int i = 0; i < cols; ++i)
            sum[std::size_t(i)] += (t.negative ? -1 : 1) * (f[std::size_t(t.signal)][std::size_t(i)] << t.shift);
        REQUIRE(sum == std::vector<std::int64_t>(m.begin() + r * cols, m.begin() + (r + 1) * cols));
        if (dc >= 0) {
          CHECK(g.depth_limit == deepest + dc);
          CHECK(cmvm_row_depth(g, r, extra[std::size_t(r)]) <= g.depth_limit);
        }
      }
      if (dc >= 0) {
        // Per-row scope: row r within its own ceil(log2 terms) + dc, the product still exact.
        const CmvmGraph h = share_subexpressions(m, rows, cols, extra, dc, DelayScope::row);
        const auto fh = signal_forms(h);
        for (int r = 0; r < rows; ++r) {
          std::int64_t terms = extra[std::size_t(r)];
          bool positive = extra[std::size_t(r)] != 0;  // else an all-negative row gets a 0 term
          for (int c = 0; c < cols; ++c) {
            terms += csd_weight(m[std::size_t(r * cols + c)]);
            for (std::int64_t v = m[std::size_t(r * cols + c)]; v != 0; v >>= 1)
              if (v & 1) {
                positive = positive || (v & 3) == 1;
                v += (v & 3) == 3 ? 1 : -1;
              }
          }
          if (!positive && terms > 0) ++terms;
          const int own = terms > 1 ? static_cast<int>(std::bit_width(std::uint64_t(terms - 1))) : 0;
          CHECK(cmvm_row_depth(h, r, extra[std::size_t(r)]) <= own + dc);
          std::vector<std::int64_t> sum(std::size_t(cols), 0);
          for (const CmvmTerm& t : h.rows[std::size_t(r)])
            for (int i = 0; i < cols; ++i)
              sum[std::size_t(i)] += (t.negative ? -1 : 1) * (fh[std::size_t(t.signal)][std::size_t(i)] << t.shift);
          REQUIRE(sum == std::vector<std::int64_t>(m.begin() + r * cols, m.begin() + (r + 1) * cols));
        }
      }
      // Sharing never costs adders beyond the plain trees (a rare 0 - (...) row aside).
      std::int64_t zeros = 0;
      for (auto z : g.zero_term) zeros += z;
      CHECK(cmvm_adders(g) - zeros <= plain);
      // Deterministic: the same matrix gives the same graph.
      const CmvmGraph again = share_subexpressions(m, rows, cols, extra, dc);
      REQUIRE(again.ops.size() == g.ops.size());
      for (std::size_t k = 0; k < g.ops.size(); ++k) {
        CHECK(again.ops[k].a == g.ops[k].a);
        CHECK(again.ops[k].b == g.ops[k].b);
        CHECK(again.ops[k].shift == g.ops[k].shift);
        CHECK(again.ops[k].subtract == g.ops[k].subtract);
      }
    }
  }
}

TEST_CASE("wide layers (counted signal by signal) and wide weights are searched exactly", "[netlist][cmvm]") {
  // 400 columns: the first round's pairs no longer fit one dense table of all input pairs and
  // are counted signal by signal; 40-bit weights: shift differences up to 40.
  Rng rng = Rng::stream(9, 0, 0, "netlist.cmvm.wide");
  struct Shape { int rows, cols, bits; double zeros; };
  for (const Shape s : {Shape{8, 400, 8, 0.5}, Shape{5, 6, 40, 0.0}, Shape{3, 3, 48, 0.0}}) {
    const auto m = random_matrix(rng, s.rows, s.cols, s.bits, s.zeros);
    std::int64_t plain = 0;
    for (int r = 0; r < s.rows; ++r) {
      std::int64_t terms = 0;
      for (int c = 0; c < s.cols; ++c) terms += csd_weight(m[std::size_t(r * s.cols + c)]);
      plain += std::max<std::int64_t>(terms - 1, 0);
    }
    for (int dc : {-1, 0}) {
      INFO("rows " << s.rows << ", cols " << s.cols << ", bits " << s.bits << ", dc " << dc);
      const CmvmGraph g = share_subexpressions(m, s.rows, s.cols, {}, dc);
      const auto f = signal_forms(g);
      for (int r = 0; r < s.rows; ++r) {
        std::vector<std::int64_t> sum(std::size_t(s.cols), 0);
        for (const CmvmTerm& t : g.rows[std::size_t(r)])
          for (int i = 0; i < s.cols; ++i)
            sum[std::size_t(i)] += (t.negative ? -1 : 1) * (f[std::size_t(t.signal)][std::size_t(i)] << t.shift);
        REQUIRE(sum == std::vector<std::int64_t>(m.begin() + r * s.cols, m.begin() + (r + 1) * s.cols));
        if (dc >= 0) CHECK(cmvm_row_depth(g, r) <= g.depth_limit);
      }
      std::int64_t zeros = 0;
      for (auto z : g.zero_term) zeros += z;
      CHECK(cmvm_adders(g) - zeros < plain);  // patterns do repeat in these matrices
      const CmvmGraph again = share_subexpressions(m, s.rows, s.cols, {}, dc);
      CHECK(again.ops.size() == g.ops.size());
    }
  }
}

TEST_CASE("a repeated pattern is built once", "[netlist][cmvm]") {
  // Rows 3x0 + 5x1 = x0 + 2x0 + x1 + 4x1 ... : the pair (x0 + x1) is common to all four rows.
  const std::vector<std::int64_t> m = {1, 1, 2, 2, 4, 4, -1, -1};
  const CmvmGraph g = share_subexpressions(m, 4, 2, {}, -1);
  REQUIRE(g.ops.size() == 1);
  CHECK(g.ops[0].a == 0);
  CHECK(g.ops[0].b == 1);
  CHECK(g.ops[0].shift == 0);
  CHECK_FALSE(g.ops[0].subtract);
  for (const auto& row : g.rows) CHECK(row.size() == 1);
  CHECK(cmvm_adders(g) == 2);  // x0 + x1, and 0 - (x0 + x1) for the last row
}

TEST_CASE("sharing lowers random layers to fewer adders, exact widths, dc respected, deterministic",
          "[netlist][cmvm][lower]") {
  Rng rng = Rng::stream(4, 0, 0, "netlist.cmvm.lower");
  const FixedFormat in{6, 2, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat w{7, 2, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat b{8, 3, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat r{12, 6, true, Rounding::round_half_up, Overflow::saturate};
  for (int trial = 0; trial < 6; ++trial) {
    auto m = test::random_model(rng, {7, 6}, in, w, b, r, 0.2);
    const Netlist plain = lower(m, {.levels_per_stage = 2, .sharing = Sharing::none});
    for (int dc : {-1, 0, 1}) {
      LoweringOptions o{.levels_per_stage = 1 + trial % 3};
      o.sharing = Sharing::cse;
      m.layers[0].dc = dc;
      const Netlist n = lower(m, o);
      CHECK(test::netlist_adders(n) < test::netlist_adders(plain));
      if (dc >= 0) CHECK(n.layers[0].adder_levels <= plain.layers[0].adder_levels + dc);
      if (dc == 0)
        CHECK(n.latency_cycles <= lower(m, {.levels_per_stage = o.levels_per_stage, .sharing = Sharing::none}).latency_cycles);
      // Widths exact: every adder reaches both ends of its range over the 2^7 corners.
      std::vector<std::int64_t> lo(n.nodes.size(), INT64_MAX), hi(n.nodes.size(), INT64_MIN);
      for (int corner = 0; corner < (1 << 7); ++corner) {
        std::vector<std::int64_t> x;
        for (int i = 0; i < 7; ++i) x.push_back(corner >> i & 1 ? in.max_raw() : in.min_raw());
        const auto v = simulate_nodes(n, x);  // throws on a value outside [lo, hi]
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
        // Adder operands share a pipeline stage (or are constants).
        const Node &a = n.nodes[std::size_t(node.a.node)], &bb = n.nodes[std::size_t(node.b.node)];
        CHECK((a.stage < 0 || bb.stage < 0 || a.stage == bb.stage));
      }
      // Deterministic.
      const Netlist again = lower(m, o);
      REQUIRE(again.nodes.size() == n.nodes.size());
      CHECK(again.literals == n.literals);
    }
  }
}

TEST_CASE("sharing names are parsed and bad ones are clear errors", "[netlist][cmvm][errors]") {
  CHECK(parse_sharing("none") == Sharing::none);
  CHECK(parse_sharing("cse") == Sharing::cse);
  CHECK(to_string(Sharing::cse) == "cse");
  CHECK_THROWS_WITH(parse_sharing("greedy", "model.json", "sharing"), Catch::Contains("\"none\" or \"cse\"") &&
                                                                          Catch::Contains("greedy"));
  LoweringOptions o;
  o.sharing = Sharing::cse;
  Rng rng(1);
  auto m = test::random_model(rng, {3, 2}, FixedFormat{6, 2}, FixedFormat{6, 2}, FixedFormat{6, 2},
                                    FixedFormat{8, 4}, 0.0);
  m.layers[0].dc = -2;
  CHECK_THROWS_WITH(lower(m, o), Catch::Contains("dc"));
}

TEST_CASE("factoring rows and columns keeps the product exact and saves adders without a depth limit",
          "[netlist][cmvm][factoring]") {
  Rng rng = Rng::stream(5, 0, 0, "netlist.cmvm.factoring");
  const Factoring kinds[] = {Factoring::none, Factoring::columns, Factoring::rows, Factoring::both};
  std::int64_t total[4] = {0, 0, 0, 0};
  for (int trial = 0; trial < 30; ++trial) {
    const bool square = trial < 20;  // 8 x 8, 8-bit: the CMVM benchmark's matrices
    const int rows = square ? 8 : 1 + static_cast<int>(rng.below(10));
    const int cols = square ? 8 : 1 + static_cast<int>(rng.below(10));
    const int bits = square ? 8 : 2 + static_cast<int>(rng.below(8));
    const auto m = random_matrix(rng, rows, cols, bits, square ? 0.0 : 0.4);
    std::vector<std::uint8_t> extra(std::size_t(rows), 0);
    for (auto& e : extra) e = square ? 0 : static_cast<std::uint8_t>(rng.below(2));
    for (std::size_t k = 0; k < std::size(kinds); ++k) {
      const CmvmGraph g = share_subexpressions(m, rows, cols, extra, -1, DelayScope::layer, kinds[k]);
      const auto f = signal_forms(g);
      for (int r = 0; r < rows; ++r) {
        std::vector<std::int64_t> sum(std::size_t(cols), 0);
        bool positive = extra[std::size_t(r)] != 0;
        for (const CmvmTerm& t : g.rows[std::size_t(r)]) {
          positive = positive || !t.negative;
          for (int i = 0; i < cols; ++i)
            sum[std::size_t(i)] += (t.negative ? -1 : 1) * (f[std::size_t(t.signal)][std::size_t(i)] << t.shift);
        }
        REQUIRE(sum == std::vector<std::int64_t>(m.begin() + r * cols, m.begin() + (r + 1) * cols));
        CHECK(g.zero_term[std::size_t(r)] == (!g.rows[std::size_t(r)].empty() && !positive));
      }
      if (square) total[k] += cmvm_adders(g);
      // Deterministic, and under a depth limit the factorings are off (the same graph as none).
      const CmvmGraph again = share_subexpressions(m, rows, cols, extra, -1, DelayScope::layer, kinds[k]);
      CHECK(again.ops.size() == g.ops.size());
      CHECK(cmvm_adders(again) == cmvm_adders(g));
      const CmvmGraph limited = share_subexpressions(m, rows, cols, extra, 0, DelayScope::layer, kinds[k]);
      const CmvmGraph plain = share_subexpressions(m, rows, cols, extra, 0);
      CHECK(limited.ops.size() == plain.ops.size());
      CHECK(limited.depth == plain.depth);
    }
  }
  // On the benchmark's matrices each factoring saves adders over the pattern search alone.
  CHECK(total[1] < total[0]);
  CHECK(total[2] < total[0]);
  CHECK(total[3] < total[0]);
}

TEST_CASE("a column close to another is built from it", "[netlist][cmvm][factoring]") {
  // Column 1 = column 0 + (1, 0, 0, 0): the tree joins them (the one with fewer digits is the
  // parent p, z_p = x_p + x_c: the first op) and the child's column becomes +-(1, 0, 0, 0).
  const std::vector<std::int64_t> m = {93, 94, -77, -77, 109, 109, 45, 45};
  const CmvmGraph g = share_subexpressions(m, 4, 2, {}, -1, DelayScope::layer, Factoring::columns);
  REQUIRE_FALSE(g.ops.empty());
  CHECK(g.ops[0].a + g.ops[0].b == 1);  // x0 and x1
  CHECK(g.ops[0].shift == 0);
  CHECK_FALSE(g.ops[0].subtract);
  std::size_t terms = 0;
  for (const auto& row : g.rows) terms += row.size();
  CHECK(terms < 12);  // the digits of one column and the 1, shared
  const CmvmGraph alone = share_subexpressions(m, 4, 2, {}, -1);
  CHECK(cmvm_adders(g) <= cmvm_adders(alone));
}

namespace {

/// Values crossing the boundaries after levels K, 2K, ... below `deepest` (at most 16), counted
/// independently of the search: per boundary at level L, every row's terms shallower than L
/// summed into ceil(sum 2^depth / 2^L) values, plus each signal read above L once (an op signal
/// of depth L; a signal shallower than L read by an op deeper than L). `terms[r]`: row r's
/// terms of depth 0 beside its graph terms (its constant).
std::int64_t crossing_values(const CmvmGraph& g, int K, int deepest, const std::vector<std::uint64_t>& terms) {
  std::int64_t n = 0;
  const std::size_t cols = std::size_t(g.n_inputs);
  for (int j = 1; j <= std::min((deepest - 1) / K, 16); ++j) {
    const int level = j * K;
    for (std::size_t r = 0; r < g.rows.size(); ++r) {
      std::uint64_t k = terms[r] + g.zero_term[r];
      for (const CmvmTerm& t : g.rows[r])
        if (g.depth[std::size_t(t.signal)] < level) k += std::uint64_t{1} << g.depth[std::size_t(t.signal)];
      n += static_cast<std::int64_t>((k + (std::uint64_t{1} << level) - 1) >> level);
    }
    std::vector<std::uint8_t> read(g.depth.size(), 0);
    for (std::size_t i = 0; i < g.ops.size(); ++i) {
      if (g.depth[cols + i] == level) read[cols + i] = 1;
      if (g.depth[cols + i] <= level) continue;
      for (std::int32_t x : {g.ops[i].a, g.ops[i].b})
        if (g.depth[std::size_t(x)] <= level) read[std::size_t(x)] = 1;
    }
    n += std::count(read.begin(), read.end(), std::uint8_t{1});
  }
  return n;
}

}  // namespace

TEST_CASE("stage-aware search: no more values over the boundaries, no more stages", "[netlist][cmvm][stages]") {
  Rng rng = Rng::stream(6, 0, 0, "netlist.cmvm.stages");
  int within = 0, beyond = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int rows = 2 + static_cast<int>(rng.below(30)), cols = 4 + static_cast<int>(rng.below(30));
    const auto m = random_matrix(rng, rows, cols, 6 + static_cast<int>(rng.below(3)), 0.3);
    const std::vector<std::uint8_t> extra(std::size_t(rows), 1);
    int deepest = 0;
    std::vector<std::uint64_t> before(std::size_t(rows), 0);
    for (int r = 0; r < rows; ++r) {
      std::uint64_t terms = 1;  // the constant
      for (int c = 0; c < cols; ++c) terms += std::uint64_t(csd_weight(m[std::size_t(r * cols + c)]));
      before[std::size_t(r)] = terms;
      if (terms > 1) deepest = std::max(deepest, static_cast<int>(std::bit_width(terms - 1)));
    }
    for (int K : {1, 2, 3}) {
      if (K >= deepest) continue;
      const CmvmGraph g = share_subexpressions(m, rows, cols, extra, -1, DelayScope::layer, Factoring::none, K);
      const auto f = signal_forms(g);
      const std::uint64_t unit = std::uint64_t{1} << K;
      const int stages_depth = (deepest + K - 1) / K * K;
      for (int r = 0; r < rows; ++r) {
        std::vector<std::int64_t> sum(std::size_t(cols), 0);
        std::uint64_t kraft = 1 + g.zero_term[std::size_t(r)];
        for (const CmvmTerm& t : g.rows[std::size_t(r)]) {
          kraft += std::uint64_t{1} << g.depth[std::size_t(t.signal)];
          for (int i = 0; i < cols; ++i)
            sum[std::size_t(i)] += (t.negative ? -1 : 1) * (f[std::size_t(t.signal)][std::size_t(i)] << t.shift);
        }
        REQUIRE(sum == std::vector<std::int64_t>(m.begin() + r * cols, m.begin() + (r + 1) * cols));
        // The row's Kraft cap (its plain tree's values over the first boundary), or beyond it
        // by substitutions that carry no more values over the layer's boundaries.
        const std::uint64_t cap = std::max<std::uint64_t>((before[std::size_t(r)] + unit - 1) / unit, 1) * unit;
        within += kraft > before[std::size_t(r)] && kraft <= cap;  // the slack below the cap used
        beyond += kraft > cap;
        CHECK(cmvm_row_depth(g, r, 1) <= stages_depth);
      }
      // The plain trees: every CSD digit and the constant a term of depth 0, no op.
      CmvmGraph plain;
      plain.n_inputs = cols;
      plain.depth.assign(std::size_t(cols), 0);
      plain.rows.resize(std::size_t(rows));
      plain.zero_term.assign(std::size_t(rows), 0);
      const std::int64_t values = crossing_values(g, K, deepest, std::vector<std::uint64_t>(std::size_t(rows), 1));
      CHECK(values <= crossing_values(plain, K, deepest, before));
      CHECK(cmvm_boundary_values(g, K, (deepest - 1) / K, extra) == values);
      CHECK(plain_boundary_values(before, K, (deepest - 1) / K) == crossing_values(plain, K, deepest, before));
    }
  }
  CHECK(within > 0);
  CHECK(beyond > 0);
}

TEST_CASE("boundary values: a shared value crosses once, row terms in Kraft groups", "[netlist][cmvm][stages]") {
  // Two rows x0 + x1 + x2 + x3, one boundary after level 1: plain, each row hands 4 / 2 = 2
  // values over it; with s = x0 + x1 (level 1) shared, each row hands ceil(2 / 2) = 1 (x2 + x3)
  // and s crosses once: 3.
  CmvmGraph g;
  g.n_inputs = 4;
  g.depth = {0, 0, 0, 0, 1};
  g.ops = {{0, 1, 0, false}};
  g.rows = {{{4, 0, false}, {2, 0, false}, {3, 0, false}}, {{4, 0, false}, {2, 0, false}, {3, 0, false}}};
  g.zero_term = {0, 0};
  CHECK(plain_boundary_values(std::vector<std::uint64_t>{4, 4}, 1, 1) == 4);
  CHECK(cmvm_boundary_values(g, 1, 1, {}) == 3);
  // A constant term per row: 3 / 2 -> 2 values each (x2 + x3, the constant).
  CHECK(cmvm_boundary_values(g, 1, 1, std::vector<std::uint8_t>{1, 1}) == 5);
  // An op t = s + x2 of level 2 reads s and x2 above the first boundary: both cross once (s
  // already did); the rows read t and x3 (t beyond the boundary, x3 one value).
  g.ops.push_back({4, 2, 0, false});
  g.depth.push_back(2);
  g.rows = {{{5, 0, false}, {3, 0, false}}, {{5, 0, false}, {3, 0, false}}};
  CHECK(cmvm_boundary_values(g, 1, 1, {}) == 4);
  // No boundary, no value.
  CHECK(cmvm_boundary_values(g, 1, 0, {}) == 0);
}

TEST_CASE("pipelined cse layers keep the latency of the plain trees at dc = -1", "[netlist][cmvm][stages]") {
  Rng rng = Rng::stream(7, 0, 0, "netlist.cmvm.latency");
  const FixedFormat in{8, 4, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat w{8, 2, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat b{8, 3, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat r{14, 6, true, Rounding::truncate, Overflow::wrap};
  for (int trial = 0; trial < 4; ++trial) {
    const auto m = test::random_model(rng, {16, 24, 12}, in, w, b, r, 0.3);
    for (int K : {2, 3, 4, 5}) {
      LoweringOptions o{.levels_per_stage = K, .sharing = Sharing::none};
      const Netlist plain = lower(m, o);
      o.sharing = Sharing::cse;
      const Netlist shared = lower(m, o);
      CHECK(shared.latency_cycles == plain.latency_cycles);
      CHECK(test::netlist_adders(shared) < test::netlist_adders(plain));
    }
  }
}

namespace {

/// The graphs of a fixed set of searches (square 8-bit matrices as in the CMVM benchmark, sparse
/// 6-bit layers as in the jet network, every dc/scope/stage/factoring mode), hashed in order.
struct PinnedSearch {
  std::vector<std::int64_t> m;
  int rows, cols;
  std::vector<std::uint8_t> extra;
  int dc;
  DelayScope scope;
  Factoring factoring;
  int stage_levels;
};
std::vector<PinnedSearch> pinned_searches() {
  Rng rng = Rng::stream(8, 0, 0, "netlist.cmvm.pinned");
  std::vector<PinnedSearch> out;
  for (int n : {4, 8, 16, 32})
    for (int k = 0; k < 3; ++k) {
      const auto m = random_matrix(rng, n, n, 8, 0.0);
      for (int dc : {-1, 0, 2}) out.push_back({m, n, n, {}, dc, DelayScope::layer, Factoring::none, 0});
      out.push_back({m, n, n, {}, 0, DelayScope::row, Factoring::none, 0});
      out.push_back({m, n, n, {}, -1, DelayScope::layer, Factoring::both, 0});
    }
  for (auto [rows, cols] : {std::pair{64, 16}, std::pair{32, 64}, std::pair{32, 32}, std::pair{5, 32}}) {
    const auto m = random_matrix(rng, rows, cols, 6, 0.5);
    std::vector<std::uint8_t> extra(std::size_t(rows), 1);
    for (int K : {0, 2, 3}) out.push_back({m, rows, cols, extra, -1, DelayScope::layer, Factoring::none, K});
    out.push_back({m, rows, cols, extra, 1, DelayScope::layer, Factoring::none, 2});
  }
  return out;
}
std::uint64_t pinned_hash(const std::vector<PinnedSearch>& searches) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const auto& s : searches)
    h = graph_hash(share_subexpressions(s.m, s.rows, s.cols, s.extra, s.dc, s.scope, s.factoring, s.stage_levels), h);
  return h;
}
}  // namespace

TEST_CASE("the search's graphs are pinned (speed work must not change them)", "[netlist][cmvm][pinned]") {
  // Every field of 76 graphs; update only when a change of the search is intended (and say why).
  CHECK(pinned_hash(pinned_searches()) == 0xddf34d3c57b6a3c4ULL);
}

TEST_CASE("searches on many threads give the same graphs as one thread", "[netlist][cmvm][threads]") {
  // Each thread reuses its own work tables, left over from different earlier searches: thread t
  // starts at a different search and runs them all twice (the 32 x 32 dense ones left out: time).
  auto searches = pinned_searches();
  std::erase_if(searches, [](const PinnedSearch& s) { return s.extra.empty() && s.rows == 32; });
  auto hash_of = [&](std::size_t k) {
    const auto& s = searches[k];
    return graph_hash(share_subexpressions(s.m, s.rows, s.cols, s.extra, s.dc, s.scope, s.factoring, s.stage_levels));
  };
  std::vector<std::uint64_t> one(searches.size());
  for (std::size_t k = 0; k < searches.size(); ++k) one[k] = hash_of(k);
  for (unsigned threads : {2u, 5u}) {
    std::vector<std::vector<std::uint64_t>> got(threads, std::vector<std::uint64_t>(searches.size(), 0));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (int round = 0; round < 2; ++round)
          for (std::size_t i = 0; i < searches.size(); ++i) {
            const std::size_t k = (i + t * 11) % searches.size();
            got[t][k] = hash_of(k);
          }
      });
    for (auto& th : pool) th.join();
    for (unsigned t = 0; t < threads; ++t) CHECK(got[t] == one);
  }
}

TEST_CASE("trained MAGIC layers: exact products, exact widths, the cse netlist equals the golden model",
          "[netlist][cmvm][trained]") {
  // A real trained network (experiments/models/magic_10_32_32_2.json on the shipped MAGIC data,
  // 3 epochs: pruned to 50%, 8-bit weights) instead of uniform random weights.
  const auto& [d, model] = test::trained_magic();
  REQUIRE(model.layers.size() == 3);
  for (std::size_t k = 0; k < model.layers.size(); ++k) {
    const auto& l = model.layers[k];
    std::vector<std::uint8_t> extra;
    for (auto b : l.biases) extra.push_back(b != 0);
    for (int dc : {-1, 0, 1})
      for (int K : {0, 2, 3}) {
        const CmvmGraph g = share_subexpressions(l.weights, l.n_out, l.n_in, extra, dc, DelayScope::layer,
                                                 Factoring::none, K);
        CHECK_FALSE(g.ops.empty());  // trained weights share subexpressions too
        const auto f = signal_forms(g);
        for (int r = 0; r < l.n_out; ++r) {
          std::vector<std::int64_t> sum(std::size_t(l.n_in), 0);
          for (const CmvmTerm& t : g.rows[std::size_t(r)])
            for (int i = 0; i < l.n_in; ++i)
              sum[std::size_t(i)] += (t.negative ? -1 : 1) * (f[std::size_t(t.signal)][std::size_t(i)] << t.shift);
          REQUIRE(sum == std::vector<std::int64_t>(l.weights.begin() + r * l.n_in, l.weights.begin() + (r + 1) * l.n_in));
          if (dc >= 0) CHECK(cmvm_row_depth(g, r, extra[std::size_t(r)]) <= g.depth_limit);
        }
      }
  }
  const auto inputs = nn::quantize_inputs(model, d.test.x);
  for (int K : {0, 2, 5}) {
    LoweringOptions opt{.levels_per_stage = K, .sharing = Sharing::none};
    const Netlist plain = lower(model, opt);
    opt.sharing = Sharing::cse;
    const Netlist n = lower(model, opt);
    CHECK(test::netlist_adders(n) < test::netlist_adders(plain));
    // Every bit of every live node on 300 real test events equals the golden model's trace.
    for (std::size_t s = 0; s < 300; ++s) {
      const std::span<const std::int64_t> x(inputs.data() + s * std::size_t(model.n_inputs), std::size_t(model.n_inputs));
      test::require_golden(n, model, x);
    }
    // Widths exact in the first layer: its adders are affine in the inputs, so the 2^10 corners
    // of the input box reach both ends of every adder's range.
    std::vector<std::int64_t> lo(n.nodes.size(), INT64_MAX), hi(n.nodes.size(), INT64_MIN);
    for (int corner = 0; corner < (1 << model.n_inputs); ++corner) {
      std::vector<std::int64_t> x;
      for (int i = 0; i < model.n_inputs; ++i)
        x.push_back(corner >> i & 1 ? model.input_format.max_raw() : model.input_format.min_raw());
      const auto v = simulate_nodes(n, x);
      for (std::size_t k = 0; k < v.size(); ++k) {
        lo[k] = std::min(lo[k], v[k]);
        hi[k] = std::max(hi[k], v[k]);
      }
    }
    int checked = 0;
    for (std::size_t k = 0; k < n.nodes.size(); ++k) {
      const Node& node = n.nodes[k];
      if ((node.kind != NodeKind::add && node.kind != NodeKind::sub) || node.layer != 0) continue;
      CHECK(lo[k] == node.lo);
      CHECK(hi[k] == node.hi);
      CHECK(node.width == signed_width(node.lo, node.hi));
      ++checked;
    }
    CHECK(checked > 100);
  }
}

TEST_CASE("patterns that occur more than 255 times are ranked by their exact counts", "[netlist][cmvm]") {
  // The pair counters saturate at 255 and such a pattern's count is taken from the shift masks.
  // Rows x0+x1+x2+x3 (260), x0+x1+x2 (30), x0+x1+x3 (10): x0+x1 occurs 300 times, then (x0+x1)+x2
  // 290 times, more than x2+x3 (260) and (x0+x1)+x3 (270); counts cut at 255 would tie them.
  const int rows = 300, cols = 4;
  std::vector<std::int64_t> m;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m.push_back(c < 2 || (c == 2 && r < 290) || (c == 3 && (r < 260 || r >= 290)) ? 1 : 0);
  REQUIRE(std::count(m.begin(), m.end(), 1) == 260 * 4 + 30 * 3 + 10 * 3);
  for (int dc : {-1, 2}) {
    const CmvmGraph g = share_subexpressions(m, rows, cols, {}, dc);
    REQUIRE(g.ops.size() >= 2);
    CHECK(g.ops[0].a == 0);
    CHECK(g.ops[0].b == 1);
    CHECK(g.ops[0].shift == 0);
    CHECK_FALSE(g.ops[0].subtract);
    CHECK(std::min(g.ops[1].a, g.ops[1].b) == 2);  // x2 with the new signal x0 + x1 (signal 4)
    CHECK(std::max(g.ops[1].a, g.ops[1].b) == 4);
    CHECK(g.ops[1].shift == 0);
    const auto f = signal_forms(g);
    for (int r = 0; r < rows; ++r) {
      std::vector<std::int64_t> sum(std::size_t(cols), 0);
      for (const CmvmTerm& t : g.rows[std::size_t(r)])
        for (int i = 0; i < cols; ++i)
          sum[std::size_t(i)] += (t.negative ? -1 : 1) * (f[std::size_t(t.signal)][std::size_t(i)] << t.shift);
      CHECK(std::equal(sum.begin(), sum.end(), m.begin() + std::ptrdiff_t(r) * cols));
    }
    CHECK(cmvm_adders(g) == 4);  // x0+x1, then + x2, + x3 (also shared by the rows x0+x1+x3)
  }
}

TEST_CASE("width-weighted patterns: the wider adder goes first, products exact, deterministic",
          "[netlist][cmvm][weights]") {
  // Rows x0 + x1 + x2 (twice) and x0 + x1. By count, x0 + x1 (3 times) is built first; with x0,
  // x1 one bit wide and x2 sixteen, x1 + x2 (2 x 17 bits) outranks x0 + x1 (3 x 3 bits).
  const std::vector<std::int64_t> m = {1, 1, 1, 1, 1, 1, 1, 1, 0};
  const std::vector<std::int64_t> lo = {0, 0, -32768}, hi = {1, 1, 32767};
  const CmvmGraph plain = share_subexpressions(m, 3, 3, {}, -1);
  REQUIRE_FALSE(plain.ops.empty());
  CHECK(plain.ops[0].a == 0);
  CHECK(plain.ops[0].b == 1);
  const CmvmGraph weighted = share_subexpressions(m, 3, 3, {}, -1, DelayScope::layer, Factoring::none, 0, {lo, hi});
  REQUIRE_FALSE(weighted.ops.empty());
  CHECK(weighted.ops[0].a == 1);
  CHECK(weighted.ops[0].b == 2);
  // Empty weights are the frequency rule; with a factoring they are ignored.
  CHECK(graph_hash(share_subexpressions(m, 3, 3, {}, -1, DelayScope::layer, Factoring::none, 0, {})) ==
        graph_hash(plain));
  CHECK(graph_hash(share_subexpressions(m, 3, 3, {}, -1, DelayScope::layer, Factoring::both, 0, {lo, hi})) ==
        graph_hash(share_subexpressions(m, 3, 3, {}, -1, DelayScope::layer, Factoring::both, 0)));
  // A range per column, lo <= hi: else an internal error, not a wrong graph.
  const std::vector<std::int64_t> two = {0, 0};
  CHECK_THROWS_AS(share_subexpressions(m, 3, 3, {}, -1, DelayScope::layer, Factoring::none, 0, {two, two}), InternalError);
  const std::vector<std::int64_t> bad_hi = {1, -1, 1};
  CHECK_THROWS_AS(share_subexpressions(m, 3, 3, {}, -1, DelayScope::layer, Factoring::none, 0, {lo, bad_hi}), InternalError);

  // Random layers with random column ranges: exact products, dc and stages kept, same graph
  // every time and on other threads.
  Rng rng = Rng::stream(17, 0, 0, "netlist.cmvm.weights");
  std::vector<std::uint64_t> hashes;
  std::vector<std::function<CmvmGraph()>> searches;
  for (int trial = 0; trial < 30; ++trial) {
    const int rows = 1 + static_cast<int>(rng.below(20)), cols = 1 + static_cast<int>(rng.below(20));
    auto mat = random_matrix(rng, rows, cols, 2 + static_cast<int>(rng.below(7)), trial % 2 ? 0.5 : 0.0);
    std::vector<std::int64_t> clo, chi;
    for (int c = 0; c < cols; ++c) {
      const int bits = 1 + static_cast<int>(rng.below(40));
      clo.push_back(rng.bernoulli(0.5) ? 0 : -(std::int64_t{1} << (bits - 1)));
      chi.push_back((std::int64_t{1} << (bits - 1)) - static_cast<std::int64_t>(rng.below(2)));
    }
    std::vector<std::uint8_t> extra(std::size_t(rows), 0);
    for (auto& e : extra) e = rng.bernoulli(0.5);
    const int dc = static_cast<int>(rng.below(4)) - 1, K = trial % 3 == 0 ? 2 : 0;
    searches.push_back([=] {
      return share_subexpressions(mat, rows, cols, extra, dc, DelayScope::layer, Factoring::none, K, {clo, chi});
    });
    const CmvmGraph g = searches.back()();
    require_exact(g, mat, rows, cols);
    if (dc >= 0)
      for (int r = 0; r < rows; ++r) CHECK(cmvm_row_depth(g, r, extra[std::size_t(r)]) <= g.depth_limit);
    hashes.push_back(graph_hash(g));
    CHECK(graph_hash(searches.back()()) == hashes.back());
  }
  std::vector<std::uint64_t> other(hashes.size(), 0);
  std::thread t([&] {
    for (std::size_t k = searches.size(); k-- > 0;) other[k] = graph_hash(searches[k]());
  });
  t.join();
  CHECK(other == hashes);
}

TEST_CASE("width-weighted lowering: bit-exact against the golden model, same latency, deterministic",
          "[netlist][cmvm][weights][lower]") {
  Rng rng = Rng::stream(18, 0, 0, "netlist.cmvm.weights.lower");
  const FixedFormat in{8, 4, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat w{7, 2, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat b{8, 3, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat r{12, 6, true, Rounding::round_half_up, Overflow::saturate};
  int differ = 0;
  for (int trial = 0; trial < 4; ++trial) {
    const auto m = test::random_model(rng, {12, 16, 8}, in, w, b, r, 0.3);
    LoweringOptions o{.levels_per_stage = 1 + trial % 3};
    o.sharing = Sharing::cse;
    const Netlist freq = lower(m, o);
    o.sharing_width_weights = true;
    const Netlist n = lower(m, o);
    differ += n.literals != freq.literals;
    CHECK(n.latency_cycles == freq.latency_cycles);
    for (int s = 0; s < 200; ++s) {
      const auto x = test::random_input(rng, m);
      test::require_golden(n, m, x);
    }
    CHECK(lower(m, o).literals == n.literals);
  }
  CHECK(differ > 0);  // the option reaches the search
}
