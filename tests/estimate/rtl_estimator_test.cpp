#include <catch2/catch.hpp>

#include "nas4ml/core/error.hpp"
#include "nas4ml/estimate/complexity.hpp"
#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/estimate/rtl_counts.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "estimate/cast_model.hpp"
#include "netlist/random_model.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::estimate;

namespace {
FixedFormat ifmt(int w) { return FixedFormat{w, w, true, Rounding::truncate, Overflow::wrap}; }

nn::QuantizedModel two_by_two() {
  nn::QuantizedModel m;
  m.name = "2x2";
  m.n_inputs = 2;
  m.input_format = ifmt(4);  // integers -8..7
  nn::QuantizedLayer l;
  l.n_in = 2;
  l.n_out = 2;
  l.activation = nn::Activation::linear;
  l.weight_format = ifmt(4);
  l.bias_format = ifmt(4);
  l.result_format = ifmt(16);  // wide: the cast cannot overflow, it is wiring
  l.weights = {3, 1, 2, -5};   // y0 = 3 x0 + x1, y1 = 2 x0 - 5 x1
  l.biases = {0, 0};
  l.mask = {1, 1, 1, 1};
  m.layers.push_back(l);
  return m;
}
DeviceModel device() { return find_device("xcvu9p", test::source_path("estimators")); }
}  // namespace

TEST_CASE("hand-worked estimate of a 2-input/2-output layer", "[estimate][rtl]") {
  // Inputs x0, x1: 4-bit signals. CSD: 3 = 4 - 1, 1 = 1, 2 = 2, -5 = -1 - 4.
  // Neuron 0, terms (width): -x0 (4), +x1 (4), +x0<<2 (6). Level 1 pairs the two 4-bit terms:
  //   A = x1 - x0, range [-15, 15], 5 bits: chain at bits 0-4 (carry-in 1 of the subtraction),
  //   pairs (x1_j, ~x0_j) j = 0..3; bit 4 repeats the pair of bit 3 (sign extension): 4 LUT,
  //   5 chain bits = 2 CARRY4.
  //   Level 2: D = (x0<<2) + A, [-32, 28], 6 bits: bits 0-1 are A's bits passed through
  //   (x0<<2 is 0 there); chain at 2-5 with pairs (x0_0,A_2), (x0_1,A_3), (x0_2,A_4), (x0_3,A_4):
  //   4 LUT, 4 chain bits = 1 CARRY4.
  // Neuron 1, terms: -x1 (4), +x0<<1 (5), -x1<<2 (6). Level 1: B = (x0<<1) - x1, [-23, 22],
  //   6 bits: bit 0 = 0 - x1_0 = x1_0 (wiring; the carry becomes ~x1_0); chain at 1-5, pairs
  //   (x0_0,~x1_1), (x0_1,~x1_2), (x0_2,~x1_3), (x0_3,~x1_3), bit 5 repeats bit 4; and
  //   x0_3 XOR ~x1_3 is the same function as A's x1_3 XOR ~x0_3 (both XNOR(x0_3, x1_3)), so it
  //   is shared: 3 new LUT, 2 CARRY4.
  //   Level 2: C = B - (x1<<2), [-51, 54], 7 bits: bits 0-1 pass B's bits (subtracting 0);
  //   chain at 2-6, pairs (B_2,~x1_0) .. (B_5,~x1_3), bit 6 repeats: 4 LUT, 2 CARRY4.
  // Totals: LUT 4 + 4 + 3 + 4 = 15, CARRY4 7, 4 adders. Output registers: y0 6 bits (A_0, A_1, D_2..D_5) and
  // y1 7 bits (x1_0, B_1, C_2..C_6), all distinct: FF 13, no SRL. 2 adder levels, K = 4: 1 cycle.
  // BOPs = 2*2*(1*4*4 + 4 + 4 + log2 2) = 100. EBOPs = 4 * (2 + 1 + 1 + 3) = 28.
  // (The signed per-neuron trees, sharing none: at the default `cse` this small layer sums
  // nonnegative words instead, docs/netlist.md "Nonnegative sums".)
  const auto m = two_by_two();
  netlist::LoweringOptions lo;
  lo.levels_per_stage = 4;
  lo.sharing = netlist::Sharing::none;
  const auto n = netlist::lower(m, lo);
  const auto layers = count_netlist(n);
  REQUIRE(layers.size() == 1);
  CHECK(layers[0].adders == 4);
  CHECK(layers[0].lut == 15);
  CHECK(layers[0].carry == 7);
  CHECK(layers[0].ff == 13);
  CHECK(layers[0].srl == 0);
  CHECK(layers[0].dsp == 0);
  CHECK(layers[0].latency_cycles == 1);

  EstimateOptions o;
  o.levels_per_stage = 4;
  o.sharing = netlist::Sharing::none;
  const Estimate e = make_estimator("rtl")->estimate(m, device(), o);
  CHECK(e.lut == 15);
  CHECK(e.ff == 13);
  CHECK(e.latency_cycles == 1);
  CHECK(e.latency_ns == Approx(5.0));
  CHECK(e.ii == 1);
  CHECK(e.bops == Approx(100));
  CHECK(e.ebops == Approx(28));
  CHECK(e.lut_pct == Approx(100.0 * 15 / 1182240));
}

TEST_CASE("saturating casts: the output register absorbs one clamp", "[estimate][rtl][cast]") {
  // y = x cast to ap_fixed<4,4,AP_TRN,AP_SAT> (no adder). yosys 0.23 (docs/estimators.md): one
  // clamp becomes the flip-flops' synchronous set or reset, the other costs a LUT per output bit;
  // a ReLU after the cast takes the reset itself.
  auto luts = [](const nn::QuantizedModel& m) {
    const auto layers = count_netlist(netlist::lower(m, {}));
    CHECK(layers[0].adders == 0);
    return layers[0].lut;
  };
  const FixedFormat signed6 = ifmt(6);                                       // -32..31: both sides
  const FixedFormat unsigned5{5, 5, false, Rounding::truncate, Overflow::wrap};  // 0..31: above only
  CHECK(luts(test::cast_model(signed6, nn::Activation::linear)) == 4);    // one LUT per output bit
  CHECK(luts(test::cast_model(unsigned5, nn::Activation::linear)) == 1);  // the comparison alone
  CHECK(luts(test::cast_model(signed6, nn::Activation::relu)) == 3);      // every bit but the sign
  CHECK(luts(test::cast_model(FixedFormat{3, 3, true, Rounding::truncate, Overflow::wrap}, nn::Activation::linear)) == 0);  // fits: wiring
}

TEST_CASE("pruning a neuron's weights removes its LUTs", "[estimate][rtl][pruning]") {
  Rng rng(4);
  auto m = test::random_model(rng, {16, 8, 4}, FixedFormat{8, 3}, FixedFormat{6, 1}, FixedFormat{8, 3},
                              FixedFormat{10, 4}, 0.0);
  const auto est = make_estimator("rtl");
  const double before = est->estimate(m, device(), {}).layers[0].lut;
  for (int i = 0; i < 16; ++i) m.layers[0].weights[3 * 16 + i] = 0;
  const Estimate after = est->estimate(m, device(), {});
  CHECK(after.layers[0].lut < before);
  CHECK(after.layers[0].live_neurons == 7);
}

TEST_CASE("pass-through registers of shallow trees become SRLs at K = 1", "[estimate][rtl][srl]") {
  // y0 = x0 + x1 + ... + x7 (3 levels), y1 = 2 * x0 (no adder): y1 passes through 3 stages.
  nn::QuantizedModel m;
  m.n_inputs = 8;
  m.input_format = ifmt(6);
  nn::QuantizedLayer l;
  l.n_in = 8;
  l.n_out = 2;
  l.activation = nn::Activation::linear;
  l.weight_format = l.bias_format = ifmt(4);
  l.result_format = ifmt(16);
  l.weights = {1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0};
  l.biases = {0, 0};
  l.mask.assign(16, 1);
  m.layers.push_back(l);
  netlist::LoweringOptions lo;
  lo.levels_per_stage = 1;
  const auto n = netlist::lower(m, lo);
  CHECK(n.latency_cycles == 3);
  const auto c = count_netlist(n);
  // x0's 6 bits are delayed 3 cycles: 6 chains of 3 flip-flops -> 6 SRLs; but x0 also feeds
  // the first adder level, so the chains start at the first register: 3 long each.
  CHECK(c[0].srl == 6);
  netlist::LoweringOptions lo2 = lo;
  lo2.levels_per_stage = 3;
  CHECK(count_netlist(netlist::lower(m, lo2))[0].srl == 0);
}

TEST_CASE("DSP variant puts wide products on DSPs", "[estimate][rtl][dsp]") {
  Rng rng(8);
  const auto m = test::random_model(rng, {8, 4}, FixedFormat{12, 4}, FixedFormat{10, 2}, FixedFormat{12, 4},
                                    FixedFormat{16, 6}, 0.0);
  EstimateOptions o;
  CHECK(make_estimator("rtl")->estimate(m, device(), o).dsp == 0);
  o.dsp_products = true;
  const Estimate e = make_estimator("rtl")->estimate(m, device(), o);
  CHECK(e.dsp > 0);
  CHECK(e.dsp <= 32);
}

TEST_CASE("complexity metrics", "[estimate][complexity]") {
  CHECK(effective_bits(0) == 0);
  CHECK(effective_bits(1) == 1);
  CHECK(effective_bits(-5) == 3);  // 101
  CHECK(effective_bits(12) == 2);  // 1100: bits 3..2
  CHECK(effective_bits(-8) == 1);
  CHECK(effective_bits(std::int64_t{1} << 62) == 1);          // the top bits (no branch for 0 there)
  CHECK(effective_bits((std::int64_t{1} << 62) - 2) == 61);   // 11...10
  CHECK(effective_bits(-((std::int64_t{1} << 62) - 1)) == 62);
  const auto m = two_by_two();
  CHECK(layer_bops(m, 0) == Approx(100));
  CHECK(layer_ebops(m, 0) == Approx(28));
}

TEST_CASE("unknown estimator names and bad clocks are clear errors", "[estimate][errors]") {
  CHECK_THROWS_WITH(make_estimator("vivado"), Catch::Contains("rtl, hls or rtl_vivado"));
  EstimateOptions o;
  o.clock_ns = -2;
  CHECK_THROWS_AS(make_estimator("rtl")->estimate(two_by_two(), device(), o), ConfigError);
}

TEST_CASE("ROM activations cost LUTs in the rtl estimate; the hls estimate refuses them", "[estimate][activation]") {
  Rng rng(41);
  auto m = test::random_model(rng, {8, 6, 3}, FixedFormat{8, 3}, FixedFormat{6, 1}, FixedFormat{8, 3}, FixedFormat{8, 3}, 0.2);
  EstimateOptions o;
  o.levels_per_stage = 2;
  const double relu_luts = make_estimator("rtl")->estimate(m, device(), o).lut;
  m.layers[0].activation = nn::Activation::linear;
  const double linear_luts = make_estimator("rtl")->estimate(m, device(), o).lut;
  m.layers[0].activation = nn::Activation::tanh;
  const double tanh_luts = make_estimator("rtl")->estimate(m, device(), o).lut;
  m.layers[0].activation = nn::Activation::leaky_relu;
  const double leaky_luts = make_estimator("rtl")->estimate(m, device(), o).lut;
  // Six tanh ROMs of (up to) 8 address bits cost far more than ReLU's free reset; a leaky ReLU's
  // 2:1 selections about one LUT per output bit.
  CHECK(tanh_luts > relu_luts + 6 * 10);
  CHECK(leaky_luts > linear_luts);
  CHECK(leaky_luts < linear_luts + 6 * 9);
  // The hls estimator costs the HLS project's table (tests/estimate/hls_model_test.cpp).
  CHECK(make_estimator("hls")->estimate(m, device(), o).layers[0].note.find("leaky_relu table") != std::string::npos);
}

TEST_CASE("rtl_vivado counts the same netlist in CARRY8 and SRLC32E and has its own calibration", "[estimate][rtl][vivado]") {
  Rng rng(7);
  const auto m = test::random_model(rng, {24, 12, 4}, FixedFormat{8, 3}, FixedFormat{6, 1}, FixedFormat{8, 3},
                                    FixedFormat{10, 4}, 0.2);
  DeviceModel d = device();
  d.calibration.clear();
  EstimateOptions o;
  o.levels_per_stage = 1;  // a deep pipeline: delay lines become shift registers
  const Estimate yosys = make_estimator("rtl")->estimate(m, d, o);
  const Estimate vivado = make_estimator("rtl_vivado")->estimate(m, d, o);
  CHECK(vivado.flavor == "rtl_vivado");
  CHECK(vivado.lut == yosys.lut);
  CHECK(vivado.ff == yosys.ff);
  CHECK(vivado.latency_cycles == yosys.latency_cycles);
  // Per adder ceil(bits/8) against ceil(bits/4): between half and all of the CARRY4 count.
  CHECK(vivado.carry < yosys.carry);
  CHECK(vivado.carry >= yosys.carry / 2);
  CHECK(vivado.srl <= yosys.srl);
  // The flavors' calibrations are separate sections of the device file.
  d.calibration["rtl_vivado"].lut.scale = 0.5;
  CHECK(make_estimator("rtl_vivado")->estimate(m, d, o).lut == Approx(0.5 * yosys.lut));
  CHECK(make_estimator("rtl")->estimate(m, d, o).lut == yosys.lut);
}
