// The anomaly score against zero (a variational autoencoder's encoder: score = sum of mu^2 or
// |mu| over its latent means) in the netlist: no input is read by the score, its simulation
// equals nn::anomaly_scores() on every sample for every lowering variant, every bit origin holds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "nas4ml/netlist/bit_liveness.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "random_model.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;

TEST_CASE("a VAE encoder's score against zero in the netlist equals the golden score", "[netlist][score][vae]") {
  struct Case {
    const char* error;
    const char* format;
    bool saturates;
  };
  const Case cases[] = {
      {"squared", "ap_ufixed<20,9>", false},  // the full-width sum: 2 * 9 + 2 = 20 bits, 10 fractional
      {"squared", "ap_ufixed<7,2,AP_RND,AP_SAT>", true},
      {"absolute", "ap_ufixed<12,7>", false},
  };
  for (const Case& c : cases)
    for (int variant = 0; variant < 3; ++variant) {
      DYNAMIC_SECTION(c.error << " " << c.format << " variant " << variant) {
        Rng rng(31 + static_cast<std::uint64_t>(variant));
        nn::QuantizedModel m = test::random_model(rng, {7, 6, 3}, parse_fixed_format("ap_fixed<10,3>"),
                                                  parse_fixed_format("ap_fixed<6,1>"), parse_fixed_format("ap_fixed<10,3>"),
                                                  parse_fixed_format("ap_fixed<12,4>"), 0.2);
        m.layers.back().result_format = parse_fixed_format("ap_fixed<9,4>");  // mu: 5 fractional bits
        m.anomaly_score = nn::AnomalyScore{c.error, parse_fixed_format(c.format), "zero"};
        LoweringOptions o;
        if (variant == 1) o.levels_per_stage = 1;
        if (variant == 2) o.dsp_products = true;
        const Netlist net = lower(m, o);
        REQUIRE(net.score == net.outputs.back());
        CHECK(net.score_reference == "zero");
        REQUIRE(net.outputs.size() == 4);  // mu_0..mu_2, then the score
        REQUIRE(net.layers.size() == m.layers.size() + 1);
        const NetlistLayer& score_layer = net.layers.back();
        CHECK(score_layer.n_in == 3);
        CHECK(score_layer.inputs.size() == 3);  // the means only: no input is carried to the score
        CHECK(std::none_of(net.nodes.begin() + score_layer.first_node, net.nodes.begin() + score_layer.end_node,
                           [](const Node& x) { return x.kind == NodeKind::sub; }));
        const NodeKind kind = std::string(c.error) == "squared" ? NodeKind::square : NodeKind::absolute;
        CHECK(std::count_if(net.nodes.begin(), net.nodes.end(), [&](const Node& x) { return x.kind == kind; }) == 3);
        for (NodeId out : net.outputs) CHECK(net.nodes[static_cast<std::size_t>(out)].stage == net.latency_cycles);
        CHECK(nn::score_sum_width(m) == (kind == NodeKind::square ? 20 : 11));
        std::vector<std::int64_t> inputs;
        for (int r = 0; r < 500; ++r) {
          const auto x = test::random_input(rng, m);
          inputs.insert(inputs.end(), x.begin(), x.end());
        }
        const auto scores = nn::anomaly_scores(m, inputs);
        const auto mus = nn::golden_forward_batch(m, inputs);
        std::set<std::int64_t> distinct;
        std::size_t saturated = 0;
        for (std::size_t r = 0; r < 500; ++r) {
          const auto values = simulate_nodes(net, std::span<const std::int64_t>(inputs.data() + r * 7, 7));
          check_bit_origins(net, values);
          for (std::size_t j = 0; j < 3; ++j)
            REQUIRE(values[static_cast<std::size_t>(net.outputs[j])] == mus[r * 3 + j]);
          std::int64_t hand = 0;  // sum of mu^2 (or |mu|) by hand, then the cast
          for (std::size_t j = 0; j < 3; ++j) hand += kind == NodeKind::square ? mus[r * 3 + j] * mus[r * 3 + j] : std::abs(mus[r * 3 + j]);
          REQUIRE(scores[r] == cast_raw(hand, kind == NodeKind::square ? 10 : 5, m.anomaly_score->format));
          REQUIRE(values[static_cast<std::size_t>(net.score)] == scores[r]);
          distinct.insert(scores[r]);
          saturated += scores[r] == m.anomaly_score->format.max_raw();
        }
        CHECK(distinct.size() > (c.saturates ? 2u : 20u));
        if (c.saturates) CHECK((saturated > 0 && saturated < 500));
        else CHECK(saturated == 0);
      }
    }
}
