#include "nas4ml/netlist/lookup.hpp"

#include <algorithm>
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
  return c;
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
