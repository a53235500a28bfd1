// `resume` checks its tools as `run` does: a campaign with synthesis resumed where yosys cannot
// be run stops at once with one line (exit 2) instead of recording every synthesis as failed.
#include <catch2/catch.hpp>

#include <regex>

#include "nas4ml/core/json.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;

TEST_CASE("resume without yosys refuses at once instead of storing every synthesis as failed",
          "[cli][campaign][hardening]") {
  const test::TempDir tmp;
  Json e = load_json_file(test::source_path("tests/e2e/fixtures/tiny_synth_experiment.json"));
  e["dataset"] = test::source_path("tests/e2e/fixtures/blobs_dataset.json");
  e["search_space"] = test::source_path("tests/e2e/fixtures/tiny_space.json");
  e["synthesis"]["simulate"] = false;
  save_json_file(tmp.path() / "e.json", e);
  const std::string run = (tmp.path() / "r").string();
  // Stopped (killed) before generation 0 is stored: generation 0 is redone by resume.
  test::ProcessOptions kill;
  kill.env = {{"NAS4ML_TEST_KILL_BEFORE_COMMIT", "0"}};
  const auto first = test::run_cli({"run", (tmp.path() / "e.json").string(), "--out", run}, kill);
  REQUIRE(first.exit_code == 128 + 9);

  test::ProcessOptions no_yosys;
  no_yosys.env = {{"NAS4ML_YOSYS", (tmp.path() / "no-such-yosys").string()}};
  no_yosys.timeout_seconds = 60;
  const auto r = test::run_cli({"resume", run}, no_yosys);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(std::regex_search(r.err, std::regex("(^|\n)error: [^\n]*no-such-yosys")));
  std::size_t error_lines = 0;
  for (std::size_t p = r.err.find("error: "); p != std::string::npos; p = r.err.find("error: ", p + 1))
    error_lines += (p == 0 || r.err[p - 1] == '\n');
  CHECK(error_lines == 1);
  CHECK(r.out.find("gen 0/") == std::string::npos);  // nothing was evaluated
  CHECK(r.err.find("gen 0/") == std::string::npos);
}
