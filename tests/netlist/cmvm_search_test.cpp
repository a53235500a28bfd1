// The wider subexpression search (netlist/cmvm_search.hpp, LoweringOptions::sharing_effort).
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <thread>
#include <vector>

#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/netlist/cmvm_search.hpp"
#include "nas4ml/netlist/csd.hpp"
#include "nas4ml/netlist/lower.hpp"
#include "nas4ml/netlist/msd_recoding.hpp"
#include "nas4ml/netlist/simulate.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "netlist/cmvm_check.hpp"
#include "netlist/random_model.hpp"
#include "support/run_cli.hpp"
#include "support/trained_magic.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using namespace nas4ml::netlist;
using test::graph_hash, test::random_matrix, test::require_exact, test::signal_forms;

TEST_CASE("the wider search computes exactly the matrix, keeps dc and never costs adders",
          "[netlist][cmvm_search]") {
  Rng rng = Rng::stream(5, 0, 0, "netlist.cmvm_search");
  for (int trial = 0; trial < 24; ++trial) {
    const int rows = 1 + static_cast<int>(rng.below(10)), cols = 1 + static_cast<int>(rng.below(10));
    const int bits = 2 + static_cast<int>(rng.below(8));
    const auto m = random_matrix(rng, rows, cols, bits, trial % 3 == 0 ? 0.4 : 0.0);
    std::vector<std::uint8_t> extra(std::size_t(rows), 0);
    if (trial % 2) std::generate(extra.begin(), extra.end(), [&] { return rng.bernoulli(0.5); });
    int plain_depth = 0;  // D: the largest ceil(log2(terms)) of the plain trees
    for (int r = 0; r < rows; ++r) {
      std::uint64_t terms = extra[std::size_t(r)];
      for (int c = 0; c < cols; ++c) terms += std::uint64_t(csd_weight(m[std::size_t(r * cols + c)]));
      if (terms > 1) plain_depth = std::max(plain_depth, static_cast<int>(std::bit_width(terms - 1)));
    }
    for (int dc : {-1, 0, 1})
      for (int K : {0, 2}) {
        const CmvmGraph one = share_subexpressions(m, rows, cols, extra, dc, DelayScope::layer, Factoring::none, K);
        CHECK(graph_hash(search_subexpressions(m, rows, cols, extra, dc, 1, DelayScope::layer, K)) == graph_hash(one));
        for (int effort : {3, 12}) {
          const CmvmGraph g = search_subexpressions(m, rows, cols, extra, dc, effort, DelayScope::layer, K);
          require_exact(g, m, rows, cols);
          CHECK(cmvm_adders(g) <= cmvm_adders(one));
          if (dc >= 0) {
            CHECK(g.depth_limit == one.depth_limit);
            CHECK(cmvm_depth(g, extra) <= g.depth_limit);
          } else if (K > 0) {  // pipelined: no level beyond the plain trees' last stage
            CHECK(cmvm_depth(g, extra) <= (std::max(plain_depth, 1) + K - 1) / K * K);
          }
        }
      }
  }
}

TEST_CASE("a recoding of the entries into minimal signed-digit forms keeps the search exact",
          "[netlist][cmvm_search]") {
  // share_subexpressions' `recoding`, the hook the effort search's guided MSD runs use: any
  // choice words give exact graphs within dc, and all-zero words the CSD graph itself.
  Rng rng = Rng::stream(5, 1, 0, "netlist.cmvm_search.recoding");
  for (int trial = 0; trial < 16; ++trial) {
    const int rows = 1 + static_cast<int>(rng.below(9)), cols = 1 + static_cast<int>(rng.below(9));
    const auto m = random_matrix(rng, rows, cols, 2 + static_cast<int>(rng.below(10)), trial % 2 ? 0.3 : 0.0);
    std::vector<std::uint64_t> random(m.size()), zero(m.size(), 0);
    for (auto& c : random) c = rng.next();
    for (int dc : {-1, 0, 1}) {
      const CmvmGraph csd = share_subexpressions(m, rows, cols, {}, dc);
      CHECK(graph_hash(share_subexpressions(m, rows, cols, {}, dc, DelayScope::layer, Factoring::none, 0, {}, zero)) ==
            graph_hash(csd));
      const CmvmGraph g = share_subexpressions(m, rows, cols, {}, dc, DelayScope::layer, Factoring::none, 0, {}, random);
      require_exact(g, m, rows, cols);
      if (dc >= 0) CHECK(cmvm_depth(g) <= g.depth_limit);
    }
  }
  const std::vector<std::int64_t> m = {3, 5};
  const std::vector<std::uint64_t> wrong(1, 0);
  CHECK_THROWS(share_subexpressions(m, 1, 2, {}, -1, DelayScope::layer, Factoring::none, 0, {}, wrong));
}

TEST_CASE("wide weights stay exact with every kind of run", "[netlist][cmvm_search]") {
  Rng rng = Rng::stream(8, 0, 0, "netlist.cmvm_search");
  for (int bits : {24, 44, 56}) {
    const auto m = random_matrix(rng, 6, 7, bits, 0.2);
    for (int dc : {-1, 0}) {
      const CmvmGraph g = search_subexpressions(m, 6, 7, {}, dc, 14);
      require_exact(g, m, 6, 7);
      CHECK(cmvm_adders(g) <= cmvm_adders(share_subexpressions(m, 6, 7, {}, dc)));
    }
  }
}

TEST_CASE("more effort finds fewer adders on random 8-bit matrices", "[netlist][cmvm_search]") {
  Rng rng = Rng::stream(6, 0, 0, "netlist.cmvm_search");
  std::int64_t one = 0, eight = 0, one_dc0 = 0, eight_dc0 = 0;
  for (int trial = 0; trial < 6; ++trial) {
    const auto m = random_matrix(rng, 10, 10, 8, 0.0);
    one += cmvm_adders(search_subexpressions(m, 10, 10, {}, -1, 1));
    eight += cmvm_adders(search_subexpressions(m, 10, 10, {}, -1, 8));
    one_dc0 += cmvm_adders(search_subexpressions(m, 10, 10, {}, 0, 1));
    const CmvmGraph g = search_subexpressions(m, 10, 10, {}, 0, 8);
    eight_dc0 += cmvm_adders(g);
    CHECK(cmvm_depth(g) <= g.depth_limit);
  }
  // Measured on these matrices: the factored forms save 3-4% at dc = -1, permutations ~1% at dc = 0.
  CHECK(eight < one - 6);
  CHECK(eight_dc0 < one_dc0);
}

TEST_CASE("the wider search is deterministic on any number of threads", "[netlist][cmvm_search][threads]") {
  Rng rng = Rng::stream(7, 0, 0, "netlist.cmvm_search");
  std::vector<std::vector<std::int64_t>> ms;
  for (int k = 0; k < 6; ++k) ms.push_back(random_matrix(rng, 8, 9, 7, k % 2 ? 0.3 : 0.0));
  auto hash_of = [&](std::size_t k) { return graph_hash(search_subexpressions(ms[k], 8, 9, {}, k % 3 == 0 ? 0 : -1, 10)); };
  std::vector<std::uint64_t> one(ms.size());
  for (std::size_t k = 0; k < ms.size(); ++k) one[k] = hash_of(k);
  for (unsigned threads : {2u, 3u}) {
    std::vector<std::vector<std::uint64_t>> got(threads, std::vector<std::uint64_t>(ms.size(), 0));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (std::size_t i = 0; i < ms.size(); ++i) {
          const std::size_t k = (i + t * 5) % ms.size();
          got[t][k] = hash_of(k);
        }
      });
    for (auto& th : pool) th.join();
    for (unsigned t = 0; t < threads; ++t) CHECK(got[t] == one);
  }
}

TEST_CASE("sharing_effort out of range is a clear error in the lowering and the CLI", "[netlist][cmvm_search][errors]") {
  Rng rng(2);
  const auto m = test::random_model(rng, {3, 2}, FixedFormat{6, 2}, FixedFormat{6, 2}, FixedFormat{6, 2},
                                    FixedFormat{8, 4}, 0.0);
  for (int bad : {0, -3, kMaxSharingEffort + 1}) {
    LoweringOptions o;
    o.sharing = Sharing::cse;
    o.sharing_effort = bad;
    CHECK_THROWS_WITH(lower(m, o), Catch::Contains("sharing_effort") && Catch::Contains("1 to 256") &&
                                       Catch::Contains(std::to_string(bad)));
  }
  test::TempDir tmp;
  const auto path = tmp.path() / "m.q.json";
  nn::save_quantized_model(m, path);
  const auto bad = test::run_cli({"estimate", path.string(), "--sharing", "cse", "--sharing-effort", "0"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--sharing-effort") != std::string::npos);
  const auto good = test::run_cli({"estimate", path.string(), "--sharing", "cse", "--sharing-effort", "4", "--json"});
  CHECK(good.exit_code == 0);
}

TEST_CASE("trained MAGIC layers with sharing effort: exact products, fewer adders, bit-exact netlist",
          "[netlist][cmvm_search][trained]") {
  // A real trained network (experiments/models/magic_10_32_32_2.json on the shipped MAGIC data,
  // 3 epochs), lowered with the wider search and simulated against the golden model.
  const auto& [d, model] = test::trained_magic();
  for (const auto& l : model.layers) {
    std::vector<std::uint8_t> extra;
    for (auto b : l.biases) extra.push_back(b != 0);
    for (int dc : {-1, 0}) {
      const CmvmGraph g = search_subexpressions(l.weights, l.n_out, l.n_in, extra, dc, 11);
      require_exact(g, l.weights, l.n_out, l.n_in);
      CHECK(cmvm_adders(g) <= cmvm_adders(share_subexpressions(l.weights, l.n_out, l.n_in, extra, dc)));
      if (dc >= 0) CHECK(cmvm_depth(g, extra) <= g.depth_limit);
    }
  }
  const auto inputs = nn::quantize_inputs(model, d.test.x);
  for (int K : {0, 3, 16}) {
    LoweringOptions opt{.levels_per_stage = K};
    opt.sharing = Sharing::cse;
    const Netlist one = lower(model, opt);
    opt.sharing_effort = 12;  // the factored forms and 4 ruin-and-recreate steps
    const Netlist n = lower(model, opt);
    CHECK(test::netlist_adders(n) <= test::netlist_adders(one));
    // K = 16: no boundary inside the plain trees, the factored forms are kept; K = 0 (the
    // default clock's stages) and 3: boundaries inside, the stage-aware runs (guided MSD digits)
    // find fewer adders too (the factored forms alone did not on this network: all rejected).
    CHECK(test::netlist_adders(n) < test::netlist_adders(one));
    CHECK(n.latency_cycles <= one.latency_cycles);
    for (std::size_t s = 0; s < 300; ++s) {
      const std::span<const std::int64_t> x(inputs.data() + s * std::size_t(model.n_inputs), std::size_t(model.n_inputs));
      test::require_golden(n, model, x);
    }
    // Deterministic lowering.
    CHECK(lower(model, opt).literals == n.literals);
  }
}

TEST_CASE("in the stage-aware mode the effort runs keep the boundary values and find fewer adders",
          "[netlist][cmvm_search][stage]") {
  // Layers whose plain trees are deeper than K = 2 levels (a pipeline boundary inside them), at
  // dc = -1: every run's graph is kept only within the plain trees' boundary values and their
  // last stage, and the runs of kStageRuns (guided MSD digits, row trees, permutations) must find
  // fewer adders than the single search on some of them.
  Rng rng = Rng::stream(11, 0, 0, "netlist.cmvm_search.stage");
  constexpr int K = 2;
  std::int64_t one_total = 0, more_total = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const int rows = 4 + static_cast<int>(rng.below(12)), cols = 4 + static_cast<int>(rng.below(12));
    const auto m = random_matrix(rng, rows, cols, 6, 0.3);
    const std::vector<std::uint8_t> extra(std::size_t(rows), 1);
    std::vector<std::uint64_t> terms(std::size_t(rows), 1);
    int deepest = 0;
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) terms[std::size_t(r)] += std::uint64_t(csd_weight(m[std::size_t(r * cols + c)]));
      deepest = std::max(deepest, static_cast<int>(std::bit_width(terms[std::size_t(r)] - 1)));
    }
    if (deepest <= K) continue;
    const int boundaries = (deepest - 1) / K;
    const CmvmGraph one = search_subexpressions(m, rows, cols, extra, -1, 1, DelayScope::layer, K);
    one_total += cmvm_adders(one);
    for (int effort : {2, 8, 10}) {
      const CmvmGraph g = search_subexpressions(m, rows, cols, extra, -1, effort, DelayScope::layer, K);
      require_exact(g, m, rows, cols);
      CHECK(cmvm_adders(g) <= cmvm_adders(one));
      CHECK(cmvm_boundary_values(g, K, boundaries, extra) <= plain_boundary_values(terms, K, boundaries));
      CHECK(cmvm_depth(g, extra) <= (deepest + K - 1) / K * K);
      if (effort == 8) more_total += cmvm_adders(g);
    }
    // Run 1 is the plain search in the guided MSD recoding (within the bound by construction).
    const CmvmGraph msd = share_subexpressions(m, rows, cols, extra, -1, DelayScope::layer, Factoring::none, K, {},
                                               guided_recoding(m, std::size_t(rows), std::size_t(cols), 4));
    CHECK(cmvm_adders(search_subexpressions(m, rows, cols, extra, -1, 2, DelayScope::layer, K)) <=
          std::min(cmvm_adders(one), cmvm_adders(msd)));
  }
  REQUIRE(one_total > 0);
  CHECK(more_total < one_total);
}

TEST_CASE("a small layer gets the effort runs by default, a large one the configured effort",
          "[netlist][cmvm_search]") {
  // kSmallLayerTerms plain terms: CSD digits of the matrix plus the constant terms.
  std::vector<std::int64_t> ones(kSmallLayerTerms, 1);  // one digit each
  const std::vector<std::uint8_t> none, constant = {1};
  CHECK(layer_effort(1, ones, none) == kSmallLayerEffort);
  CHECK(layer_effort(2, ones, none) == kSmallLayerEffort);
  CHECK(layer_effort(1, ones, constant) == 1);  // one term more
  ones.push_back(3);                            // two digits more
  CHECK(layer_effort(1, ones, none) == 1);
  CHECK(layer_effort(7, ones, none) == 7);
  CHECK(layer_effort(kMaxSharingEffort, std::vector<std::int64_t>{1}, none) == kMaxSharingEffort);
  // The output layer (2 x 8, with biases) of a trained physics_binary sample (search_spaces/
  // physics_binary.json, MAGIC): measured 36 adders with one run, 34 with the small layer's runs.
  const std::vector<std::int64_t> m = {173, -52, 498, -423, 133, 94, -493, -59, -472, 176, 184, -85, 480, -216, -97, -205};
  const std::vector<std::uint8_t> extra = {1, 1};
  REQUIRE(layer_effort(1, m, extra) == kSmallLayerEffort);
  const CmvmGraph g = search_subexpressions(m, 2, 8, extra, -1, layer_effort(1, m, extra), DelayScope::layer, 3);
  require_exact(g, m, 2, 8);
  CHECK(cmvm_adders(g) < cmvm_adders(search_subexpressions(m, 2, 8, extra, -1, 1, DelayScope::layer, 3)));
}

TEST_CASE("the lowering gives small layers the small-layer effort at the default", "[netlist][cmvm_search]") {
  Rng rng = Rng::stream(9, 0, 0, "netlist.cmvm_search.small");
  const FixedFormat in{10, 4}, w{7, 1}, b{8, 3}, hidden{10, 4};
  LoweringOptions o;
  o.sharing = Sharing::cse;
  for (int trial = 0; trial < 6; ++trial) {
    // Layers of 8 x 6 and 6 x 2 entries, 7-bit weights: every layer under kSmallLayerTerms.
    const nn::QuantizedModel model = test::random_model(rng, {8, 6, 2}, in, w, b, hidden, 0.2);
    o.sharing_effort = 1;
    const Netlist by_default = lower(model, o);
    o.sharing_effort = kSmallLayerEffort;
    CHECK(lower(model, o).literals == by_default.literals);
    for (int s = 0; s < 20; ++s) test::require_golden(by_default, model, test::random_input(rng, model));
  }
}
