#include "nas4ml/netlist/msd_recoding.hpp"

#include <algorithm>
#include <utility>

#include "nas4ml/netlist/csd.hpp"

namespace nas4ml::netlist {
namespace {

struct Digit {
  std::int32_t col, shift;
  bool negative;
};

/// The MSD forms of every distinct nonzero value of the matrix (the first its CSD), computed once
/// per value: all forms of a value have the same number of digits (minimal), so form x of value v
/// is digits[first[v] + x * size[v] ...], its choice word words[word[v] + x]. Entry k reads value
/// value_of[k] (-1: a zero entry, no digits).
struct EntryForms {
  std::vector<std::int32_t> value_of;
  std::vector<std::size_t> first, word;
  std::vector<std::int32_t> size, forms;
  std::vector<CsdDigit> digits;
  std::vector<std::uint64_t> words;
  int top = 0;
};

EntryForms entry_forms(std::span<const std::int64_t> m, int max_ties) {
  std::vector<std::int64_t> values;
  for (std::int64_t v : m)
    if (v != 0) values.push_back(v);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  EntryForms e;
  for (std::int64_t v : values) {
    const std::vector<std::uint64_t> words = msd_choices(v, max_ties);
    e.first.push_back(e.digits.size());
    e.word.push_back(e.words.size());
    e.size.push_back(csd_weight(v));
    e.forms.push_back(static_cast<std::int32_t>(words.size()));
    for (std::uint64_t w : words) {
      e.words.push_back(w);
      for (const CsdDigit& d : msd_digits(v, w)) {
        e.digits.push_back(d);
        e.top = std::max(e.top, d.shift);
      }
    }
  }
  e.value_of.resize(m.size(), -1);
  for (std::size_t k = 0; k < m.size(); ++k)
    if (m[k] != 0)
      e.value_of[k] = static_cast<std::int32_t>(std::lower_bound(values.begin(), values.end(), m[k]) - values.begin());
  return e;
}

/// The count of every pattern of two digits of a row, (first, second column; shift difference;
/// signs differ) with the lower (column, shift) first, over the matrix with each entry in its
/// current form. The current digits of all entries lie in one array, row after row, entry k's at
/// [at_[k], at_[k + 1]) (the same count in every form), so a row's digits are in (column, shift)
/// order: a digit before entry k's comes first in a pattern with one of k's, a digit after it
/// second. A pattern's slot is first_part + second_part (+1 when the signs differ), each part
/// kept per digit for both signs of the other digit (keys_).
class PatternCounts {
 public:
  PatternCounts(const EntryForms& e, std::size_t C)
      : e_(e), C_(C), span_(2 * std::size_t(e.top) + 1), current_(e.value_of.size(), 0),
        at_(e.value_of.size() + 1, 0), cache_(4 * std::size_t(e.top + 1), 0), stamp_(cache_.size(), 0) {}

  bool too_large() const { return C_ * C_ * span_ * 2 > (std::size_t{1} << 22); }

  /// Every entry in its CSD form, every pair of digits in a row counted once.
  void count_all() {
    for (std::size_t k = 0; k < e_.value_of.size(); ++k) {
      at_[k + 1] = at_[k];
      if (e_.value_of[k] >= 0) at_[k + 1] += std::size_t(e_.size[std::size_t(e_.value_of[k])]);
    }
    digits_.resize(at_.back());
    keys_.resize(at_.back());
    for (std::size_t k = 0; k < e_.value_of.size(); ++k) write(k);
    count_.assign(C_ * C_ * span_ * 2, 0);
    for (std::size_t r = 0; r < e_.value_of.size(); r += C_)
      for (std::size_t p = at_[r]; p < at_[r + C_]; ++p)
        for (std::size_t q = p + 1; q < at_[r + C_]; ++q) ++count_[slot(digits_[p], digits_[q])];
  }

  /// Entry k's form: the one whose pairs with its row's other entries occur most often in the
  /// rest of the matrix (ties: the earlier form). A digit's part of the score is computed once
  /// per entry (forms share digits).
  void choose(std::size_t k) {
    const std::int32_t v = e_.value_of[k];
    if (v < 0 || e_.forms[std::size_t(v)] < 2) return;
    add(k, -1);
    ++epoch_;
    std::int64_t best = -1;
    const auto n = std::size_t(e_.size[std::size_t(v)]);
    for (std::size_t x = 0; x < std::size_t(e_.forms[std::size_t(v)]); ++x) {
      std::int64_t s = 0;
      for (std::size_t i = 0; i < n; ++i) s += score(k, e_.digits[e_.first[std::size_t(v)] + x * n + i]);
      if (s > best) {
        best = s;
        current_[k] = x;
      }
    }
    write(k);
    add(k, 1);
  }

  std::uint64_t choice(std::size_t k) const {
    const std::int32_t v = e_.value_of[k];
    return v < 0 ? 0 : e_.words[e_.word[std::size_t(v)] + current_[k]];
  }

 private:
  /// A digit's parts of a slot: as the first of a pattern, as its second, each + the sign bit
  /// against the other digit's sign (index 0: the other positive, 1: negative).
  struct Keys {
    std::uint32_t first[2], second[2];
  };

  std::size_t row_of(std::size_t k) const { return k - k % C_; }
  std::uint32_t first_part(const Digit& a) const {
    return static_cast<std::uint32_t>(std::size_t(a.col) * C_ * span_ * 2 + std::size_t(e_.top - a.shift) * 2);
  }
  std::uint32_t second_part(const Digit& a) const {
    return static_cast<std::uint32_t>(std::size_t(a.col) * span_ * 2 + std::size_t(a.shift) * 2);
  }
  std::size_t slot(const Digit& a, const Digit& b) const {  // a before b in (column, shift) order
    return std::size_t(first_part(a)) + second_part(b) + (a.negative != b.negative ? 1 : 0);
  }

  /// Entry k's digits in its current form into digits_ and keys_.
  void write(std::size_t k) {
    const std::int32_t v = e_.value_of[k];
    if (v < 0) return;
    const std::size_t n = at_[k + 1] - at_[k], first = e_.first[std::size_t(v)] + current_[k] * n;
    for (std::size_t i = 0; i < n; ++i) {
      const CsdDigit& d = e_.digits[first + i];
      const Digit a{static_cast<std::int32_t>(k % C_), d.shift, d.sign < 0};
      const std::uint32_t neg = a.negative ? 1 : 0, f = first_part(a), s = second_part(a);
      digits_[at_[k] + i] = a;
      keys_[at_[k] + i] = {{f + neg, f + 1 - neg}, {s + neg, s + 1 - neg}};
    }
  }

  /// Adds `delta` for every pair of entry k's digits with each other and with its row's other digits.
  void add(std::size_t k, std::int32_t delta) {
    const std::size_t r = row_of(k);
    for (std::size_t p = at_[k]; p < at_[k + 1]; ++p) {
      const Digit& a = digits_[p];
      const std::size_t f = first_part(a), s = second_part(a), neg = a.negative ? 1 : 0;
      for (std::size_t q = at_[r]; q < at_[k]; ++q) count_[s + keys_[q].first[neg]] += delta;
      for (std::size_t q = p + 1; q < at_[r + C_]; ++q) count_[f + keys_[q].second[neg]] += delta;
    }
  }

  /// The count of the patterns digit d of entry k forms with its row's other digits (cached per
  /// shift and sign until the next entry).
  std::int64_t score(std::size_t k, const CsdDigit& d) {
    const std::size_t c = std::size_t(d.shift) * 2 + (d.sign < 0 ? 1 : 0);
    if (stamp_[c] == epoch_) return cache_[c];
    const Digit a{static_cast<std::int32_t>(k % C_), d.shift, d.sign < 0};
    const std::size_t r = row_of(k), f = first_part(a), s = second_part(a), neg = a.negative ? 1 : 0;
    std::int64_t sum = 0;
    for (std::size_t q = at_[r]; q < at_[k]; ++q) sum += count_[s + keys_[q].first[neg]];
    for (std::size_t q = at_[k + 1]; q < at_[r + C_]; ++q) sum += count_[f + keys_[q].second[neg]];
    stamp_[c] = epoch_;
    return cache_[c] = sum;
  }

  const EntryForms& e_;
  std::size_t C_, span_;
  std::vector<std::size_t> current_;  ///< every entry's form (an index among its value's forms)
  std::vector<std::size_t> at_;       ///< entry k's digits: digits_[at_[k] .. at_[k + 1])
  std::vector<Digit> digits_;
  std::vector<Keys> keys_;
  std::vector<std::int32_t> count_;
  std::vector<std::int64_t> cache_;  ///< score per (shift, sign) of the entry being chosen
  std::vector<std::uint64_t> stamp_;
  std::uint64_t epoch_ = 0;
};

}  // namespace

std::vector<std::uint64_t> guided_recoding(std::span<const std::int64_t> m, std::size_t R, std::size_t C,
                                           int max_ties, int passes) {
  const EntryForms e = entry_forms(m.first(R * C), max_ties);
  PatternCounts counts(e, C);
  if (counts.too_large()) return {};
  counts.count_all();
  for (int pass = 0; pass < passes; ++pass)
    for (std::size_t k = 0; k < R * C; ++k) counts.choose(k);
  std::vector<std::uint64_t> choice(R * C);
  for (std::size_t k = 0; k < R * C; ++k) choice[k] = counts.choice(k);
  return choice;
}

}  // namespace nas4ml::netlist
