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
using Form = std::vector<Digit>;

/// Every entry's MSD forms (the first its CSD) with their choice words, and the top shift of all.
struct EntryForms {
  std::vector<std::vector<Form>> forms;
  std::vector<std::vector<std::uint64_t>> words;
  int top = 0;
};

EntryForms entry_forms(std::span<const std::int64_t> m, std::size_t C, int max_ties) {
  EntryForms e;
  e.forms.resize(m.size());
  e.words.resize(m.size());
  for (std::size_t k = 0; k < m.size(); ++k) {
    e.words[k] = msd_choices(m[k], max_ties);
    for (std::uint64_t w : e.words[k]) {
      Form& f = e.forms[k].emplace_back();
      for (const CsdDigit& d : msd_digits(m[k], w)) {
        f.push_back({static_cast<std::int32_t>(k % C), d.shift, d.sign < 0});
        e.top = std::max(e.top, d.shift);
      }
    }
  }
  return e;
}

/// The count of every pattern of two digits of a row, (first, second column; shift difference;
/// signs differ) with the lower (column, shift) first, over the matrix with each entry in its
/// current form.
class PatternCounts {
 public:
  PatternCounts(const EntryForms& e, std::size_t C)
      : e_(e), C_(C), span_(2 * std::size_t(e.top) + 1), current_(e.forms.size(), 0) {}

  bool too_large() const { return C_ * C_ * span_ * 2 > (std::size_t{1} << 22); }

  /// Every pair of digits in a row once, each entry in its CSD form.
  void count_all() {
    count_.assign(C_ * C_ * span_ * 2, 0);
    for (std::size_t k = 0; k < e_.forms.size(); ++k) {
      const Form& f = e_.forms[k][0];
      for (std::size_t i = 0; i < f.size(); ++i) {
        for (std::size_t j = i + 1; j < f.size(); ++j) ++count_[slot(f[i], f[j])];
        for (std::size_t o = k + 1; o < row_of(k) + C_; ++o)
          for (const Digit& d : form(o)) ++count_[slot(f[i], d)];
      }
    }
  }

  /// Entry k's form: the one whose pairs with its row's other entries occur most often in the
  /// rest of the matrix (ties: the earlier form).
  void choose(std::size_t k) {
    if (e_.forms[k].size() < 2) return;
    add(k, -1);
    std::int64_t best = -1;
    for (std::size_t x = 0; x < e_.forms[k].size(); ++x) {
      const std::int64_t s = score(k, e_.forms[k][x]);
      if (s > best) {
        best = s;
        current_[k] = x;
      }
    }
    add(k, 1);
  }

  std::uint64_t choice(std::size_t k) const { return e_.words[k][current_[k]]; }

 private:
  std::size_t row_of(std::size_t k) const { return k - k % C_; }
  const Form& form(std::size_t k) const { return e_.forms[k][current_[k]]; }

  std::size_t slot(Digit a, Digit b) const {
    if (a.col > b.col || (a.col == b.col && a.shift > b.shift)) std::swap(a, b);
    return ((std::size_t(a.col) * C_ + std::size_t(b.col)) * span_ + std::size_t(b.shift - a.shift + e_.top)) * 2 +
           std::size_t(a.negative != b.negative);
  }

  /// Adds `delta` for every pair of entry k's form with itself and with its row's other entries.
  void add(std::size_t k, std::int32_t delta) {
    const Form& f = form(k);
    for (std::size_t i = 0; i < f.size(); ++i) {
      for (std::size_t j = i + 1; j < f.size(); ++j) count_[slot(f[i], f[j])] += delta;
      for (std::size_t o = row_of(k); o < row_of(k) + C_; ++o)
        if (o != k)
          for (const Digit& d : form(o)) count_[slot(f[i], d)] += delta;
    }
  }

  std::int64_t score(std::size_t k, const Form& candidate) const {
    std::int64_t s = 0;
    for (const Digit& d : candidate)
      for (std::size_t o = row_of(k); o < row_of(k) + C_; ++o)
        if (o != k)
          for (const Digit& other : form(o)) s += count_[slot(d, other)];
    return s;
  }

  const EntryForms& e_;
  std::size_t C_, span_;
  std::vector<std::size_t> current_;  ///< every entry's form (an index into e_.forms[k])
  std::vector<std::int32_t> count_;
};

}  // namespace

std::vector<std::uint64_t> guided_recoding(std::span<const std::int64_t> m, std::size_t R, std::size_t C,
                                           int max_ties) {
  const EntryForms e = entry_forms(m.first(R * C), C, max_ties);
  PatternCounts counts(e, C);
  if (counts.too_large()) return {};
  counts.count_all();
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t k = 0; k < R * C; ++k) counts.choose(k);
  std::vector<std::uint64_t> choice(R * C);
  for (std::size_t k = 0; k < R * C; ++k) choice[k] = counts.choice(k);
  return choice;
}

}  // namespace nas4ml::netlist
