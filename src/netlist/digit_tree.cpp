#include "nas4ml/netlist/digit_tree.hpp"

#include <algorithm>

#include "nas4ml/core/error.hpp"
#include "nas4ml/netlist/csd.hpp"

namespace nas4ml::netlist {

DigitTree digit_spanning_tree(std::span<const std::int64_t> v, std::size_t n, std::size_t len, int penalty,
                              int max_depth) {
  NAS4ML_ASSERT(penalty >= 0 && v.size() >= n * len, "digit_spanning_tree: bad arguments");
  DigitTree t;
  t.parent.assign(n, -1);
  t.negated.assign(n, 0);
  std::vector<int> best(n, 0), depth(n, 1);
  std::vector<std::uint8_t> in(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t r = 0; r < len; ++r) best[i] += csd_weight(v[i * len + r]);
  for (std::size_t step = 0; step < n; ++step) {
    std::size_t j = n;
    for (std::size_t i = 0; i < n; ++i)
      if (!in[i] && (j == n || best[i] < best[j])) j = i;
    in[j] = 1;
    t.order.push_back(static_cast<int>(j));
    if (max_depth >= 0 && depth[j] >= max_depth) continue;
    if (best[j] == 0 && t.parent[j] < 0) continue;  // a zero vector helps no other (penalty >= 0)
    const std::int64_t* vj = v.data() + j * len;
    for (std::size_t i = 0; i < n; ++i) {
      if (in[i] || best[i] <= penalty) continue;  // no edge can cost less than the penalty
      const std::int64_t* vi = v.data() + i * len;
      int minus = penalty, plus = penalty;
      for (std::size_t r = 0; r < len && std::min(minus, plus) < best[i]; ++r) {
        minus += csd_weight(vi[r] - vj[r]);
        plus += csd_weight(vi[r] + vj[r]);
      }
      if (std::min(minus, plus) < best[i]) {
        best[i] = std::min(minus, plus);
        t.parent[i] = static_cast<int>(j);
        t.negated[i] = plus < minus;
        depth[i] = depth[j] + 1;
      }
    }
  }
  return t;
}

}  // namespace nas4ml::netlist
