#include "register_placement.hpp"

#include <algorithm>
#include <limits>

#include "nas4ml/core/error.hpp"

namespace nas4ml::bench {

namespace {

constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max() / 4;

/// Dinic's maximum flow (Dinic, Soviet Math. Doklady 11, 1970) and the minimum cut it leaves.
class MaxFlow {
 public:
  explicit MaxFlow(int n) : head_(static_cast<std::size_t>(n), -1), level_(head_.size()), next_(head_.size()) {}
  void edge(int u, int v, std::int64_t cap) {
    arcs_.push_back({v, head_[at(u)], cap});
    head_[at(u)] = static_cast<int>(arcs_.size()) - 1;
    arcs_.push_back({u, head_[at(v)], 0});
    head_[at(v)] = static_cast<int>(arcs_.size()) - 1;
  }
  std::int64_t run(int s, int t) {
    std::int64_t flow = 0;
    while (levels(s, t)) {
      next_ = head_;
      while (const std::int64_t f = push(s, t, kInf)) flow += f;
    }
    return flow;
  }
  /// After run(): 1 for the vertices that cannot reach t in the residual graph (the largest
  /// source side of a minimum cut).
  std::vector<std::uint8_t> source_side(int t) const {
    std::vector<std::uint8_t> reaches(head_.size(), 0);
    std::vector<int> queue{t};
    reaches[at(t)] = 1;
    for (std::size_t i = 0; i < queue.size(); ++i)
      for (int e = head_[at(queue[i])]; e >= 0; e = arcs_[at(e)].next) {
        const int u = arcs_[at(e)].to;  // arc e ^ 1 runs u -> queue[i]
        if (!reaches[at(u)] && arcs_[at(e ^ 1)].cap > 0) {
          reaches[at(u)] = 1;
          queue.push_back(u);
        }
      }
    for (auto& r : reaches) r = !r;
    return reaches;
  }

 private:
  struct Arc {
    int to, next;
    std::int64_t cap;
  };
  static std::size_t at(int i) { return static_cast<std::size_t>(i); }
  bool levels(int s, int t) {
    std::fill(level_.begin(), level_.end(), -1);
    std::vector<int> queue{s};
    level_[at(s)] = 0;
    for (std::size_t i = 0; i < queue.size(); ++i)
      for (int e = head_[at(queue[i])]; e >= 0; e = arcs_[at(e)].next) {
        const Arc& a = arcs_[at(e)];
        if (a.cap > 0 && level_[at(a.to)] < 0) {
          level_[at(a.to)] = level_[at(queue[i])] + 1;
          queue.push_back(a.to);
        }
      }
    return level_[at(t)] >= 0;
  }
  std::int64_t push(int u, int t, std::int64_t limit) {  // one augmenting path in the level graph
    if (u == t) return limit;
    for (int& e = next_[at(u)]; e >= 0; e = arcs_[at(e)].next) {
      Arc& a = arcs_[at(e)];
      if (a.cap <= 0 || level_[at(a.to)] != level_[at(u)] + 1) continue;
      if (const std::int64_t f = push(a.to, t, std::min(limit, a.cap))) {
        a.cap -= f;
        arcs_[at(e ^ 1)].cap += f;
        return f;
      }
    }
    return 0;
  }
  std::vector<int> head_, level_, next_;
  std::vector<Arc> arcs_;
};

bool is_adder(const PlacementGraph& g, std::size_t v) {
  return v >= static_cast<std::size_t>(g.inputs) && (g.adder.empty() || g.adder[v] != 0);
}

/// Per value, its readers.
std::vector<std::vector<int>> readers_of(const PlacementGraph& g) {
  std::vector<std::vector<int>> readers(g.operands.size());
  for (std::size_t v = 0; v < g.operands.size(); ++v)
    for (const int u : g.operands[v])
      if (u >= 0) readers[static_cast<std::size_t>(u)].push_back(static_cast<int>(v));
  return readers;
}

/// Per adder, the adders from which a path of exactly K operand steps, all through adders, reaches
/// it: such a pair cannot share a stage (the path would hold K + 1 adders).
std::vector<std::vector<int>> window_starts(const PlacementGraph& g, int K) {
  const std::size_t n = g.operands.size(), inputs = static_cast<std::size_t>(g.inputs);
  std::vector<std::vector<int>> at(n), next(n);
  for (std::size_t v = inputs; v < n; ++v)
    if (is_adder(g, v)) at[v] = {static_cast<int>(v)};
  for (int step = 0; step < K; ++step) {
    for (std::size_t v = inputs; v < n; ++v) {
      next[v].clear();
      if (!is_adder(g, v)) continue;
      for (const int u : g.operands[v])
        if (u >= 0 && is_adder(g, static_cast<std::size_t>(u))) next[v].insert(next[v].end(), at[static_cast<std::size_t>(u)].begin(), at[static_cast<std::size_t>(u)].end());
      std::sort(next[v].begin(), next[v].end());
      next[v].erase(std::unique(next[v].begin(), next[v].end()), next[v].end());
    }
    std::swap(at, next);
  }
  return at;
}

}  // namespace

std::int64_t crossing_bits(const PlacementGraph& g, const std::vector<int>& stage, int stages) {
  const auto readers = readers_of(g);
  std::int64_t bits = 0;
  for (std::size_t v = 0; v < g.operands.size(); ++v) {
    int last = g.to_output[v] ? stages - 1 : stage[v];
    for (const int r : readers[v]) last = std::max(last, stage[static_cast<std::size_t>(r)]);
    bits += g.bits[v] * (last - stage[v]);
  }
  return bits;
}

std::vector<int> place_registers(const PlacementGraph& g, int stages, int K) {
  const std::size_t n = g.operands.size(), inputs = static_cast<std::size_t>(g.inputs);
  NAS4ML_ASSERT(stages >= 1 && K >= 1 && g.bits.size() == n && g.to_output.size() == n &&
                    (g.adder.empty() || g.adder.size() == n),
                "bad placement graph");
  // Adder depth (longest adder path ending at the value) and height (starting at it, to an output).
  std::vector<int> depth(n, 0), height(n, 0);
  const auto readers = readers_of(g);
  for (std::size_t v = inputs; v < n; ++v) {
    for (const int u : g.operands[v])
      if (u >= 0) depth[v] = std::max(depth[v], depth[static_cast<std::size_t>(u)]);
    depth[v] += is_adder(g, v);
  }
  for (std::size_t v = n; v-- > inputs;) {
    for (const int r : readers[v]) height[v] = std::max(height[v], height[static_cast<std::size_t>(r)]);
    height[v] += is_adder(g, v);
  }
  std::vector<int> stage(n, 0);
  const int B = stages - 1;  // inner boundaries
  if (B == 0) return stage;
  // Vertex x(v, b), b = 1..B: v is computed before boundary b (source side). y(v, b): no reader of
  // v is after boundary b (the register of v at b is not needed).
  const int s = 0, t = 1;
  auto x = [&](std::size_t v, int b) { return 2 + 2 * (static_cast<int>(v) * B + b - 1); };
  auto y = [&](std::size_t v, int b) { return x(v, b) + 1; };
  MaxFlow flow(2 + 2 * static_cast<int>(n) * B);
  const auto windows = window_starts(g, K);
  for (std::size_t v = 0; v < n; ++v) {
    // A value of depth d (adder levels up to it, its own included) goes in stage (d - 1) / K at the
    // earliest; one from which height h levels remain, in stage B - (h - 1) / K at the latest.
    const int earliest = v < inputs ? 0 : std::max(depth[v] - 1, 0) / K;
    const int latest = v < inputs ? 0 : B - std::max(height[v] - 1, 0) / K;
    NAS4ML_ASSERT(earliest <= latest, "register placement: an adder path longer than the layer's stages allow");
    for (int b = 1; b <= B; ++b) {
      if (b <= earliest) flow.edge(x(v, b), t, kInf);  // computed after boundary b
      if (b > latest) flow.edge(s, x(v, b), kInf);     // computed before it
      if (b < B) flow.edge(x(v, b), x(v, b + 1), kInf);
      for (const int u : g.operands[v])
        if (u >= 0) flow.edge(x(v, b), x(static_cast<std::size_t>(u), b), kInf);
      if (b >= 2)
        for (const int u : windows[v])
          if (static_cast<std::size_t>(u) != v) flow.edge(x(v, b), x(static_cast<std::size_t>(u), b - 1), kInf);
      flow.edge(x(v, b), y(v, b), g.bits[v]);
      if (g.to_output[v]) flow.edge(y(v, b), t, kInf);
      for (const int r : readers[v]) flow.edge(y(v, b), x(static_cast<std::size_t>(r), b), kInf);
    }
  }
  flow.run(s, t);
  const auto first = flow.source_side(t);
  for (std::size_t v = inputs; v < n; ++v) {
    int b = 1;
    while (b <= B && !first[static_cast<std::size_t>(x(v, b))]) ++b;
    stage[v] = b - 1;
  }
  return stage;
}

}  // namespace nas4ml::bench
