#include "nas4ml/netlist/csd.hpp"

#include <algorithm>
#include <bit>

namespace nas4ml::netlist {

std::vector<CsdDigit> csd_digits(std::int64_t n) {
  // Non-adjacent form: look at n mod 4; an odd n ending in ...01 takes digit +1, ...11 takes -1,
  // so that (n - digit) / 2 is even and the next digit is 0.
  std::vector<CsdDigit> digits;
  int shift = 0;
  while (n != 0) {
    if ((n & 1) != 0) {
      const int d = (n & 3) == 1 ? 1 : -1;  // two's complement: n & 3 is n mod 4 also for n < 0
      digits.push_back({shift, d});
      n -= d;
    }
    n >>= 1;  // exact: n is even here
    ++shift;
  }
  return digits;
}

int csd_weight(std::int64_t n) noexcept {
  // The nonzero NAF digits of m >= 0 sit where m and 3m differ, above bit 0 (Reitwiesner's
  // recoding as one XOR: the carries of m + 2m mark the runs of ones); -n has the negated digits.
  const std::uint64_t m = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  return std::popcount((m ^ (3 * m)) >> 1);
}

namespace {

/// Odd n: whether the digit opposite to CSD's, -csd, also leaves a minimal form, i.e. (n + csd) / 2
/// has one digit fewer than n, as (n - csd) / 2 always has.
bool tie(std::int64_t n, int csd) noexcept { return csd_weight((n + csd) >> 1) + 1 == csd_weight(n); }

/// msd_choices' walk: the CSD digits from here on, branching to the other one at the ties while
/// fewer than max_ties ties have been seen (the choice bits so far in `bits`, `seen` ties).
void walk(std::int64_t n, std::uint64_t bits, int seen, int max_ties, std::vector<std::uint64_t>& out) {
  while (n != 0) {
    if ((n & 1) != 0) {
      const int csd = (n & 3) == 1 ? 1 : -1;
      if (seen < max_ties && tie(n, csd)) {
        walk((n + csd) >> 1, bits | (std::uint64_t{1} << seen), seen + 1, max_ties, out);
        ++seen;
      }
      n -= csd;
    }
    n >>= 1;
  }
  out.push_back(bits);
}

}  // namespace

std::vector<std::uint64_t> msd_choices(std::int64_t n, int max_ties) {
  std::vector<std::uint64_t> out;
  walk(n, 0, 0, max_ties < 0 ? 0 : max_ties > 16 ? 16 : max_ties, out);
  // The walk lists a branch before the CSD path it left: CSD (all zero bits) last; put it first.
  std::rotate(out.rbegin(), out.rbegin() + 1, out.rend());
  return out;
}

std::vector<CsdDigit> msd_digits(std::int64_t n, std::uint64_t choices) {
  std::vector<CsdDigit> digits;
  int shift = 0;
  while (n != 0) {
    if ((n & 1) != 0) {
      const int csd = (n & 3) == 1 ? 1 : -1;
      int d = csd;
      if (tie(n, csd)) {
        if ((choices & 1) != 0) d = -csd;
        choices >>= 1;
      }
      digits.push_back({shift, d});
      n -= d;
    }
    n >>= 1;
    ++shift;
  }
  return digits;
}

}  // namespace nas4ml::netlist
