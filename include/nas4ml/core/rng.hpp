#pragma once
/// \file Deterministic random streams (docs/architecture.md "Determinism").
///
/// Every random draw in nas4ml comes from an Rng made by Rng::stream(seed, generation, index,
/// purpose): independent of thread count, timing and the order candidates are evaluated in.
/// The generator is xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64; the
/// distributions are written here (not <random>'s, whose results differ between standard
/// libraries), so a seed gives the same numbers on every platform.
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

namespace nas4ml {

/// 64-bit FNV-1a hash of a string; used to turn a purpose name into a stream key.
std::uint64_t hash_string(std::string_view text) noexcept;

/// splitmix64 step: a strong 64-bit mixer; also used to combine keys.
std::uint64_t splitmix64(std::uint64_t& state) noexcept;

class Rng {
 public:
  using State = std::array<std::uint64_t, 4>;

  /// A generator seeded from one 64-bit seed.
  explicit Rng(std::uint64_t seed) noexcept;
  /// The stream for (campaign seed, generation, candidate index, purpose), e.g.
  /// Rng::stream(seed, 3, 17, "train.init").
  static Rng stream(std::uint64_t seed, std::uint64_t generation, std::uint64_t index,
                    std::string_view purpose) noexcept;
  /// Restores a generator from state() (used by resume).
  static Rng from_state(const State& state) noexcept;

  /// Next raw 64-bit output.
  std::uint64_t next() noexcept;
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() noexcept;
  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n) without modulo bias; n must be > 0.
  std::uint64_t below(std::uint64_t n) noexcept;
  /// Standard normal draw (Box-Muller; one value per call so state() captures everything).
  double normal() noexcept;
  /// true with probability p.
  bool bernoulli(double p) noexcept { return uniform() < p; }
  /// Fisher-Yates shuffle of a random-access range.
  template <class It>
  void shuffle(It first, It last) noexcept {
    const auto n = static_cast<std::uint64_t>(last - first);
    for (std::uint64_t i = n; i > 1; --i) {
      const auto j = below(i);
      using std::swap;
      swap(first[i - 1], first[j]);
    }
  }

  /// The full state, for serialization; from_state(state()) continues the same sequence.
  State state() const noexcept;

 private:
  Rng() = default;
  State s_{};
};

}  // namespace nas4ml
