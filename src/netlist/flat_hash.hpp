#pragma once
// Private to the netlist module: an open-addressing hash map from 64-bit keys to 32-bit values,
// used by the lowering to find identical adders, registers, constants and XOR bit pairs fast.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace nas4ml::netlist::detail {

class FlatHashMap {
 public:
  static constexpr std::uint64_t empty_key = ~std::uint64_t{0};

  explicit FlatHashMap(std::size_t expected = 64) { rehash(expected * 2); }

  /// The value of `key`, or nullptr.
  const std::uint32_t* find(std::uint64_t key) const noexcept {
    std::size_t i = slot(key);
    while (keys_[i] != empty_key) {
      if (keys_[i] == key) return &values_[i];
      i = (i + 1) & mask_;
    }
    return nullptr;
  }
  /// Inserts (key, value) unless key exists; returns {stored value, inserted?}.
  std::pair<std::uint32_t, bool> insert(std::uint64_t key, std::uint32_t value) {
    if ((size_ + 1) * 2 > keys_.size()) rehash(keys_.size() * 2);
    std::size_t i = slot(key);
    while (keys_[i] != empty_key) {
      if (keys_[i] == key) return {values_[i], false};
      i = (i + 1) & mask_;
    }
    keys_[i] = key;
    values_[i] = value;
    used_.push_back(static_cast<std::uint32_t>(i));
    ++size_;
    return {value, true};
  }
  std::size_t size() const noexcept { return size_; }
  /// Removes every entry, keeping the capacity; costs the number of entries, not the capacity
  /// (the lowering clears its tables per layer, and a capacity sized for the largest layer).
  void clear() {
    for (std::uint32_t i : used_) keys_[i] = empty_key;
    used_.clear();
    size_ = 0;
  }
  /// Makes room for `n` entries without rehashing.
  void reserve(std::size_t n) {
    if (n * 2 > keys_.size()) rehash(n * 2);
  }

 private:
  std::size_t slot(std::uint64_t key) const noexcept {
    // Fibonacci hashing: the top bits of key * 2^64/phi depend on every key bit.
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  void rehash(std::size_t capacity) {
    std::size_t cap = 16;
    while (cap < capacity) cap *= 2;
    std::vector<std::uint64_t> old_keys = std::move(keys_);
    std::vector<std::uint32_t> old_values = std::move(values_);
    keys_.assign(cap, empty_key);
    values_.assign(cap, 0);
    used_.clear();
    mask_ = cap - 1;
    shift_ = 64 - std::countr_zero(cap);
    size_ = 0;
    for (std::size_t i = 0; i < old_keys.size(); ++i)
      if (old_keys[i] != empty_key) insert(old_keys[i], old_values[i]);
  }
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> values_;
  std::vector<std::uint32_t> used_;  // the occupied slots, for clear()
  std::size_t mask_ = 0, size_ = 0;
  int shift_ = 64;
};

}  // namespace nas4ml::netlist::detail
