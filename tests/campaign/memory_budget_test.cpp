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
