#pragma once
/// \file The rules of hls4ml's dense layer the `hls` estimator reproduces (sources in
/// hls4ml, github.com/fastmachinelearning/hls4ml and docs/estimators.md): the multiplier limit of the latency
/// strategy (backends/vivado/passes/core_templates.py), valid reuse factors
/// (backends/fpga/fpga_backend.py, _validate_reuse_factor) and the resource strategy's weight
/// memory (nnet_dense_resource.h).
#include <cstdint>
#include <vector>

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

}  // namespace nas4ml::estimate
