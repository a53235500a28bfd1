#pragma once
/// \file A wider search for a layer's shared subexpressions: several runs of the greedy pattern
/// search of cmvm.hpp on transformed forms of the same matrix, the graph with the fewest adders
/// kept (docs/netlist.md "Sharing effort").
///
/// The greedy search (share_subexpressions) commits to the most frequent two-term pattern at every
/// step, and which of several equally frequent patterns it takes, or which spanning tree a
/// factoring builds, changes the final count by a few percent. With effort E the runs are:
///   - run 0: the matrix as it is, exactly share_subexpressions' graph (more effort never costs
///     adders);
///   - runs 1-7, without a depth limit (dc = -1): factored forms, i.e. a spanning tree of the rows
///     (y_i = f_i x +- y_parent(i), rooted at the zero vector, Prim, Bell Syst. Tech. J. 36(6),
///     1957) with several edge penalties and tree depth limits, optionally followed by the column
///     factoring of cmvm.hpp, and cmvm.hpp's own factorings: the idea of the first stage of da4ml
///     (Sun et al., ACM TRETS 2025, arXiv:2507.04535), which likewise tries several depth limits
///     and keeps the cheapest; one of them (run 2) is the row-tree form with its entries in a
///     guided minimal signed-digit (MSD) recoding (below);
///   - runs 1-7 under a depth limit: run 1 the plain search on the matrix in the guided MSD
///     recoding, runs 2-7 the plain search on the matrix with rows and columns renumbered by a
///     permutation seeded by the run's number (the graph is mapped back);
///   - runs 1-7 of a pipelined layer in cmvm.hpp's stage-aware mode (dc = -1, a boundary inside
///     its plain trees), where the factored forms' deeper graphs mostly carry more values over the
///     boundaries and are not kept: run 1 the plain search in the guided MSD recoding, runs 2 and
///     3 the row-tree forms of runs 1 and 2 above, runs 4 and 5 the plain search in the recoding
///     made with one and with three passes over the matrix (two above), runs 6 and 7 in the guided
///     MSD recoding of the matrix permuted as by runs 1 and 2 under a depth limit;
///   - runs 8 .. E-1: steps of a ruin-and-recreate (large-neighbourhood) search (Shaw, CP 1998;
///     Schrimpf et al., J. Comput. Phys. 159(2), 2000): keep each op whose operands are kept with
///     probability 0.6, write every row over the inputs and the kept ops, search that matrix again,
///     keep the result when it costs no more adders; on the row-tree form before its chain is
///     summed when nothing bounds the depth, else (and in the stage-aware mode) on the best graph
///     so far.
/// The guided MSD recoding: every entry may be written in any of its minimal signed-digit forms
/// (csd.hpp; e.g. 3 = 2 + 1 beside the CSD 4 - 1), which change the two-digit patterns the search
/// can share; entry after entry (two passes), the form whose digits pair most often with the other
/// digits of the matrix the same way is kept (CSD on ties).
/// A graph is kept only within the bound the plain search keeps: dc >= 0, the layer's D + dc
/// (the per-row scope runs no ruin-and-recreate steps); a pipelined layer at dc = -1, the end of
/// the plain trees' last stage; in cmvm.hpp's stage-aware mode, no more values over the layer's
/// stage boundaries than the plain trees (cmvm_boundary_values()). Ties: the shallower, then the
/// earlier run. Deterministic: the runs, their permutations and steps (seeded by their numbers)
/// and the choice depend on the matrix alone, never on threads or time.
#include <cstdint>
#include <span>

#include "nas4ml/netlist/cmvm.hpp"

namespace nas4ml::netlist {

/// The best of `effort` runs (1 to kMaxSharingEffort, netlist.hpp) of share_subexpressions as above; the arguments are those of
/// share_subexpressions (its Factoring is chosen per run). effort 1 returns share_subexpressions'
/// own graph with Factoring::none. `weights` (PatternWeights) apply to run 0 only, the plain
/// search on the matrix as given.
CmvmGraph search_subexpressions(std::span<const std::int64_t> m, int rows, int cols,
                                std::span<const std::uint8_t> extra_terms, int dc, int effort,
                                DelayScope scope = DelayScope::layer, int stage_levels = 0,
                                PatternWeights weights = {});

/// A layer the lowering searches with at least kSmallLayerEffort runs whatever the configured
/// effort: at most kSmallLayerTerms plain terms (CSD digits of the matrix plus constant terms).
/// Its runs 1 and 2 (a factored form with the column factoring, the guided MSD recoding) found
/// 1-6 adders fewer on such layers of trained networks at a few tens of microseconds; on larger
/// layers they cost as much as the network's whole plain search (docs/netlist.md "Sharing effort").
inline constexpr std::uint64_t kSmallLayerTerms = 128;
inline constexpr int kSmallLayerEffort = 3;

/// The effort the lowering gives a layer under the configured `effort` (1 to kMaxSharingEffort):
/// max(effort, kSmallLayerEffort) for a small layer (above), else `effort`. Depends on the
/// matrix alone (deterministic).
int layer_effort(int effort, std::span<const std::int64_t> m, std::span<const std::uint8_t> extra_terms);

/// The largest row depth of the graph (cmvm_row_depth), each row with its `extra_terms` (empty:
/// none) as depth-0 terms.
int cmvm_depth(const CmvmGraph& g, std::span<const std::uint8_t> extra_terms = {});

}  // namespace nas4ml::netlist
