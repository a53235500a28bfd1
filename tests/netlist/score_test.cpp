// The anomaly score in the netlist (square / absolute nodes and the score pseudo-layer): its
// simulation equals nn::anomaly_scores() on every sample, for both score kinds, truncating,
// rounding and saturating score formats, every lowering variant; every bit origin holds.
#include <catch2/catch.hpp>

#include <algorithm>

#include "nas4ml/core/error.hpp"
#include "nas4ml/netlist/bit_liveness.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "nas4ml/nn/anomaly_score.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "random_model.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;

namespace {

nn::QuantizedModel autoencoder(std::uint64_t seed, const std::string& error, const std::string& score_format) {
  Rng rng(seed);
  nn::QuantizedModel m = test::random_model(rng, {7, 5, 3, 5, 7}, parse_fixed_format("ap_fixed<10,3>"),
                                            parse_fixed_format("ap_fixed<6,1>"), parse_fixed_format("ap_fixed<10,3>"),
                                            parse_fixed_format("ap_fixed<12,4>"), 0.2);
  // The reconstruction in a format of its own (other LSB than the input's: the alignment shifts).
  m.layers.back().result_format = parse_fixed_format("ap_fixed<9,4>");
  m.anomaly_score = nn::AnomalyScore{error, parse_fixed_format(score_format)};
  return m;
}

struct Run {
  std::size_t samples = 0, saturated = 0, zero = 0, distinct = 0;
};

/// Simulates `net` on `rows` random inputs; every output equals the golden model's, the last the
/// golden score; every bit origin holds.
Run check_against_golden(const nn::QuantizedModel& m, const Netlist& net, int rows, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::int64_t> inputs;
  for (int r = 0; r < rows; ++r) {
    const auto x = test::random_input(rng, m);
    inputs.insert(inputs.end(), x.begin(), x.end());
  }
  // A few rows equal to the reconstruction's extremes: inputs at the format's limits.
  for (int i = 0; i < m.n_inputs; ++i) inputs[static_cast<std::size_t>(i)] = m.input_format.max_raw();
  for (int i = 0; i < m.n_inputs; ++i) inputs[static_cast<std::size_t>(m.n_inputs + i)] = m.input_format.min_raw();
  const auto scores = nn::anomaly_scores(m, inputs);
  const auto outputs = nn::golden_forward_batch(m, inputs);
  const auto n = static_cast<std::size_t>(m.n_inputs);
  REQUIRE(net.outputs.size() == n + 1);
  REQUIRE(net.outputs.back() == net.score);
  Run run;
  std::vector<std::int64_t> seen;
  for (int r = 0; r < rows; ++r) {
    const std::span<const std::int64_t> x(inputs.data() + static_cast<std::size_t>(r) * n, n);
    const auto values = simulate_nodes(net, x);
    check_bit_origins(net, values);
    for (std::size_t o = 0; o < n; ++o)
      REQUIRE(values[static_cast<std::size_t>(net.outputs[o])] == outputs[static_cast<std::size_t>(r) * n + o]);
    const std::int64_t s = values[static_cast<std::size_t>(net.score)];
    REQUIRE(s == scores[static_cast<std::size_t>(r)]);
    run.saturated += s == m.anomaly_score->format.max_raw();
    run.zero += s == 0;
    seen.push_back(s);
    ++run.samples;
  }
  std::sort(seen.begin(), seen.end());
  run.distinct = static_cast<std::size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
  return run;
}

}  // namespace

TEST_CASE("the netlist's anomaly score equals the golden score on every sample", "[netlist][score][golden]") {
  struct Case {
    const char* error;
    const char* format;
    bool saturates;
  };
  const Case cases[] = {
      // The full-width sums: squared 25 bits, 14 fractional; absolute 14 bits, 7 fractional.
      {"squared", "ap_ufixed<20,11>", false},             // wide: no saturation
      {"squared", "ap_ufixed<8,3>", true},                // narrow: saturates often
      {"squared", "ap_ufixed<16,11,AP_RND,AP_SAT>", false},  // rounding: the half LSB in the tree
      {"squared", "ap_ufixed<28,11>", false},             // more fractional bits than the sum: appended zeros
      {"absolute", "ap_ufixed<14,7>", false},
      {"absolute", "ap_ufixed<6,3>", true},
  };
  for (const Case& c : cases) {
    for (int variant = 0; variant < 4; ++variant) {
      DYNAMIC_SECTION(c.error << " " << c.format << " variant " << variant) {
        const nn::QuantizedModel m = autoencoder(11 + static_cast<std::uint64_t>(variant), c.error, c.format);
        LoweringOptions o;
        o.sharing = Sharing::none;  // variants 0-2 on the per-neuron trees, 3 on shared subexpressions
        if (variant == 1) o.levels_per_stage = 1;  // a register after every adder level
        if (variant == 2) o.dsp_products = true;
        if (variant == 3) o.sharing = Sharing::cse;
        const Netlist net = lower(m, o);
        REQUIRE(net.score != no_node);
        CHECK(net.score_error == c.error);
        CHECK(net.output_formats.size() == 8);
        CHECK(net.output_formats.back().to_string() == parse_fixed_format(c.format).to_string());
        // The score is one pseudo-layer after the model's layers, the last stage of the pipeline.
        REQUIRE(net.layers.size() == m.layers.size() + 1);
        CHECK(net.layers.back().index == static_cast<int>(m.layers.size()));
        CHECK(net.layers.back().output_stage == net.latency_cycles);
        CHECK(net.latency_cycles > net.layers[m.layers.size() - 1].output_stage + 1);
        const NodeKind kind = std::string(c.error) == "squared" ? NodeKind::square : NodeKind::absolute;
        CHECK(std::count_if(net.nodes.begin(), net.nodes.end(), [&](const Node& x) { return x.kind == kind; }) >= 6);
        for (NodeId o2 : net.outputs) CHECK(net.nodes[static_cast<std::size_t>(o2)].stage == net.latency_cycles);
        // Every bit of the score is live (an output), the square's / |x|'s are read.
        CHECK(highest_live_bit(net, net.live, net.score) >= 0);
        const Run run = check_against_golden(m, net, 600, 99);
        CHECK(run.distinct > 20);
        CHECK(nn::score_sum_width(m) == (kind == NodeKind::square ? 25 : 14));
        if (c.saturates) {
          CHECK(run.saturated > 0);
          CHECK(run.saturated < run.samples);
        } else {
          CHECK(run.saturated == 0);
        }
      }
    }
  }
}

TEST_CASE("square and absolute nodes have exact ranges and printed names", "[netlist][score]") {
  const nn::QuantizedModel m = autoencoder(5, "squared", "ap_ufixed<16,8>");
  const Netlist net = lower(m);
  int squares = 0;
  for (const Node& x : net.nodes) {
    if (x.kind != NodeKind::square) continue;
    ++squares;
    const Node& d = net.nodes[static_cast<std::size_t>(x.a.node)];
    // d spans both signs (a reconstruction minus an input): the square's range is [0, max^2].
    REQUIRE(d.lo < 0);
    REQUIRE(d.hi > 0);
    CHECK(x.lo == 0);
    CHECK(x.hi == std::max(d.lo * d.lo, d.hi * d.hi));
    CHECK(x.width == signed_width(x.lo, x.hi));
  }
  CHECK(squares == 7);
  CHECK(to_string(NodeKind::square) == "square");
  CHECK(to_string(NodeKind::absolute) == "absolute");
  // Registers and names: the score is the last layer's neuron n, named as an output register.
  CHECK(node_name(net, net.score) == "l4_out_7");
}

TEST_CASE("a model without a score lowers as before; bad score models are refused", "[netlist][score]") {
  nn::QuantizedModel m = autoencoder(3, "squared", "ap_ufixed<16,8>");
  m.anomaly_score.reset();
  const Netlist plain = lower(m);
  CHECK(plain.score == no_node);
  CHECK(plain.outputs.size() == 7);
  CHECK(plain.layers.size() == m.layers.size());
  CHECK(std::none_of(plain.nodes.begin(), plain.nodes.end(),
                     [](const Node& x) { return x.kind == NodeKind::square || x.kind == NodeKind::absolute; }));
  // Lowering into a netlist that held a score clears it.
  Netlist reused = lower(autoencoder(3, "squared", "ap_ufixed<16,8>"));
  REQUIRE(reused.score != no_node);
  lower(m, {}, reused);
  CHECK(reused.score == no_node);
  CHECK(reused.score_error.empty());

  nn::QuantizedModel wrong = autoencoder(3, "squared", "ap_ufixed<16,8>");
  wrong.layers.back().n_out = 6;
  wrong.layers.back().weights.resize(6 * 5);
  wrong.layers.back().mask.resize(6 * 5);
  wrong.layers.back().biases.resize(6);
  CHECK_THROWS_WITH(lower(wrong), Catch::Contains("expected 7 outputs, got 6 outputs"));
  nn::QuantizedModel unknown = autoencoder(3, "cubed", "ap_ufixed<16,8>");
  CHECK_THROWS_WITH(lower(unknown), Catch::Contains("$.anomaly_score.error"));
  nn::QuantizedModel wide = autoencoder(3, "squared", "ap_ufixed<16,8>");
  wide.input_format = parse_fixed_format("ap_fixed<32,16>");
  CHECK_THROWS_WITH(lower(wide), Catch::Contains("does not fit 62 bits"));
}
