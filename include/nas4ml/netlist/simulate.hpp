#pragma once
/// \file Evaluating the netlist on integer inputs, node by node (registers are transparent: the
/// values are those the pipeline outputs `latency_cycles` later). Its outputs must equal the
/// golden integer model (nn/golden_inference.hpp) bit for bit; that is how the lowering is proved.
#include <cstdint>
#include <span>
#include <vector>

#include "nas4ml/netlist/netlist.hpp"

namespace nas4ml::netlist {

/// The value of every node for one input (raw integers of the input format, one per model
/// input). Throws InternalError when a value leaves its node's range [lo, hi] (an overflow).
std::vector<std::int64_t> simulate_nodes(const Netlist& netlist, std::span<const std::int64_t> input_raw);

/// The model outputs (raw integers of the output layer's result format).
std::vector<std::int64_t> simulate(const Netlist& netlist, std::span<const std::int64_t> input_raw);

/// Checks every bit origin against node values from simulate_nodes(): each constant bit has its
/// value and each signal bit equals (possibly inverted) the bit it names. Returns the number of
/// bits checked; throws InternalError on the first mismatch, naming node and bit.
std::size_t check_bit_origins(const Netlist& netlist, std::span<const std::int64_t> node_values);

}  // namespace nas4ml::netlist
