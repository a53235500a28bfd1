#include <catch2/catch.hpp>

#include <set>

#include "nas4ml/search/nsga2.hpp"
#include "nas4ml/space/search_adapter.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;

namespace {
// A cheap stand-in for training: "accuracy" grows with width and weight bits, "cost" with
// units x bits; no network is trained.
std::vector<double> fake_objectives(const space::SearchSpace& s, const search::Genome& g) {
  const nn::ModelSpec m = space::decode(s, g.choices);
  double width = 0.0, cost = 0.0;
  for (const auto& l : m.layers) {
    width += l.units * l.weight_format.width;
    cost += l.units * l.weight_format.width * (1.0 - l.sparsity) / l.reuse_factor;
  }
  return {1.0 - 1.0 / (1.0 + width / 100.0), cost};
}

void run(search::Nsga2& opt, const space::SearchSpace& s, int gens, std::set<std::uint64_t>& handed) {
  for (int gen = 0; gen < gens; ++gen) {
    const auto genomes = opt.ask(16);
    std::vector<std::vector<double>> f;
    for (const auto& g : genomes) {
      REQUIRE(space::check(s, g.choices).empty());
      REQUIRE(handed.insert(search::genome_hash(g)).second);  // never handed out twice
      f.push_back(fake_objectives(s, g));
    }
    opt.tell(genomes, f, std::vector<double>(genomes.size(), 0.0));
  }
}
}  // namespace

TEST_CASE("NSGA-II searches a space: valid, never duplicated, resumable", "[space][adapter]") {
  const auto s = space::load_search_space(test::source_path("search_spaces/jet_mlp.json"));
  const search::Variation v = space::make_variation(s);
  search::Nsga2Options o;
  o.population_size = 16;
  o.directions = {search::Direction::maximize, search::Direction::minimize};
  o.seed = 42;
  search::Nsga2 a(o, v), b(o, v);
  std::set<std::uint64_t> ha, hb;
  run(a, s, 20, ha);
  run(b, s, 8, hb);
  const Json state = Json::parse(b.state().dump());
  search::Nsga2 c = search::Nsga2::restore(JsonView(state, "state"), space::make_variation(s));
  run(c, s, 12, hb);
  REQUIRE(a.population().size() == c.population().size());
  for (std::size_t i = 0; i < a.population().size(); ++i) CHECK(a.population()[i].genome == c.population()[i].genome);
  CHECK(ha.size() == 20 * 16);
  // the front moves toward cheap, accurate models: both extremes are present
  CHECK(a.front().size() >= 4);
  // a changed space is refused on restore
  auto changed = s;
  changed.hidden.units.push_back(128);
  const Json moved = to_json(changed);
  CHECK_THROWS_WITH(search::Nsga2::restore(JsonView(state, "state"),
                                           space::make_variation(space::parse_search_space(JsonView(moved, "x")))),
                    Catch::Contains("different encoding"));
}
