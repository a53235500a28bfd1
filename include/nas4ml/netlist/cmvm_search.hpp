#pragma once
/// \file A wider search for a layer's shared subexpressions: several runs of the greedy pattern
/// search of cmvm.hpp on transformed forms of the same matrix, the graph with the fewest adders
/// kept (docs/netlist.md "Sharing effort").
///
/// The greedy search (share_subexpressions) commits to the most frequent two-term pattern at every
/// step, and which of several equally frequent patterns it takes, or which spanning tree a
/// factoring builds, changes the final count by a few percent. Each run here starts from another
/// form of the matrix:
///   - the matrix as it is (run 0: exactly share_subexpressions' graph, so more effort never
///     costs adders);
///   - its rows and columns renumbered by a seeded random permutation (the greedy's tie-breaks
///     fall elsewhere; the graph is mapped back);
///   - with dc = -1, factored through a spanning tree of its rows (y_i = f_i x +- y_parent(i),
///     a tree over the rows' weight vectors rooted at the zero vector, Prim, Bell Syst. Tech. J.
///     36(6), 1957), with several edge penalties and tree depth limits, optionally followed by the
///     column factoring of cmvm.hpp: the idea of the first stage of da4ml (Sun et al., ACM TRETS
///     2025, arXiv:2507.04535), which likewise tries several depth limits and keeps the cheapest;
///     and cmvm.hpp's own factorings (columns, rows, both).
/// A run's graph is kept when it has fewer adders (cmvm_adders) than every earlier one, ties to
/// the shallower, then the earlier run; a run deeper than the bound the plain search keeps (dc >= 0:
/// the layer's D + dc; a pipelined layer at dc = -1: the end of the plain trees' last stage) is
/// rejected. Deterministic: the runs, their permutations (seeded by the run index) and the choice
/// depend on the matrix alone, never on threads or time.
///
/// Runs per effort: effort 1 is run 0 only; dc = -1 without a stage limit goes through the
/// factored forms first (they save the most on random matrices, measured in benchmarks/cmvm),
/// then the same forms on permuted matrices; under a depth bound only permutations are run.
#include <cstdint>
#include <span>

#include "nas4ml/netlist/cmvm.hpp"

namespace nas4ml::netlist {

/// The best of `effort` runs (1 to kMaxSharingEffort, netlist.hpp) of share_subexpressions as above; the arguments are those of
/// share_subexpressions (its Factoring is chosen per run). effort 1 returns share_subexpressions'
/// own graph with Factoring::none.
CmvmGraph search_subexpressions(std::span<const std::int64_t> m, int rows, int cols,
                                std::span<const std::uint8_t> extra_terms, int dc, int effort,
                                DelayScope scope = DelayScope::layer, int stage_levels = 0);

/// The largest row depth of the graph (cmvm_row_depth), each row with its `extra_terms` (empty:
/// none) as depth-0 terms.
int cmvm_depth(const CmvmGraph& g, std::span<const std::uint8_t> extra_terms = {});

}  // namespace nas4ml::netlist
