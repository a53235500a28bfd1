#pragma once
// Private to the netlist module: an open-addressing hash map from 64-bit keys to small values,
// used by the lowering to find identical adders, constants, products and XOR bit pairs fast.
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

namespace nas4ml::netlist::detail {

template <class Value>
class FlatMap {
 public:
  static constexpr std::uint64_t empty_key = ~std::uint64_t{0};

  explicit FlatMap(std::size_t expected = 64) { rehash(expected * 2); }

  /// The value of `key`, or nullptr.
  const Value* find(std::uint64_t key) const noexcept {
    std::size_t i = slot(key);
    while (slots_[i].key != empty_key) {
      if (slots_[i].key == key) return &slots_[i].value;
      i = (i + 1) & mask_;
    }
    return nullptr;
  }
  /// Inserts (key, value) unless key exists; returns {stored value, inserted?}.
  std::pair<Value, bool> insert(std::uint64_t key, Value value) {
    auto [stored, inserted] = emplace(key, value);
    return {stored, inserted};
  }
  /// The stored value of `key`, inserted as `value` when absent (a reference valid until the
  /// next insertion), and whether it was inserted.
  std::pair<Value&, bool> emplace(std::uint64_t key, Value value) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t i = slot(key);
    while (slots_[i].key != empty_key) {
      if (slots_[i].key == key) return {slots_[i].value, false};
      i = (i + 1) & mask_;
    }
    slots_[i] = {key, value};
    used_.push_back(static_cast<std::uint32_t>(i));
    ++size_;
    return {slots_[i].value, true};
  }
  /// Starts loading the slot where a look-up of `key` begins (a hint, no effect on contents).
  void prefetch(std::uint64_t key) const noexcept { __builtin_prefetch(&slots_[slot(key)]); }
  std::size_t size() const noexcept { return size_; }
  /// Removes every entry, keeping the capacity; costs the number of entries, not the capacity
  /// (the lowering clears its tables per layer, and a capacity sized for the largest layer).
  void clear() {
    for (std::uint32_t i : used_) slots_[i].key = empty_key;
    used_.clear();
    size_ = 0;
  }
  /// Makes room for `n` entries without rehashing.
  void reserve(std::size_t n) {
    if (n * 2 > slots_.size()) rehash(n * 2);
  }

 private:
  struct Slot {  // key and value side by side: a look-up touches one cache line
    std::uint64_t key;
    Value value;
  };
  std::size_t slot(std::uint64_t key) const noexcept {
    // Fibonacci hashing: the top bits of key * 2^64/phi depend on every key bit.
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  void rehash(std::size_t capacity) {
    std::size_t cap = 16;
    while (cap < capacity) cap *= 2;
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(cap, Slot{empty_key, 0});
    used_.clear();
    mask_ = cap - 1;
    shift_ = 64 - std::countr_zero(cap);
    size_ = 0;
    for (const Slot& s : old)
      if (s.key != empty_key) insert(s.key, s.value);
  }
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> used_;  // the occupied slots, for clear()
  std::size_t mask_ = 0, size_ = 0;
  int shift_ = 64;
};

/// Node ids by key (adders, constants, products).
using FlatHashMap = FlatMap<std::uint32_t>;

}  // namespace nas4ml::netlist::detail
