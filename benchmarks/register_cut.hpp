#pragma once
// The register bits crossing a two-cycle layer's inner stage boundary, as the lowering places
// them (every adder in the stage of its least level from the layer inputs, levels 1..K in the
// first stage; the lowering's own levels differ only where a row sum carries a leaf up) and the fewest any
// placement of the same adders could have at the same latency: a minimum cut (min-area retiming,
// Leiserson and Saxe, Algorithmica 6(1), 1991, restricted to one boundary). A node in the first
// stage read by a node of the second (or by the layer's output cast) costs one register of its
// signal bits, shared by all its readers; a node may go in the first stage when its adder level
// from the layer inputs is at most K, in the second when the longest adder path from it to an
// output is at most K, and every operand of a first-stage node is in the first stage. Used by
// lut_breakdown (--cut) to measure what a register placement could save; not part of the lowering.
#include <cstdint>
#include "nas4ml/netlist/netlist.hpp"

namespace nas4ml::bench {

struct RegisterCut {
  bool two_cycles = false;      ///< false: the layer has no single inner boundary (nothing measured)
  std::int64_t as_built = 0;    ///< bits crossing at the lowering's placement (first stage = level <= K)
  std::int64_t least = 0;       ///< bits crossing at the minimum cut
};

/// The crossing bits of layer `l` of `n` (see above).
RegisterCut register_cut(const netlist::Netlist& n, const netlist::NetlistLayer& l);

}  // namespace nas4ml::bench
