#pragma once
/// \file Row factoring of a constant matrix through a spanning tree of its rows (digit_tree.hpp;
/// the first stage of da4ml, Sun et al., ACM TRETS 2025, arXiv:2507.04535): y_i = f_i x +-
/// y_parent(i) with f_i = r_i -+ r_parent(i). The subexpression search runs on F; chain_rows then
/// adds each parent's sum to its children. Used by cmvm.hpp's `Factoring::rows` and by the row
/// trees of cmvm_search.hpp.
#include <cstdint>
#include <span>
#include <vector>

#include "nas4ml/netlist/cmvm.hpp"
#include "nas4ml/netlist/digit_tree.hpp"

namespace nas4ml::netlist {

/// F (row-major, rows x cols): f_i = r_i - r_parent(i), or r_i + r_parent(i) when t.negated[i];
/// f_i = r_i for a row below the root.
std::vector<std::int64_t> factor_rows(const DigitTree& t, std::span<const std::int64_t> m, int rows, int cols);

/// After the search on F gave g: parents first (t.order), a row with children is summed into one
/// term (the two shallowest first), which each child row takes as one term more, with its sign;
/// then every row's zero_term is set again (a row of negative terms only and no constant term,
/// `constant[r]` == 0 or `constant` empty, is summed as 0 - (...)).
void chain_rows(CmvmGraph& g, const DigitTree& t, std::span<const std::uint8_t> constant);

}  // namespace nas4ml::netlist
