#pragma once
/// \file Where a pipelined layer's registers go: the stage of every adder that puts the fewest
/// register bits on the layer's inner stage boundaries at the same latency and the same adder
/// levels per stage. Min-area retiming (Leiserson and
/// Saxe, "Retiming synchronous circuitry", Algorithmica 6(1), 1991) restricted to a feed-forward
/// graph with a fixed number of stages, where it is a minimum closure and so a minimum cut
/// (Picard, Management Science 22(11), 1976), solved here by Dinic's maximum flow.
/// Measured by lut_breakdown --cut (benchmarks/README.md "Where the register cut goes"); not part
/// of the lowering.
#include <array>
#include <cstdint>
#include <vector>

namespace nas4ml::bench {

/// One layer's values in topological order: values [0, inputs) are the layer inputs (valid in
/// stage 0, no logic), the others adders of at most two value operands (constants left out) or,
/// where `adder` is 0, logic outside the adder levels (a neuron's output cast, which may be
/// computed in any stage from its sum's on and carried to the output in its narrower format).
struct PlacementGraph {
  int inputs = 0;
  std::vector<std::array<std::int32_t, 2>> operands;  ///< per value: operand values, -1 = none
  std::vector<std::int64_t> bits;                     ///< per value: flip-flops of one register of it
  std::vector<std::uint8_t> to_output;                ///< per value: read by the output logic (last stage)
  std::vector<std::uint8_t> adder;                    ///< per value: 1 = takes an adder level (empty: all)
};

/// The stage (0 to stages - 1) of every value such that operands come no later than their
/// readers, no stage holds more than `K` adders of any path (non-adders: none), the outputs are read in stage
/// stages - 1, and the bits crossing the stages - 1 inner boundaries are fewest (a value
/// computed in stage s and read in a later stage t costs bits (t - s) times, shared by all its
/// readers). Ties go to the earliest stages. Requires the placement by adder depth to be
/// feasible (every adder path at most stages * K adders long).
std::vector<int> place_registers(const PlacementGraph& graph, int stages, int K);

/// The register bits a placement `stage` puts on the inner boundaries (the quantity
/// place_registers minimizes).
std::int64_t crossing_bits(const PlacementGraph& graph, const std::vector<int>& stage, int stages);

}  // namespace nas4ml::bench
