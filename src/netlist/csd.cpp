#include "nas4ml/netlist/csd.hpp"

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
  int count = 0;
  while (n != 0) {
    if ((n & 1) != 0) {
      n -= (n & 3) == 1 ? 1 : -1;
      ++count;
    }
    n >>= 1;
  }
  return count;
}

}  // namespace nas4ml::netlist
