// The `rtl` estimate of an autoencoder's anomaly score: one more layer row (the score's
// pseudo-layer), the model's layers counted as without the score, each square the LUTs measured
// at its width (docs/estimators.md "Anomaly score") or one DSP48E2 under the DSP variant.
#include <catch2/catch.hpp>

#include "nas4ml/estimate/estimator.hpp"
#include "nas4ml/estimate/rtl_counts.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "netlist/random_model.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::estimate;

namespace {
nn::QuantizedModel autoencoder(const std::string& error) {
  Rng rng(21);
  nn::QuantizedModel m = test::random_model(rng, {6, 4, 2, 4, 6}, parse_fixed_format("ap_fixed<8,3>"),
                                            parse_fixed_format("ap_fixed<6,1>"), parse_fixed_format("ap_fixed<10,3>"),
                                            parse_fixed_format("ap_fixed<10,4>"), 0.1);
  m.anomaly_score = nn::AnomalyScore{error, parse_fixed_format("ap_ufixed<18,10>")};
  return m;
}

int signal_bits(const netlist::Netlist& n, netlist::NodeId id) {
  const auto& x = n.nodes[static_cast<std::size_t>(id)];
  int w = 0;
  for (int j = 0; j < x.width; ++j) w += n.literals[x.first_bit + static_cast<std::uint32_t>(j)] >= 2;
  return w;
}
}  // namespace

TEST_CASE("the rtl estimate counts an autoencoder's score as one more layer", "[estimate][rtl][score]") {
  const nn::QuantizedModel sq = autoencoder("squared");
  nn::QuantizedModel plain = sq;
  plain.anomaly_score.reset();
  netlist::LoweringOptions lo;
  const auto n_sq = netlist::lower(sq, lo);
  const auto n_plain = netlist::lower(plain, lo);
  const auto e_sq = count_netlist(n_sq);
  const auto e_plain = count_netlist(n_plain);
  REQUIRE(e_sq.size() == sq.layers.size() + 1);
  REQUIRE(e_plain.size() == sq.layers.size());
  for (std::size_t k = 0; k < e_plain.size(); ++k) {
    CHECK(e_sq[k].lut == e_plain[k].lut);
    CHECK(e_sq[k].carry == e_plain[k].carry);
  }
  const LayerEstimate& score = e_sq.back();
  CHECK(score.n_in == 6);
  CHECK(score.n_out == 1);
  CHECK(score.lut > 0);
  CHECK(score.ff > 0);
  CHECK(score.latency_cycles == n_sq.latency_cycles - n_plain.latency_cycles);

  // The squares' share: the LUTs measured at each difference's width for a square of an adder's
  // result (none under the DSP variant, where every square of >= 9 result bits is one DSP48E2
  // and the rest of the logic is the same).
  static constexpr double measured[17] = {0, 0, 4, 6, 8, 10, 14, 36, 59, 120, 200, 213, 279, 415, 508, 600, 691};
  double square_luts = 0;
  int squares = 0;
  for (const auto& x : n_sq.nodes) {
    if (x.kind != netlist::NodeKind::square) continue;
    const int w = signal_bits(n_sq, x.a.node);
    REQUIRE(w <= 16);
    CHECK(w >= 9);  // 8-bit inputs and 10-bit outputs, aligned: wider than either
    CHECK(n_sq.nodes[static_cast<std::size_t>(x.a.node)].kind == netlist::NodeKind::sub);  // the difference
    square_luts += measured[w];
    ++squares;
  }
  CHECK(squares == 6);
  netlist::LoweringOptions dsp = lo;
  dsp.dsp_products = true;
  const auto e_dsp = count_netlist(netlist::lower(sq, dsp));
  CHECK(e_dsp.back().dsp == 6);
  CHECK(score.dsp == 0);
  CHECK(score.lut - e_dsp.back().lut == Approx(square_luts));

  // The absolute error: no square, far fewer LUTs than the squared score's.
  const auto e_abs = count_netlist(netlist::lower(autoencoder("absolute"), lo));
  CHECK(e_abs.back().lut < score.lut / 4);
  CHECK(e_abs.back().lut > 6 * 8);  // at least w - 1 LUTs for each |d|

  // The whole estimate: latency is the score's, the totals include it.
  const auto estimator = make_estimator("rtl");
  const DeviceModel device = find_device("xcvu9p", test::source_path("estimators"));
  const Estimate whole = estimator->estimate(sq, device, {});
  const Estimate without = estimator->estimate(plain, device, {});
  CHECK(whole.latency_cycles > without.latency_cycles);
  CHECK(whole.layers.size() == sq.layers.size() + 1);
  CHECK(whole.lut > without.lut + square_luts);
}
