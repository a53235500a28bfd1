// The campaign report renders in a real browser: headless Chromium (Debian `chromium`) loads
// report.html from disk with networking off, and we check the rendered DOM and a screenshot.
// Skipped with a message where Chromium is not installed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/synth/process.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"
#include "support/read_text.hpp"

using namespace nas4ml;
using nas4ml::test::read_text;

namespace {
synth::ProcessSpec chromium(const std::filesystem::path& profile, std::vector<std::string> extra) {
  synth::ProcessSpec spec;
  spec.program = "chromium";
  spec.args = {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--user-data-dir=" + profile.string()};
  spec.args.insert(spec.args.end(), extra.begin(), extra.end());
  spec.timeout_seconds = 120;
  return spec;
}
}  // namespace

TEST_CASE("report.html renders in headless Chromium", "[e2e][report][browser]") {
  if (!synth::find_program("chromium")) {
    WARN("skipped: chromium is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  test::TempDir tmp;
  const auto run = tmp.path() / "tiny";
  campaign::RunOptions o;
  o.threads = 2;
  o.progress = false;
  const auto summary = campaign::run_campaign(test::source_path("tests/e2e/fixtures/tiny_experiment.json"), run, o);
  const campaign::RunPaths paths(run);
  REQUIRE(std::filesystem::exists(paths.report()));
  const std::string url = "file://" + paths.report().string();

  // The DOM after rendering: the plots and the front table are there.
  auto dom_spec = chromium(tmp.path() / "profile1", {"--dump-dom", url});
  dom_spec.log_file = tmp.path() / "dom.html";
  const auto dom = synth::run_process(dom_spec);
  REQUIRE(dom.ok());
  const std::string html = read_text(tmp.path() / "dom.html");
  CHECK_THAT(html, Catch::Contains("<svg"));
  CHECK_THAT(html, Catch::Contains("lut vs accuracy"));
  CHECK_THAT(html, Catch::Contains("Background rejection vs signal efficiency"));
  CHECK_THAT(html, Catch::Contains("Per-layer estimate"));
  CHECK_THAT(html, Catch::Contains("Test accuracy: quantized vs float reference"));
  CHECK_THAT(html, Catch::Contains("<table id=\"front\">"));
  for (const auto& m : summary.front) CHECK_THAT(html, Catch::Contains(m["id"].get<std::string>()));

  // A screenshot: a real PNG of a real size.
  const auto png = tmp.path() / "report.png";
  auto shot_spec = chromium(tmp.path() / "profile2", {"--window-size=1280,1800", "--screenshot=" + png.string(), url});
  shot_spec.log_file = tmp.path() / "shot.log";
  const auto shot = synth::run_process(shot_spec);
  INFO(read_text(tmp.path() / "shot.log"));
  REQUIRE(shot.ok());
  REQUIRE(std::filesystem::exists(png));
  const std::string bytes = read_text(png);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(bytes.size() > 20000);  // a blank page compresses to a few kB; plots and a table do not
}
