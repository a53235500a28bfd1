#include <catch2/catch.hpp>

#include "nas4ml/nn/golden_inference.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
// 2 inputs -> 2 ReLU -> 1 linear, every number chosen so the result can be computed by hand.
QuantizedModel tiny_model() {
  QuantizedModel m;
  m.n_inputs = 2;
  m.input_format = parse_fixed_format("ap_fixed<6,3>");  // 3 fractional bits
  QuantizedLayer h;
  h.n_in = 2;
  h.n_out = 2;
  h.activation = Activation::relu;
  h.weight_format = parse_fixed_format("ap_fixed<4,2>");  // 2 fractional bits
  h.bias_format = parse_fixed_format("ap_fixed<8,2>");    // 6 fractional bits: more than 3 + 2
  h.result_format = parse_fixed_format("ap_fixed<6,3>");  // truncate, wrap
  h.weights = {2, -3, /* row 1 */ 0, 1};                  // 0.5 -0.75 ; 0 0.25
  h.mask = {1, 1, 0, 1};
  h.biases = {5, -33};                                    // 0.078125 ; -0.515625
  QuantizedLayer o;
  o.n_in = 2;
  o.n_out = 1;
  o.activation = Activation::linear;
  o.weight_format = parse_fixed_format("ap_fixed<4,1,AP_RND,AP_SAT>");  // 3 fractional bits
  o.bias_format = parse_fixed_format("ap_fixed<4,2>");
  o.result_format = parse_fixed_format("ap_fixed<4,2,AP_RND,AP_SAT>");  // 2 fractional bits, [-2, 1.75]
  o.weights = {7, -8};  // 0.875, -1
  o.mask = {1, 1};
  o.biases = {1};       // 0.25
  m.layers = {h, o};
  return m;
}
}  // namespace

TEST_CASE("golden model matches a hand computation", "[nn][golden]") {
  const auto m = tiny_model();
  check_golden_computable(m);
  CHECK(accumulator_fractional(m, 0) == 6);  // max(3 + 2, 6)
  CHECK(accumulator_fractional(m, 1) == 6);  // 3 + 3 vs 2
  // x = (1.0, -0.5): raw 8, -4.
  const std::vector<std::int64_t> x = {8, -4};
  const auto trace = golden_trace(m, x);
  // Neuron 0: products 8*2 + (-4)*(-3) = 28 at 5 frac bits -> 56 at 6; + bias 5 -> 61 (0.953125);
  // cast to 3 frac bits truncating: floor(61/8) = 7 (0.875).
  // Neuron 1: 0 + (-4)*1 = -4 -> -8 at 6 bits; -8 - 33 = -41 -> floor(-41/8) = -6 -> ReLU 0.
  REQUIRE(trace[0] == std::vector<std::int64_t>{7, 0});
  // Output: 7*7 + 0*(-8) = 49 at 6 frac bits; bias 1 at 2 bits -> 16; sum 65 (1.015625).
  // Round half up to 2 frac bits: floor((65 + 8) / 16) = 4 (1.0): inside [-8, 7].
  REQUIRE(trace[1] == std::vector<std::int64_t>{4});
  CHECK(golden_forward(m, x) == std::vector<std::int64_t>{4});
}

TEST_CASE("golden model saturates and wraps like HLS", "[nn][golden]") {
  auto m = tiny_model();
  // x = (3.875, -4): raw 31, -32. Neuron 0: 31*2 + (-32)(-3) = 158 -> 316 + 5 = 321 at 6 bits;
  // truncate to 3 bits: 40, which wraps in 6 bits to 40 - 64 = -24 -> ReLU 0.
  // Neuron 1: -32 -> -64 - 33 = -97 -> floor(-97/8) = -13 -> ReLU 0.
  const std::vector<std::int64_t> x = {31, -32};
  auto trace = golden_trace(m, x);
  CHECK(trace[0] == std::vector<std::int64_t>{0, 0});
  // Output: bias only, 16 at 6 bits -> 1 (0.25).
  CHECK(trace[1] == std::vector<std::int64_t>{1});
  // Saturation at the output: weights 7, -8 with hidden (7, 0) -> make the first hidden large.
  m.layers[1].biases = {7};  // 1.75 at 2 frac bits -> 112 at 6 bits; 49 + 112 = 161 -> round: 10 -> sat 7
  CHECK(golden_forward(m, std::vector<std::int64_t>{8, -4}) == std::vector<std::int64_t>{7});
  m.layers[1].biases = {-8};  // -2: 49 - 128 = -79 -> floor((-79 + 8)/16) = -5 (-1.25), inside
  CHECK(golden_forward(m, std::vector<std::int64_t>{8, -4}) == std::vector<std::int64_t>{-5});
}

TEST_CASE("golden batch equals one-by-one and argmax takes the first maximum", "[nn][golden]") {
  const auto m = tiny_model();
  std::vector<std::int64_t> batch = {8, -4, 31, -32, 0, 0, -7, 12};
  const auto out = golden_forward_batch(m, batch);
  REQUIRE(out.size() == 4);
  for (std::size_t r = 0; r < 4; ++r) {
    const auto one = golden_forward(m, std::span<const std::int64_t>(batch).subspan(r * 2, 2));
    CHECK(out[r] == one[0]);
  }
  CHECK(golden_argmax(std::vector<std::int64_t>{3, 5, 5, -1}) == 1);
  CHECK(golden_argmax(std::vector<std::int64_t>{-2}) == 0);
}

TEST_CASE("quantize_input uses the input format's modes", "[nn][golden]") {
  auto m = tiny_model();
  const std::vector<float> x = {0.3f, -0.3f};
  // 0.3 * 8 = 2.4 -> floor 2 ; -2.4 -> floor -3
  CHECK(quantize_input(m, x) == std::vector<std::int64_t>{2, -3});
  m.input_format = parse_fixed_format("ap_fixed<6,3,AP_RND,AP_SAT>");
  const std::vector<float> y = {100.0f, -0.3f};
  CHECK(quantize_input(m, y) == std::vector<std::int64_t>{31, -2});
}

TEST_CASE("check_golden_computable refuses inconsistent models", "[nn][golden]") {
  auto m = tiny_model();
  m.layers[0].weights[2] = 1;  // pruned but not zero
  CHECK_THROWS_WITH(check_golden_computable(m), Catch::Contains("pruned weight is not zero"));
  m = tiny_model();
  m.layers[1].n_in = 3;
  CHECK_THROWS_WITH(check_golden_computable(m), Catch::Contains("does not chain"));
}
