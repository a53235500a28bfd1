#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "nas4ml/core/rng.hpp"

using nas4ml::Rng;

TEST_CASE("the same stream key gives the same sequence", "[core][rng]") {
  auto a = Rng::stream(7, 3, 11, "train.init");
  auto b = Rng::stream(7, 3, 11, "train.init");
  for (int i = 0; i < 1000; ++i) REQUIRE(a.next() == b.next());
}

TEST_CASE("different keys give different sequences", "[core][rng]") {
  const std::uint64_t first = Rng::stream(7, 3, 11, "train.init").next();
  CHECK(Rng::stream(8, 3, 11, "train.init").next() != first);
  CHECK(Rng::stream(7, 4, 11, "train.init").next() != first);
  CHECK(Rng::stream(7, 3, 12, "train.init").next() != first);
  CHECK(Rng::stream(7, 3, 11, "train.order").next() != first);
}

TEST_CASE("state round-trips mid-sequence", "[core][rng]") {
  Rng a(42);
  for (int i = 0; i < 17; ++i) a.normal();
  Rng b = Rng::from_state(a.state());
  for (int i = 0; i < 100; ++i) {
    REQUIRE(a.next() == b.next());
    REQUIRE(a.normal() == b.normal());
  }
}

TEST_CASE("known first outputs pin the generator across platforms", "[core][rng][regression]") {
  // xoshiro256** seeded by splitmix64(0): values fixed when the generator was written; a change
  // here changes every campaign's results.
  Rng r(0);
  const std::uint64_t x0 = r.next();
  Rng again(0);
  CHECK(again.next() == x0);
  CHECK(x0 == 0x99ec5f36cb75f2b4ULL);
}

TEST_CASE("distributions have the right ranges and moments", "[core][rng]") {
  Rng r(1);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  std::vector<int> counts(7, 0);
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    const double z = r.normal();
    sum += z;
    sum2 += z * z;
    ++counts[r.below(7)];
  }
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(std::abs(sum2 / n - 1.0) < 0.02);
  for (int c : counts) CHECK(std::abs(c - n / 7.0) < 5 * std::sqrt(n / 7.0));
}

TEST_CASE("shuffle is a permutation and deterministic", "[core][rng]") {
  std::vector<int> v(100), w(100);
  std::iota(v.begin(), v.end(), 0);
  w = v;
  Rng a(5), b(5);
  a.shuffle(v.begin(), v.end());
  b.shuffle(w.begin(), w.end());
  CHECK(v == w);
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> expect(100);
  std::iota(expect.begin(), expect.end(), 0);
  CHECK(sorted == expect);
  CHECK(v != expect);
}
