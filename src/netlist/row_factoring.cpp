#include "nas4ml/netlist/row_factoring.hpp"

#include <algorithm>

namespace nas4ml::netlist {
namespace {

/// Two terms as one new signal: +-(A << k1) +- (B << k2), k1 <= k2, is +-((A +- (B << (k2 - k1))) << k1).
CmvmTerm combine(CmvmGraph& g, CmvmTerm x, CmvmTerm y) {
  if (y.shift < x.shift || (y.shift == x.shift && x.negative && !y.negative)) std::swap(x, y);
  g.ops.push_back({x.signal, y.signal, y.shift - x.shift, x.negative != y.negative});
  g.depth.push_back(std::max(g.depth[std::size_t(x.signal)], g.depth[std::size_t(y.signal)]) + 1);
  return {static_cast<std::int32_t>(g.depth.size() - 1), x.shift, x.negative};
}

}  // namespace

std::vector<std::int64_t> factor_rows(const DigitTree& t, std::span<const std::int64_t> m, int rows, int cols) {
  const auto C = std::size_t(cols);
  std::vector<std::int64_t> f(m.begin(), m.end());
  for (std::size_t r = 0; r < std::size_t(rows); ++r) {
    if (t.parent[r] < 0) continue;
    const std::int64_t* p = m.data() + std::size_t(t.parent[r]) * C;
    for (std::size_t c = 0; c < C; ++c) f[r * C + c] += t.negated[r] ? p[c] : -p[c];
  }
  return f;
}

void chain_rows(CmvmGraph& g, const DigitTree& t, std::span<const std::uint8_t> constant) {
  const std::size_t R = g.rows.size();
  std::vector<std::uint8_t> has_child(R, 0);
  for (int p : t.parent)
    if (p >= 0) has_child[std::size_t(p)] = 1;
  std::vector<CmvmTerm> sum(R);
  std::vector<std::uint8_t> empty(R, 0);  // the row's linear part is 0
  const auto deeper = [&g](const CmvmTerm& x, const CmvmTerm& y) {
    return g.depth[std::size_t(x.signal)] > g.depth[std::size_t(y.signal)];
  };
  for (int r : t.order) {
    auto& row = g.rows[std::size_t(r)];
    const int p = t.parent[std::size_t(r)];
    if (p >= 0 && !empty[std::size_t(p)]) {
      CmvmTerm x = sum[std::size_t(p)];
      x.negative = x.negative != (t.negated[std::size_t(r)] != 0);
      row.push_back(x);
    }
    empty[std::size_t(r)] = row.empty();
    if (!has_child[std::size_t(r)] || row.empty()) continue;
    std::stable_sort(row.begin(), row.end(), deeper);  // shallowest last
    while (row.size() > 1) {
      const CmvmTerm x = row.back();
      row.pop_back();
      const CmvmTerm y = row.back();
      row.pop_back();
      const CmvmTerm z = combine(g, x, y);
      row.insert(std::upper_bound(row.begin(), row.end(), z, deeper), z);
    }
    sum[std::size_t(r)] = row[0];
  }
  for (std::size_t r = 0; r < R; ++r) {
    bool positive = !constant.empty() && constant[r] != 0;
    for (const CmvmTerm& x : g.rows[r]) positive = positive || !x.negative;
    g.zero_term[r] = !g.rows[r].empty() && !positive;
  }
}

}  // namespace nas4ml::netlist
