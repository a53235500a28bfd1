#pragma once
/// \file Canonical signed digit (CSD, also "non-adjacent form") decomposition of an integer:
/// n = sum_k d_k 2^k with d_k in {-1, 0, +1} and no two adjacent nonzero digits. It is the
/// unique representation with the fewest nonzero digits (Reitwiesner, "Binary arithmetic",
/// Advances in Computers 1, 1960), so a constant multiplication x*n costs (digits - 1) adders.
/// Used for shift-add multipliers by constant weights as in da4ml (arXiv 2507.04535).
#include <cstdint>
#include <vector>

namespace nas4ml::netlist {

/// One nonzero CSD digit: sign * 2^shift.
struct CsdDigit {
  int shift = 0;
  int sign = 1;  ///< +1 or -1
  friend bool operator==(const CsdDigit&, const CsdDigit&) = default;
};

/// The nonzero CSD digits of `n`, lowest shift first; empty for 0. Exact for |n| < 2^62.
std::vector<CsdDigit> csd_digits(std::int64_t n);

/// Number of nonzero CSD digits of `n` (the minimal number of signed powers of two summing to n).
int csd_weight(std::int64_t n) noexcept;

}  // namespace nas4ml::netlist
