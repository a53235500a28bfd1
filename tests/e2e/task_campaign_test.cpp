// Whole campaigns of the non-classification tasks, end to end: a regression on HIGGS m_bb and an
// autoencoder on MAGIC, each stored, with a front, `front` printing the task's metrics, and
// emitted firmware whose model carries what the task adds.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/store.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using nas4ml::test::read_text;
using nas4ml::test::run_cli;
using nas4ml::test::source_path;

namespace {
campaign::RunOptions options() {
  campaign::RunOptions o;
  o.threads = 1;
  o.emit = true;
  o.progress = false;
  return o;
}
}  // namespace

TEST_CASE("a regression campaign optimizes resolution and prints the regression metrics", "[e2e][campaign][task]") {
  test::TempDir tmp;
  const auto run = tmp.path() / "reg";
  const auto s = campaign::run_campaign(source_path("tests/e2e/fixtures/tiny_regression_experiment.json"), run, options());
  CHECK(s.finished);
  CHECK(s.evaluations == 8);
  REQUIRE(!s.front.empty());
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  CHECK(store.experiment()["task"]["kind"] == "regression");
  for (const auto& m : s.front) {
    const auto rec = store.evaluation(m["id"].get<std::string>());
    REQUIRE(rec);
    const Json& v = rec->metrics["validation"];
    INFO(v.dump());
    REQUIRE(v["resolution"].is_number());
    CHECK(rec->objectives[0].get<double>() == v["resolution"].get<double>());
    CHECK(v["resolution"].get<double>() > 0.0);
    CHECK(v["accuracy"].is_null());
    const auto dir = campaign::RunPaths(run).firmware_dir(m["id"].get<std::string>());
    const Json model = Json::parse(read_text(dir / "model.q.json"));
    CHECK(model["n_outputs"] == 1);
    CHECK(model["class_names"] == Json::array({"m_bb"}));
    CHECK(std::filesystem::exists(dir / "rtl" / "nas4ml_top.v"));
  }
  const auto csv = run_cli({"front", run.string(), "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::StartsWith("id,gen,resolution,lut,abs_bias,mse,mae,bias,ff,"));
  // The same front with 2 threads.
  campaign::RunOptions two = options();
  two.threads = 2;
  two.emit = false;
  const auto s2 = campaign::run_campaign(source_path("tests/e2e/fixtures/tiny_regression_experiment.json"),
                                         tmp.path() / "reg2", two);
  CHECK(s2.front == s.front);
}

TEST_CASE("an autoencoder campaign optimizes TPR at fixed FPR of the firmware's score", "[e2e][campaign][task]") {
  test::TempDir tmp;
  const auto run = tmp.path() / "ae";
  const auto s = campaign::run_campaign(source_path("tests/e2e/fixtures/tiny_autoencoder_experiment.json"), run, options());
  CHECK(s.finished);
  REQUIRE(!s.front.empty());
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  for (const auto& m : s.front) {
    const auto rec = store.evaluation(m["id"].get<std::string>());
    REQUIRE(rec);
    const Json& v = rec->metrics["validation"];
    INFO(v.dump());
    REQUIRE(v["tpr_at_fpr_1e-2"].is_number());
    CHECK(rec->objectives[0].get<double>() == v["tpr_at_fpr_1e-2"].get<double>());
    CHECK(v["auc"].get<double>() > 0.3);
    const auto dir = campaign::RunPaths(run).firmware_dir(m["id"].get<std::string>());
    const Json model = Json::parse(read_text(dir / "model.q.json"));
    CHECK(model["n_outputs"] == 10);
    CHECK(model["anomaly_score"]["format"] == "ap_ufixed<18,12,AP_TRN,AP_SAT>");
  }
  const auto csv = run_cli({"front", run.string(), "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::StartsWith("id,gen,tpr_at_fpr_1e-2,lut,auc,tpr_at_fpr_1e-3,tpr_at_fpr_1e-4,test_auc,ff,"));
}

TEST_CASE("a VAE campaign deploys encoders whose firmware computes sum mu^2", "[e2e][campaign][task][vae]") {
  test::TempDir tmp;
  const auto run = tmp.path() / "vae";
  const auto experiment = source_path("tests/e2e/fixtures/tiny_vae_experiment.json");
  const auto s = campaign::run_campaign(experiment, run, options());
  CHECK(s.finished);
  REQUIRE(!s.front.empty());
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  CHECK(store.experiment()["task"]["variational"] == true);
  for (const auto& m : s.front) {
    const auto rec = store.evaluation(m["id"].get<std::string>());
    REQUIRE(rec);
    const Json& v = rec->metrics["validation"];
    INFO(v.dump());
    REQUIRE(v["tpr_at_fpr_1e-2"].is_number());
    CHECK(rec->objectives[0].get<double>() == v["tpr_at_fpr_1e-2"].get<double>());
    CHECK(v["auc"].get<double>() > 0.3);
    const auto dir = campaign::RunPaths(run).firmware_dir(m["id"].get<std::string>());
    const Json model = Json::parse(read_text(dir / "model.q.json"));
    CHECK(model["n_outputs"] == 3);  // the latent means only
    CHECK(model["anomaly_score"]["reference"] == "zero");
    CHECK(model["training"]["variational"]["latent"] == 3);
    const std::string top = read_text(dir / "rtl" / "nas4ml_top.v");
    CHECK(top.find("latent means") != std::string::npos);
    CHECK(std::filesystem::exists(dir / "tb" / "expected.hex"));
    // The HLS project computes the same score (no input reference) and the config says so.
    CHECK(read_text(dir / "hls" / "firmware" / "parameters.h").find("reference = false") != std::string::npos);
    CHECK(Json::parse(read_text(dir / "hls4ml_config.json"))["AnomalyScore"]["Formula"] == "score = (score_t) sum_i y_i^2");
  }
  const auto csv = run_cli({"front", run.string(), "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::StartsWith("id,gen,tpr_at_fpr_1e-2,lut,auc,"));
  // The same front with 2 threads (the sampling noise is a per-candidate stream).
  campaign::RunOptions two = options();
  two.threads = 2;
  two.emit = false;
  const auto s2 = campaign::run_campaign(experiment, tmp.path() / "vae2", two);
  CHECK(s2.front == s.front);
}
