#include "nas4ml/netlist/lookup.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "nas4ml/core/error.hpp"
#include "nas4ml/nn/activation.hpp"

namespace nas4ml::netlist {

LookupContents lookup_contents(nn::Activation a, const FixedFormat& format, std::int64_t in_lo, std::int64_t in_hi) {
  NAS4ML_ASSERT(in_lo <= in_hi && in_hi - in_lo < kMaxLookupEntries, "lookup ROM range");
  LookupContents c;
  c.values.reserve(static_cast<std::size_t>(in_hi - in_lo + 1));
  c.ones = ~std::uint64_t{0};
  c.zeros = ~std::uint64_t{0};
  for (std::int64_t x = in_lo; x <= in_hi; ++x) {
    const std::int64_t v = nn::apply_activation(a, x, format);
    c.values.push_back(v);
    c.ones &= static_cast<std::uint64_t>(v);
    c.zeros &= ~static_cast<std::uint64_t>(v);
  }
  const auto [lo, hi] = std::minmax_element(c.values.begin(), c.values.end());
  c.lo = *lo;
  c.hi = *hi;
  // Which address bits each output bit depends on (flips that stay inside the range).
  int wa = 1;
  while (wa < 63 && (in_lo < -(std::int64_t{1} << (wa - 1)) || in_hi > (std::int64_t{1} << (wa - 1)) - 1)) ++wa;
  int wo = 1;
  while (wo < 63 && (c.lo < -(std::int64_t{1} << (wo - 1)) || c.hi > (std::int64_t{1} << (wo - 1)) - 1)) ++wo;
  c.depends.assign(static_cast<std::size_t>(wo), 0);
  const std::uint64_t mask = (std::uint64_t{1} << wa) - 1;
  for (std::int64_t x = in_lo; x <= in_hi; ++x) {
    const std::uint64_t u = static_cast<std::uint64_t>(x) & mask;
    for (int i = 0; i < wa; ++i) {
      const std::uint64_t f = u ^ (std::uint64_t{1} << i);
      // Sign-extend the flipped wa-bit pattern.
      const std::int64_t y = (f >> (wa - 1)) & 1 ? static_cast<std::int64_t>(f | ~mask) : static_cast<std::int64_t>(f);
      if (y < x || y > in_hi) continue;  // each pair once; outside the range: a don't-care
      const std::uint64_t diff = static_cast<std::uint64_t>(c.values[static_cast<std::size_t>(x - in_lo)] ^
                                                           c.values[static_cast<std::size_t>(y - in_lo)]);
      for (int j = 0; j < wo; ++j)
        if ((diff >> j) & 1) c.depends[static_cast<std::size_t>(j)] |= std::uint64_t{1} << i;
    }
  }
  return c;
}

double rom_luts(const LookupContents& rom, std::uint64_t signal_address) {
  double luts = 0.0;
  for (std::size_t j = 0; j < rom.depends.size(); ++j)
    if (rom.depends[j] != 0) luts += rom_bit_luts(std::popcount(rom.depends[j] & signal_address));
  return luts;
}

double rom_bit_luts(int address_bits) {
  if (address_bits <= 0) return 0.0;
  if (address_bits <= 6) return 1.0;
  if (address_bits <= 8) return std::ldexp(1.0, address_bits - 6);
  // 4 LUTs per 8-input block (F7/F8), then 4:1 muxes in LUTs over 2^(k-8) blocks.
  const double blocks = std::ldexp(1.0, address_bits - 8);
  return 4.0 * blocks + std::ceil((blocks - 1.0) / 3.0);
}

}  // namespace nas4ml::netlist
