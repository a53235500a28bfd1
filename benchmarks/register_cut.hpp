#pragma once
// The register bits crossing a pipelined layer's inner stage boundaries as the lowering placed
// them (each adder in its node's stage; each neuron's output cast, carried to the output stage in
// its narrow format, in the cast's stage) and the fewest any placement of the same adders and casts
// could have at the same latency and the same adder levels per stage (register_placement.hpp: a
// minimum cut). A value computed in stage s and read in stage t costs its live signal bits t - s
// times, shared by all its readers. Used by lut_breakdown (--cut) to measure what a register
// placement could save; not part of the lowering.
#include <cstdint>
#include "nas4ml/netlist/netlist.hpp"

namespace nas4ml::bench {

struct RegisterCut {
  bool multi_cycle = false;      ///< false: the layer has no inner boundary (nothing measured)
  std::int64_t as_built = 0;    ///< bits crossing at the lowering's placement
  std::int64_t least = 0;       ///< bits crossing at the minimum cut
};

/// The crossing bits of layer `l` of `n` (see above).
RegisterCut register_cut(const netlist::Netlist& n, const netlist::NetlistLayer& l);

}  // namespace nas4ml::bench
