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
#include <cstdint>
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

}  // namespace nas4ml::campaign
