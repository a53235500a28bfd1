#pragma once
/// \file The generic genome the search works on. The search knows nothing of networks: a genome
/// is a vector of discrete choice indices and/or a vector of real numbers.
///  - The network search (module `space`) uses only `choices`: one index per gene into that gene's
///    ordered choice list; the length encodes the number of hidden layers (docs/search_space.md).
///  - Real-valued test problems (ZDT, DTLZ, ...) use only `reals`.
/// Two genomes are the same candidate exactly when both vectors are equal; hash() is a stable
/// 64-bit hash of that (the same on every platform and run), used for duplicate detection.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nas4ml/core/json.hpp"

namespace nas4ml::search {

/// One candidate solution in the search's own encoding.
struct Genome {
  std::vector<std::int32_t> choices;  ///< discrete genes: indices into each gene's choice list
  std::vector<double> reals;          ///< continuous genes

  friend bool operator==(const Genome&, const Genome&) = default;
};

/// Stable 64-bit hash of a genome: splitmix64-chained over the sizes and every gene; a real gene
/// is hashed through its bit pattern with -0.0 folded into +0.0. Equal genomes hash equal.
std::uint64_t genome_hash(const Genome& genome) noexcept;

/// The hash as 16 lowercase hex digits (a short, stable candidate id).
std::string hash_hex(std::uint64_t hash);
/// The hash written by hash_hex() (1 to 16 lowercase hex digits); nullopt for anything else.
std::optional<std::uint64_t> parse_hash_hex(std::string_view text);

/// JSON form {"choices": [...], "reals": [...]}; reals round-trip exactly.
Json to_json(const Genome& genome);
/// Parses to_json()'s output; throws ConfigError (located by `view`) on anything else.
Genome genome_from_json(const JsonView& view);

}  // namespace nas4ml::search
