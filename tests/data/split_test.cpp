#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "nas4ml/data/split.hpp"

using namespace nas4ml::data;

namespace {
// Imbalanced classes, like Shuttle: 1000, 137, 30, 7 and 3 rows, interleaved.
std::vector<std::int32_t> imbalanced_labels() {
  std::vector<std::int32_t> y;
  const std::vector<int> sizes{1000, 137, 30, 7, 3};
  std::vector<int> left = sizes;
  bool any = true;
  while (any) {
    any = false;
    for (std::size_t c = 0; c < left.size(); ++c)
      if (left[c] > 0) {
        y.push_back(static_cast<std::int32_t>(c));
        --left[c];
        any = true;
      }
  }
  return y;
}

std::vector<std::size_t> count(const std::vector<std::int32_t>& y, const std::vector<std::size_t>& rows, std::size_t k) {
  std::vector<std::size_t> n(k, 0);
  for (auto r : rows) ++n[static_cast<std::size_t>(y[r])];
  return n;
}
}  // namespace

TEST_CASE("largest_remainder shares rows within one of the exact share", "[data][split]") {
  CHECK(largest_remainder(10, {0.6, 0.2, 0.2}) == std::vector<std::size_t>{6, 2, 2});
  CHECK(largest_remainder(4, {0.6, 0.2, 0.2}) == std::vector<std::size_t>{2, 1, 1});
  CHECK(largest_remainder(7, {0.5, 0.5, 0.0}) == std::vector<std::size_t>{4, 3, 0});
  CHECK(largest_remainder(3, {0.7, 0.3, 0.0}) == std::vector<std::size_t>{2, 1, 0});
  for (std::size_t n = 0; n < 200; ++n) {
    const auto c = largest_remainder(n, {0.7, 0.15, 0.15});
    CHECK(c[0] + c[1] + c[2] == n);
    CHECK(std::abs(static_cast<double>(c[0]) - 0.7 * static_cast<double>(n)) < 1.0);
    CHECK(std::abs(static_cast<double>(c[1]) - 0.15 * static_cast<double>(n)) < 1.0);
    CHECK(std::abs(static_cast<double>(c[2]) - 0.15 * static_cast<double>(n)) < 1.0);
  }
}

TEST_CASE("stratified split: a partition, each class's share within one row, same seed same rows", "[data][split]") {
  const auto y = imbalanced_labels();
  const auto a = stratified_split(y, 5, 0.6, 0.2, 0.2, 42);
  // A partition of all rows, each split ascending.
  std::vector<std::size_t> all;
  for (const auto* part : {&a.train, &a.validation, &a.test}) {
    CHECK(std::is_sorted(part->begin(), part->end()));
    all.insert(all.end(), part->begin(), part->end());
  }
  std::sort(all.begin(), all.end());
  REQUIRE(all.size() == y.size());
  for (std::size_t i = 0; i < all.size(); ++i) REQUIRE(all[i] == i);
  // Per class within one row of the exact share.
  const std::vector<double> sizes{1000, 137, 30, 7, 3};
  const auto tr = count(y, a.train, 5), va = count(y, a.validation, 5), te = count(y, a.test, 5);
  for (std::size_t c = 0; c < 5; ++c) {
    CHECK(std::abs(static_cast<double>(tr[c]) - 0.6 * sizes[c]) < 1.0);
    CHECK(std::abs(static_cast<double>(va[c]) - 0.2 * sizes[c]) < 1.0);
    CHECK(std::abs(static_cast<double>(te[c]) - 0.2 * sizes[c]) < 1.0);
  }
  // Determinism: same seed, same rows; another seed, other rows (same counts).
  const auto b = stratified_split(y, 5, 0.6, 0.2, 0.2, 42);
  CHECK(a.train == b.train);
  CHECK(a.validation == b.validation);
  CHECK(a.test == b.test);
  const auto c = stratified_split(y, 5, 0.6, 0.2, 0.2, 43);
  CHECK(c.train != a.train);
  CHECK(count(y, c.train, 5) == tr);
}

TEST_CASE("stratified subsample keeps class shares and is deterministic", "[data][split]") {
  const auto y = imbalanced_labels();
  const auto s = stratified_subsample(y, 5, 118, 7, 1);
  REQUIRE(s.size() == 118);
  CHECK(std::is_sorted(s.begin(), s.end()));
  CHECK(std::set<std::size_t>(s.begin(), s.end()).size() == 118);
  const auto n = count(y, s, 5);
  const std::vector<double> sizes{1000, 137, 30, 7, 3};
  for (std::size_t c = 0; c < 5; ++c) CHECK(std::abs(static_cast<double>(n[c]) - 118.0 * sizes[c] / 1177.0) < 1.0);
  CHECK(stratified_subsample(y, 5, 118, 7, 1) == s);
  CHECK(stratified_subsample(y, 5, 118, 8, 1) != s);
  CHECK(stratified_subsample(y, 5, 5000, 7, 1).size() == y.size());
}
