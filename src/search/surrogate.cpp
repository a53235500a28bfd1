#include "nas4ml/search/surrogate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nas4ml::search {

namespace {
double gene(const Genome& g, std::size_t i) {
  return i < g.choices.size() ? static_cast<double>(g.choices[i]) : g.reals[i - g.choices.size()];
}
std::size_t genes(const Genome& g) { return g.choices.size() + g.reals.size(); }
}  // namespace

void gene_ranges(const Archive& archive, std::vector<double>& lo, std::vector<double>& hi) {
  lo.clear();
  hi.clear();
  for (const auto& g : archive.genomes)
    for (std::size_t i = 0; i < genes(g); ++i) {
      const double x = gene(g, i);
      if (i >= lo.size()) {
        lo.push_back(x);
        hi.push_back(x);
      }
      lo[i] = std::min(lo[i], x);
      hi[i] = std::max(hi[i], x);
    }
}

double genome_distance(const Genome& a, const Genome& b, const std::vector<double>& lo, const std::vector<double>& hi) {
  const std::size_t na = genes(a), nb = genes(b), n = std::max(na, nb);
  double d2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= na || i >= nb || i >= lo.size()) {
      d2 += 1.0;
      continue;
    }
    const double range = hi[i] - lo[i];
    if (!(range > 0.0)) continue;
    const double e = (gene(a, i) - gene(b, i)) / range;
    d2 += e * e;
  }
  return std::sqrt(d2);
}

Prediction predict(const Archive& archive, const Genome& genome, std::size_t k, const std::vector<double>& lo,
                   const std::vector<double>& hi) {
  const std::size_t n = archive.genomes.size();
  std::vector<std::pair<double, std::size_t>> d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = {genome_distance(genome, archive.genomes[i], lo, hi), i};
  k = std::min(k, n);
  std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
  Prediction p;
  if (k == 0) return p;
  p.nearest = d[0].first;
  if (d[0].first == 0.0) {
    p.point = archive.points[d[0].second];
    return p;
  }
  p.point.assign(archive.points[d[0].second].size(), 0.0);
  double total = 0.0;
  for (std::size_t j = 0; j < k; ++j) {
    const double w = 1.0 / d[j].first;
    total += w;
    for (std::size_t m = 0; m < p.point.size(); ++m) p.point[m] += w * archive.points[d[j].second][m];
  }
  for (auto& x : p.point) x /= total;
  return p;
}

}  // namespace nas4ml::search
