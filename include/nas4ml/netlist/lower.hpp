#pragma once
/// \file Lowering a QuantizedModel to the hardware netlist (docs/netlist.md).
///
/// Per layer: every nonzero weight becomes its CSD shift terms (csd.hpp) of the layer input
/// (or one `multiply` with LoweringOptions::dsp_products); products of inputs that are constants
/// fold into the bias; the terms of each neuron, plus one constant (bias aligned to the
/// accumulator, plus AP_RND's half LSB), are summed by a balanced adder tree built level by level,
/// pairing terms of adjacent width (the cheapest order measured, benchmarks/README.md "estimator_vs_yosys"); identical
/// adders are built once (hash-consing, so common terms are shared across neurons); every node
/// has the exact width of its value range; a register stage follows every K adder levels and the
/// cast + ReLU; dead neurons (all outgoing weights zero, recursively) get no logic.
/// With LoweringOptions::sharing = Sharing::cse, two-term subexpressions are first shared between
/// the neurons of a layer (cmvm.hpp) under the layer's delay limit QuantizedLayer::dc, and each
/// neuron's remaining terms are summed shallowest first.
#include <cstddef>
#include "nas4ml/netlist/netlist.hpp"
#include "nas4ml/nn/quantized_model.hpp"

namespace nas4ml::netlist {

/// Builds the netlist of `model`. Throws ConfigError when `options` are out of range and
/// InternalError when the model is inconsistent (sizes, raw values outside their formats).
Netlist lower(const nn::QuantizedModel& model, const LoweringOptions& options = {});

/// The same, built into `into` (its previous contents replaced): its arrays keep their capacity,
/// so that a caller lowering many models on one thread (the `rtl` estimator) does not pay for
/// fresh memory, ~2 MB of page faults, on every call.
void lower(const nn::QuantizedModel& model, const LoweringOptions& options, Netlist& into);

/// Default of max_netlist_weights(): 262,144 nonzero weights (a 784 x 256 layer fully dense;
/// a netlist costs about 1 KB per nonzero weight while it is built).
inline constexpr std::size_t kDefaultMaxNetlistWeights = std::size_t{1} << 18;
/// The largest number of nonzero weights lower() accepts: $NAS4ML_MAX_NETLIST_WEIGHTS or the
/// default. A larger model is a ConfigError before any memory is spent (docs/reliability.md).
std::size_t max_netlist_weights();

/// Adder levels per pipeline stage K for an accumulator of `width` bits at `options.clock_ns`
/// (options.levels_per_stage when it is > 0): floor((clock - register_overhead) /
/// (level_base + level_per_bit * width)), at least 1.
int levels_per_stage(const LoweringOptions& options, int width);

/// Smallest signed two's-complement width holding every integer in [lo, hi] (at least 1).
int signed_width(std::int64_t lo, std::int64_t hi) noexcept;

}  // namespace nas4ml::netlist
