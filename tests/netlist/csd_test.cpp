#include <catch2/catch.hpp>

#include <algorithm>
#include <unordered_map>

#include "nas4ml/netlist/csd.hpp"

using namespace nas4ml::netlist;

namespace {
// Fewest signed powers of two summing to n, by an independent recursion: an even n costs what
// n/2 costs; an odd n needs one digit +-1 and then (n-1)/2 or (n+1)/2.
int min_signed_digits(std::int64_t n, std::unordered_map<std::int64_t, int>& memo) {
  if (n == 0) return 0;
  if (n == 1 || n == -1) return 1;
  if (auto it = memo.find(n); it != memo.end()) return it->second;
  int r;
  if (n % 2 == 0) r = min_signed_digits(n / 2, memo);
  else r = 1 + std::min(min_signed_digits((n - 1) / 2, memo), min_signed_digits((n + 1) / 2, memo));
  memo[n] = r;
  return r;
}
}  // namespace

TEST_CASE("CSD is exact, non-adjacent and minimal for every value of widths 1 to 14", "[netlist][csd]") {
  std::unordered_map<std::int64_t, int> memo;
  for (int width = 1; width <= 14; ++width) {
    const std::int64_t lo = -(std::int64_t{1} << (width - 1)), hi = (std::int64_t{1} << (width - 1)) - 1;
    for (std::int64_t n = lo; n <= hi; ++n) {
      const auto digits = csd_digits(n);
      std::int64_t sum = 0;
      for (std::size_t k = 0; k < digits.size(); ++k) {
        REQUIRE((digits[k].sign == 1 || digits[k].sign == -1));
        sum += digits[k].sign * (std::int64_t{1} << digits[k].shift);
        if (k > 0) REQUIRE(digits[k].shift >= digits[k - 1].shift + 2);  // no adjacent nonzero digits
      }
      REQUIRE(sum == n);
      REQUIRE(static_cast<int>(digits.size()) == min_signed_digits(n, memo));
      REQUIRE(csd_weight(n) == static_cast<int>(digits.size()));
    }
  }
}

TEST_CASE("CSD of known values and of large magnitudes", "[netlist][csd]") {
  CHECK(csd_digits(0).empty());
  CHECK(csd_digits(7) == std::vector<CsdDigit>{{0, -1}, {3, 1}});   // 8 - 1
  CHECK(csd_digits(-3) == std::vector<CsdDigit>{{0, 1}, {2, -1}});  // 1 - 4
  CHECK(csd_weight(96) == 2);                                       // 128 - 32
  for (std::int64_t n : {(std::int64_t{1} << 61) - 1, -(std::int64_t{1} << 61), std::int64_t{0x2AAAAAAAAAAAAAAA}}) {
    std::int64_t sum = 0;
    for (const auto& d : csd_digits(n)) sum += d.sign * (std::int64_t{1} << d.shift);
    CHECK(sum == n);
    CHECK(csd_weight(n) == static_cast<int>(csd_digits(n).size()));
  }
}

namespace {
// Number of minimal signed-digit forms of n, by an independent recursion: an even n has those of
// n/2 (digit 0 here); an odd n those of (n - d)/2 for each d = +-1 that keeps the count minimal.
std::int64_t msd_form_count(std::int64_t n, std::unordered_map<std::int64_t, int>& memo) {
  if (n == 0) return 1;
  if (n % 2 == 0) return msd_form_count(n / 2, memo);
  std::int64_t forms = 0;
  for (int d : {1, -1})
    if (min_signed_digits((n - d) / 2, memo) + 1 == min_signed_digits(n, memo)) forms += msd_form_count((n - d) / 2, memo);
  return forms;
}
}  // namespace

TEST_CASE("MSD forms: exact, minimal, each once, CSD first, all of them for widths 1 to 11", "[netlist][csd]") {
  std::unordered_map<std::int64_t, int> memo;
  for (std::int64_t n = -1024; n < 1024; ++n) {
    REQUIRE(msd_digits(n, 0) == csd_digits(n));
    const auto choices = msd_choices(n, 16);
    REQUIRE(!choices.empty());
    REQUIRE(choices.front() == 0);
    std::vector<std::vector<CsdDigit>> forms;
    for (std::uint64_t c : choices) {
      const auto digits = msd_digits(n, c);
      std::int64_t sum = 0;
      for (std::size_t k = 0; k < digits.size(); ++k) {
        REQUIRE((digits[k].sign == 1 || digits[k].sign == -1));
        if (k > 0) REQUIRE(digits[k].shift > digits[k - 1].shift);
        sum += digits[k].sign * (std::int64_t{1} << digits[k].shift);
      }
      REQUIRE(sum == n);
      REQUIRE(static_cast<int>(digits.size()) == csd_weight(n));
      REQUIRE(std::find(forms.begin(), forms.end(), digits) == forms.end());
      forms.push_back(digits);
    }
    REQUIRE(static_cast<std::int64_t>(forms.size()) == msd_form_count(n, memo));
  }
  CHECK(msd_digits(3, 1) == std::vector<CsdDigit>{{0, 1}, {1, 1}});  // 2 + 1 beside the CSD 4 - 1
  CHECK(msd_choices(3, 0) == std::vector<std::uint64_t>{0});         // no tie taken: CSD alone
  CHECK(msd_choices(5, 16) == std::vector<std::uint64_t>{0});        // 4 + 1 is the only form
}
