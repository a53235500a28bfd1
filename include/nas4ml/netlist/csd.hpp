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

/// A minimal signed-digit (MSD) form of `n`: csd_weight(n) nonzero digits summing to n, lowest
/// shift first, possibly with adjacent nonzero digits (3 = 2 + 1 beside the CSD 4 - 1). Digits
/// are chosen from the lowest up; where both signs of the next digit keep the form minimal (a
/// "tie"), the next bit of `choices` (lowest first) picks: 0 the CSD digit, 1 the other. So
/// choices = 0 gives csd_digits(n) and every MSD form is reached by some choices (the forms as
/// enumerated by Park and Kang, IEEE TCAD 21(12), 2002). Exact for |n| < 2^62.
std::vector<CsdDigit> msd_digits(std::int64_t n, std::uint64_t choices);

/// The choices (msd_digits) of every MSD form of `n` that takes the other digit at only the
/// first `max_ties` ties (0 first, the CSD form; each form once): at most 2^max_ties words,
/// max_ties in [0, 16].
std::vector<std::uint64_t> msd_choices(std::int64_t n, int max_ties);

}  // namespace nas4ml::netlist
