#include "nas4ml/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"

namespace nas4ml::data {
namespace {

std::vector<std::vector<std::size_t>> rows_by_class(const std::vector<std::int32_t>& labels, std::size_t n_classes) {
  std::vector<std::vector<std::size_t>> by(n_classes);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    NAS4ML_ASSERT(labels[i] >= 0 && static_cast<std::size_t>(labels[i]) < n_classes, "class id in range");
    by[static_cast<std::size_t>(labels[i])].push_back(i);
  }
  return by;
}

}  // namespace

std::vector<std::size_t> largest_remainder(std::size_t n, const std::vector<double>& fractions) {
  std::vector<std::size_t> counts(fractions.size());
  std::vector<double> rest(fractions.size());
  std::size_t given = 0;
  for (std::size_t k = 0; k < fractions.size(); ++k) {
    const double exact = fractions[k] * static_cast<double>(n);
    counts[k] = static_cast<std::size_t>(std::floor(exact + 1e-9));
    rest[k] = fractions[k] > 0 ? exact - static_cast<double>(counts[k]) : -1.0;
    given += counts[k];
  }
  NAS4ML_ASSERT(given <= n, "largest remainder: floors do not exceed n");
  std::vector<std::size_t> order(fractions.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rest[a] > rest[b]; });
  for (std::size_t i = 0; given < n; i = (i + 1) % order.size(), ++given) ++counts[order[i]];
  return counts;
}

SplitIndices stratified_split(const std::vector<std::int32_t>& labels, std::size_t n_classes, double train,
                              double validation, double test, std::uint64_t seed) {
  Rng rng = Rng::stream(seed, 0, 0, "data.split");
  SplitIndices out;
  const std::vector<double> fractions{train, validation, test};
  for (auto& rows : rows_by_class(labels, n_classes)) {
    rng.shuffle(rows.begin(), rows.end());
    const auto counts = largest_remainder(rows.size(), fractions);
    auto it = rows.begin();
    out.train.insert(out.train.end(), it, it + static_cast<std::ptrdiff_t>(counts[0]));
    it += static_cast<std::ptrdiff_t>(counts[0]);
    out.validation.insert(out.validation.end(), it, it + static_cast<std::ptrdiff_t>(counts[1]));
    it += static_cast<std::ptrdiff_t>(counts[1]);
    out.test.insert(out.test.end(), it, rows.end());
  }
  std::sort(out.train.begin(), out.train.end());
  std::sort(out.validation.begin(), out.validation.end());
  std::sort(out.test.begin(), out.test.end());
  return out;
}

std::vector<std::size_t> stratified_subsample(const std::vector<std::int32_t>& labels, std::size_t n_classes,
                                              std::size_t count, std::uint64_t seed, std::uint64_t stream_index) {
  std::vector<std::size_t> out;
  if (count >= labels.size()) {
    out.resize(labels.size());
    std::iota(out.begin(), out.end(), 0);
    return out;
  }
  auto by = rows_by_class(labels, n_classes);
  std::vector<double> shares(n_classes);
  for (std::size_t c = 0; c < n_classes; ++c)
    shares[c] = static_cast<double>(by[c].size()) / static_cast<double>(labels.size());
  const auto keep = largest_remainder(count, shares);
  Rng rng = Rng::stream(seed, 0, stream_index, "data.subsample");
  for (std::size_t c = 0; c < n_classes; ++c) {
    rng.shuffle(by[c].begin(), by[c].end());
    out.insert(out.end(), by[c].begin(), by[c].begin() + static_cast<std::ptrdiff_t>(std::min(keep[c], by[c].size())));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nas4ml::data
