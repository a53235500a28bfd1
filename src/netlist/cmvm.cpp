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
         DelayScope scope)
      : counts_(workspace().counts), queue_(workspace().queue) {
    counts_.clear();
    queue_.clear();
    NAS4ML_ASSERT(rows >= 0 && cols >= 0 && m.size() == std::size_t(rows) * std::size_t(cols), "cmvm: matrix size");
    NAS4ML_ASSERT(extra.empty() || extra.size() == std::size_t(rows), "cmvm: extra terms size");
    NAS4ML_ASSERT(dc >= -1, "cmvm: dc must be >= -1");
    NAS4ML_ASSERT(cols < (1 << 22), "cmvm: too many columns");
    g_.n_inputs = cols;
    g_.depth.assign(std::size_t(cols), 0);
    g_.rows.resize(std::size_t(rows));
    kraft_.assign(std::size_t(rows), 0);
    positives_.assign(std::size_t(rows), 0);
    constant_.assign(std::size_t(rows), 0);
    g_.zero_term.assign(std::size_t(rows), 0);
    row_limit_.assign(std::size_t(rows), -1);
    int deepest = 0;
    for (int r = 0; r < rows; ++r) {
      auto& row = g_.rows[std::size_t(r)];
      for (int c = 0; c < cols; ++c) {
        std::int64_t v = m[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
        for (int s = 0; v != 0; ++s, v >>= 1) {  // CSD digits (csd.hpp)
          if ((v & 1) == 0) continue;
          const bool neg = (v & 3) == 3;
          row.push_back({c, s, neg});
          v += neg ? 1 : -1;
        }
      }
      constant_[std::size_t(r)] = extra.empty() ? 0 : extra[std::size_t(r)];
      for (const CmvmTerm& t : row) positives_[std::size_t(r)] += !t.negative;
      // Only negative terms and no constant: the sum is 0 - (...), a constant 0 term more.
      g_.zero_term[std::size_t(r)] = !row.empty() && positives_[std::size_t(r)] == 0 && !constant_[std::size_t(r)];
      const std::uint64_t n = row.size() + constant_[std::size_t(r)] + g_.zero_term[std::size_t(r)];
      kraft_[std::size_t(r)] = n;
      const int own = n > 1 ? static_cast<int>(std::bit_width(n - 1)) : 0;
      deepest = std::max(deepest, own);
      row_limit_[std::size_t(r)] = own + dc;
    }
    if (dc >= 0) g_.depth_limit = deepest + dc;
    if (scope == DelayScope::layer) std::fill(row_limit_.begin(), row_limit_.end(), g_.depth_limit);
    words_ = (std::size_t(rows) + 63) / 64;
    rows_of_.assign(std::size_t(cols) * words_, 0);
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
    return std::move(g_);
  }

 private:
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
    queue_.push({key, n, exact}, depth);
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
  std::vector<int> row_limit_;            // per row: the depth its sum must fit in (-1: none)
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
                               std::span<const std::uint8_t> extra_terms, int dc, DelayScope scope) {
  return Solver(m, rows, cols, extra_terms, dc, scope).run();
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
