#include "nas4ml/netlist/cmvm.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <queue>

#include "nas4ml/core/default_init_allocator.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/digit_tree.hpp"
#include "nas4ml/netlist/row_factoring.hpp"

namespace nas4ml::netlist {
namespace {

__extension__ typedef __int128 i128;  // exact range arithmetic beyond 64 bits

/// A pattern a +- (b << d) as one key: a (24 bits) | b (24 bits) | d (8 bits) | subtract.
std::uint64_t pack(std::int32_t a, std::int32_t b, int d, bool subtract) {
  return (std::uint64_t(a) << 33) | (std::uint64_t(b) << 9) | (std::uint64_t(d) << 1) | std::uint64_t{subtract};
}


/// The candidates by priority: more occurrences first, then a tie rank (Solver::push); within one
/// bucket the last queued first. A bucket queue: queuing and taking cost O(1), where a binary heap
/// paid a cache miss per level on the thousands of entries a layer queues. An entry is a pattern
/// key, its bucket a bound on the pattern's count when queued (its occurrences can only be
/// destroyed after the round that created them, so the bound stays one): lazy, checked when
/// taken (Solver::run).
class BucketQueue {
 public:
  static constexpr int depths = 16;  // deeper patterns share the last depth bucket
  void clear() {
    for (std::ptrdiff_t i = 0; i <= high_; ++i) buckets_[std::size_t(i)].clear();
    high_ = top_ = -1;
  }
  /// The bucket of a count and a tie rank (higher first).
  static std::size_t bucket(std::int32_t count, int depth) {
    return static_cast<std::size_t>(count) * depths + std::size_t(depths - 1 - std::min(depth, depths - 1));
  }
  void push(std::uint64_t key, std::int32_t count, int depth) {
    const auto i = static_cast<std::ptrdiff_t>(bucket(count, depth));
    if (std::size_t(i) >= buckets_.size()) buckets_.resize(std::size_t(i) + 1 + buckets_.size() / 2);
    buckets_[std::size_t(i)].push_back(key);
    top_ = std::max(top_, i);
    high_ = std::max(high_, i);
  }
  /// push() of keys[k] into bucket at[k], k = 0 .. n - 1 in order, at once (a counting sort: each
  /// bucket grows once).
  void push_all(const std::size_t* keys, const std::uint32_t* at, std::size_t n) {
    std::uint32_t top = 0;
    for (std::size_t k = 0; k < n; ++k) top = std::max(top, at[k]);
    if (n == 0) return;
    if (top >= buckets_.size()) buckets_.resize(std::size_t(top) + 1 + buckets_.size() / 2);
    fill_.assign(std::size_t(top) + 1, 0);
    for (std::size_t k = 0; k < n; ++k) ++fill_[at[k]];
    for (std::size_t i = 0; i <= top; ++i) {
      const std::size_t old = buckets_[i].size();
      buckets_[i].resize(old + fill_[i]);
      fill_[i] = static_cast<std::uint32_t>(old);  // where bucket i's next key goes
    }
    for (std::size_t k = 0; k < n; ++k) buckets_[at[k]][fill_[at[k]]++] = keys[k];
    top_ = std::max(top_, static_cast<std::ptrdiff_t>(top));
    high_ = std::max(high_, static_cast<std::ptrdiff_t>(top));
  }
  /// The best candidate's count (0 when empty).
  std::int32_t top_count() {
    settle();
    return top_ < 0 ? 0 : static_cast<std::int32_t>(top_ / depths);
  }
  /// Takes the best candidate: its key and count bound (false when empty).
  bool pop(std::uint64_t& key, std::int32_t& count) {
    settle();
    if (top_ < 0) return false;
    auto& b = buckets_[std::size_t(top_)];
    key = b.back();
    b.pop_back();
    count = static_cast<std::int32_t>(top_ / depths);
    return true;
  }

 private:
  void settle() {
    while (top_ >= 0 && buckets_[std::size_t(top_)].empty()) --top_;
  }
  std::vector<std::vector<std::uint64_t, DefaultInitAllocator<std::uint64_t>>> buckets_;  // push_all() writes every key it adds
  std::vector<std::uint32_t> fill_;  // push_all()
  std::ptrdiff_t top_ = -1, high_ = -1;  // the best non-empty bucket (or below), the highest used
};

/// The search's work tables, kept per thread between calls (cleared, capacity kept): a lowering
/// per candidate would otherwise pay for fresh pages each time.
struct Workspace {
  BucketQueue queue;
  std::vector<std::uint8_t> pair_counts;  // Solver::table_
  bool counts_zero = true;                // pair_counts is all zero (a search that threw may leave it not)
  std::vector<std::size_t, DefaultInitAllocator<std::size_t>> touched;  // written before read: not zeroed
  std::vector<std::size_t, DefaultInitAllocator<std::size_t>> twice;
  std::vector<std::uint64_t> rows_of;
  std::vector<std::uint8_t> shifts;
};

/// Eight bytes at p (unaligned), and stored back: the shift masks are 1, 2, 4 or 8 bytes wide.
std::uint64_t load8(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
void store8(std::uint8_t* p, std::uint64_t v) { std::memcpy(p, &v, 8); }

class Solver {
 public:
  Solver(std::span<const std::int64_t> m, int rows, int cols, std::span<const std::uint8_t> extra, int dc,
         DelayScope scope, Factoring factoring, int stage_levels, PatternWeights weights,
         std::span<const std::uint64_t> recoding = {})
      : queue_(workspace().queue), table_(workspace().pair_counts), touched_(workspace().touched),
        twice_(workspace().twice), rows_of_(workspace().rows_of), shifts_(workspace().shifts) {
    touched_.clear();
    twice_.clear();
    queue_.clear();
    if (!workspace().counts_zero) std::fill(table_.begin(), table_.end(), std::uint8_t{0});
    workspace().counts_zero = false;  // until run() ends with every counter cleared
    NAS4ML_ASSERT(rows >= 0 && cols >= 0 && m.size() == std::size_t(rows) * std::size_t(cols), "cmvm: matrix size");
    NAS4ML_ASSERT(extra.empty() || extra.size() == std::size_t(rows), "cmvm: extra terms size");
    NAS4ML_ASSERT(dc >= -1, "cmvm: dc must be >= -1");
    NAS4ML_ASSERT(cols < (1 << 22), "cmvm: too many columns");
    g_.n_inputs = cols;
    g_.depth.assign(std::size_t(cols), 0);
    g_.rows.resize(std::size_t(rows));
    NAS4ML_ASSERT(weights.lo.size() == weights.hi.size(), "cmvm: pattern weight ranges size");
    NAS4ML_ASSERT(recoding.empty() || recoding.size() == m.size(), "cmvm: one recoding per matrix entry");
    weighted_ = !weights.lo.empty() && factoring == Factoring::none;
    if (weighted_) {
      NAS4ML_ASSERT(weights.lo.size() == std::size_t(cols), "cmvm: one range per column");
      lo_.assign(weights.lo.begin(), weights.lo.end());
      hi_.assign(weights.hi.begin(), weights.hi.end());
      for (int c = 0; c < cols; ++c) NAS4ML_ASSERT(lo_[std::size_t(c)] <= hi_[std::size_t(c)], "cmvm: empty column range");
      low_bit_.assign(std::size_t(cols), 0);
    }
    // Column factoring (dc = -1): the tree's z sums become the first ops, E replaces M.
    std::vector<std::int32_t> column_signal(static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) column_signal[std::size_t(c)] = c;
    std::vector<std::int64_t> factored_rows, factored;
    const auto bits = static_cast<unsigned>(factoring);
    if (dc < 0 && factorable(m) && (bits & 2u)) {
      row_tree_ = digit_spanning_tree(m, std::size_t(rows), std::size_t(cols), kEdgePenalty);
      factored_rows = factor_rows(row_tree_, m, rows, cols);
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
    int deepest = 0;
    for (int r = 0; r < rows; ++r) {
      auto& row = g_.rows[std::size_t(r)];
      std::size_t n_digits = 0;  // the row's CSD digits: its vector grows once
      for (int c = 0; c < cols; ++c) {
        const std::int64_t v = m[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
        const std::uint64_t u = v < 0 ? 0 - std::uint64_t(v) : std::uint64_t(v);
        n_digits += (u >> 61) != 0 ? 64 : static_cast<std::size_t>(std::popcount(u ^ (3 * u)));
      }
      row.reserve(n_digits);
      for (int c = 0; c < cols; ++c) {
        std::int64_t v = m[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
        if (!recoding.empty()) {  // a minimal signed-digit form (csd.hpp)
          for (const CsdDigit& d : msd_digits(v, recoding[std::size_t(r) * std::size_t(cols) + std::size_t(c)]))
            row.push_back({column_signal[std::size_t(c)], d.shift, d.sign < 0});
          continue;
        }
        const std::uint64_t u = v < 0 ? 0 - std::uint64_t(v) : std::uint64_t(v);
        if ((u >> 61) == 0) {
          // The CSD digits (csd.hpp) as masks, lowest shift first (Reitwiesner's recoding): u's
          // nonzero digits sit where u / 2 and 3u / 2 differ, +1 where 3u / 2 has the bit, -1
          // where u / 2 has it; a negative v negates them.
          const std::uint64_t half = u >> 1, three_halves = u + half, differ = half ^ three_halves;
          const std::uint64_t negative = v < 0 ? three_halves & differ : half & differ;
          for (std::uint64_t k = differ & (three_halves | half); k != 0; k &= k - 1) {
            const int sh = std::countr_zero(k);
            row.push_back({column_signal[std::size_t(c)], sh, ((negative >> sh) & 1) != 0});
          }
          continue;
        }
        for (int s = 0; v != 0; ++s, v >>= 1) {  // CSD digits (csd.hpp), one by one
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
    // Stage-aware (a pipeline boundary inside the plain trees): the layer may carry over its
    // boundaries no more values than its plain trees (find_matches()).
    stage_aware_ = stage_levels > 0 && stage_levels < deepest;
    if (stage_aware_) init_crossings(stage_levels, deepest);
    if (dc >= 0) g_.depth_limit = deepest + dc;
    if (scope == DelayScope::layer) std::fill(row_limit_.begin(), row_limit_.end(), g_.depth_limit);
    // Pipelined (K > 0) without a depth limit: no more stages than the plain trees, i.e. the
    // same latency in cycles (levels up to the end of the plain trees' last stage are free).
    if (stage_levels > 0 && dc < 0 && stage_levels < 64)
      std::fill(row_limit_.begin(), row_limit_.end(), (std::max(deepest, 1) + stage_levels - 1) / stage_levels * stage_levels);
    words_ = (std::size_t(rows) + 63) / 64;
    n_rows_ = std::size_t(rows);
    // Every term's shift is one of the matrix's digit positions (a new term takes its first
    // operand's shift): the masks need span_ bits.
    int top_shift = 0;
    std::size_t terms = 0;
    for (const auto& row : g_.rows) {
      terms += row.size();
      for (const CmvmTerm& t : row) top_shift = std::max(top_shift, t.shift);
    }
    NAS4ML_ASSERT(top_shift < 64, "cmvm: term shift beyond 63");
    // A substitution removes two terms per occurrence and adds one, at least two occurrences:
    // at most terms / 2 ops (the graph's vectors grow once).
    g_.ops.reserve(g_.ops.size() + terms / 2);
    g_.depth.reserve(g_.depth.size() + terms / 2);
    span_ = std::size_t(top_shift) + 1;
    rel_bits_ = static_cast<std::size_t>(std::bit_width(2 * span_ - 1));
    mask_bytes_ = span_ <= 8 ? 1 : span_ <= 16 ? 2 : span_ <= 32 ? 4 : 8;
    mask_low_ = mask_bytes_ == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * mask_bytes_)) - 1;
    half_bytes_ = (mask_bytes_ * n_rows_ + 7) / 8 * 8;
    entry_bytes_ = 2 * half_bytes_;
    for (std::size_t d = 0; d < 64; ++d) {  // per lane of mask_bytes_: the bits a shift by d keeps
      const std::uint64_t keep = (mask_low_ >> d) & mask_low_;
      lane_keep_[d] = 0;
      for (std::size_t lane = 0; lane < 8 / mask_bytes_; ++lane) lane_keep_[d] |= keep << (lane * 8 * mask_bytes_);
    }
    // Each substitution removes a term at least, so there are at most as many new signals as
    // terms: reserved, the tables never move (and reused, they cost no fresh pages).
    rows_of_.reserve((g_.depth.size() + terms) * words_);
    shifts_.reserve((g_.depth.size() + terms) * entry_bytes_ + 8);
    rows_of_.assign(g_.depth.size() * words_, 0);
    shifts_.assign(g_.depth.size() * entry_bytes_ + 8, 0);  // + 8: an 8-byte access at the last mask
    for (int r = 0; r < rows; ++r)
      for (const CmvmTerm& t : g_.rows[std::size_t(r)]) {
        row_mask(t.signal)[std::size_t(r) / 64] |= std::uint64_t{1} << (r % 64);
        set_shift(t, r);
      }
    // Every pair of terms of a row counts once for its pattern (one dense table over the input
    // signals' patterns, else signal by signal); the patterns that occur twice are queued.
    const std::size_t s0 = g_.depth.size();
    if (s0 * s0 * span_ * 2 <= dense_limit) {  // one table over all patterns of the inputs
      const std::size_t dense = s0 * s0 * span_ * 2;
      table_.resize(std::max(table_.size(), std::max(dense, s0 << (rel_bits_ + 1))), 0);
      std::vector<CmvmTerm>& sorted = fresh_;
      std::vector<std::size_t> code;
      std::vector<std::uint64_t> tail;
      // A pattern is listed once, when its count reaches two: at most half the pairs.
      std::size_t pairs = 0;
      for (const auto& row : g_.rows) pairs += row.size() * (row.size() - (row.empty() ? 0 : 1)) / 2;
      twice_.resize(pairs / 2 + 1);
      std::size_t* const listed = twice_.data();
      std::size_t n_listed = 0;
      for (const auto& row : g_.rows) {
        // In pattern order (shift, then signal), every pair's first term comes first.
        sort_by_shift(row, sorted);
        // Counter of (p, q): ((p.signal s0 + q.signal) span + q.shift - p.shift) 2 + (p.negative != q.negative),
        // and key pack(p.signal, q.signal, q.shift - p.shift, p.negative != q.negative): q's parts
        // (its sign in the low bit) computed once per term, p's added, the sign flipped by p's.
        // Both with q's sign as it is (entries 0 .. n - 1) and flipped (n .. 2n - 1), for a
        // negative p: the flip is in the low bit, where p's parts are 0 (no carry).
        const std::size_t n = sorted.size();
        code.resize(2 * n);
        tail.resize(2 * n);
        for (std::size_t j = 0; j < n; ++j) {
          code[j] = (std::size_t(sorted[j].signal) * span_ + std::size_t(sorted[j].shift)) * 2 + sorted[j].negative;
          tail[j] = (std::uint64_t(sorted[j].signal) << 9) + (std::uint64_t(sorted[j].shift) << 1) + sorted[j].negative;
          code[n + j] = code[j] ^ 1;
          tail[n + j] = tail[j] ^ 1;
        }
        std::uint8_t* const counts = table_.data();
        for (std::size_t i = 0; i < n; ++i) {
          const CmvmTerm p = sorted[i];
          const std::size_t first = std::size_t(p.signal) * s0 * span_ * 2 - std::size_t(p.shift) * 2;  // mod 2^64
          const std::uint64_t head = (std::uint64_t(p.signal) << 33) - (std::uint64_t(p.shift) << 1);  // mod 2^64
          const std::size_t* const qc = code.data() + (p.negative ? n : 0);
          const std::uint64_t* const qt = tail.data() + (p.negative ? n : 0);
          // Without branches (whether a count reaches two is not predictable): every pair
          // writes its key, and the list grows only at the second occurrence.
          for (std::size_t j = i + 1; j < n; ++j) {
            std::uint8_t& c = counts[first + qc[j]];
            listed[n_listed] = head + qt[j];
            n_listed += c == 1;
            c += c != 255;
          }
        }
      }
      at_.resize(n_listed);
      for (std::size_t k = 0; k < n_listed; ++k)
        at_[k] = static_cast<std::uint32_t>(
            BucketQueue::bucket(score(count_of(dense_count(listed[k], s0), listed[k]), listed[k]), rank(listed[k])));
      queue_.push_all(listed, at_.data(), n_listed);
      twice_.clear();
      std::fill(table_.begin(), table_.begin() + static_cast<std::ptrdiff_t>(dense), 0);
      return;
    }
    // Else anchor by anchor: x's pairs where x comes first in the pattern.
    table_.resize(std::max(table_.size(), s0 << (rel_bits_ + 1)), 0);
    for (std::int32_t x = 0; x < static_cast<std::int32_t>(s0); ++x) {
      const std::uint64_t* rx = row_mask(x);
      for (std::size_t w = 0; w < words_; ++w)
        for (std::uint64_t bits = rx[w]; bits != 0; bits &= bits - 1) {
          const int r = static_cast<int>(w * 64 + std::size_t(std::countr_zero(bits)));
          const Shifts m = shifts_of(x, std::size_t(r));
          for (const CmvmTerm& t : g_.rows[std::size_t(r)]) {
            // x with x: each pair once, from its lower shift; x with u: where x comes first.
            const std::uint64_t mine = t.signal == x ? (m.pos | m.neg) & ~((std::uint64_t{2} << t.shift) - 1) : m.pos | m.neg;
            for (std::uint64_t k = mine; k != 0; k &= k - 1) {
              const int sh = std::countr_zero(k);
              if (t.signal == x) anchor_pair(x, t.shift, t.negative, x, sh, (m.neg >> sh) & 1);
              else if (sh < t.shift || (sh == t.shift && x < t.signal)) anchor_pair(x, sh, (m.neg >> sh) & 1, t.signal, t.shift, t.negative);
            }
          }
        }
      queue_counted(x);
    }
  }

  CmvmGraph run() {
    std::vector<Match> matches;
    std::uint64_t key = 0;
    std::int32_t bound = 0;
    while (queue_.pop(key, bound)) {
      // Lazy: the entry's count bounds the pattern's pairs. The pairs left are counted on the
      // rows' shift masks; when fewer, a looser bound goes back, so the first entry whose bound
      // holds is the most frequent.
      const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
      const std::int32_t now = pairs_now(key);
      if (score(now, key) < bound) {
        if (now >= 2) push(key, now);
        continue;
      }
      matches.clear();
      if (stage_aware_) start_crossings(a, b);
      for (std::size_t w = 0; w < words_; ++w)  // only rows that have held a and b
        for (std::uint64_t bits = row_mask(a)[w] & row_mask(b)[w]; bits != 0; bits &= bits - 1)
          find_matches(static_cast<int>(w * 64 + std::size_t(std::countr_zero(bits))), key, matches);
      const std::int32_t real = occurrences(matches);
      if (real < 2) continue;  // occurs twice only where the depth limit forbids it
      // Overlapping pairs (x + (x << d) three times in a row) and the depth limit leave fewer
      // occurrences than pairs: with the number that can be built, the pattern waits behind any
      // that may occur more often.
      if (score(real, key) < queue_.top_count()) {
        push(key, real);
        continue;
      }
      substitute(key, matches);
    }
    workspace().counts_zero = true;  // every round cleared its counters
    if (!row_tree_.parent.empty()) chain_rows(g_, row_tree_, constant_);
    return std::move(g_);
  }

 private:
  /// Entries small enough that the digit counts of sums and differences cannot overflow.
  static bool factorable(std::span<const std::int64_t> m) {
    return std::all_of(m.begin(), m.end(), [](std::int64_t v) { return v > -(std::int64_t{1} << 60) && v < (std::int64_t{1} << 60); });
  }
  /// The spanning trees of the factorings (digit_tree.hpp): an edge costs 2 (its adder, and a
  /// digit of margin the search would share anyway) + the digits of the difference or sum.
  static constexpr int kEdgePenalty = 2;

  /// Column factoring: builds the z sums as ops (z_j = x_j +- z_k over the children k,
  /// shallowest first; the reverse of the tree's order has every child before its parent), sets
  /// column_signal[j] = z_j's signal, and returns E (row-major), e_j = c_j - s_j c_parent(j).
  std::vector<std::int64_t> factor_columns(std::span<const std::int64_t> m, int rows, int cols,
                                           std::vector<std::int32_t>& column_signal) {
    const auto R = std::size_t(rows), C = std::size_t(cols);
    std::vector<std::int64_t> col(R * C);  // column-major copy
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) col[c * R + r] = m[r * C + c];
    const DigitTree t = digit_spanning_tree(col, C, R, kEdgePenalty);
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

  /// A pattern's occurrences taken in one row: a's terms at the shifts of `shifts` (bit s:
  /// shift s), each with b's term at s + d.
  struct Match {
    int row;
    std::uint64_t shifts;
  };
  static std::int32_t occurrences(const std::vector<Match>& matches) {
    std::int32_t n = 0;
    for (const Match& m : matches) n += std::popcount(m.shifts);
    return n;
  }

  /// Counts one pair of terms, (x << sx) and (u << su), of the anchor x: every pattern counted
  /// in one round shares its anchor, so the counts fit a small dense table indexed by the other
  /// signal u, the relative shift su - sx (x with x: its absolute value) and the sign (the
  /// counter's slot, anchor_slot(); anchor_key() tells the pattern back).
  void anchor_pair(std::int32_t x, int sx, bool nx, std::int32_t u, int su, bool nu) {
    if (u == x && sx == su) return;
    const std::size_t slot = anchor_slot(u, u == x ? std::abs(su - sx) : su - sx, nx != nu);
    std::uint8_t& c = table_[slot];  // a pattern is listed when it reaches two
    if (c == 0) touched_.push_back(slot);
    else if (c == 1) twice_.push_back(slot);
    c += c != 255;
  }
  /// The anchor table's counter of the other signal u at relative shift rel (|rel| < span_).
  std::size_t anchor_slot(std::int32_t u, int rel, bool sub) const {
    return ((std::size_t(u) << rel_bits_) + std::size_t(rel + static_cast<int>(span_))) * 2 + sub;
  }
  /// The pattern of anchor x's counter `slot`: x first when u's shift is the higher (or the
  /// same, and x the lower signal), else u first.
  std::uint64_t anchor_key(std::int32_t x, std::size_t slot) const {
    const auto u = static_cast<std::int32_t>(slot >> (rel_bits_ + 1));
    const int rel = static_cast<int>((slot >> 1) & ((std::size_t{1} << rel_bits_) - 1)) - static_cast<int>(span_);
    const bool sub = (slot & 1) != 0;
    // (Bitwise: the order of u and x is not predictable, one branch less per queued pattern.)
    const bool u_first = (rel < 0) | ((rel == 0) & (u < x));
    return u_first ? pack(u, x, -rel, sub) : pack(x, u, rel, sub);
  }
  /// A pattern's count from its counter, which saturates at 255: beyond, its pairs are counted
  /// on the masks (in the round that counts a pattern, every pair of it is there).
  std::int32_t count_of(std::uint8_t counter, std::uint64_t key) const {
    return counter < 255 ? counter : pairs_now(key);
  }
  /// The first round's counter of `key` (s0 input signals).
  std::uint8_t dense_count(std::uint64_t key, std::size_t s0) const {
    const std::size_t a = key >> 33, b = (key >> 9) & 0xFFFFFF;
    return table_[((a * s0 + b) * span_ + ((key >> 1) & 0xFF)) * 2 + (key & 1)];
  }
  /// Queues anchor x's patterns that occur twice or more (in the order they reached two:
  /// deterministic) and clears the counters.
  void queue_counted(std::int32_t x) {
    for (std::size_t slot : twice_) {
      const std::uint64_t key = anchor_key(x, slot);
      push(key, count_of(table_[slot], key));
    }
    // (Four a step: the loop's own instructions were most of its cost.)
    std::uint8_t* const counts = table_.data();
    const std::size_t* t = touched_.data();
    const std::size_t nt = touched_.size(), n4 = nt & ~std::size_t{3};
    for (std::size_t k = 0; k < n4; k += 4) {
      counts[t[k]] = 0;
      counts[t[k + 1]] = 0;
      counts[t[k + 2]] = 0;
      counts[t[k + 3]] = 0;
    }
    for (std::size_t k = n4; k < nt; ++k) counts[t[k]] = 0;
    touched_.clear();
    twice_.clear();
  }
  /// Row terms in pattern order: by shift, then signal (a counting sort by shift, the row's
  /// column order kept within a shift, then an insertion sort for the signals, which are in
  /// column order unless the columns were factored).
  void sort_by_shift(const std::vector<CmvmTerm>& row, std::vector<CmvmTerm>& out) const {
    std::uint32_t start[65] = {};
    for (const CmvmTerm& t : row) ++start[t.shift + 1];
    for (std::size_t k = 1; k <= span_; ++k) start[k] += start[k - 1];
    out.resize(row.size());
    for (const CmvmTerm& t : row) out[start[t.shift]++] = t;
    for (std::size_t i = 1; i < out.size(); ++i) {
      const CmvmTerm t = out[i];
      std::size_t j = i;
      for (; j > 0 && out[j - 1].shift == t.shift && out[j - 1].signal > t.signal; --j) out[j] = out[j - 1];
      out[j] = t;
    }
  }
  /// The pairs of `key` left in all rows (overlapping ones included): the shift masks of a and
  /// b in the rows that have held both.
  std::int32_t pairs_now(std::uint64_t key) const {
    const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
    const int d = static_cast<int>((key >> 1) & 0xFF);
    const bool sub = (key & 1) != 0;
    std::int32_t n = 0;
    if (half_bytes_ <= 64) {  // all rows at once, 8 bytes (8 / mask_bytes_ rows) a step, no branch
      const std::uint8_t* pa = shifts_.data() + std::size_t(a) * entry_bytes_;
      // b's masks that pair with a's positive terms (b's negative ones when the pattern
      // subtracts) and with a's negative ones.
      const std::uint8_t* pb = shifts_.data() + std::size_t(b) * entry_bytes_;
      const std::uint8_t* with_pos = pb + (sub ? half_bytes_ : 0);
      const std::uint8_t* with_neg = pb + (sub ? 0 : half_bytes_);
      const std::uint64_t keep = lane_keep_[d];
      for (std::size_t k = 0; k < half_bytes_; k += 8) {
        const std::uint64_t ap = load8(pa + k), an = load8(pa + half_bytes_ + k);
        const std::uint64_t bp = (load8(with_pos + k) >> d) & keep, bn = (load8(with_neg + k) >> d) & keep;
        n += std::popcount(ap & bp) + std::popcount(an & bn);
      }
      return n;
    }
    const std::uint64_t* ra = rows_of_.data() + std::size_t(a) * words_;
    const std::uint64_t* rb = rows_of_.data() + std::size_t(b) * words_;
    for (std::size_t w = 0; w < words_; ++w)
      for (std::uint64_t bits = ra[w] & rb[w]; bits != 0; bits &= bits - 1) {
        const std::size_t r = w * 64 + std::size_t(std::countr_zero(bits));
        const Shifts ma = shifts_of(a, r), mb = shifts_of(b, r);
        const std::uint64_t pb = mb.pos >> d, nb = mb.neg >> d;
        n += std::popcount(ma.pos & (sub ? nb : pb)) + std::popcount(ma.neg & (sub ? pb : nb));
      }
    return n;
  }
  /// Signal s's masks in row r: its positive and its negative terms' shifts (bit k: shift k).
  struct Shifts {
    std::uint64_t pos, neg;
  };
  Shifts shifts_of(std::int32_t s, std::size_t r) const {
    const std::uint8_t* m = shifts_.data() + std::size_t(s) * entry_bytes_ + r * mask_bytes_;
    return {load8(m) & mask_low_, load8(m + half_bytes_) & mask_low_};
  }
  /// The mask of t's sign for t's signal in row r (an 8-byte access: the bytes past the mask are
  /// written back unchanged).
  std::uint8_t* mask_of(const CmvmTerm& t, int r) {
    return shifts_.data() + std::size_t(t.signal) * entry_bytes_ + std::size_t(r) * mask_bytes_ + std::size_t(t.negative) * half_bytes_;
  }
  void set_shift(const CmvmTerm& t, int r) {
    std::uint8_t* m = mask_of(t, r);
    store8(m, load8(m) | (std::uint64_t{1} << t.shift));
  }
  /// Removes signal s's terms at `shifts` in row r from the masks (and the row from the
  /// signal's rows when they were its last).
  void clear_shifts(std::int32_t s, int r, std::uint64_t shifts) {
    std::uint8_t* m = shifts_.data() + std::size_t(s) * entry_bytes_ + std::size_t(r) * mask_bytes_;
    store8(m, load8(m) & ~shifts);
    store8(m + half_bytes_, load8(m + half_bytes_) & ~shifts);
    const Shifts left = shifts_of(s, std::size_t(r));
    if ((left.pos | left.neg) == 0) row_mask(s)[std::size_t(r) / 64] &= ~(std::uint64_t{1} << (r % 64));
  }
  void push(std::uint64_t key, std::int32_t n) { queue_.push(key, score(n, key), rank(key)); }
  /// A pattern's priority from its count: the count, or weighted (PatternWeights) count x the
  /// bits its adder computes.
  std::int32_t score(std::int32_t n, std::uint64_t key) const {
    if (!weighted_) return n;
    const std::int64_t v = std::int64_t{n} * bits_of(key);
    return static_cast<std::int32_t>(std::min<std::int64_t>(v, std::int64_t{1} << 24));
  }
  /// The range of a +- (b << d) by interval arithmetic (saturated to 62 bits: a width beyond is
  /// the same weight).
  static std::int64_t clamp62(i128 v) {
    const i128 top = i128{1} << 62;
    return static_cast<std::int64_t>(std::clamp(v, -top, top));
  }
  std::pair<std::int64_t, std::int64_t> sum_range(std::int32_t a, std::int32_t b, int d, bool sub) const {
    const i128 blo = i128{lo_[std::size_t(b)]} * (i128{1} << d), bhi = i128{hi_[std::size_t(b)]} * (i128{1} << d);
    if (sub) return {clamp62(lo_[std::size_t(a)] - bhi), clamp62(hi_[std::size_t(a)] - blo)};
    return {clamp62(lo_[std::size_t(a)] + blo), clamp62(hi_[std::size_t(a)] + bhi)};
  }
  /// Bits of the adder of `key`: the signed width of its sum's range above the lowest bit where
  /// both operands may be nonzero (at least 1).
  std::int32_t bits_of(std::uint64_t key) const {
    const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
    const int d = static_cast<int>((key >> 1) & 0xFF);
    const auto [lo, hi] = sum_range(a, b, d, (key & 1) != 0);
    const int width = signed_width(lo, hi);
    const int low = std::max(low_bit_[std::size_t(a)], low_bit_[std::size_t(b)] + d);
    return std::max(width - low, 1);
  }
  /// Smallest w with -2^(w-1) <= lo and hi < 2^(w-1).
  static int signed_width(std::int64_t lo, std::int64_t hi) {
    const auto need = [](std::int64_t v) { return static_cast<int>(std::bit_width(static_cast<std::uint64_t>(v < 0 ? ~v : v))) + 1; };
    return std::max(need(lo), need(hi));
  }
  /// Ties: stage-aware, the smaller shift difference (operands of like magnitude: narrower sums
  /// where values cross a stage boundary); else the deeper (fewer adders on random matrices,
  /// measured; a depth limit is kept by find_matches either way).
  int rank(std::uint64_t key) const {
    if (stage_aware_) return std::min(static_cast<int>((key >> 1) & 0xFF), BucketQueue::depths - 1);
    const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
    const int depth = std::max(g_.depth[std::size_t(a)], g_.depth[std::size_t(b)]) + 1;
    return BucketQueue::depths - 1 - std::min(depth, BucketQueue::depths - 1);
  }

  /// Non-overlapping occurrences of `key` in row r that the depth limit allows, lowest shift first.
  void find_matches(int r, std::uint64_t key, std::vector<Match>& out) {
    const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
    const int d = static_cast<int>((key >> 1) & 0xFF);
    const bool sub = (key & 1) != 0;
    // Shifts s with a's term at s and b's term of the matching sign at s + d.
    const Shifts ma = shifts_of(a, std::size_t(r)), mb = shifts_of(b, std::size_t(r));
    const std::uint64_t found = (ma.pos & ((sub ? mb.neg : mb.pos) >> d)) | (ma.neg & ((sub ? mb.pos : mb.neg) >> d));
    if (found == 0) return;
    const std::uint64_t gain = (std::uint64_t{1} << (std::max(g_.depth[std::size_t(a)], g_.depth[std::size_t(b)]) + 1)) -
                               (std::uint64_t{1} << g_.depth[std::size_t(a)]) -
                               (std::uint64_t{1} << g_.depth[std::size_t(b)]);
    std::uint64_t kraft = kraft_[std::size_t(r)];
    std::uint32_t positives = positives_[std::size_t(r)];
    bool zero = g_.zero_term[std::size_t(r)] || constant_[std::size_t(r)];
    std::uint64_t used = 0;  // shifts of a's terms already taken (x + (x << d): overlapping pairs)
    std::uint64_t taken = 0;
    const bool pays = !charged_;  // stage-aware: the pattern's new crossing values charged to this row
    std::int64_t n_taken = 0;
    std::uint64_t zeros = 0;  // constant 0 terms the occurrences add
    for (std::uint64_t k = found; k != 0; k &= k - 1) {  // lowest shift first
      const int sh = std::countr_zero(k);
      if (a == b && (((used >> sh) & 1) || ((used >> (sh + d)) & 1))) continue;
      // The new term has a's sign: b's positive term goes (then maybe a constant 0 comes). b's
      // term has a's sign, flipped when the pattern subtracts.
      const bool b_negative = (((ma.neg >> sh) & 1) != 0) != sub;
      const std::uint32_t pos = positives - (b_negative ? 0 : 1);
      const std::uint64_t more = gain + (!zero && pos == 0 ? 1 : 0);
      const int limit = row_limit_[std::size_t(r)];
      if (limit >= 0 && kraft + more > (std::uint64_t{1} << limit)) break;
      if (stage_aware_) {  // no more values over the layer's boundaries (docs/netlist.md "Stage-aware search")
        const std::uint64_t z = zeros + (more - gain);
        if (!(shrinks_ && z == 0) && row_gain(std::size_t(r), n_taken + 1, z, pays) > 0) break;
        zeros = z;
        ++n_taken;
        charged_ = true;
      }
      kraft += more;
      positives = pos;
      zero = zero || pos == 0;
      used |= (std::uint64_t{1} << sh) | (std::uint64_t{1} << (sh + d));
      taken |= std::uint64_t{1} << sh;
    }
    if (taken != 0) out.push_back({r, taken});
  }

  // ---- stage-aware mode: the values that cross the layer's pipeline boundaries ----------
  // Boundary j (1 .. boundaries_) follows adder level j K. A row's terms shallower than j K are
  // summed into ceil(sum 2^depth / 2^(j K)) values there (Kraft, as the lowering's row sums do);
  // a signal of depth j K, or of depth <= j K read by an op deeper than j K, crosses it once,
  // whatever the number of its readers (one register per node).
  static constexpr int kMaxBoundaries = kMaxStageBoundaries;
  /// Boundaries inside the plain trees' stages, each row's terms below them, and the values the
  /// ops made before the search (column factoring) carry.
  void init_crossings(int K, int deepest) {
    stage_k_ = K;
    boundaries_ = std::min((deepest - 1) / K, kMaxBoundaries);
    const std::size_t rows = g_.rows.size();
    below_.assign(std::size_t(boundaries_) * rows, 0);
    if (g_.ops.empty()) {  // every term an input, below every boundary: the rows' Kraft sums
      for (int j = 0; j < boundaries_; ++j) std::copy(kraft_.begin(), kraft_.end(), below_.begin() + std::ptrdiff_t(std::size_t(j) * rows));
      crossing_.assign(g_.depth.size(), 0);
      return;
    }
    for (int j = 0; j < boundaries_; ++j)
      for (std::size_t r = 0; r < rows; ++r) {
        std::uint64_t& k = below_[std::size_t(j) * rows + r];
        k = constant_[r] + g_.zero_term[r];
        for (const CmvmTerm& t : g_.rows[r]) k += below_weight(t.signal, j);
      }
    crossing_.assign(g_.depth.size(), 0);
    const auto n_inputs = static_cast<std::int32_t>(g_.n_inputs);
    for (std::size_t i = 0; i < g_.ops.size(); ++i)
      new_crossings(g_.ops[i].a, g_.ops[i].b, n_inputs + static_cast<std::int32_t>(i), true);
  }
  /// Sum of 2^depth over row r's terms shallower than boundary j + 1 (and its constants).
  std::uint64_t& below(int j, std::size_t r) { return below_[std::size_t(j) * n_rows_ + r]; }
  /// 2^depth of signal x when it is shallower than boundary j + 1, else 0.
  std::uint64_t below_weight(std::int32_t x, int j) const {
    const int d = g_.depth[std::size_t(x)];
    return d < (j + 1) * stage_k_ ? std::uint64_t{1} << d : 0;
  }
  /// Values a row's terms of Kraft sum `k` below boundary j + 1 hand over it.
  std::int64_t values_over(std::uint64_t k, int j) const {
    const int bits = std::min((j + 1) * stage_k_, 63);
    return static_cast<std::int64_t>((k >> bits) + ((k & ((std::uint64_t{1} << bits) - 1)) != 0));
  }
  /// Values over the boundaries that building a +- (b << d) starts to carry (mark: record them).
  std::int64_t new_crossings(std::int32_t a, std::int32_t b, std::int32_t signal, bool mark) {
    const int depth = std::max(g_.depth[std::size_t(a)], g_.depth[std::size_t(b)]) + 1;
    std::int64_t n = 0;
    for (int j = 0; j < boundaries_; ++j) {
      const int level = (j + 1) * stage_k_;
      const std::uint32_t bit = std::uint32_t{1} << j;
      if (depth == level) {
        ++n;
        if (mark) crossing_[std::size_t(signal)] |= bit;
      }
      if (depth <= level) continue;
      const auto cross = [&](std::int32_t x) {
        if (g_.depth[std::size_t(x)] > level || (crossing_[std::size_t(x)] & bit)) return;
        ++n;
        if (mark) crossing_[std::size_t(x)] |= bit;
      };
      cross(a);
      if (b != a) cross(b);
    }
    return n;
  }
  /// A new pattern a +- (b << d): its new crossing values (charged to the row of its first
  /// occurrence), and per boundary the change of a row's Kraft sum below it per occurrence.
  void start_crossings(std::int32_t a, std::int32_t b) {
    pattern_crossings_ = new_crossings(a, b, 0, false);
    charged_ = false;
    const int depth = std::max(g_.depth[std::size_t(a)], g_.depth[std::size_t(b)]) + 1;
    shrinks_ = pattern_crossings_ == 0;
    for (int j = 0; j < boundaries_; ++j) {
      const std::uint64_t sum = depth < (j + 1) * stage_k_ ? std::uint64_t{1} << depth : 0;
      delta_[j] = static_cast<std::int64_t>(sum) - static_cast<std::int64_t>(below_weight(a, j) + below_weight(b, j));
      shrinks_ = shrinks_ && delta_[j] <= 0;
    }
  }
  /// Values over the boundaries the layer gains when row r takes n occurrences of the pattern
  /// (and `zeros` constant 0 terms), plus its new crossing values when the row pays them.
  std::int64_t row_gain(std::size_t r, std::int64_t n, std::uint64_t zeros, bool pays) {
    std::int64_t added = pays ? pattern_crossings_ : 0;
    for (int j = 0; j < boundaries_; ++j) {
      const std::uint64_t k = below(j, r);
      added += values_over(static_cast<std::uint64_t>(static_cast<std::int64_t>(k) + n * delta_[j]) + zeros, j) - values_over(k, j);
    }
    return added;
  }
  /// Substitution of n occurrences in row r (and a constant 0 when `zero`).
  void substitute_below(std::size_t r, std::uint64_t n, bool zero) {
    for (int j = 0; j < boundaries_; ++j)
      below(j, r) = static_cast<std::uint64_t>(static_cast<std::int64_t>(below(j, r)) + static_cast<std::int64_t>(n) * delta_[j]) + (zero ? 1 : 0);
  }
  /// The new signal's crossings recorded (before its depth is pushed).
  void mark_crossings(std::int32_t a, std::int32_t b, std::int32_t signal) {
    crossing_.resize(std::size_t(signal) + 1, 0);
    new_crossings(a, b, signal, true);
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
    if (stage_aware_) mark_crossings(a, b, signal);
    const std::uint64_t gain = (std::uint64_t{1} << depth) - (std::uint64_t{1} << g_.depth[std::size_t(a)]) -
                               (std::uint64_t{1} << g_.depth[std::size_t(b)]);
    g_.depth.push_back(depth);
    if (weighted_) {
      const auto [lo, hi] = sum_range(a, b, d, sub);
      lo_.push_back(lo);
      hi_.push_back(hi);
      low_bit_.push_back(std::min(low_bit_[std::size_t(a)], low_bit_[std::size_t(b)] + d));
    }
    rows_of_.resize(rows_of_.size() + words_, 0);
    shifts_.resize(shifts_.size() + entry_bytes_, 0);
    table_.resize(std::max(table_.size(), g_.depth.size() << (rel_bits_ + 1)), 0);
    for (const Match& m : matches) {
      const int r = m.row;
      replace_in_row(r, m.shifts, key, signal);
      kraft_[std::size_t(r)] += gain * std::uint64_t(std::popcount(m.shifts));
      const bool zero = positives_[std::size_t(r)] == 0 && !constant_[std::size_t(r)] && !g_.zero_term[std::size_t(r)];
      if (stage_aware_) substitute_below(std::size_t(r), std::uint64_t(std::popcount(m.shifts)), zero);
      if (zero) {
        g_.zero_term[std::size_t(r)] = 1;
        kraft_[std::size_t(r)] += 1;
      }
    }
    // The new signal's patterns: every pair is counted now (no later round adds to them).
    queue_counted(signal);
  }

  /// Replaces the occurrences of `key` at a's shifts `taken` in row r by terms of `signal`
  /// (with a's shifts and signs, lowest shift first).
  void replace_in_row(int r, std::uint64_t taken, std::uint64_t key, std::int32_t signal) {
    const auto a = static_cast<std::int32_t>(key >> 33), b = static_cast<std::int32_t>((key >> 9) & 0xFFFFFF);
    const int d = static_cast<int>((key >> 1) & 0xFF);
    const bool sub = (key & 1) != 0;
    auto& row = g_.rows[std::size_t(r)];
    const std::uint64_t a_negative = shifts_of(a, std::size_t(r)).neg & taken;
    const auto n_taken = static_cast<std::uint32_t>(std::popcount(taken));
    // b's terms have a's signs, flipped when the pattern subtracts: its positive ones go.
    const auto b_negative = static_cast<std::uint32_t>(std::popcount(sub ? taken & ~a_negative : a_negative));
    positives_[std::size_t(r)] -= n_taken - b_negative;
    fresh_.clear();
    for (std::uint64_t k = taken; k != 0; k &= k - 1) {
      const int sh = std::countr_zero(k);
      fresh_.push_back({signal, sh, ((a_negative >> sh) & 1) != 0});
    }
    // Pairs that disappear are not counted down: the queue's bounds are checked when taken.
    const std::uint64_t gone_a = taken, gone_b = taken << d;
    clear_shifts(a, r, gone_a);
    clear_shifts(b, r, gone_b);
    // The terms that go, one per bit of gone_a and gone_b (one bit per term when a == b):
    // once all are found, the rest of the row moves down in one copy.
    const auto n_gone = static_cast<std::size_t>(a == b ? std::popcount(gone_a | gone_b) : 2 * static_cast<int>(n_taken));
    const std::size_t size = row.size();
    std::size_t n = 0, x = 0;
    for (std::size_t found = 0; (x < size) & (found < n_gone); ++x) {
      const CmvmTerm t = row[x];
      // (Bitwise, not logical: no branch on a term's fate.)
      const std::uint64_t gone = (std::uint64_t{t.signal == a} & (gone_a >> t.shift)) | (std::uint64_t{t.signal == b} & (gone_b >> t.shift));
      row[n] = t;
      n += ~gone & 1;
      found += gone & 1;
    }
    std::copy(row.begin() + static_cast<std::ptrdiff_t>(x), row.end(), row.begin() + static_cast<std::ptrdiff_t>(n));
    n += size - x;
    row.resize(n);
    for (std::size_t k = 0; k < fresh_.size(); ++k) {
      const CmvmTerm& f = fresh_[k];
      fresh_pairs(f, row.data(), n);
      for (std::size_t l = 0; l < k; ++l) anchor_pair(signal, f.shift, f.negative, signal, fresh_[l].shift, fresh_[l].negative);
      set_shift(f, r);
    }
    row.insert(row.end(), fresh_.begin(), fresh_.end());
    row_mask(signal)[std::size_t(r) / 64] |= std::uint64_t{1} << (r % 64);
  }

  /// anchor_pair() of the new signal x's term f with each of the row's n older terms, without
  /// branches (x is not among them): every counter is listed to be cleared, and listed once
  /// more when it reaches two. The slot is the term's own part plus f's.
  void fresh_pairs(const CmvmTerm& f, const CmvmTerm* row, std::size_t n) {
    const std::size_t t0 = touched_.size(), w0 = twice_.size();
    touched_.resize(t0 + n);
    twice_.resize(w0 + n);
    std::size_t* touched = touched_.data() + t0;
    std::size_t* listed = twice_.data() + w0;
    std::size_t n_listed = 0;
    std::uint8_t* const counts = table_.data();
    const std::size_t bits = rel_bits_, base = (span_ - std::size_t(f.shift)) * 2, flip = f.negative;
    for (std::size_t k = 0; k < n; ++k) {
      const CmvmTerm t = row[k];
      const std::size_t slot = ((((std::size_t(t.signal) << bits) + std::size_t(t.shift)) * 2 + t.negative) + base) ^ flip;
      std::uint8_t& c = counts[slot];
      touched[k] = slot;
      listed[n_listed] = slot;
      n_listed += c == 1;
      c += c != 255;
    }
    twice_.resize(w0 + n_listed);
  }

  CmvmGraph g_;
  std::vector<std::uint64_t> kraft_;  // per row: sum of 2^depth over its terms (+ constant terms)
  std::vector<std::uint32_t> positives_;  // per row: terms that are not negative
  std::vector<std::uint8_t> constant_;    // per row: a constant term will be added (extra_terms)
  bool stage_aware_ = false;              // a pipeline boundary inside the plain trees
  int stage_k_ = 0, boundaries_ = 0;      // stage-aware: K, and boundaries inside the plain trees
  std::vector<std::uint64_t> below_;      // stage-aware: per boundary and row, below(j, r)
  std::vector<std::uint32_t> crossing_;   // stage-aware: per signal, bit j: it crosses boundary j + 1
  std::int64_t pattern_crossings_ = 0;    // stage-aware: new_crossings() of the pattern in hand
  bool charged_ = false;                  // ... taken once already
  std::int64_t delta_[kMaxStageBoundaries] = {};  // ... a row's Kraft sums below the boundaries per occurrence
  bool shrinks_ = false;                  // ... no new crossing value and no Kraft sum grows
  bool weighted_ = false;                 // PatternWeights given: score() = count x adder bits
  std::vector<std::int64_t> lo_, hi_;     // weighted: every signal's exact range
  std::vector<int> low_bit_;              // weighted: every signal's lowest bit that may be nonzero
  std::vector<int> row_limit_;            // per row: the depth its sum must fit in (-1: none)
  DigitTree row_tree_;                       // row factoring's tree (empty: none)
  static Workspace& workspace() {
    thread_local Workspace w;
    return w;
  }
  BucketQueue& queue_;
  // The anchor's pair counts: per signal u, [u first?][shift difference][subtract].
  std::vector<std::uint8_t>& table_;  // counters saturating at 255 (count_of())
  std::size_t span_ = 1;                  // shift differences 0 .. span_ - 1
  std::size_t rel_bits_ = 1;              // anchor_slot(): bits of a relative shift + span_
  static constexpr std::size_t dense_limit = std::size_t{1} << 20;  // counters of the first round's table
  std::vector<std::size_t, DefaultInitAllocator<std::size_t>>& touched_;  // counters of this round that may not be zero
  // This round's counters that reached two, in that order (the dense first round: pattern keys).
  std::vector<std::size_t, DefaultInitAllocator<std::size_t>>& twice_;
  std::vector<CmvmTerm> fresh_;
  std::vector<std::uint32_t, DefaultInitAllocator<std::uint32_t>> at_;  // the first round's buckets
  // Per signal, a bit per row that has ever held one of its terms (never cleared: a superset).
  std::size_t words_ = 0;
  std::vector<std::uint64_t>& rows_of_;
  std::uint64_t* row_mask(std::int32_t signal) { return rows_of_.data() + std::size_t(signal) * words_; }
  // Per signal and row, the shifts of its positive and of its negative terms (bit s: shift s),
  // each mask in mask_bytes_ bytes (the fewest of 1, 2, 4, 8 that hold span_ bits): a signal's
  // positive masks row after row, padded with zeros to half_bytes_ (a multiple of 8), then its
  // negative ones, entry_bytes_ in all.
  std::size_t n_rows_ = 0;
  std::size_t mask_bytes_ = 8, half_bytes_ = 0, entry_bytes_ = 0;
  std::uint64_t lane_keep_[64] = {};  // pairs_now(): per shift d, the bits of every lane kept by >> d
  std::uint64_t mask_low_ = ~std::uint64_t{0};
  std::vector<std::uint8_t>& shifts_;
};

}  // namespace

CmvmGraph share_subexpressions(std::span<const std::int64_t> m, int rows, int cols,
                               std::span<const std::uint8_t> extra_terms, int dc, DelayScope scope,
                               Factoring factoring, int stage_levels, PatternWeights weights,
                               std::span<const std::uint64_t> recoding) {
  return Solver(m, rows, cols, extra_terms, dc, scope, factoring, stage_levels, weights, recoding).run();
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

std::int64_t cmvm_boundary_values(const CmvmGraph& g, int stage_levels, int boundaries,
                                  std::span<const std::uint8_t> extra_terms) {
  NAS4ML_ASSERT(stage_levels > 0 && boundaries >= 0, "cmvm: boundary values need K > 0");
  const std::size_t cols = std::size_t(g.n_inputs);
  std::vector<std::uint8_t> read(g.depth.size());
  std::int64_t n = 0;
  for (int j = 1; j <= std::min(boundaries, kMaxStageBoundaries) && j * stage_levels < 64; ++j) {
    const int level = j * stage_levels;
    for (std::size_t r = 0; r < g.rows.size(); ++r) {  // the row's terms below the boundary
      std::uint64_t k = (extra_terms.empty() ? 0 : extra_terms[r]) + g.zero_term[r];
      for (const CmvmTerm& t : g.rows[r])
        if (g.depth[std::size_t(t.signal)] < level) k += std::uint64_t{1} << g.depth[std::size_t(t.signal)];
      n += static_cast<std::int64_t>((k >> level) + ((k & ((std::uint64_t{1} << level) - 1)) != 0));
    }
    std::fill(read.begin(), read.end(), std::uint8_t{0});  // the signals read above it
    for (std::size_t i = 0; i < g.ops.size(); ++i) {
      const int depth = g.depth[cols + i];
      read[cols + i] |= depth == level;
      if (depth <= level) continue;
      for (const std::int32_t x : {g.ops[i].a, g.ops[i].b}) read[std::size_t(x)] |= g.depth[std::size_t(x)] <= level;
    }
    n += std::count(read.begin(), read.end(), std::uint8_t{1});
  }
  return n;
}

std::int64_t plain_boundary_values(std::span<const std::uint64_t> terms, int stage_levels, int boundaries) {
  NAS4ML_ASSERT(stage_levels > 0 && boundaries >= 0, "cmvm: boundary values need K > 0");
  std::int64_t n = 0;
  for (int j = 1; j <= std::min(boundaries, kMaxStageBoundaries) && j * stage_levels < 64; ++j) {
    const int level = j * stage_levels;
    for (const std::uint64_t k : terms)
      n += static_cast<std::int64_t>((k >> level) + ((k & ((std::uint64_t{1} << level) - 1)) != 0));
  }
  return n;
}

}  // namespace nas4ml::netlist
