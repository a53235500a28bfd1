#include <catch2/catch.hpp>

#include "nas4ml/core/version.hpp"
#include "support/run_cli.hpp"

using nas4ml::test::run_cli;

TEST_CASE("version flag prints the version and git hash", "[cli]") {
  const auto r = run_cli({"--version"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("nas4ml " + std::string(nas4ml::version()) + " (git "));
}

TEST_CASE("help flag lists the global options", "[cli]") {
  const auto r = run_cli({"--help"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("--log-level"));
  CHECK_THAT(r.out, Catch::Contains("--log-file"));
  CHECK_THAT(r.out, Catch::Contains("--quiet"));
}

TEST_CASE("no subcommand or an unknown one exits 2", "[cli]") {
  CHECK(run_cli({}).exit_code == 2);
  const auto r = run_cli({"frobnicate"});
  CHECK(r.exit_code == 2);
}
