#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "nas4ml/core/error.hpp"
#include "nas4ml/space/operators.hpp"
#include "nas4ml/space/search_space.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::space;

namespace {
SearchSpace jets() { return load_search_space(test::source_path("search_spaces/jet_mlp.json")); }
}  // namespace

TEST_CASE("operators always yield valid genomes (property test)", "[space][operators]") {
  for (const char* file : {"jet_mlp.json", "image_mlp.json", "physics_binary.json"}) {
    const SearchSpace s = load_search_space(test::source_path(std::string("search_spaces/") + file));
    OperatorOptions o;
    o.insert_probability = 0.3;
    o.delete_probability = 0.3;
    Rng rng(Rng::stream(5, 0, 0, file));
    std::set<int> depths_seen, crossover_depths;
    std::vector<Genes> pool;
    for (int i = 0; i < 30; ++i) pool.push_back(random_genome(s, rng));
    for (int t = 0; t < 3000; ++t) {
      const Genes& a = pool[rng.below(pool.size())];
      const Genes& b = pool[rng.below(pool.size())];
      auto [c, d] = crossover(s, a, b, rng, o);
      REQUIRE(check(s, c).empty());
      REQUIRE(check(s, d).empty());
      crossover_depths.insert(hidden_layers(s, c));
      mutate(s, c, rng, o);
      REQUIRE(check(s, c) == "");
      depths_seen.insert(hidden_layers(s, c));
      const nn::ModelSpec m = decode(s, c);
      REQUIRE(static_cast<int>(m.layers.size()) == hidden_layers(s, c) + 1);
      pool[rng.below(pool.size())] = c;
    }
    INFO(file);
    CHECK(depths_seen == std::set<int>{s.min_hidden, s.min_hidden + 1, s.max_hidden});
    CHECK(crossover_depths.size() == 3);
  }
}

TEST_CASE("repair turns any vector into a valid canonical genome", "[space][operators]") {
  const SearchSpace s = jets();
  Rng rng(9);
  for (int t = 0; t < 2000; ++t) {
    Genes g(rng.below(120));
    for (auto& x : g) x = static_cast<std::int32_t>(rng.below(40)) - 10;
    repair(s, g);
    REQUIRE(check(s, g).empty());
    Genes again = g;
    repair(s, again);
    REQUIRE(again == g);  // repair is idempotent on valid genomes
  }
}

TEST_CASE("genes without effect are canonicalized", "[space][operators]") {
  const SearchSpace s = jets();
  Rng rng(4);
  Genes g = random_genome(s, rng);
  // set every sparsity to 0: prune_rounds (choices 1, 2) then has no effect
  const auto names = gene_names(s, hidden_layers(s, g));
  std::size_t prune = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].ends_with(".sparsity")) g[i] = 0;
    if (names[i] == "training.prune_rounds") prune = i;
  }
  g[prune] = 1;
  CHECK_THAT(check(s, g), Catch::Contains("training.prune_rounds"));
  repair(s, g);
  CHECK(g[prune] == 0);
  CHECK(check(s, g).empty());
}

TEST_CASE("mutation steps to neighbouring choices and resamples", "[space][operators]") {
  const SearchSpace s = jets();
  OperatorOptions step_only;
  step_only.step_probability = 1.0;
  step_only.gene_rate = 0.2;
  step_only.insert_probability = 0.0;
  step_only.delete_probability = 0.0;
  Rng rng(12);
  std::size_t changed = 0;
  for (int t = 0; t < 500; ++t) {
    Genes g = random_genome(s, rng);
    const Genes before = g;
    mutate(s, g, rng, step_only);
    REQUIRE(g.size() == before.size());
    Genes canon_before = before;
    const auto names = gene_names(s, hidden_layers(s, g));
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (names[i].starts_with("training.prune") || names[i].starts_with("training.structured") ||
          names[i] == "training.momentum")
        continue;  // canonicalization may reset these
      REQUIRE(std::abs(g[i] - before[i]) <= 1);
      changed += g[i] != before[i];
    }
  }
  CHECK(changed > 500);
  // layer insertion and deletion change the depth by one
  OperatorOptions layers_only;
  layers_only.gene_rate = 0.0;
  layers_only.insert_probability = 0.5;
  layers_only.delete_probability = 0.5;
  std::set<int> deltas;
  for (int t = 0; t < 300; ++t) {
    Genes g = random_genome(s, rng);
    const int before = hidden_layers(s, g);
    mutate(s, g, rng, layers_only);
    deltas.insert(hidden_layers(s, g) - before);
  }
  CHECK(deltas == std::set<int>{-1, 0, 1});  // 0: insert at max depth or delete at min depth
}

TEST_CASE("operators are deterministic given the stream", "[space][operators]") {
  const SearchSpace s = jets();
  auto run = [&] {
    Rng rng(77);
    Genes a = random_genome(s, rng), b = random_genome(s, rng);
    for (int t = 0; t < 50; ++t) {
      auto [c, d] = crossover(s, a, b, rng);
      mutate(s, c, rng);
      mutate(s, d, rng);
      a = c;
      b = d;
    }
    return std::pair{a, b};
  };
  CHECK(run() == run());
}

TEST_CASE("operator probabilities are validated", "[space][operators]") {
  OperatorOptions o;
  o.step_probability = 1.5;
  CHECK_THROWS_WITH(validate(o), Catch::Contains("space_operators.step_probability") && Catch::Contains("[0, 1]") &&
                                     Catch::Contains("got 1.5"));
  o = {};
  o.insert_probability = 0.7;
  o.delete_probability = 0.7;
  CHECK_THROWS_AS(validate(o), ConfigError);
}

TEST_CASE("a Latin hypercube uses every layer count and every choice about equally often", "[space][operators]") {
  const SearchSpace s = jets();
  Rng rng = Rng::stream(11, 0, 0, "test.lhs");
  const std::size_t n = 60;
  const auto design = latin_hypercube(s, n, rng);
  REQUIRE(design.size() == n);
  std::map<int, int> layers;
  std::map<std::int32_t, int> first_gene;  // a global gene every genome has
  for (const auto& g : design) {
    CHECK(check(s, g).empty());
    ++layers[hidden_layers(s, g)];
    ++first_gene[g[0]];
  }
  const int counts = s.max_hidden - s.min_hidden + 1;
  REQUIRE(static_cast<int>(layers.size()) == counts);
  for (const auto& [n_layers, k] : layers) {  // n / counts each, within one (strata rounding)
    CHECK(k >= static_cast<int>(n) / counts - 1);
    CHECK(k <= static_cast<int>(n) / counts + 1);
  }
  const auto k0 = static_cast<int>(s.global_sizes.at(0));
  REQUIRE(static_cast<int>(first_gene.size()) == k0);
  for (const auto& [choice, k] : first_gene) {
    CHECK(k >= static_cast<int>(n) / k0 - 1);
    CHECK(k <= static_cast<int>(n) / k0 + 1);
  }
  Rng again = Rng::stream(11, 0, 0, "test.lhs");
  CHECK(latin_hypercube(s, n, again) == design);
}

namespace {
/// The rule of differential() with CR 1 and the clamp bound rule, written out: every gene of the
/// target's layout becomes round(base + F (a - b)) read at the same place (a hidden-layer gene of
/// a shallower genome from its last layer), clamped into the gene's choices, then repaired.
Genes expected_differential(const SearchSpace& s, const Genes& target, const Genes& base, const Genes& a,
                            const Genes& b, double f) {
  const std::size_t fixed = s.global_sizes.size() + s.output_sizes.size(), h = s.hidden_sizes.size();
  auto read = [&](const Genes& g, std::size_t i) -> double {
    if (i < fixed) return g[i];
    const std::size_t layers = (g.size() - fixed) / h;
    return g[fixed + std::min((i - fixed) / h, layers - 1) * h + (i - fixed) % h];
  };
  Genes out = target;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int32_t size = i < s.global_sizes.size() ? s.global_sizes[i]
                              : i < fixed                ? s.output_sizes[i - s.global_sizes.size()]
                                                         : s.hidden_sizes[(i - fixed) % h];
    const long x = std::lround(read(base, i) + f * (read(a, i) - read(b, i)));
    out[i] = static_cast<std::int32_t>(std::clamp(x, 0L, static_cast<long>(size - 1)));
  }
  repair(s, out);
  return out;
}
}  // namespace

TEST_CASE("differential variation on choice indices: by hand, the target's depth, bounds, valid, deterministic",
          "[space][operators][differential]") {
  const SearchSpace s = jets();
  OperatorOptions o;
  o.de_f = 0.5;
  o.de_cr = 1.0;  // every gene from the mutant
  o.de_bounds = "clamp";
  Rng rng(31);
  std::set<std::pair<int, int>> depths;  // (target, a) depths seen
  for (int t = 0; t < 300; ++t) {
    const Genes target = random_genome(s, rng), base = random_genome(s, rng), a = random_genome(s, rng),
                b = random_genome(s, rng);
    const Genes child = differential(s, target, base, a, b, rng, o);
    REQUIRE(child == expected_differential(s, target, base, a, b, 0.5));
    REQUIRE(hidden_layers(s, child) == hidden_layers(s, target));
    depths.insert({hidden_layers(s, target), hidden_layers(s, a)});
  }
  CHECK(depths.size() == 9);  // deeper and shallower donors than the target were both exercised

  // One gene by hand: the first hidden layer's units (choices 8, 16, 24, 32, 48, 64).
  const std::size_t units = s.global_sizes.size() + s.output_sizes.size();
  REQUIRE(gene_names(s, 1)[units].find("units") != std::string::npos);
  Genes zero(s.genome_length(1), 0);
  repair(s, zero);
  Genes a = zero, b = zero;
  a[units] = 4;  // 48 units
  b[units] = 1;  // 16 units
  Genes base = zero;
  base[units] = 2;
  CHECK(differential(s, zero, base, a, b, rng, o)[units] == 4);  // 2 + 0.5 * (4 - 1) = 3.5 -> 4
  o.de_f = 2.0;
  CHECK(differential(s, zero, base, a, b, rng, o)[units] == 5);  // 2 + 2 * 3 = 8 > 5: clamped to the last choice
  o.de_bounds = "random";
  std::set<std::int32_t> seen;
  for (int t = 0; t < 200; ++t) seen.insert(differential(s, zero, base, a, b, rng, o)[units]);
  CHECK(seen == std::set<std::int32_t>{2, 3, 4, 5});  // uniform between the base (2) and the end (5)

  // CR 0: exactly one gene may come from the mutant.
  o = {};
  o.de_cr = 0.0;
  for (int t = 0; t < 200; ++t) {
    const Genes target = random_genome(s, rng);
    const Genes child = differential(s, target, random_genome(s, rng), random_genome(s, rng), random_genome(s, rng), rng, o);
    std::size_t changed = 0;
    const auto names = gene_names(s, hidden_layers(s, target));
    for (std::size_t i = 0; i < child.size(); ++i)  // canonicalization may reset the genes without effect
      changed += child[i] != target[i] && !names[i].starts_with("training.prune") &&
                 !names[i].starts_with("training.structured") && names[i] != "training.momentum";
    REQUIRE(changed <= 1);
  }

  // Always valid on every shipped space, and deterministic given the stream.
  for (const char* file : {"jet_mlp.json", "image_mlp.json", "physics_binary.json"}) {
    const SearchSpace sp = load_search_space(test::source_path(std::string("search_spaces/") + file));
    auto run = [&](std::uint64_t seed) {
      Rng r(seed);
      std::vector<Genes> out;
      for (int t = 0; t < 300; ++t) {
        out.push_back(differential(sp, random_genome(sp, r), random_genome(sp, r), random_genome(sp, r),
                                   random_genome(sp, r), r, OperatorOptions{}));
        REQUIRE(check(sp, out.back()).empty());
      }
      return out;
    };
    CHECK(run(4) == run(4));
    CHECK(run(4) != run(5));
  }
}

TEST_CASE("differential settings are validated", "[space][operators][differential]") {
  OperatorOptions o;
  o.de_f = 0.0;
  CHECK_THROWS_WITH(validate(o), Catch::Contains("space_operators.de_f") && Catch::Contains("(0, 2]") && Catch::Contains("got 0"));
  o = {};
  o.de_cr = 1.5;
  CHECK_THROWS_WITH(validate(o), Catch::Contains("space_operators.de_cr") && Catch::Contains("got 1.5"));
  o = {};
  o.de_bounds = "wrap";
  CHECK_THROWS_WITH(validate(o), Catch::Contains("space_operators.de_bounds") && Catch::Contains("one of random, clamp") &&
                                     Catch::Contains("got \"wrap\""));
}
