#include <catch2/catch.hpp>

#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "netlist/random_model.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;

namespace {
FixedFormat fmt(int w, int i, bool s, Rounding r, Overflow o) { return FixedFormat{w, i, s, r, o}; }

void check_against_golden(const nn::QuantizedModel& m, const LoweringOptions& opt, Rng& rng, int samples) {
  const Netlist n = lower(m, opt);
  std::size_t bits = 0;
  for (int s = 0; s < samples; ++s) {
    std::vector<std::int64_t> x = test::random_input(rng, m);
    if (s == 0) for (auto& v : x) v = m.input_format.max_raw();
    if (s == 1) for (auto& v : x) v = m.input_format.min_raw();
    const auto values = simulate_nodes(n, x);
    bits += check_bit_origins(n, values);
    std::vector<std::int64_t> out;
    for (NodeId o : n.outputs) out.push_back(values[static_cast<std::size_t>(o)]);
    REQUIRE(out == nn::golden_forward(m, x));
    // Every live layer output equals the golden trace.
    const auto trace = nn::golden_trace(m, x);
    for (std::size_t k = 0; k < n.layers.size(); ++k)
      for (std::size_t o = 0; o < n.layers[k].outputs.size(); ++o)
        if (n.layers[k].outputs[o] != no_node)
          REQUIRE(values[static_cast<std::size_t>(n.layers[k].outputs[o])] == trace[k][o]);
  }
  CHECK(bits > 0);
}
}  // namespace

TEST_CASE("netlist simulation equals the golden integer model bit for bit", "[netlist][simulate][golden]") {
  Rng rng = Rng::stream(5, 0, 0, "netlist.simulate");
  struct Case {
    const char* name;
    FixedFormat in, w, b, r;
    double sparsity;
  };
  const Rounding T = Rounding::truncate, R = Rounding::round_half_up;
  const Overflow W = Overflow::wrap, S = Overflow::saturate;
  const std::vector<Case> cases = {
      {"trn/wrap", fmt(8, 3, true, T, W), fmt(6, 1, true, T, W), fmt(8, 3, true, T, W), fmt(10, 4, true, T, W), 0.5},
      {"rnd/sat", fmt(10, 4, true, R, S), fmt(6, 2, true, R, S), fmt(10, 4, true, R, S), fmt(8, 3, true, R, S), 0.5},
      {"rnd/wrap narrow", fmt(8, 2, true, T, W), fmt(4, 1, true, T, W), fmt(6, 0, true, T, W), fmt(6, 2, true, R, W), 0.3},
      {"unsigned in, sat out", fmt(8, 8, false, T, W), fmt(5, 2, true, T, W), fmt(12, 6, true, T, W), fmt(7, 7, false, R, S), 0.2},
      {"bias finer than products", fmt(6, 3, true, T, W), fmt(4, 1, true, T, W), fmt(16, 2, true, T, W), fmt(9, 5, true, R, S), 0.6},
      {"negative integer bits", fmt(8, -1, true, T, W), fmt(8, -2, true, T, W), fmt(8, -3, true, T, W), fmt(8, -2, true, T, S), 0.4},
      {"wide", fmt(16, 6, true, T, W), fmt(12, 3, true, T, W), fmt(16, 6, true, T, W), fmt(16, 6, true, T, W), 0.0},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const auto m = test::random_model(rng, {12, 10, 8, 4}, c.in, c.w, c.b, c.r, c.sparsity);
      for (int k : {0, 1, 2}) {
        LoweringOptions opt;
        opt.levels_per_stage = k;
        check_against_golden(m, opt, rng, 60);
        opt.sharing = Sharing::cse;  // shared subexpressions, no delay limit and dc = 0
        for (int dc : {-1, 0}) {
          auto md = m;
          for (auto& l : md.layers) l.dc = dc;
          check_against_golden(md, opt, rng, 30);
        }
        opt.sharing = Sharing::none;
        opt.dsp_products = true;
        check_against_golden(m, opt, rng, 30);
      }
    }
  }
}

TEST_CASE("netlist simulation equals the golden model on a sparse 16-64-32-32-5 network", "[netlist][simulate][golden]") {
  Rng rng = Rng::stream(9, 0, 0, "netlist.simulate.big");
  const FixedFormat in{8, 3, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat w{6, 1, true, Rounding::truncate, Overflow::wrap};
  const FixedFormat r{10, 4, true, Rounding::round_half_up, Overflow::saturate};
  const auto m = test::random_model(rng, {16, 64, 32, 32, 5}, in, w, in, r, 0.5);
  check_against_golden(m, LoweringOptions{}, rng, 100);
  LoweringOptions shared;
  shared.sharing = Sharing::cse;
  check_against_golden(m, shared, rng, 50);
  shared.levels_per_stage = 1;
  auto m0 = m;
  for (auto& l : m0.layers) l.dc = 0;
  check_against_golden(m0, shared, rng, 50);
}
