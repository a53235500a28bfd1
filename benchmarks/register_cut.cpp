#include "register_cut.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <vector>

namespace nas4ml::bench {

namespace {

using netlist::Netlist;
using netlist::NetlistLayer;
using netlist::Node;
using netlist::NodeId;
using netlist::NodeKind;

constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max() / 4;

/// Dinic's maximum flow (Dinic, Soviet Math. Doklady 11, 1970), whose value is the minimum cut.
class MaxFlow {
 public:
  explicit MaxFlow(int n) : head_(static_cast<std::size_t>(n), -1), level_(head_.size()), next_(head_.size()) {}
  void edge(int u, int v, std::int64_t cap) {
    arcs_.push_back({v, head_[static_cast<std::size_t>(u)], cap});
    head_[static_cast<std::size_t>(u)] = static_cast<int>(arcs_.size()) - 1;
    arcs_.push_back({u, head_[static_cast<std::size_t>(v)], 0});
    head_[static_cast<std::size_t>(v)] = static_cast<int>(arcs_.size()) - 1;
  }
  std::int64_t run(int s, int t) {
    std::int64_t flow = 0;
    while (levels(s, t)) {
      next_ = head_;
      while (const std::int64_t f = push(s, t, kInf)) flow += f;
    }
    return flow;
  }

 private:
  struct Arc {
    int to, next;
    std::int64_t cap;
  };
  bool levels(int s, int t) {
    std::fill(level_.begin(), level_.end(), -1);
    std::vector<int> queue{s};
    level_[static_cast<std::size_t>(s)] = 0;
    for (std::size_t i = 0; i < queue.size(); ++i)
      for (int e = head_[static_cast<std::size_t>(queue[i])]; e >= 0; e = arcs_[static_cast<std::size_t>(e)].next) {
        const Arc& a = arcs_[static_cast<std::size_t>(e)];
        if (a.cap > 0 && level_[static_cast<std::size_t>(a.to)] < 0) {
          level_[static_cast<std::size_t>(a.to)] = level_[static_cast<std::size_t>(queue[i])] + 1;
          queue.push_back(a.to);
        }
      }
    return level_[static_cast<std::size_t>(t)] >= 0;
  }
  std::int64_t push(int u, int t, std::int64_t limit) {  // one augmenting path in the level graph
    if (u == t) return limit;
    for (int& e = next_[static_cast<std::size_t>(u)]; e >= 0; e = arcs_[static_cast<std::size_t>(e)].next) {
      Arc& a = arcs_[static_cast<std::size_t>(e)];
      if (a.cap <= 0 || level_[static_cast<std::size_t>(a.to)] != level_[static_cast<std::size_t>(u)] + 1) continue;
      if (const std::int64_t f = push(a.to, t, std::min(limit, a.cap))) {
        a.cap -= f;
        arcs_[static_cast<std::size_t>(e ^ 1)].cap += f;
        return f;
      }
    }
    return 0;
  }
  std::vector<int> head_, level_, next_;
  std::vector<Arc> arcs_;
};

}  // namespace

RegisterCut register_cut(const Netlist& n, const NetlistLayer& l) {
  RegisterCut out;
  const int K = l.levels_per_stage;
  if (l.output_stage - l.first_stage != 2 || K <= 0) return out;
  out.two_cycles = true;
  auto node = [&](NodeId id) -> const Node& { return n.nodes[static_cast<std::size_t>(id)]; };
  auto origin = [&](NodeId id) {
    while (node(id).kind == NodeKind::reg) id = node(id).a.node;
    return id;
  };
  auto is_adder = [&](NodeId id) { return node(id).kind == NodeKind::add || node(id).kind == NodeKind::sub; };
  // The layer's values: its inputs (index < inputs) and adders, numbered densely.
  std::unordered_map<NodeId, int> index;
  std::vector<NodeId> ids;
  auto add = [&](NodeId id) {
    if (index.emplace(id, static_cast<int>(ids.size())).second) ids.push_back(id);
  };
  for (NodeId in : l.inputs)
    if (in != netlist::no_node && node(in).kind != NodeKind::constant) add(origin(in));
  const std::size_t inputs = ids.size();
  for (NodeId id = l.first_node; id < l.end_node; ++id)
    if (is_adder(id)) add(id);
  const std::size_t v = ids.size();
  std::vector<int> level(v, 0), height(v, 0);
  std::vector<std::int64_t> bits(v, 0);
  std::vector<std::vector<int>> operands(v), readers(v);
  std::vector<std::uint8_t> to_output(v, 0);
  for (std::size_t i = 0; i < v; ++i) {
    const Node& x = node(ids[i]);
    for (int j = 0; j < x.width; ++j) {
      const std::size_t b = x.first_bit + static_cast<std::size_t>(j);
      bits[i] += n.live[b] != 0 && n.literals[b] >= 2;  // a live signal bit (not a constant)
    }
    if (i < inputs) continue;
    for (NodeId op : {x.a.node, x.b.node}) {
      const auto it = index.find(origin(op));
      if (it == index.end()) continue;  // a constant
      operands[i].push_back(it->second);
      readers[static_cast<std::size_t>(it->second)].push_back(static_cast<int>(i));
      level[i] = std::max(level[i], level[static_cast<std::size_t>(it->second)] + 1);
    }
  }
  for (NodeId id = l.first_node; id < l.end_node; ++id) {
    const Node& x = node(id);
    if (x.kind != NodeKind::cast && x.kind != NodeKind::relu && x.kind != NodeKind::lookup) continue;
    const auto it = index.find(origin(x.a.node));
    if (it != index.end()) to_output[static_cast<std::size_t>(it->second)] = 1;
  }
  for (std::size_t i = v; i-- > 0;)
    for (int r : readers[i]) height[i] = std::max(height[i], height[static_cast<std::size_t>(r)] + 1);
  for (std::size_t i = inputs; i < v; ++i) ++height[i];  // the node's own adder
  auto crossing = [&](const std::vector<std::uint8_t>& first) {
    std::int64_t c = 0;
    for (std::size_t i = 0; i < v; ++i) {
      if (!first[i]) continue;
      bool read_later = to_output[i] != 0;
      for (int r : readers[i]) read_later = read_later || !first[static_cast<std::size_t>(r)];
      if (read_later) c += bits[i];
    }
    return c;
  };
  std::vector<std::uint8_t> first(v, 0);
  for (std::size_t i = 0; i < v; ++i) first[i] = i < inputs || level[i] <= K;
  out.as_built = crossing(first);
  // Vertices: s, t, each value i, and its register r_i (cut when i is first and some reader is not).
  const int s = 0, t = 1;
  auto val = [](std::size_t i) { return 2 + 2 * static_cast<int>(i); };
  auto reg = [](std::size_t i) { return 3 + 2 * static_cast<int>(i); };
  const int sink = 2 + 2 * static_cast<int>(v);  // the outputs, in the second stage
  MaxFlow flow(sink + 1);
  flow.edge(sink, t, kInf);
  for (std::size_t i = 0; i < v; ++i) {
    if (i < inputs || height[i] > K) flow.edge(s, val(i), kInf);
    if (i >= inputs && level[i] > K) flow.edge(val(i), t, kInf);
    if (!readers[i].empty() || to_output[i]) flow.edge(val(i), reg(i), bits[i]);
    for (int r : readers[i]) flow.edge(reg(i), val(static_cast<std::size_t>(r)), kInf);
    if (to_output[i]) flow.edge(reg(i), sink, kInf);
    for (int o : operands[i]) flow.edge(val(i), val(static_cast<std::size_t>(o)), kInf);  // operands first
  }
  out.least = flow.run(s, t);
  return out;
}

}  // namespace nas4ml::bench
