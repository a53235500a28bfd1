#pragma once
/// \file Lookup ROMs: how the lowering implements an activation other than relu and linear
/// (nn/activation.hpp). The ROM reads the layer's cast (a raw integer of the result format, in
/// the range [lo, hi] the lowering proved) and holds the activation's integer function for every
/// value of that range, so its outputs equal the golden model's by construction; the Verilog
/// writer prints it as a `case` statement and the `rtl` estimator counts its LUTs.
#include <cstdint>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/nn/model_spec.hpp"

namespace nas4ml::netlist {

/// Largest number of input values a lookup ROM may cover: 2^12 (a 12-bit activation input).
/// A wider range is refused by the lowering (a ConfigError naming the layer).
inline constexpr std::int64_t kMaxLookupEntries = std::int64_t{1} << 12;

/// The contents of one ROM.
struct LookupContents {
  std::vector<std::int64_t> values;  ///< values[i]: the output for input lo + i
  std::int64_t lo = 0, hi = 0;       ///< output range
  std::uint64_t ones = 0;            ///< bits set in every output (of the signed word, width bits)
  std::uint64_t zeros = 0;           ///< bits clear in every output
  /// depends[j]: the address bits (of the input's signed word, signed_width(in_lo, in_hi) bits)
  /// output bit j changes with, somewhere in the range: flipping address bit i of some input in
  /// [in_lo, in_hi] to another input in the range changes output bit j. A leaky ReLU's bit j
  /// reads 3 address bits; a table's bits read most of them.
  std::vector<std::uint64_t> depends;
};

/// The ROM of activation `a` in `format` for inputs [in_lo, in_hi] (in_hi - in_lo < kMaxLookupEntries).
LookupContents lookup_contents(nn::Activation a, const FixedFormat& format, std::int64_t in_lo, std::int64_t in_hi);

/// LUT6 count of a ROM: the sum over its output bits that are not constant of
/// rom_bit_luts(number of signal address bits the bit depends on). `signal_address` marks the
/// address bits that are signals (not constants).
double rom_luts(const LookupContents& rom, std::uint64_t signal_address);

/// LUT6 count of one output bit of a ROM whose address has `address_bits` signal bits, as
/// Xilinx 7-series maps it: one LUT up to 6 bits, 2 and 4 LUTs with the slice's F7/F8 muxes at
/// 7 and 8 bits, then 2^(k-6) LUTs plus a tree of 4:1 muxes in LUTs (docs/estimators.md).
double rom_bit_luts(int address_bits);

}  // namespace nas4ml::netlist
