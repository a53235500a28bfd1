#include <catch2/catch.hpp>

#include "nas4ml/core/json.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;

TEST_CASE("nas4ml moo-bench prints hypervolume, evaluations and time", "[search][cli]") {
  const auto r = test::run_cli({"moo-bench", "--problem", "zdt1", "--pop", "20", "--gens", "10", "--seed", "3"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("hypervolume") && Catch::Contains("reference point (1.1, 1.1)") &&
                        Catch::Contains("evaluations   220") && Catch::Contains("ms per generation"));
}

TEST_CASE("nas4ml moo-bench --json lists the front and is reproducible", "[search][cli]") {
  const std::vector<std::string> args{"moo-bench", "--problem", "dtlz2", "--pop", "24", "--gens", "30", "--json"};
  const auto a = test::run_cli(args);
  const auto b = test::run_cli(args);
  REQUIRE(a.exit_code == 0);
  const Json j = Json::parse(a.out);
  CHECK(j["evaluations"] == 24 * 31);
  CHECK(j["reference_point"] == Json::array({1.1, 1.1, 1.1}));
  REQUIRE(j["front"].size() >= 1);
  CHECK(j["front"][0].size() == 3);
  CHECK(j["hypervolume"].get<double>() > 0.0);
  CHECK(Json::parse(b.out)["front"] == j["front"]);  // same seed, same front
}

TEST_CASE("nas4ml moo-bench rejects bad options with one line", "[search][cli]") {
  auto r = test::run_cli({"moo-bench", "--problem", "zdt7"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("error: ") && Catch::Contains("unknown test problem"));
  r = test::run_cli({"moo-bench", "--pop", "2"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--pop") && Catch::Contains("[4, 100000]") && Catch::Contains("got 2"));
  r = test::run_cli({"moo-bench", "--eta-c", "0"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("eta_c"));
}

TEST_CASE("nas4ml moo-bench --algorithm and --archive", "[search][cli]") {
  auto r = test::run_cli({"moo-bench", "--problem", "dtlz2", "--pop", "12", "--gens", "5", "--algorithm", "nsga3",
                          "--archive"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("algorithm     nsga3 (12 children per generation)") && Catch::Contains("archive   ") &&
                        Catch::Contains("evaluations   72"));
  r = test::run_cli({"moo-bench", "--problem", "zdt1", "--pop", "12", "--gens", "5", "--algorithm", "smsemoa",
                     "--offspring", "1", "--json", "--archive"});
  REQUIRE(r.exit_code == 0);
  const Json j = Json::parse(r.out);
  CHECK(j["evaluations"] == 72);  // 12 + 60 steady-state children
  CHECK(j["archive_hypervolume"].get<double>() >= j["hypervolume"].get<double>());
  r = test::run_cli({"moo-bench", "--algorithm", "moead"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("error: ") && Catch::Contains("moo-bench --algorithm") &&
                        Catch::Contains("\"smsemoa\"") && Catch::Contains("got \"moead\""));
  r = test::run_cli({"moo-bench", "--pop", "10", "--offspring", "11"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--offspring") && Catch::Contains("got 11"));
}
