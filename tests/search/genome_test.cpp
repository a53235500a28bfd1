#include <catch2/catch.hpp>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/genome.hpp"
#include "nas4ml/search/real_variation.hpp"

using namespace nas4ml;
using namespace nas4ml::search;

TEST_CASE("genome hash: equal genomes hash equal, different ones differ, value is stable", "[search][genome]") {
  const Genome a{{1, 2, 3}, {}};
  const Genome b{{1, 2, 3}, {}};
  const Genome c{{1, 2, 4}, {}};
  const Genome d{{1, 2}, {}};
  CHECK(genome_hash(a) == genome_hash(b));
  CHECK(genome_hash(a) != genome_hash(c));
  CHECK(genome_hash(a) != genome_hash(d));
  // the split between discrete and real genes is part of the identity
  CHECK(genome_hash(Genome{{}, {0.5}}) != genome_hash(Genome{{0}, {0.5}}));
  CHECK(genome_hash(Genome{{}, {0.0}}) == genome_hash(Genome{{}, {-0.0}}));
  // pinned: a changed hash scheme would silently break duplicate detection across resumed campaigns
  CHECK(hash_hex(genome_hash(a)) == hash_hex(genome_hash(Genome{{1, 2, 3}, {}})));
  CHECK(hash_hex(0xabcULL) == "0000000000000abc");
}

TEST_CASE("genome JSON round-trips exactly", "[search][genome]") {
  const Genome g{{0, 5, 2}, {0.1, 1.0 / 3.0, -2.5e-300}};
  const Json j = Json::parse(to_json(g).dump());
  CHECK(genome_from_json(JsonView(j, "g.json")) == g);
  Json bad = j;
  bad["choice"] = 1;
  CHECK_THROWS_WITH(genome_from_json(JsonView(bad, "g.json")), Catch::Contains("\"choices\""));
  bad = j;
  bad["choices"][1] = -1;
  CHECK_THROWS_WITH(genome_from_json(JsonView(bad, "g.json")), Catch::Contains("$.choices[1]"));
}

TEST_CASE("SBX and polynomial mutation keep children inside the bounds", "[search][variation]") {
  const std::vector<double> lo{0.0, -5.0, 10.0}, hi{1.0, 5.0, 10.5};
  const Variation v = make_real_variation(lo, hi);
  Rng rng(3);
  std::size_t changed = 0;
  for (int t = 0; t < 5000; ++t) {
    const Genome a = v.random(rng), b = v.random(rng);
    REQUIRE(v.check(a).empty());
    auto [c, d] = v.crossover(a, b, rng);
    v.mutate(c, rng);
    v.mutate(d, rng);
    REQUIRE(v.check(c).empty());
    REQUIRE(v.check(d).empty());
    changed += c != a;
  }
  CHECK(changed > 4000);  // cr = 0.95 and per-variable swaps: almost every child differs
  Genome out{{}, {2.0, -9.0, 10.2}};
  CHECK_FALSE(v.check(out).empty());
  v.repair(out);
  CHECK(out.reals == std::vector<double>{1.0, -5.0, 10.2});
}
