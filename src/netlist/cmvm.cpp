#include "nas4ml/netlist/cmvm.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <queue>

#include "flat_hash.hpp"
#include "nas4ml/core/error.hpp"

namespace nas4ml::netlist {
namespace {

/// A pattern a +- (b << d) as one key: a (24 bits) | b (24 bits) | d (8 bits) | subtract.
std::uint64_t pack(std::int32_t a, std::int32_t b, int d, bool subtract) {
  return (std::uint64_t(a) << 33) | (std::uint64_t(b) << 9) | (std::uint64_t(d) << 1) | std::uint64_t{subtract};
}

/// The pattern two terms of one row form, in canonical order (lower shift first; equal shifts:
/// lower signal first); false for a pair that is no adder (x - x, x + x) or too far apart.
bool pattern_of(const CmvmTerm& x, const CmvmTerm& y, std::uint64_t& key) {
  const CmvmTerm *p = &x, *q = &y;
  if (q->shift < p->shift || (q->shift == p->shift && q->signal < p->signal)) std::swap(p, q);
  const int d = q->shift - p->shift;
  if ((d == 0 && p->signal == q->signal) || d > 255) return false;
  key = pack(p->signal, q->signal, d, p->negative != q->negative);
  return true;
}

/// A queued candidate: a pattern key with the count it had when queued (`exact`: the number of
/// non-overlapping occurrences found when it was last chosen).
struct Candidate {
  std::uint64_t key;
  std::int32_t count;
  bool exact;
};

/// The candidates by priority: more rows first, then shallower; within one (count, depth) bucket
/// the last queued first. A bucket queue: queuing and taking cost O(1), where a binary heap paid a
/// cache miss per level on the thousands of entries a layer queues. Entries are lazy: one whose
/// count changed since is dropped or re-queued when taken.
class BucketQueue {
 public:
  static constexpr int depths = 16;  // deeper patterns share the last depth bucket
  void clear() {
    for (std::uint32_t i : touched_) buckets_[i].clear();
    touched_.clear();
    top_ = -1;
  }
  void push(const Candidate& c, int depth) {
    const auto i = static_cast<std::size_t>(c.count) * depths + std::size_t(depths - 1 - std::min(depth, depths - 1));
    if (i >= buckets_.size()) buckets_.resize(i + 1 + buckets_.size() / 2);
    if (buckets_[i].empty()) touched_.push_back(static_cast<std::uint32_t>(i));
    buckets_[i].push_back(c);
    top_ = std::max(top_, static_cast<std::ptrdiff_t>(i));
  }
  bool empty() {
    settle();
    return top_ < 0;
  }
  /// The best candidate's count (0 when empty).
  std::int32_t top_count() {
    settle();
    return top_ < 0 ? 0 : buckets_[std::size_t(top_)].back().count;
  }
  Candidate pop() {
    settle();
    auto& b = buckets_[std::size_t(top_)];
    const Candidate c = b.back();
    b.pop_back();
    return c;
  }

 private:
  void settle() {
    while (top_ >= 0 && buckets_[std::size_t(top_)].empty()) --top_;
  }
  std::vector<std::vector<Candidate>> buckets_;
  std::vector<std::uint32_t> touched_;
  std::ptrdiff_t top_ = -1;
};

/// The search's work tables, kept per thread between calls (cleared, capacity kept): a lowering
/// per candidate would otherwise pay for fresh pages each time.
struct Workspace {
  detail::FlatMap<std::int32_t> counts{1024};
  BucketQueue queue;
};

class Solver {
 public:
  Solver(std::span<const std::int64_t> m, int rows, int cols, std::span<const std::uint8_t> extra, int dc,
         DelayScope scope, Factoring factoring, int stage_levels)
      : counts_(workspace().counts), queue_(workspace().queue) {
    counts_.clear();
    queue_.clear();
    NAS4ML_ASSERT(rows >= 0 && cols >= 0 && m.size() == std::size_t(rows) * std::size_t(cols), "cmvm: matrix size");
    NAS4ML_ASSERT(extra.empty() || extra.size() == std::size_t(rows), "cmvm: extra terms size");
    NAS4ML_ASSERT(dc >= -1, "cmvm: dc must be >= -1");
    NAS4ML_ASSERT(cols < (1 << 22), "cmvm: too many columns");
    g_.n_inputs = cols;
    deeper_first_ = dc < 0 && factoring != Factoring::none;
    g_.depth.assign(std::size_t(cols), 0);
    g_.rows.resize(std::size_t(rows));
    // Column factoring (dc = -1): the tree's z sums become the first ops, E replaces M.
    std::vector<std::int32_t> column_signal(static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) column_signal[std::size_t(c)] = c;
    std::vector<std::int64_t> factored_rows, factored;
    const auto bits = static_cast<unsigned>(factoring);
    if (dc < 0 && factorable(m) && (bits & 2u)) {
      factored_rows = factor_rows(m, rows, cols);
      parent_term_.assign(std::size_t(rows), {});
      m = factored_rows;
    }
    if (dc < 0 && factorable(m) && (bits & 1u)) {
      factored = factor_columns(m, rows, cols, column_signal);
      m = factored;
    }
    kraft_.assign(std::size_t(rows), 0);
    positives_.assign(std::size_t(rows), 0);
    constant_.assign(std::size_t(rows), 0);
    g_.zero_term.assign(std::size_t(rows), 0);
    row_limit_.assign(std::size_t(rows), -1);
    row_cap_.assign(std::size_t(rows), ~std::uint64_t{0});
    int deepest = 0;
    for (int r = 0; r < rows; ++r) {
      auto& row = g_.rows[std::size_t(r)];
      for (int c = 0; c < cols; ++c) {
        std::int64_t v = m[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
        for (int s = 0; v != 0; ++s, v >>= 1) {  // CSD digits (csd.hpp)
          if ((v & 1) == 0) continue;
          const bool neg = (v & 3) == 3;
          row.push_back({column_signal[std::size_t(c)], s, neg});
          v += neg ? 1 : -1;
        }
      }
      constant_[std::size_t(r)] = extra.empty() ? 0 : extra[std::size_t(r)];
      for (const CmvmTerm& t : row) positives_[std::size_t(r)] += !t.negative;
      // Only negative terms and no constant: the sum is 0 - (...), a constant 0 term more.
      g_.zero_term[std::size_t(r)] = !row.empty() && positives_[std::size_t(r)] == 0 && !constant_[std::size_t(r)];
      std::uint64_t n = constant_[std::size_t(r)] + g_.zero_term[std::size_t(r)];
      for (const CmvmTerm& t : row) n += std::uint64_t{1} << g_.depth[std::size_t(t.signal)];
      kraft_[std::size_t(r)] = n;
      const int own = n > 1 ? static_cast<int>(std::bit_width(n - 1)) : 0;
      deepest = std::max(deepest, own);
      row_limit_[std::size_t(r)] = own + dc;
    }
    // Stage-aware (a pipeline boundary inside the plain trees): a row may carry over the first
    // boundary, after level K, no more values than its plain tree needs, ceil(S / 2^K) for its
    // Kraft sum S before the search.
    stage_aware_ = stage_levels > 0 && stage_levels < deepest;
    if (stage_aware_) {
      const std::uint64_t unit = std::uint64_t{1} << stage_levels;
      for (int r = 0; r < rows; ++r)
        row_cap_[std::size_t(r)] = std::max<std::uint64_t>((kraft_[std::size_t(r)] + unit - 1) / unit, 1) * unit;
    }
    if (dc >= 0) g_.depth_limit = deepest + dc;
    if (scope == DelayScope::layer) std::fill(row_limit_.begin(), row_limit_.end(), g_.depth_limit);
    // Pipelined (K > 0) without a depth limit: no more stages than the plain trees, i.e. the
    // same latency in cycles (levels up to the end of the plain trees' last stage are free).
    if (stage_levels > 0 && dc < 0 && stage_levels < 64)
      std::fill(row_limit_.begin(), row_limit_.end(), (std::max(deepest, 1) + stage_levels - 1) / stage_levels * stage_levels);
    words_ = (std::size_t(rows) + 63) / 64;
    rows_of_.assign(g_.depth.size() * words_, 0);
    for (int r = 0; r < rows; ++r)
      for (const CmvmTerm& t : g_.rows[std::size_t(r)]) row_mask(t.signal)[std::size_t(r) / 64] |= std::uint64_t{1} << (r % 64);
    for (auto& row : g_.rows)
      for (std::size_t i = 0; i < row.size(); ++i)
        for (std::size_t j = 0; j < i; ++j) increment(row[i], row[j]);
    flush_increments();
  }

  CmvmGraph run() {
    std::vector<Match> matches;
    while (!queue_.empty()) {
      const Candidate top = queue_.pop();
      const std::int32_t now = count(top.key);
      if (!top.exact && now != top.count) {
        if (now < top.count && now >= 2) push(top.key, now);
        continue;
      }
      matches.clear();
      const auto a = static_cast<std::int32_t>(top.key >> 33), b = static_cast<std::int32_t>((top.key >> 9) & 0xFFFFFF);
      for (std::size_t w = 0; w < words_; ++w)  // only rows that have held a and b
        for (std::uint64_t bits = row_mask(a)[w] & row_mask(b)[w]; bits != 0; bits &= bits - 1)
          find_matches(static_cast<int>(w * 64 + std::size_t(std::countr_zero(bits))), top.key, matches);
      if (matches.size() < 2) continue;  // occurs twice only where the depth limit forbids it
      // Overlapping pairs (x + (x << d) three times in a row) count more than can be built: with
      // the number that can, the pattern waits behind any that now occurs more often.
      const auto real = static_cast<std::int32_t>(matches.size());
      if (!queue_.empty() && real < queue_.top_count() && (real < now || top.exact)) {
        push(top.key, real, true);
        continue;
      }
      substitute(top.key, matches);
    }
    if (!row_tree_.parent.empty()) chain_rows();
    return std::move(g_);
  }

 private:
  /// Entries small enough that the digit counts of sums and differences cannot overflow.
  static bool factorable(std::span<const std::int64_t> m) {
    return std::all_of(m.begin(), m.end(), [](std::int64_t v) { return v > -(std::int64_t{1} << 60) && v < (std::int64_t{1} << 60); });
  }
  /// Nonzero CSD digits of v: the weight of its non-adjacent form, popcount(|v| xor 3|v|).
  static int digits(std::int64_t v) {
    const std::uint64_t u = v < 0 ? 0 - std::uint64_t(v) : std::uint64_t(v);
    return std::popcount(u ^ (3 * u));
  }
  /// A spanning tree of n vectors of length len (contiguous in v) and the zero vector as root
  /// (Prim's algorithm, ties to the lower index): attaching vector i to j costs 2 (the adder
  /// of the edge, and a digit of margin) + the CSD digits of v_i - v_j or v_i + v_j (negated[i]), attaching it to the
  /// root the digits of v_i. `order` lists the vectors as they joined (parents first).
  struct Tree {
    std::vector<int> parent, order;  // parent -1: the root
    std::vector<std::uint8_t> negated;
  };
  static Tree spanning_tree(const std::vector<std::int64_t>& v, std::size_t n, std::size_t len) {
    Tree t;
    t.parent.assign(n, -1);
    t.negated.assign(n, 0);
    std::vector<int> best(n, 0);
    std::vector<std::uint8_t> in(n, 0);
    for (std::size_t c = 0; c < n; ++c)
      for (std::size_t r = 0; r < len; ++r) best[c] += digits(v[c * len + r]);
    for (std::size_t step = 0; step < n; ++step) {
      std::size_t j = n;
      for (std::size_t i = 0; i < n; ++i)
        if (!in[i] && (j == n || best[i] < best[j])) j = i;
      in[j] = 1;
      t.order.push_back(static_cast<int>(j));
      if (best[j] == 0 && t.parent[j] < 0) continue;  // a zero vector helps no other
      const std::int64_t* vj = v.data() + j * len;
      for (std::size_t i = 0; i < n; ++i) {
        if (in[i] || best[i] <= 2) continue;
        const std::int64_t* vi = v.data() + i * len;
        int minus = 2, plus = 2;  // the edge's adder, and one digit the search would share anyway
        for (std::size_t r = 0; r < len && std::min(minus, plus) < best[i]; ++r) {
          minus += digits(vi[r] - vj[r]);
          plus += digits(vi[r] + vj[r]);
        }
        if (std::min(minus, plus) < best[i]) {
          best[i] = std::min(minus, plus);
          t.parent[i] = static_cast<int>(j);
          t.negated[i] = plus < minus;
        }
      }
    }
    return t;
  }

  /// Column factoring: builds the z sums as ops (z_j = x_j +- z_k over the children k,
  /// shallowest first; the reverse of the tree's order has every child before its parent), sets
  /// column_signal[j] = z_j's signal, and returns E (row-major), e_j = c_j - s_j c_parent(j).
  std::vector<std::int64_t> factor_columns(std::span<const std::int64_t> m, int rows, int cols,
                                           std::vector<std::int32_t>& column_signal) {
    const auto R = std::size_t(rows), C = std::size_t(cols);
    std::vector<std::int64_t> col(R * C);  // column-major copy
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) col[c * R + r] = m[r * C + c];
    const Tree t = spanning_tree(col, C, R);
    std::vector<std::vector<int>> children(C);
    for (int j : t.order)
      if (t.parent[std::size_t(j)] >= 0) children[std::size_t(t.parent[std::size_t(j)])].push_back(j);
    for (auto it = t.order.rbegin(); it != t.order.rend(); ++it) {
      auto& kids = children[std::size_t(*it)];
      std::stable_sort(kids.begin(), kids.end(), [&](int x, int y) {
        return g_.depth[std::size_t(column_signal[std::size_t(x)])] < g_.depth[std::size_t(column_signal[std::size_t(y)])];
      });
      for (int k : kids) {
        const std::int32_t a = column_signal[std::size_t(*it)], b = column_signal[std::size_t(k)];
        g_.ops.push_back({a, b, 0, t.negated[std::size_t(k)] != 0});
        g_.depth.push_back(std::max(g_.depth[std::size_t(a)], g_.depth[std::size_t(b)]) + 1);
        column_signal[std::size_t(*it)] = static_cast<std::int32_t>(g_.depth.size() - 1);
      }
    }
    std::vector<std::int64_t> e(m.begin(), m.end());
    for (std::size_t c = 0; c < C; ++c) {
      if (t.parent[c] < 0) continue;
      const std::int64_t* cp = col.data() + std::size_t(t.parent[c]) * R;
      for (std::size_t r = 0; r < R; ++r) e[r * C + c] += t.negated[c] ? cp[r] : -cp[r];
    }
    return e;
  }

  /// Row factoring: y_i = f_i x + s_i y_parent(i). Returns F (row-major), f_i = r_i - s_i
  /// r_parent(i); the tree is kept for chain_rows(), after the search.
  std::vector<std::int64_t> factor_rows(std::span<const std::int64_t> m, int rows, int cols) {
    const auto R = std::size_t(rows), C = std::size_t(cols);
    std::vector<std::int64_t> v(m.begin(), m.end());
    row_tree_ = spanning_tree(v, R, C);
    std::vector<std::int64_t> f(v);
    for (std::size_t r = 0; r < R; ++r) {
      if (row_tree_.parent[r] < 0) continue;
      const std::int64_t* rp = v.data() + std::size_t(row_tree_.parent[r]) * C;
      for (std::size_t c = 0; c < C; ++c) f[r * C + c] += row_tree_.negated[r] ? rp[c] : -rp[c];
    }
    return f;
  }

  /// Two terms as one: +-(A << k1) +- (B << k2), k1 <= k2, is +-((A +- (B << (k2 - k1))) << k1).
  CmvmTerm combine(CmvmTerm x, CmvmTerm y) {
    if (y.shift < x.shift || (y.shift == x.shift && x.negative && !y.negative)) std::swap(x, y);
    g_.ops.push_back({x.signal, y.signal, y.shift - x.shift, x.negative != y.negative});
    g_.depth.push_back(std::max(g_.depth[std::size_t(x.signal)], g_.depth[std::size_t(y.signal)]) + 1);
    return {static_cast<std::int32_t>(g_.depth.size() - 1), x.shift, x.negative};
  }

  /// After the search on F: parents first, a row with children is summed into one term
  /// (shallowest two first), which each child row takes as one term more, with its sign.
  void chain_rows() {
    std::vector<std::uint8_t> has_child(g_.rows.size(), 0);
    for (int p : row_tree_.parent)
      if (p >= 0) has_child[std::size_t(p)] = 1;
    for (int r : row_tree_.order) {
      auto& row = g_.rows[std::size_t(r)];
      const int p = row_tree_.parent[std::size_t(r)];
      if (p >= 0) {
        CmvmTerm t = parent_term_[std::size_t(p)];
        t.negative = t.negative != (row_tree_.negated[std::size_t(r)] != 0);
        row.push_back(t);
      }
      if (!has_child[std::size_t(r)] || row.empty()) continue;
      auto deeper = [&](const CmvmTerm& x, const CmvmTerm& y) {
        return g_.depth[std::size_t(x.signal)] > g_.depth[std::size_t(y.signal)];
      };
      std::vector<CmvmTerm> heap(row.begin(), row.end());
      std::stable_sort(heap.begin(), heap.end(), deeper);  // shallowest last
      while (heap.size() > 1) {
        const CmvmTerm x = heap.back();
        heap.pop_back();
        const CmvmTerm y = heap.back();
        heap.pop_back();
        const CmvmTerm z = combine(x, y);
        heap.insert(std::upper_bound(heap.begin(), heap.end(), z, deeper), z);
      }
      row.assign(1, heap[0]);
      parent_term_[std::size_t(r)] = heap[0];
    }
    for (std::size_t r = 0; r < g_.rows.size(); ++r) {  // a row of negative terms only: 0 - (...)
      bool positive = constant_[r] != 0;
      for (const CmvmTerm& t : g_.rows[r]) positive = positive || !t.negative;
      g_.zero_term[r] = !g_.rows[r].empty() && !positive;
    }
  }

  struct Match {
    int row;
    std::uint32_t i, j;  // term indices: i = a's term, j = b's term
  };

  std::int32_t count(std::uint64_t key) const {
    const auto* c = counts_.find(key);
    return c ? *c : 0;
  }
  /// Pair updates are batched: the keys of a batch are computed first and each slot is
  /// prefetched a few updates ahead, so the table's cache misses overlap instead of queuing.
  void increment(const CmvmTerm& x, const CmvmTerm& y) {
    std::uint64_t key;
    if (pattern_of(x, y, key)) pending_.push_back(key);
  }
  void decrement(const CmvmTerm& x, const CmvmTerm& y) { increment(x, y); }
  static constexpr std::size_t ahead = 16;  // slots prefetched ahead of the update
  void flush_increments() {
    for (std::size_t i = 0; i < std::min(ahead, pending_.size()); ++i) counts_.prefetch(pending_[i]);
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (i + ahead < pending_.size()) counts_.prefetch(pending_[i + ahead]);
      const std::uint64_t key = pending_[i];
      auto [c, inserted] = counts_.emplace(key, 0);
      const std::int32_t now = ++c;
      if (now >= 2) push(key, now);
    }
    pending_.clear();
  }
  void flush_decrements() {
    for (std::size_t i = 0; i < std::min(ahead, pending_.size()); ++i) counts_.prefetch(pending_[i]);
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (i + ahead < pending_.size()) counts_.prefetch(pending_[i + ahead]);
      const std::uint64_t key = pending_[i];
      auto [c, inserted] = counts_.emplace(key, 0);
      NAS4ML_ASSERT(!inserted && c > 0, "cmvm: pattern count below zero");
      --c;
    }
    pending_.clear();
  }
  void push(std::uint64_t key, std::int32_t n, bool exact = false) {
    const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
    const int depth = std::max(g_.depth[std::size_t(a)], g_.depth[std::size_t(b)]) + 1;
    // Ties: stage-aware, the smaller shift difference (operands of like magnitude: narrower sums
    // where values cross a stage boundary); else the shallower under a depth limit, the deeper
    // without one in the factorings' mode (fewer adders, measured).
    if (stage_aware_) {
      queue_.push({key, n, exact}, std::min(static_cast<int>((key >> 1) & 0xFF), BucketQueue::depths - 1));
      return;
    }
    queue_.push({key, n, exact}, deeper_first_ ? BucketQueue::depths - 1 - std::min(depth, BucketQueue::depths - 1) : depth);
  }

  /// Non-overlapping occurrences of `key` in row r that the depth limit allows, lowest shift first.
  void find_matches(int r, std::uint64_t key, std::vector<Match>& out) {
    const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
    const int d = static_cast<int>((key >> 1) & 0xFF);
    const bool sub = (key & 1) != 0;
    auto& row = g_.rows[std::size_t(r)];
    candidates_.clear();
    for (std::uint32_t i = 0; i < row.size(); ++i)
      if (row[i].signal == a) candidates_.push_back(i);
    if (candidates_.empty()) return;
    std::sort(candidates_.begin(), candidates_.end(),
              [&](std::uint32_t x, std::uint32_t y) { return row[x].shift < row[y].shift; });
    used_.assign(row.size(), 0);
    const std::uint64_t gain = (std::uint64_t{1} << (std::max(g_.depth[std::size_t(a)], g_.depth[std::size_t(b)]) + 1)) -
                               (std::uint64_t{1} << g_.depth[std::size_t(a)]) -
                               (std::uint64_t{1} << g_.depth[std::size_t(b)]);
    std::uint64_t kraft = kraft_[std::size_t(r)];
    std::uint32_t positives = positives_[std::size_t(r)];
    bool zero = g_.zero_term[std::size_t(r)] || constant_[std::size_t(r)];
    for (std::uint32_t i : candidates_) {
      if (used_[i]) continue;
      for (std::uint32_t j = 0; j < row.size(); ++j) {
        if (j == i || used_[j] || row[j].signal != b || row[j].shift != row[i].shift + d ||
            row[j].negative != (row[i].negative != sub))
          continue;
        // The new term has a's sign: b's positive term goes (then maybe a constant 0 comes).
        const std::uint32_t pos = positives - (row[j].negative ? 0 : 1);
        const std::uint64_t more = gain + (!zero && pos == 0 ? 1 : 0);
        const int limit = row_limit_[std::size_t(r)];
        if (limit >= 0 && kraft + more > (std::uint64_t{1} << limit)) return;
        if (kraft + more > row_cap_[std::size_t(r)]) return;
        kraft += more;
        positives = pos;
        zero = zero || pos == 0;
        used_[i] = used_[j] = 1;
        out.push_back({r, i, j});
        break;
      }
    }
  }

  /// Builds the pattern once and replaces its occurrences (matches grouped by row).
  void substitute(std::uint64_t key, const std::vector<Match>& matches) {
    const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
    const int d = static_cast<int>((key >> 1) & 0xFF);
    const bool sub = (key & 1) != 0;
    const auto signal = static_cast<std::int32_t>(g_.depth.size());
    NAS4ML_ASSERT(signal < (1 << 24), "cmvm: more than 2^24 signals");
    g_.ops.push_back({a, b, d, sub});
    const int depth = std::max(g_.depth[std::size_t(a)], g_.depth[std::size_t(b)]) + 1;
    const std::uint64_t gain = (std::uint64_t{1} << depth) - (std::uint64_t{1} << g_.depth[std::size_t(a)]) -
                               (std::uint64_t{1} << g_.depth[std::size_t(b)]);
    g_.depth.push_back(depth);
    rows_of_.resize(rows_of_.size() + words_, 0);
    for (std::size_t k = 0; k < matches.size();) {
      const int r = matches[k].row;
      std::size_t e = k;
      while (e < matches.size() && matches[e].row == r) ++e;
      replace_in_row(r, std::span(matches.data() + k, e - k), signal);
      kraft_[std::size_t(r)] += gain * (e - k);
      if (positives_[std::size_t(r)] == 0 && !constant_[std::size_t(r)] && !g_.zero_term[std::size_t(r)]) {
        g_.zero_term[std::size_t(r)] = 1;
        kraft_[std::size_t(r)] += 1;
      }
      k = e;
    }
  }

  void replace_in_row(int r, std::span<const Match> ms, std::int32_t signal) {
    auto& row = g_.rows[std::size_t(r)];
    removed_.assign(row.size(), 0);
    for (const Match& m : ms) {
      removed_[m.i] = removed_[m.j] = 1;
      positives_[std::size_t(r)] -= row[m.j].negative ? 0 : 1;
    }
    // Pairs that disappear: every removed term with every other term (removed pairs once).
    for (std::uint32_t x = 0; x < row.size(); ++x) {
      if (!removed_[x]) continue;
      for (std::uint32_t u = 0; u < row.size(); ++u)
        if (u != x && !(removed_[u] && u < x)) decrement(row[x], row[u]);
    }
    flush_decrements();
    fresh_.clear();
    for (const Match& m : ms) fresh_.push_back({signal, row[m.i].shift, row[m.i].negative});
    std::size_t n = 0;
    for (std::uint32_t x = 0; x < row.size(); ++x)
      if (!removed_[x]) row[n++] = row[x];
    row.resize(n);
    for (std::size_t k = 0; k < fresh_.size(); ++k) {
      for (std::size_t u = 0; u < n; ++u) increment(fresh_[k], row[u]);
      for (std::size_t l = 0; l < k; ++l) increment(fresh_[k], fresh_[l]);
    }
    flush_increments();
    row.insert(row.end(), fresh_.begin(), fresh_.end());
    row_mask(signal)[std::size_t(r) / 64] |= std::uint64_t{1} << (r % 64);
  }

  CmvmGraph g_;
  std::vector<std::uint64_t> kraft_;  // per row: sum of 2^depth over its terms (+ constant terms)
  std::vector<std::uint32_t> positives_;  // per row: terms that are not negative
  std::vector<std::uint8_t> constant_;    // per row: a constant term will be added (extra_terms)
  std::vector<std::uint64_t> row_cap_;    // per row: the Kraft sum bound of the stage-aware mode
  bool stage_aware_ = false;              // a pipeline boundary inside the plain trees
  std::vector<int> row_limit_;            // per row: the depth its sum must fit in (-1: none)
  bool deeper_first_ = false;             // ties between candidates: the deeper first (dc = -1)
  Tree row_tree_;                         // row factoring's tree (empty: none)
  std::vector<CmvmTerm> parent_term_;     // per row with children: its sum as one term
  static Workspace& workspace() {
    thread_local Workspace w;
    return w;
  }
  detail::FlatMap<std::int32_t>& counts_;
  BucketQueue& queue_;
  std::vector<std::uint32_t> candidates_;
  std::vector<std::uint8_t> used_, removed_;
  std::vector<CmvmTerm> fresh_;
  std::vector<std::uint64_t> pending_;  // keys of the pair updates not yet applied
  // Per signal, a bit per row that has ever held one of its terms (never cleared: a superset).
  std::size_t words_ = 0;
  std::vector<std::uint64_t> rows_of_;
  std::uint64_t* row_mask(std::int32_t signal) { return rows_of_.data() + std::size_t(signal) * words_; }
};

}  // namespace

CmvmGraph share_subexpressions(std::span<const std::int64_t> m, int rows, int cols,
                               std::span<const std::uint8_t> extra_terms, int dc, DelayScope scope,
                               Factoring factoring, int stage_levels) {
  return Solver(m, rows, cols, extra_terms, dc, scope, factoring, stage_levels).run();
}

std::int64_t cmvm_adders(const CmvmGraph& g) {
  std::int64_t n = static_cast<std::int64_t>(g.ops.size());
  for (std::size_t r = 0; r < g.rows.size(); ++r)
    n += g.rows[r].empty() ? 0 : static_cast<std::int64_t>(g.rows[r].size()) - 1 + g.zero_term[r];
  return n;
}

int cmvm_row_depth(const CmvmGraph& g, int r, int extra) {
  std::uint64_t k = static_cast<std::uint64_t>(extra) + g.zero_term[std::size_t(r)];
  for (const CmvmTerm& t : g.rows[std::size_t(r)]) k += std::uint64_t{1} << g.depth[std::size_t(t.signal)];
  return k <= 1 ? 0 : static_cast<int>(std::bit_width(k - 1));
}

}  // namespace nas4ml::netlist
