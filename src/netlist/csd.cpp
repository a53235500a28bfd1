#include "nas4ml/netlist/csd.hpp"

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

}  // namespace nas4ml::netlist
