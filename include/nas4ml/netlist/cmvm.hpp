#pragma once
/// \file Shared subexpressions of a constant matrix-vector product y = M x (CMVM), for the
/// lowering's `"sharing": "cse"` strategy (docs/netlist.md "Shared subexpressions").
///
/// Every entry of M is written in canonical signed digits (CSD: Reitwiesner 1960; Avizienis
/// 1961), so row r of y is a sum of terms +-(x_c << s). The method then repeats the classic
/// common-subexpression step for CMVM (Hartley, "Subexpression sharing in filters using
/// canonic signed digit multipliers", IEEE TCAS-II 43(10), 1996; Potkonjak, Srivastava and
/// Chandrakasan, IEEE TCAD 15(2), 1996; H_cmvm: Aksoy, Costa, Flores, Monteiro, "Optimization
/// algorithms for the multiplierless realization of linear transforms", ACM TODAES 17(1), 2012;
/// and the same greedy step in da4ml, Sun et al., ACM TRETS 2025, arXiv:2507.04535): find the two-term
/// pattern a +- (b << d) that occurs in the most rows (ties: the deeper, then the one queued
/// last), build it once as a new signal, and substitute it in every row where it occurs,
/// until no pattern occurs twice. A pattern's occurrences can only be destroyed after the round
/// that creates its newer signal (the first round for two inputs), so each pattern is counted
/// once, then: its count is a bound that only falls. The queue holds these bounds (a bucket
/// queue, lazy): the entry taken is checked against the pairs left (bit masks of each signal's
/// shifts per row), re-queued lower when it fell,
/// and otherwise its occurrences that can really be built (overlaps such as x + (x << d) at
/// shifts 0, d, 2d, and the depth limit) are found; when fewer than the next bound, it is
/// re-queued with that number. A substitution counts only the new signal's pairs (a small dense
/// table), never decrements: the work is the rows' pairs once plus each new term's pairs.
///
/// Delay limit dc: with dc >= 0, every row's final sum must fit in depth D + dc, D = the
/// largest ceil(log2(terms)) over the rows (the depth of the plain adder trees). A row whose
/// terms have depths d_i can be summed in depth L exactly when sum 2^d_i <= 2^L (Kraft's
/// inequality; pairing the two shallowest terms first reaches it), so a substitution is made
/// in a row only while that sum stays within 2^(D + dc). dc = -1: no limit.
///
/// Stage-aware mode (`stage_levels` K, the lowering's adder levels per pipeline stage, when the
/// plain trees are deeper than K): values computed at levels <= jK and read above jK cross a
/// register boundary, and on trained networks sharing made them more and wider (FF growth).
/// There an occurrence is substituted in a row only when that does not raise the number of
/// values the layer carries over its boundaries jK (inside the plain trees): at each, a row's
/// terms shallower than jK make ceil(sum 2^depth / 2^jK) values (Kraft), and a signal of depth
/// jK, or one of depth <= jK read by an op deeper than jK, is one value whatever the number of
/// its readers (one register per node); the layer then carries no more values than its plain
/// trees (cmvm_boundary_values() below). Ties between
/// equally frequent patterns go to the smaller shift difference (operands of like magnitude, so
/// narrower partial sums).
///
/// Factorings (opt-in, `Factoring`; dc = -1 only): before the search, the matrix can be factored
/// through a spanning tree of its columns or rows (the first stage of da4ml; Prim, Bell Syst.
/// Tech. J. 36(6), 1957), rooted at the zero vector, where hanging vector v_i below v_j costs the
/// CSD digits of v_i - v_j or v_i + v_j (the cheaper) + 2 (the edge's adder, and a digit of
/// margin) and hanging it below the root the digits of v_i. Columns: M x = E z with e_j = c_j -+
/// c_parent(j) and z_j = x_j +- the z of j's children (one adder per edge, the first ops). Rows:
/// y_i = f_i x +- y_parent(i), f_i = r_i -+ r_parent(i); after the search a row with children is
/// summed into one term, which each child row takes as one term more. Fewer adders on random
/// matrices, at about twice the depth and with wider intermediate values.
#include <cstdint>
#include <span>
#include <vector>

namespace nas4ml::netlist {

/// One term of a row's remaining sum: +-(signal << shift).
struct CmvmTerm {
  std::int32_t signal = 0;  ///< < n_inputs: input column; else subexpression signal - n_inputs
  std::int32_t shift = 0;
  bool negative = false;
};

/// One shared subexpression: signal = a + (b << shift), or a - (b << shift) when `subtract`.
struct CmvmOp {
  std::int32_t a = 0, b = 0;
  std::int32_t shift = 0;
  bool subtract = false;
};

/// The result: subexpressions (in dependency order) and each row's remaining terms.
struct CmvmGraph {
  int n_inputs = 0;
  std::vector<CmvmOp> ops;                   ///< signal n_inputs + k is ops[k]
  std::vector<std::int32_t> depth;           ///< adder depth of every signal (inputs 0)
  std::vector<std::vector<CmvmTerm>> rows;   ///< remaining terms of every row
  /// 1 when row r's terms are all negative and it has no constant term: its sum is built as
  /// 0 - (...), with a constant 0 term (counted by the depth limit and cmvm_adders()).
  std::vector<std::uint8_t> zero_term;
  int depth_limit = -1;                      ///< the depth every row's sum fits in (-1: none)
};

/// What the delay limit dc is added to: the layer's minimum depth D (every row may reach
/// D + dc: the quantity that sets the layer's latency, the lowering's reading), or each row's own
/// minimum ceil(log2(its terms)) (row r may reach only that + dc: stricter, the per-output
/// reading of the CMVM literature, offered for comparisons with it).
enum class DelayScope { layer, row };

/// The factorings applied before the pattern search when dc = -1 (bit 1: columns, bit 2: rows);
/// with any of them, ties between equally frequent patterns go to the deeper one.
enum class Factoring : unsigned { none = 0, columns = 1, rows = 2, both = 3 };

/// Width-weighted pattern choice (opt-in; da4ml, Sun et al., ACM TRETS 2025, arXiv:2507.04535,
/// weights a pattern's frequency by its operands' overlapping bits): the exact integer range of
/// every column's input, [lo[c], hi[c]]. Given (both spans of size cols), a pattern a +- (b << d)
/// is ranked by count x the bits its adder computes, width(range of the sum) - max(low bit of a,
/// low bit of b + d) (at least 1), where every signal's range comes from its operands' by interval
/// arithmetic and an input's low bit is 0: an adder's LUT cost is about that many bits, so the
/// pattern that saves the most LUTs goes first. The weight of a pattern is fixed once its signals
/// exist, so its score, like its count, only falls and the lazy queue stays valid. Empty: the
/// frequency rule (every graph as without this option). Ignored with a Factoring other than none.
struct PatternWeights {
  std::span<const std::int64_t> lo, hi;
};

/// Finds shared subexpressions of the rows x cols matrix `m` (row-major). `extra_terms[r]`
/// (empty: none) counts further depth-0 terms row r's sum will add (a bias constant), which
/// take part in the depth limit. dc >= -1. Deterministic: the same matrix gives the same graph.
/// `depth_limit` of the result is the layer's D + dc in both scopes. `factoring`: the factorings
/// above when dc = -1 (none, the lowering's choice: the pattern search alone). `stage_levels`:
/// K of the stage-aware mode above (0: none). `weights`: PatternWeights above (empty: none).
/// `recoding` (empty: CSD, the search above): one word per entry of the matrix the search starts
/// from (after any Factoring), which writes that entry as msd_digits(entry, word) (csd.hpp), a
/// minimal signed-digit form with as many digits as its CSD but other two-digit patterns; all
/// words 0 give the CSD graph (cmvm_search.hpp chooses the words).
CmvmGraph share_subexpressions(std::span<const std::int64_t> m, int rows, int cols,
                               std::span<const std::uint8_t> extra_terms, int dc,
                               DelayScope scope = DelayScope::layer, Factoring factoring = Factoring::none,
                               int stage_levels = 0, PatternWeights weights = {},
                               std::span<const std::uint64_t> recoding = {});

/// Adders the graph costs once every row's terms are summed by a tree (ops + terms - 1 per row,
/// the constant 0 of zero_term included; a row's own constant term, extra_terms, excluded).
std::int64_t cmvm_adders(const CmvmGraph& g);

/// Smallest depth L with sum 2^depth(t) <= 2^L over row r's terms and its zero_term (plus
/// `extra` depth-0 terms).
int cmvm_row_depth(const CmvmGraph& g, int r, int extra = 0);

/// The stage-aware search counts the values over at most this many boundaries (the first ones).
inline constexpr int kMaxStageBoundaries = 16;

/// Values the layer of graph `g` carries over its pipeline boundaries after adder levels K, 2K,
/// ..., boundaries K (K = `stage_levels` > 0; at most kMaxStageBoundaries): at each, every row's terms shallower than it (and
/// its constants: `extra_terms` as in share_subexpressions, zero_term) summed into ceil(sum
/// 2^depth / 2^(jK)) values, plus each signal read above it once, whatever its readers (an op of
/// depth jK; a signal of depth <= jK read by an op deeper than jK). The stage-aware search keeps
/// this within its start's (the plain trees' without factoring).
std::int64_t cmvm_boundary_values(const CmvmGraph& g, int stage_levels, int boundaries,
                                  std::span<const std::uint8_t> extra_terms);

/// The same for the plain trees: row r a sum of terms[r] terms of depth 0 (its digits and constant).
std::int64_t plain_boundary_values(std::span<const std::uint64_t> terms, int stage_levels, int boundaries);

}  // namespace nas4ml::netlist
