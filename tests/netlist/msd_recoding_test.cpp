// Guided minimal signed-digit recoding (msd_recoding.hpp): every choice word is a minimal form of
// its entry, the choice is deterministic, it leaves CSD where another form shares more, and a
// matrix whose pattern table would be too large gets no recoding.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/msd_recoding.hpp"
#include "netlist/cmvm_check.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;
using test::random_matrix;

TEST_CASE("the guided recoding gives a minimal signed-digit form of every entry", "[netlist][msd_recoding]") {
  Rng rng = Rng::stream(3, 0, 0, "netlist.msd_recoding");
  int moved = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const int rows = 1 + static_cast<int>(rng.below(12)), cols = 1 + static_cast<int>(rng.below(12));
    const auto m = random_matrix(rng, rows, cols, 2 + static_cast<int>(rng.below(9)), trial % 3 ? 0.0 : 0.4);
    const auto choice = guided_recoding(m, std::size_t(rows), std::size_t(cols), 4);
    REQUIRE(choice.size() == m.size());
    CHECK(guided_recoding(m, std::size_t(rows), std::size_t(cols), 4) == choice);
    for (std::size_t k = 0; k < m.size(); ++k) {
      const auto digits = msd_digits(m[k], choice[k]);
      std::int64_t sum = 0;
      for (const CsdDigit& d : digits) sum += d.sign * (std::int64_t{1} << d.shift);
      CHECK(sum == m[k]);
      CHECK(static_cast<int>(digits.size()) == csd_weight(m[k]));
      const auto words = msd_choices(m[k], 4);
      CHECK(std::find(words.begin(), words.end(), choice[k]) != words.end());
      moved += choice[k] != 0;
    }
  }
  CHECK(moved > 0);  // random 2-10-bit matrices have entries where another form shares more
}

TEST_CASE("the guided recoding keeps CSD with no other minimal form, and gives up on a huge table",
          "[netlist][msd_recoding]") {
  const std::vector<std::int64_t> powers = {1, -2, 4, 0, 8, -16};  // one minimal form each
  CHECK(guided_recoding(powers, 2, 3, 4) == std::vector<std::uint64_t>(6, 0));
  // 256 columns and shifts up to 20: 256 * 256 * 41 * 2 counters, over the 2^22 limit.
  const std::vector<std::int64_t> wide(256, std::int64_t{1} << 20);
  CHECK(guided_recoding(wide, 1, 256, 4).empty());
}
