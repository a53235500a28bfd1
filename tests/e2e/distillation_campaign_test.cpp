// A campaign with knowledge distillation end to end: the float teacher trained once and cached
// in the store, reused as it is by a resumed campaign, the searched alpha/temperature reaching
// the trained candidates, the same front with 1 and 2 threads; a teacher of the wrong shape is
// refused with one line.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/candidate_evaluation.hpp"
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/campaign/teacher.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using nas4ml::test::run_cli;
using nas4ml::test::source_path;

namespace {
campaign::RunOptions options(int threads) {
  campaign::RunOptions o;
  o.threads = threads;
  o.emit = false;
  o.progress = false;
  return o;
}
const char* kExperiment = "tests/e2e/fixtures/tiny_kd_experiment.json";
}  // namespace

TEST_CASE("a distillation campaign trains its teacher once, caches it, and is deterministic", "[e2e][campaign][distillation]") {
  test::TempDir tmp;
  const auto run = tmp.path() / "kd";
  const auto s = campaign::run_campaign(source_path(kExperiment), run, options(1));
  CHECK(s.finished);
  REQUIRE(!s.front.empty());
  const auto cfg = campaign::load_experiment(source_path(kExperiment));
  REQUIRE(cfg.distillation.enabled);
  {
    const auto store = campaign::Store::open(campaign::RunPaths(run).store());
    const auto cached = store.cached("teacher");
    REQUIRE(cached);
    const Json t = Json::parse(*cached);
    CHECK(t["rows"] == 540);  // the blobs training split
    CHECK(t["classes"] == 2);
    CHECK(t["test_accuracy"].get<double>() > 0.6);
    // The searched knobs reach the candidates: distilled ones say so in their model.
    int distilled = 0, plain = 0;
    for (const auto& r : store.evaluations()) {
      if (r.status != "ok") continue;
      const Json& tr = r.model_spec["training"];
      if (tr.contains("distillation_alpha")) {
        ++distilled;
        CHECK(tr["distillation_alpha"] == 0.3);
        CHECK(r.model["training"]["distillation"]["alpha"] == 0.3);
      } else {
        ++plain;
        CHECK(!r.model["training"].contains("distillation"));
      }
    }
    CHECK(distilled > 0);
    CHECK(plain > 0);
  }
  // The teacher the context loads is the cached one (never retrained): a changed cache entry
  // with the same key is taken as it is.
  const campaign::RunPaths paths(run);
  auto ctx = campaign::load_evaluation_context(cfg, paths);
  REQUIRE(ctx.teacher);
  nn::Teacher changed = *ctx.teacher;
  for (auto& v : changed.logits) v = 0.25f;
  {
    auto store = campaign::Store::open(paths.store());
    store.set_cached("teacher", "");  // cache_teacher writes only when the key differs or is absent
    campaign::cache_teacher(store, cfg, ctx.data, changed);
  }
  const auto reloaded = campaign::load_evaluation_context(cfg, paths);
  CHECK(reloaded.teacher->logits == changed.logits);
  // Trained anew (no store), the teacher is bit for bit the one cached first, although the whole
  // campaign ran in this process in between (so its buffers sit elsewhere on the heap).
  const auto fresh = campaign::load_evaluation_context(cfg, campaign::RunPaths(tmp.path() / "nowhere"));
  REQUIRE(fresh.teacher->logits.size() == ctx.teacher->logits.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < ctx.teacher->logits.size(); ++i)
    differ += std::memcmp(&fresh.teacher->logits[i], &ctx.teacher->logits[i], sizeof(float)) != 0;
  CHECK(differ == 0);
  CHECK(fresh.teacher->test_accuracy == ctx.teacher->test_accuracy);

  // Same front with 2 threads; and interrupted after 2 generations then resumed.
  const auto s2 = campaign::run_campaign(source_path(kExperiment), tmp.path() / "kd2", options(2));
  CHECK(s2.front == s.front);
  auto first = options(1);
  first.stop_after_generation = 1;
  const auto part = campaign::run_campaign(source_path(kExperiment), tmp.path() / "kd3", first);
  CHECK(!part.finished);
  const auto resumed = campaign::resume_campaign(tmp.path() / "kd3", options(1));
  CHECK(resumed.front == s.front);
}

TEST_CASE("a teacher model of the wrong shape is refused with one line", "[e2e][campaign][distillation]") {
  test::TempDir tmp;
  Json e = Json::parse(std::ifstream(source_path(kExperiment)));
  e["dataset"] = source_path("tests/e2e/fixtures/blobs_dataset.json");
  e["search_space"] = source_path("tests/e2e/fixtures/tiny_kd_space.json");
  // A MAGIC model: 10 inputs, where the blobs data set has 8 features.
  const std::string teacher = source_path("tests/fuzz/corpus/json/estimate-good-control-m.q.json");
  e["distillation"] = {{"teacher_model", teacher}, {"alpha", 0.5}};
  const auto file = tmp.path() / "bad_teacher.json";
  std::ofstream(file) << e.dump(2);
  const auto r = run_cli({"run", file.string(), "--out", (tmp.path() / "bad").string()});
  CHECK(r.exit_code == 2);
  INFO(r.err);
  CHECK_THAT(r.err, Catch::StartsWith("error: "));
  CHECK_THAT(r.err, Catch::Contains("estimate-good-control-m.q.json:n_inputs: teacher of the wrong shape, expected 8 inputs"));
  CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
  CHECK_THAT(r.err, Catch::Contains("got 10"));
  // Both teachers at once, or an alpha of 1, are refused at load.
  e["distillation"] = {{"teacher_model", teacher}, {"teacher", "x.json"}};
  std::ofstream(file) << e.dump(2);
  CHECK(run_cli({"validate", file.string()}).exit_code == 2);
}
