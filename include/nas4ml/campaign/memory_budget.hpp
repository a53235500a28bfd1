#pragma once
/// \file The memory budget of one candidate, estimated from its decoded genome before it is
/// trained (docs/reliability.md): a candidate over the budget is stored as failed with its
/// reason instead of exhausting the node, and a search space whose smallest candidate is over
/// the budget is refused before the campaign starts.
///
/// The estimate is an upper bound of what training and lowering hold at once:
///   parameters x 16 bytes        weights, gradients and two Adam moments, float32
///   batch x units x 12 bytes     activations, their gradients and pre-activations, float32
///   rows x inputs x 4 bytes      the quantized copy of the training features
///   kept weights x 1 KiB          the netlist built for the estimate
///
/// A generation also holds every candidate's evaluation record until the generation is stored in
/// one transaction (exact resume needs a generation stored whole or not at all). A record carries
/// the trained model as JSON: each weight and its mask bit are JSON values of 16 bytes each, so
///   weights x 32 + biases x 16 + 16 KiB (spec, metrics, estimates, genome)
/// and population x the mean record of the search space must fit the campaign budget.
#include <cstdint>
#include <filesystem>
#include <string>

#include "nas4ml/nn/model_spec.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::campaign {

/// Bytes one candidate may use: $NAS4ML_CANDIDATE_MEMORY_MB MiB, default 2048 MiB.
std::uint64_t candidate_memory_budget();

/// The estimate above for `spec` trained on `rows` rows of `inputs` features.
std::uint64_t candidate_memory_bytes(const nn::ModelSpec& spec, int inputs, std::size_t rows);

/// Why `spec` cannot be evaluated within the budget or the netlist limit, or "" when it can.
std::string over_budget_reason(const nn::ModelSpec& spec, int inputs, std::size_t rows);

/// ConfigError naming the search space when even its smallest candidate (fewest layers, fewest
/// units, smallest batch, most sparsity) is over the budget or the netlist limit.
void check_space_fits_budget(const space::SearchSpace& space, int inputs, std::size_t rows);

/// Bytes one generation's records may hold: $NAS4ML_CAMPAIGN_MEMORY_MB MiB, default 4096 MiB.
std::uint64_t campaign_memory_budget();

/// The record estimate above for a candidate `spec` with `inputs` features.
std::uint64_t record_memory_bytes(const nn::ModelSpec& spec, int inputs);

/// The mean record estimate over `samples` random candidates of `space` (a fixed seed: the same
/// answer on every run).
std::uint64_t mean_record_bytes(const space::SearchSpace& space, int inputs, int samples = 64);

/// ConfigError naming `experiment` and `search.population` when `population` records of the
/// space's mean size exceed the campaign budget (checked before the first generation).
void check_population_fits_budget(const space::SearchSpace& space, int population, int inputs,
                                  const std::filesystem::path& experiment);

}  // namespace nas4ml::campaign
