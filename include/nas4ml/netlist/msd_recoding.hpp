#pragma once
/// \file A minimal signed-digit (MSD) recoding of a constant matrix chosen for sharing: each entry
/// written in the MSD form (csd.hpp, msd_digits) whose two-digit patterns occur most often
/// elsewhere in its row's neighbours across the matrix. Used by the sharing effort
/// (cmvm_search.hpp) as the `recoding` of share_subexpressions (cmvm.hpp).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace nas4ml::netlist {

/// The choices (msd_digits) per entry of the row-major R x C matrix `m`: the rows' digits start in
/// CSD; then, entry after entry (rows, then columns, `passes` times over the matrix), each of its
/// forms (msd_choices, up to `max_ties` ties) is scored by how often its digits' pairs with the row's other digits,
/// a +- (b << d) as the subexpression search counts them, occur elsewhere in the matrix, and the
/// best kept (ties: the earlier form, CSD first). Empty when the pattern table would pass 2^22
/// counters.
std::vector<std::uint64_t> guided_recoding(std::span<const std::int64_t> m, std::size_t R, std::size_t C,
                                           int max_ties, int passes = 2);

}  // namespace nas4ml::netlist
