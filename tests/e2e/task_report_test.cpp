// The report of regression and autoencoder campaigns: the residual and ROC/rejection plots are
// drawn, and the figures they show, recomputed from the stored models, are the test metrics the
// trainer stored (resolution and bias; AUC and TPR at fixed FPR of the firmware's score).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/float_reference.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/campaign/task_physics.hpp"
#include "nas4ml/nn/task.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using nas4ml::test::read_text;
using nas4ml::test::source_path;

namespace {
// The front members' task figures, as the report computes them.
std::vector<std::pair<campaign::TaskPhysics, campaign::EvaluationRecord>> members(const std::filesystem::path& run) {
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  const auto cfg = campaign::parse_experiment(store.experiment(), store.manifest().at("experiment_file").get<std::string>());
  auto data = campaign::campaign_dataset(store);
  nn::make_task(cfg.task)->prepare(data, "e.json");
  std::vector<std::pair<campaign::TaskPhysics, campaign::EvaluationRecord>> out;
  for (const auto& m : store.front()) {
    const auto rec = store.evaluation(m["id"].get<std::string>());
    REQUIRE(rec);
    out.emplace_back(campaign::task_physics(*rec, cfg.task.kind, data.test, "store"), *rec);
  }
  return out;
}

campaign::RunOptions options() {
  campaign::RunOptions o;
  o.threads = 1;
  o.emit = false;
  o.progress = false;
  return o;
}
}  // namespace

TEST_CASE("a regression campaign's report plots the residuals of its front", "[e2e][report][task]") {
  test::TempDir tmp;
  const auto run = tmp.path() / "reg";
  campaign::run_campaign(source_path("tests/e2e/fixtures/tiny_regression_experiment.json"), run, options());
  REQUIRE(test::run_cli({"report", run.string()}).exit_code == 0);
  const std::string html = read_text(campaign::RunPaths(run).report());
  CHECK_THAT(html, Catch::Contains("Relative residual"));
  CHECK_THAT(html, Catch::Contains("Predicted vs true m_bb"));
  const auto ms = members(run);
  REQUIRE(!ms.empty());
  for (const auto& [m, rec] : ms) {
    const Json& t = rec.metrics["test"];
    CHECK(m.truth.size() == t["samples"].get<std::size_t>());
    CHECK(m.resolution == Approx(t["resolution"].get<double>()).epsilon(1e-9));
    CHECK(m.bias == Approx(t["bias"].get<double>()).epsilon(1e-9).margin(1e-12));
    CHECK_THAT(html, Catch::Contains(fmt::format("{:.4f}", m.resolution)));
  }
}

TEST_CASE("an autoencoder campaign's report plots the ROC and rejection of the firmware score", "[e2e][report][task]") {
  test::TempDir tmp;
  const auto run = tmp.path() / "ae";
  campaign::run_campaign(source_path("tests/e2e/fixtures/tiny_autoencoder_experiment.json"), run, options());
  REQUIRE(test::run_cli({"report", run.string()}).exit_code == 0);
  const std::string html = read_text(campaign::RunPaths(run).report());
  CHECK_THAT(html, Catch::Contains("Background rejection vs signal efficiency, anomaly score"));
  CHECK_THAT(html, Catch::Contains("ROC of the anomaly score"));
  const auto ms = members(run);
  REQUIRE(!ms.empty());
  for (const auto& [m, rec] : ms) {
    const Json& t = rec.metrics["test"];
    CHECK(m.auc == Approx(t["auc"].get<double>()).epsilon(1e-12));
    REQUIRE(m.working_points.size() == 3);
    CHECK(m.working_points[0].second == t["tpr_at_fpr_1e-2"].get<double>());
    CHECK(m.working_points[1].second == t["tpr_at_fpr_1e-3"].get<double>());
    CHECK(m.working_points[2].second == t["tpr_at_fpr_1e-4"].get<double>());
    CHECK(m.roc.efficiency.back() == 1.0);
  }
}
