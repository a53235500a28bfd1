#include <catch2/catch.hpp>

#include "nas4ml/core/json.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

TEST_CASE("nas4ml space check and sample", "[space][cli]") {
  const std::string jets = test::source_path("search_spaces/jet_mlp.json");
  auto r = test::run_cli({"space", "check", jets});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("ok: ") && Catch::Contains("\"jet_mlp\"") && Catch::Contains("1-3 hidden layers"));

  r = test::run_cli({"space", "sample", jets, "--n", "4", "--seed", "2"});
  REQUIRE(r.exit_code == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 4);
  CHECK_THAT(r.out, Catch::Contains("16 in") && Catch::Contains("> 5 w"));

  const auto a = test::run_cli({"space", "sample", jets, "--n", "3", "--json"});
  const auto b = test::run_cli({"space", "sample", jets, "--n", "3", "--json"});
  REQUIRE(a.exit_code == 0);
  const Json j = Json::parse(a.out);
  REQUIRE(j.size() == 3);
  CHECK(j[0]["layers"].back()["units"] == 5);
  CHECK(a.out == b.out);
}

TEST_CASE("nas4ml space check reports a bad space in one line", "[space][cli]") {
  test::TempDir dir;
  const auto file = dir.write("bad.json", R"({"name": "x", "inputs": 4, "outputs": 2,
    "hidden_layers": {"min": 1, "max": 2}, "hidden": {"units": [4], "sparsity": [1.5]}})");
  const auto r = test::run_cli({"space", "check", file.string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("error: ") && Catch::Contains("bad.json:$.hidden.sparsity[0]"));
}
