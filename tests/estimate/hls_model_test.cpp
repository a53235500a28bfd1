#include <catch2/catch.hpp>

#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/estimate/hls_model.hpp"
#include "netlist/random_model.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::estimate;

TEST_CASE("multiplier limit is ceil(n_in*n_out/R) - floor(n_zeros/R) as in hls4ml", "[estimate][hls]") {
  CHECK(hls_multiplier_limit(16, 64, 1, 512) == 512);
  CHECK(hls_multiplier_limit(16, 64, 4, 512) == 128);
  CHECK(hls_multiplier_limit(16, 64, 3, 512) == 342 - 170);
  CHECK(hls_multiplier_limit(16, 64, 1, 0) == 1024);
  CHECK(hls_multiplier_limit(5, 3, 2, 3) == 8 - 1);
}

TEST_CASE("valid reuse factors follow hls4ml's _validate_reuse_factor", "[estimate][hls]") {
  CHECK(hls_reuse_factor_valid(16, 64, 1));
  CHECK(hls_reuse_factor_valid(16, 64, 4));
  CHECK(hls_reuse_factor_valid(16, 64, 32));
  CHECK_FALSE(hls_reuse_factor_valid(16, 64, 3));   // 1024 % 3 != 0
  CHECK_FALSE(hls_reuse_factor_valid(16, 64, 24));  // 1024 % 24 != 0
  CHECK_FALSE(hls_reuse_factor_valid(16, 64, 0));
  CHECK(hls_nearest_valid_reuse_factor(16, 64, 3) == 2);  // 2 and 4 tie: the smaller
  const auto v = hls_valid_reuse_factors(16, 64);
  CHECK(v.front() == 1);
  CHECK(v.back() == 1024);
  for (int r : v) CHECK(1024 % r == 0);
}

TEST_CASE("resource-strategy weight memory in BRAM18", "[estimate][hls]") {
  CHECK(hls_weight_bram18(16, 64, 1, 8) == 0);          // R = 1: weights in registers
  // R = 4: block factor 256, words of 256 x 8 = 2048 bits, depth 4 -> 512x36 blocks: ceil(2048/36) = 57.
  CHECK(hls_weight_bram18(16, 64, 4, 8) == 57);
  // R = 1024: 8-bit words, depth 1024 -> one block as 1Kx18 (two as 512x36).
  CHECK(hls_weight_bram18(16, 64, 1024, 8) == 1);
}

TEST_CASE("hls estimator: II = R, multipliers follow the limit, resource strategy uses BRAM", "[estimate][hls]") {
  Rng rng(21);
  const FixedFormat in{16, 6}, w{16, 6};
  auto m = test::random_model(rng, {16, 64, 5}, in, w, in, in, 0.5);
  const DeviceModel dev = find_device("xcvu9p", test::source_path("estimators"));
  const auto est = make_estimator("hls");
  std::int64_t zeros = 0;
  for (auto x : m.layers[0].weights) zeros += x == 0;
  for (int R : {1, 2, 4, 8}) {
    m.layers[0].reuse_factor = R;
    const Estimate e = est->estimate(m, dev, {});
    CHECK(e.layers[0].ii == R);
    CHECK(e.ii == R);
    CHECK(e.layers[0].adders == hls_multiplier_limit(16, 64, R, zeros));
    CHECK(e.layers[0].bram18 == 0);
  }
  m.layers[0].strategy = nn::Strategy::resource;
  m.layers[0].reuse_factor = 3;  // invalid: moved to 2
  const Estimate r = est->estimate(m, dev, {});
  CHECK(r.layers[0].reuse_factor == 2);
  CHECK(r.layers[0].ii == 2);
  CHECK(r.layers[0].adders == 512);  // zeros kept: ceil(1024 / 2)
  CHECK(r.layers[0].bram18 == hls_weight_bram18(16, 64, 2, 16));
  CHECK(r.layers[0].note.find("moved") != std::string::npos);
  // DSP policy differs per tool version; unknown tool is an error.
  EstimateOptions o;
  o.hls_tool = "vivado-2019.2";
  const double vivado = est->estimate(m, dev, o).dsp;
  o.hls_tool = "vitis-2024.1";
  CHECK(est->estimate(m, dev, o).dsp < vivado);
  o.hls_tool = "quartus";
  CHECK_THROWS_WITH(est->estimate(m, dev, o), Catch::Contains("vitis-2024.1"));
}

TEST_CASE("hls activation tables: LUT ROMs per port below 1,024 entries, dual-port BRAM18 above", "[estimate][hls][activation]") {
  const auto f8 = parse_fixed_format("ap_fixed<8,3,AP_RND,AP_SAT>");
  // A leaky ReLU's output bits each read at most 3 address bits: one LUT6 per non-constant bit and port.
  const HlsTableCost leaky = hls_activation_table(nn::Activation::leaky_relu, f8, 6, 1, "f");
  CHECK(leaky.entries == 256);
  CHECK(leaky.ports == 6);
  CHECK_FALSE(leaky.bram);
  CHECK(leaky.bits >= 6);
  CHECK(leaky.bits <= 8);
  CHECK(leaky.lut == 6.0 * leaky.bits);
  CHECK(leaky.ff == 6.0 * leaky.bits);
  CHECK(leaky.bram18 == 0);
  CHECK(leaky.latency_cycles == 1);
  // tanh's bits read most of the 8 address bits: up to 4 LUT6 each (MUXF7/F8 trees); reuse 2 halves the ports.
  const HlsTableCost tanh8 = hls_activation_table(nn::Activation::tanh, f8, 6, 2, "f");
  CHECK(tanh8.ports == 3);
  CHECK(tanh8.lut > 3.0 * tanh8.bits * 2);
  CHECK(tanh8.lut <= 3.0 * tanh8.bits * 4);
  CHECK(tanh8.ff == 6.0 * tanh8.bits);
  // 10 bits: 1,024 entries of <= 10 bits fit one BRAM18 (1Kx18); 6 ports -> 3 dual-port copies.
  const HlsTableCost tanh10 = hls_activation_table(nn::Activation::tanh, parse_fixed_format("ap_fixed<10,3>"), 6, 1, "f");
  CHECK(tanh10.bram);
  CHECK(tanh10.bram18 == 3);
  CHECK(tanh10.lut == 0);
  // 12 bits: 4,096 entries of 12 bits: 3 BRAM18 in the 4Kx4 ratio per copy; 5 ports -> 3 copies.
  const HlsTableCost sig12 = hls_activation_table(nn::Activation::sigmoid, parse_fixed_format("ap_fixed<12,4>"), 5, 1, "f");
  CHECK(sig12.entries == 4096);
  CHECK(sig12.bram18 == 3.0 * ((sig12.bits + 3) / 4));
  CHECK_THROWS_WITH(hls_activation_table(nn::Activation::tanh, parse_fixed_format("ap_fixed<13,4>"), 4, 1,
                                         "$.layers[0].result_format"),
                    Catch::Contains("$.layers[0].result_format") && Catch::Contains("at most 12 bits"));
}

TEST_CASE("the hls estimator costs a table activation instead of refusing it", "[estimate][hls][activation]") {
  Rng rng(22);
  const FixedFormat in{8, 3}, w{6, 1};
  auto m = test::random_model(rng, {10, 6, 2}, in, w, in, parse_fixed_format("ap_fixed<8,3,AP_RND,AP_SAT>"), 0.3);
  const DeviceModel dev = find_device("xcvu9p", test::source_path("estimators"));
  const auto est = make_estimator("hls");
  const Estimate relu = est->estimate(m, dev, {});
  m.layers[0].activation = nn::Activation::tanh;
  const Estimate tanh = est->estimate(m, dev, {});
  const HlsTableCost t = hls_activation_table(nn::Activation::tanh, m.layers[0].result_format, 6, 1, "f");
  CHECK(tanh.layers[0].lut == Approx(relu.layers[0].lut + t.lut));
  CHECK(tanh.layers[0].ff == Approx(relu.layers[0].ff + t.ff));
  CHECK(tanh.layers[0].latency_cycles == relu.layers[0].latency_cycles + 1);
  CHECK(tanh.latency_cycles == relu.latency_cycles + 1);
  CHECK(tanh.layers[1].lut == relu.layers[1].lut);
  CHECK_THAT(tanh.layers[0].note, Catch::Contains("tanh table: 256 entries") && Catch::Contains("6 LUT ROMs"));
  m.layers[0].result_format = parse_fixed_format("ap_fixed<14,4>");
  CHECK_THROWS_WITH(est->estimate(m, dev, {}), Catch::Contains("$.layers[0].result_format"));
}
