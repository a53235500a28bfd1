#pragma once
/// \file The rules of hls4ml's dense layer the `hls` estimator reproduces (sources in
/// hls4ml, github.com/fastmachinelearning/hls4ml and docs/estimators.md): the multiplier limit of the latency
/// strategy (backends/vivado/passes/core_templates.py), valid reuse factors
/// (backends/fpga/fpga_backend.py, _validate_reuse_factor) and the resource strategy's weight
/// memory (nnet_dense_resource.h).
#include <cstdint>
#include <string>
#include <vector>

#include "nas4ml/core/fixed_point.hpp"
#include "nas4ml/nn/model_spec.hpp"

namespace nas4ml::estimate {

/// Multipliers hls4ml instantiates for the latency strategy: ceil(n_in*n_out/R) - floor(n_zeros/R).
std::int64_t hls_multiplier_limit(int n_in, int n_out, int reuse_factor, std::int64_t n_zeros);

/// True when hls4ml accepts reuse factor R for an n_in x n_out dense layer.
bool hls_reuse_factor_valid(int n_in, int n_out, int reuse_factor);

/// Every valid reuse factor from 1 to n_in*n_out, ascending.
std::vector<int> hls_valid_reuse_factors(int n_in, int n_out);

/// The valid reuse factor nearest to R (ties to the smaller), as the resource strategy picks it.
int hls_nearest_valid_reuse_factor(int n_in, int n_out, int reuse_factor);

/// BRAM18 blocks for the resource strategy's weight ROM: words of block_factor*W bits, depth R;
/// one BRAM18 is 18 Kib, at most 36 bits wide (512 deep at that width). 0 when R = 1 (registers).
std::int64_t hls_weight_bram18(int n_in, int n_out, int reuse_factor, int weight_bits);

/// Block RAM tables from this many entries up (1,024: a 10-bit result format); smaller tables are
/// LUT ROMs (docs/estimators.md "hls": a first-order rule, to be calibrated against csynth).
inline constexpr std::int64_t kHlsTableBramEntries = 1024;

/// What a layer's activation table costs in the HLS project (firmware/hls_writer.hpp writes one
/// table of 2^W entries of the W-bit result format per layer, read once per neuron).
struct HlsTableCost {
  std::int64_t entries = 0;  ///< 2^W
  int bits = 0;              ///< output bits that are not constant over the table (a ROM's width)
  int ports = 0;             ///< reads per cycle: ceil(n_out / R) (the pipeline spreads them over II = R)
  bool bram = false;         ///< BRAM18 (>= kHlsTableBramEntries entries) or LUT ROM
  double lut = 0.0, ff = 0.0, bram18 = 0.0;
  int latency_cycles = 1;    ///< the ROM's registered read
};

/// The cost of activation `a`'s table over `result` (the layer's result format, at most 12 bits,
/// else ConfigError naming `field`) for n_out neurons at reuse factor R: a LUT ROM is one copy
/// per port, each non-constant output bit a function of the address bits it depends on
/// (netlist::rom_bit_luts, as the rtl estimator counts a ROM); a BRAM ROM is dual-ported, so
/// ceil(ports / 2) copies, each in the cheapest BRAM18 aspect ratio; the outputs are registered.
HlsTableCost hls_activation_table(nn::Activation a, const FixedFormat& result, int n_out, int reuse_factor,
                                  const std::string& field);

}  // namespace nas4ml::estimate
