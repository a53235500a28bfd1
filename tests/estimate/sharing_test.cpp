// The rtl estimate of networks lowered with shared subexpressions (`"sharing": "cse"`,
// docs/netlist.md) against the plain lowering, on a really trained network.
#include <catch2/catch.hpp>

#include "nas4ml/estimate/estimator.hpp"
#include "support/run_cli.hpp"
#include "support/trained_magic.hpp"

using namespace nas4ml;
using namespace nas4ml::estimate;

TEST_CASE("sharing on trained MAGIC: fewer LUTs, few more flip-flops, the same latency",
          "[estimate][rtl][sharing]") {
  // experiments/models/magic_10_32_32_2.json on the shipped MAGIC data, 3 epochs (pruned to 50%).
  const auto& [d, model] = test::trained_magic();
  const auto dev = find_device("xcvu9p", test::source_path("estimators"));
  const auto rtl = make_estimator("rtl");
  double ff_plain = 0, ff_shared = 0;
  for (int K : {0, 3, 4, 5}) {  // 0: from the device's default clock (5 ns)
    EstimateOptions plain;
    plain.sharing = netlist::Sharing::none;  // the per-neuron trees (the default is cse)
    plain.levels_per_stage = K;
    EstimateOptions shared = plain;
    shared.sharing = netlist::Sharing::cse;
    const Estimate a = rtl->estimate(model, dev, plain), b = rtl->estimate(model, dev, shared);
    INFO("K = " << K << ": LUT " << a.lut << " -> " << b.lut << ", FF " << a.ff << " -> " << b.ff);
    CHECK(b.lut < 0.88 * a.lut);  // measured -17%
    CHECK(b.latency_cycles == a.latency_cycles);
    ff_plain += a.ff;
    ff_shared += b.ff;
  }
  // Measured +6.1% over the four clocks (+4.4% to +7.7% each); +8.9% before the rows were
  // summed in groups of like width before the first stage boundary (docs/netlist.md).
  CHECK(ff_shared <= 1.075 * ff_plain);
}

TEST_CASE("the estimate options of a lowering count the netlist it builds", "[estimate][rtl][sharing]") {
  const auto& [d, model] = test::trained_magic();
  const auto dev = find_device("xcvu9p", test::source_path("estimators"));
  netlist::LoweringOptions lo;
  lo.clock_ns = 4;
  lo.levels_per_stage = 3;
  lo.sharing_effort = 8;
  const EstimateOptions o = estimate_options_for(lo);
  CHECK(o.clock_ns == 4);
  CHECK(o.levels_per_stage == 3);
  CHECK(!o.dsp_products);
  CHECK(o.sharing == netlist::Sharing::cse);
  CHECK(o.sharing_effort == 8);
  // The estimate of that lowering (effort 8 finds fewer adders than effort 1).
  const auto adders = [&](const EstimateOptions& options) {
    int n = 0;
    for (const LayerEstimate& l : make_estimator("rtl")->estimate(model, dev, options).layers) n += l.adders;
    return n;
  };
  EstimateOptions by_hand;
  by_hand.clock_ns = 4;
  by_hand.levels_per_stage = 3;
  by_hand.sharing_effort = 8;
  CHECK(to_json(make_estimator("rtl")->estimate(model, dev, o)) == to_json(make_estimator("rtl")->estimate(model, dev, by_hand)));
  lo.sharing_effort = 1;
  CHECK(adders(estimate_options_for(lo)) > adders(o));
  lo.sharing = netlist::Sharing::none;
  lo.dsp_products = true;
  CHECK(estimate_options_for(lo).sharing == netlist::Sharing::none);
  CHECK(estimate_options_for(lo).dsp_products);
}
