#include "nas4ml/estimate/hls_model.hpp"

#include <algorithm>
#include <cstdlib>

#include "nas4ml/core/error.hpp"
#include "nas4ml/netlist/lookup.hpp"
#include "nas4ml/nn/activation.hpp"

namespace nas4ml::estimate {

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

std::int64_t hls_multiplier_limit(int n_in, int n_out, int reuse_factor, std::int64_t n_zeros) {
  NAS4ML_ASSERT(reuse_factor >= 1, "reuse factor must be >= 1");
  const std::int64_t n = std::int64_t{n_in} * n_out;
  return ceil_div(n, reuse_factor) - n_zeros / reuse_factor;
}

bool hls_reuse_factor_valid(int n_in, int n_out, int reuse_factor) {
  if (reuse_factor < 1) return false;
  const std::int64_t n = std::int64_t{n_in} * n_out;
  const std::int64_t mf = std::min<std::int64_t>(n_in, reuse_factor);
  const std::int64_t ml = ceil_div(n, mf);
  const bool c1 = ml % n_out == 0 || reuse_factor >= n_in;
  const bool c2 = reuse_factor % n_in == 0 || reuse_factor < n_in;
  const bool c3 = n % reuse_factor == 0;
  return c1 && c2 && c3;
}

std::vector<int> hls_valid_reuse_factors(int n_in, int n_out) {
  std::vector<int> r;
  const std::int64_t n = std::int64_t{n_in} * n_out;
  for (std::int64_t R = 1; R <= n; ++R)
    if (hls_reuse_factor_valid(n_in, n_out, static_cast<int>(R))) r.push_back(static_cast<int>(R));
  return r;
}

int hls_nearest_valid_reuse_factor(int n_in, int n_out, int reuse_factor) {
  const auto valid = hls_valid_reuse_factors(n_in, n_out);
  int best = valid.front();
  for (int v : valid)
    if (std::abs(v - reuse_factor) < std::abs(best - reuse_factor)) best = v;  // ties keep the smaller
  return best;
}

std::int64_t hls_weight_bram18(int n_in, int n_out, int reuse_factor, int weight_bits) {
  if (reuse_factor <= 1) return 0;
  const std::int64_t block_factor = ceil_div(std::int64_t{n_in} * n_out, reuse_factor);
  const std::int64_t word = block_factor * weight_bits;
  // BRAM18 aspect ratios (depth x width): 512x36, 1Kx18, 2Kx9, 4Kx4, 8Kx2, 16Kx1.
  static constexpr std::int64_t configs[][2] = {{512, 36}, {1024, 18}, {2048, 9}, {4096, 4}, {8192, 2}, {16384, 1}};
  std::int64_t best = -1;
  for (const auto& c : configs) {
    const std::int64_t blocks = ceil_div(reuse_factor, c[0]) * ceil_div(word, c[1]);
    if (best < 0 || blocks < best) best = blocks;
  }
  return best;
}

namespace {
// BRAM18 blocks of one depth x width ROM in the cheapest aspect ratio (512x36 .. 16Kx1).
std::int64_t rom_bram18(std::int64_t depth, std::int64_t width) {
  static constexpr std::int64_t configs[][2] = {{512, 36}, {1024, 18}, {2048, 9}, {4096, 4}, {8192, 2}, {16384, 1}};
  std::int64_t best = -1;
  for (const auto& c : configs) {
    const std::int64_t blocks = ceil_div(depth, c[0]) * ceil_div(width, c[1]);
    if (best < 0 || blocks < best) best = blocks;
  }
  return best;
}
}  // namespace

HlsTableCost hls_activation_table(nn::Activation a, const FixedFormat& result, int n_out, int reuse_factor,
                                  const std::string& field) {
  NAS4ML_ASSERT(n_out >= 1 && reuse_factor >= 1, "a layer has outputs and a reuse factor");
  HlsTableCost c;
  c.entries = result.max_raw() - result.min_raw() + 1;
  if (c.entries > netlist::kMaxLookupEntries)
    throw ConfigError({}, field, "the HLS project tabulates " + nn::to_string(a) + " over its result format",
                      "a result format of at most 12 bits", result.to_string());
  const netlist::LookupContents rom = netlist::lookup_contents(a, result, result.min_raw(), result.max_raw());
  for (std::uint64_t d : rom.depends) c.bits += d != 0;
  c.ports = static_cast<int>(ceil_div(n_out, reuse_factor));
  c.bram = c.entries >= kHlsTableBramEntries;
  const std::uint64_t address = (std::uint64_t{1} << result.width) - 1;  // every address bit is a signal
  if (c.bram)
    c.bram18 = static_cast<double>(ceil_div(c.ports, 2) * rom_bram18(c.entries, std::max(1, c.bits)));
  else
    c.lut = c.ports * netlist::rom_luts(rom, address);
  c.ff = static_cast<double>(n_out) * c.bits;
  return c;
}

}  // namespace nas4ml::estimate
