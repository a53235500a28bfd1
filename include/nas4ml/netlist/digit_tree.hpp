#pragma once
/// \file A spanning tree of integer vectors under the canonical-signed-digit distance: the first
/// stage of da4ml's CMVM method (Sun et al., ACM TRETS 2025, arXiv:2507.04535), built with Prim's
/// algorithm (Bell Syst. Tech. J. 36(6), 1957). It factors a constant matrix through the
/// differences of its rows or columns (cmvm.hpp's factorings, cmvm_search.hpp's row trees).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace nas4ml::netlist {

/// Vector i hangs below parent[i] (-1: the zero vector, the root) and is built as
/// v_parent -+ (v_i - v_parent) or, when negated[i], as -v_parent + (v_i + v_parent).
struct DigitTree {
  std::vector<int> parent;            ///< -1: the root
  std::vector<int> order;             ///< the vectors as they joined the tree (parents first)
  std::vector<std::uint8_t> negated;  ///< 1: the edge is v_i + v_parent (the cheaper of the two)
};

/// The spanning tree of the n vectors of length len stored one after another in v (entries
/// within +-2^60), rooted at the zero vector: vector i below vector j costs `penalty` + the CSD
/// digits of v_i - v_j or v_i + v_j (the cheaper), below the root the digits of v_i. Prim's
/// algorithm, ties to the lower index; no vector deeper than `max_depth` (-1: no limit).
/// `penalty` >= 0. Deterministic.
DigitTree digit_spanning_tree(std::span<const std::int64_t> v, std::size_t n, std::size_t len, int penalty,
                              int max_depth = -1);

}  // namespace nas4ml::netlist
