#include <catch2/catch.hpp>

#include <cmath>
#include <algorithm>
#include <limits>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/moo_benchmark.hpp"
#include "nas4ml/search/nsga2.hpp"
#include "nas4ml/search/real_variation.hpp"
#include "nas4ml/search/survival.hpp"
#include "nas4ml/search/test_problems.hpp"

using namespace nas4ml;
using namespace nas4ml::search;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

Nsga2Options options_for(const std::string& kind, std::size_t pop, std::size_t m, std::uint64_t seed) {
  Nsga2Options o;
  o.population_size = pop;
  o.directions.assign(m, Direction::minimize);
  o.seed = seed;
  o.survival = kind;
  return o;
}

void run_generations(Nsga2& opt, const Problem& p, std::size_t gens, std::size_t batch = 0) {
  for (std::size_t g = 0; g < gens; ++g) {
    const auto genomes = opt.ask(batch && opt.generation() > 0 ? batch : opt.options().population_size);
    std::vector<std::vector<double>> f;
    std::vector<double> v;
    for (const auto& x : genomes) {
      f.push_back(p.objectives(x.reals));
      v.push_back(p.constraints ? total_violation(p.constraints(x.reals)) : 0.0);
    }
    opt.tell(genomes, f, v);
  }
}

std::vector<Genome> genomes_of(const Nsga2& opt) {
  std::vector<Genome> out;
  for (const auto& ind : opt.population()) out.push_back(ind.genome);
  return out;
}
}  // namespace

TEST_CASE("survival kinds are registered and an unknown one is refused with the list", "[search][survival]") {
  CHECK(survival_kinds() == std::vector<std::string>{"nsga2", "smsemoa", "nsga3"});
  SurvivalSettings s;
  for (const auto& k : survival_kinds()) CHECK(make_survival(k, s)->kind() == k);
  CHECK_THROWS_WITH(make_survival("nsga4", s), Catch::Contains("search.algorithm") && Catch::Contains("\"smsemoa\"") &&
                                                   Catch::Contains("got \"nsga4\""));
  const Problem p = make_problem("zdt1", 6);
  auto o = options_for("moead", 10, 2, 1);
  CHECK_THROWS_AS(Nsga2(o, make_real_variation(p.lower, p.upper)), ConfigError);
  o = options_for("nsga3", 10, 12, 1);
  o.reference_divisions = 30;  // C(41, 11) directions
  CHECK_THROWS_WITH(Nsga2(o, make_real_variation(p.lower, p.upper)), Catch::Contains("reference_divisions"));
}

TEST_CASE("every survival kind keeps constrained domination", "[search][survival]") {
  // two feasible (one dominated), infeasible with violations 0.5 and 2, one failed candidate
  const std::vector<Point> pts = {{0, 0}, {5, 5}, {1, 1}, {-9, -9}, {0, 0}, {-1, 3}};
  const std::vector<double> viol = {kInf, 2.0, 0.0, 0.5, 0.0, 0.0};
  for (const auto& kind : survival_kinds()) {
    INFO(kind);
    SurvivalSettings st;
    st.population = 3;
    const auto s = make_survival(kind, st);
    Rng rng(1);
    // mu = 3: the three feasible ones, whatever their objectives say against infeasible ones
    CHECK(s->select(pts, viol, 3, rng) == std::vector<std::size_t>{2, 4, 5});
    // mu = 4: then the smaller violation; mu = 5: then the larger; the failed one last
    CHECK(s->select(pts, viol, 4, rng) == std::vector<std::size_t>{2, 3, 4, 5});
    CHECK(s->select(pts, viol, 5, rng) == std::vector<std::size_t>{1, 2, 3, 4, 5});
    // mu = 2: the feasible front {4, 5} (2 is dominated by 4)
    CHECK(s->select(pts, viol, 2, rng) == std::vector<std::size_t>{4, 5});
    const auto sc = s->score(pts, viol);
    CHECK(sc.rank == std::vector<std::size_t>{4, 3, 1, 2, 0, 0});
  }
}

TEST_CASE("every survival kind ends with a feasible front on the constrained BNH and TNK", "[search][survival]") {
  for (const auto& kind : survival_kinds())
    for (const char* name : {"bnh", "tnk"}) {
      INFO(kind << " on " << name);
      const Problem p = make_problem(name);
      Nsga2 opt(options_for(kind, 24, 2, 9), make_real_variation(p.lower, p.upper));
      run_generations(opt, p, 30);
      REQUIRE(opt.front().size() >= 10);
      for (std::size_t i : opt.front()) CHECK(total_violation(p.constraints(opt.population()[i].genome.reals)) == 0.0);
    }
}

TEST_CASE("every survival kind: same seed same populations, and exact resume from the JSON state", "[search][survival]") {
  for (const auto& kind : survival_kinds())
    for (std::size_t batch : {0u, 5u}) {
      INFO(kind << ", children per generation " << batch);
      const Problem p = make_problem("dtlz2", 7);
      const Variation v = make_real_variation(p.lower, p.upper);
      Nsga2 whole(options_for(kind, 20, 3, 4), v), twin(options_for(kind, 20, 3, 4), v),
          part(options_for(kind, 20, 3, 4), v), other(options_for(kind, 20, 3, 5), v);
      run_generations(whole, p, 25, batch);
      run_generations(twin, p, 25, batch);
      run_generations(other, p, 25, batch);
      CHECK(genomes_of(whole) == genomes_of(twin));
      CHECK(genomes_of(whole) != genomes_of(other));
      run_generations(part, p, 11, batch);
      const Json parsed = Json::parse(part.state().dump());
      CHECK(parsed["format"] == "nas4ml.nsga2.v2");
      CHECK(parsed["options"]["survival"] == kind);
      Nsga2 resumed = Nsga2::restore(JsonView(parsed, "state.json"), v);
      CHECK(resumed.options().survival == kind);
      run_generations(resumed, p, 14, batch);
      CHECK(genomes_of(resumed) == genomes_of(whole));
      CHECK(resumed.state() == whole.state());
    }
}

TEST_CASE("a version 1 state (before survival kinds) restores as nsga2", "[search][survival]") {
  const Problem p = make_problem("zdt1", 6);
  const Variation v = make_real_variation(p.lower, p.upper);
  Nsga2 a(options_for("nsga2", 12, 2, 2), v);
  run_generations(a, p, 3);
  Json old = a.state();
  old["format"] = "nas4ml.nsga2.v1";
  old["options"].erase("survival");
  old["options"].erase("reference_divisions");
  old["options"].erase("prescreen");
  old.erase("archive");
  Nsga2 b = Nsga2::restore(JsonView(old, "state.json"), v);
  CHECK(b.options().survival == "nsga2");
  CHECK(b.state() == a.state());
  old["options"]["survival"] = "smsemoa";  // v1 had no such key
  CHECK_THROWS_WITH(Nsga2::restore(JsonView(old, "state.json"), v), Catch::Contains("survival"));
}

TEST_CASE("on DTLZ2 (3 objectives) smsemoa and nsga3 spread the front better than nsga2", "[search][survival]") {
  MooRunOptions o;
  o.problem = "dtlz2";
  o.population = 40;
  o.generations = 60;
  double hv[3];
  for (int k = 0; k < 3; ++k) {
    o.algorithm = survival_kinds()[static_cast<std::size_t>(k)];
    hv[k] = run_moo_benchmark(o).hypervolume;
  }
  CHECK(hv[1] > hv[0]);
  CHECK(hv[2] > hv[0]);
  CHECK(hv[1] > 0.7);
}

TEST_CASE("surrogate pre-screening: validated, deterministic, resumed exactly with its archive", "[search][surrogate]") {
  const Problem p = make_problem("zdt1", 6);
  const Variation v = make_real_variation(p.lower, p.upper);
  auto o = options_for("nsga2", 20, 2, 3);
  o.prescreen = 0;
  CHECK_THROWS_WITH(Nsga2(o, v), Catch::Contains("nsga2.prescreen") && Catch::Contains("[1, 100]"));
  o.prescreen = 4;
  Nsga2 whole(o, v), twin(o, v), part(o, v), plain(options_for("nsga2", 20, 2, 3), v);
  run_generations(whole, p, 12);
  run_generations(twin, p, 12);
  run_generations(plain, p, 12);
  CHECK(genomes_of(whole) == genomes_of(twin));
  CHECK(genomes_of(whole) != genomes_of(plain));
  run_generations(part, p, 5);
  const Json parsed = Json::parse(part.state().dump());
  CHECK(parsed["archive"].size() == 100);  // every feasible evaluation so far
  Nsga2 resumed = Nsga2::restore(JsonView(parsed, "state.json"), v);
  run_generations(resumed, p, 7);
  CHECK(genomes_of(resumed) == genomes_of(whole));
  CHECK(resumed.state() == whole.state());
}

TEST_CASE("surrogate pre-screening raises the archive hypervolume at a campaign's budget (ZDT1, 520 evaluations)",
          "[search][surrogate]") {
  MooRunOptions o;
  o.problem = "zdt1";
  o.n_variables = 6;
  o.population = 20;
  o.generations = 25;
  o.archive = true;
  o.variation.crossover_probability = 0.9;
  o.variation.eta_c = 20;
  o.variation.eta_m = 20;
  std::vector<double> off, on;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    o.seed = seed;
    o.prescreen = 1;
    off.push_back(run_moo_benchmark(o).archive_hypervolume);
    o.prescreen = 4;
    on.push_back(run_moo_benchmark(o).archive_hypervolume);
  }
  std::sort(off.begin(), off.end());
  std::sort(on.begin(), on.end());
  CHECK(on[2] > off[2] + 0.03);  // medians of 5 seeds
}
