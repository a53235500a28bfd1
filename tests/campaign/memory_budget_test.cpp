#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "nas4ml/campaign/memory_budget.hpp"
#include "nas4ml/core/error.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

namespace {
nn::ModelSpec mlp(int hidden_layers, int units, int outputs) {
  nn::ModelSpec s;
  for (int k = 0; k < hidden_layers; ++k) {
    nn::LayerSpec L;
    L.units = units;
    s.layers.push_back(L);
  }
  nn::LayerSpec out;
  out.units = outputs;
  s.layers.push_back(out);
  return s;
}

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("a candidate of 16 hidden layers of 4096 units is over the memory budget before training",
          "[campaign][memory][hardening]") {
  const auto big = mlp(16, 4096, 2);
  CHECK(campaign::candidate_memory_bytes(big, 10, 10000) > (std::uint64_t{4} << 30));
  CHECK_THAT(campaign::over_budget_reason(big, 10, 10000), Catch::Contains("over the memory budget"));
  CHECK(campaign::over_budget_reason(mlp(2, 64, 2), 10, 10000).empty());
}

TEST_CASE("a search space whose every candidate would fail is refused before the campaign starts",
          "[campaign][memory][hardening]") {
  const test::TempDir tmp;
  std::string text = slurp(test::source_path("search_spaces/physics_binary.json"));
  text = std::regex_replace(text, std::regex(R"("hidden_layers": \{[^}]*\})"), R"("hidden_layers": {"min": 16, "max": 16})");
  text = std::regex_replace(text, std::regex(R"("units": \[[^\]]*\])"), R"("units": [4096])");
  const auto file = tmp.write("huge.json", text);
  const auto space = space::load_search_space(file);
  CHECK_THROWS_WITH(campaign::check_space_fits_budget(space, 10, 10000),
                    Catch::Contains("every candidate of this search space would fail"));
  CHECK_NOTHROW(campaign::check_space_fits_budget(space::load_search_space(test::source_path("search_spaces/physics_binary.json")), 10, 10000));
}

TEST_CASE("a generation of 100,000 candidates is refused before it starts instead of holding ~16 GB of records",
          "[campaign][memory][hardening]") {
  // The estimate's premise: one JSON value (a weight, a mask bit) is 16 bytes.
  STATIC_REQUIRE(sizeof(Json) == 16);
  // The jet classifier 16-64-32-32-5: 4,256 weights and 133 biases, about 151 KiB while its
  // generation is pending (the size measured per candidate of a population of 100,000).
  CHECK(campaign::record_memory_bytes(mlp(0, 0, 0), 16) == 16 * 1024 + 16 * 0);
  nn::ModelSpec jet = mlp(0, 0, 5);
  for (int u : {64, 32, 32}) jet.layers.insert(jet.layers.end() - 1, mlp(1, u, 0).layers.front());
  CHECK(campaign::record_memory_bytes(jet, 16) == 4256 * 32 + 133 * 16 + 16 * 1024);

  const auto space = space::load_search_space(test::source_path("search_spaces/jet_mlp.json"));
  const std::uint64_t mean = campaign::mean_record_bytes(space, 16);
  CHECK(mean > 16 * 1024);
  CHECK(mean == campaign::mean_record_bytes(space, 16));  // a fixed sample: the same answer every time
  CHECK_THROWS_WITH(campaign::check_population_fits_budget(space, 100000, 16, "e.json"),
                    Catch::Contains("e.json:search.population: a generation would not fit the campaign memory budget: "
                                    "100000 candidates") &&
                        Catch::Contains("(NAS4ML_CAMPAIGN_MEMORY_MB)") && Catch::Contains("got 100000"));
  CHECK_NOTHROW(campaign::check_population_fits_budget(space, 200, 16, "e.json"));
}

TEST_CASE("the campaign memory budget is read from NAS4ML_CAMPAIGN_MEMORY_MB and bounds the population",
          "[campaign][memory][hardening]") {
  const auto space = space::load_search_space(test::source_path("search_spaces/jet_mlp.json"));
  const std::uint64_t mean = campaign::mean_record_bytes(space, 16);
  const int fits = static_cast<int>((std::uint64_t{1} << 20) / mean);  // candidates within 1 MiB
  REQUIRE(fits >= 1);
  ::setenv("NAS4ML_CAMPAIGN_MEMORY_MB", "1", 1);
  CHECK(campaign::campaign_memory_budget() == (std::uint64_t{1} << 20));
  CHECK_NOTHROW(campaign::check_population_fits_budget(space, fits, 16, "e.json"));
  CHECK_THROWS_AS(campaign::check_population_fits_budget(space, fits + 1, 16, "e.json"), ConfigError);
  ::setenv("NAS4ML_CAMPAIGN_MEMORY_MB", "lots", 1);
  CHECK_THROWS_WITH(campaign::campaign_memory_budget(), Catch::Contains("NAS4ML_CAMPAIGN_MEMORY_MB: bad environment variable"));
  ::unsetenv("NAS4ML_CAMPAIGN_MEMORY_MB");
  CHECK(campaign::campaign_memory_budget() == (std::uint64_t{4096} << 20));
}
