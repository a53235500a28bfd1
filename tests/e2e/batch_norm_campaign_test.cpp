// A campaign whose search space lists `hidden.batch_norm`: candidates with and without batch
// normalization are trained, and a normalized candidate's stored model is an ordinary folded
// integer model whose golden metrics are the stored ones; the front is the same with 1 and 2
// threads.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "support/read_text.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using nas4ml::test::source_path;

namespace {
campaign::RunOptions options(int threads) {
  campaign::RunOptions o;
  o.threads = threads;
  o.emit = false;
  o.progress = false;
  return o;
}

// The tiny experiment with its space's hidden layers offered batch normalization.
std::filesystem::path write_experiment(const test::TempDir& tmp) {
  Json space = Json::parse(test::read_text(source_path("tests/e2e/fixtures/tiny_space.json")));
  space["hidden"]["batch_norm"] = {false, true};
  std::ofstream(tmp.path() / "bn_space.json") << space.dump(2);
  Json e = Json::parse(test::read_text(source_path("tests/e2e/fixtures/tiny_experiment.json")));
  e["name"] = "tiny_bn";
  e["dataset"] = source_path("tests/e2e/fixtures/blobs_dataset.json");
  e["search_space"] = (tmp.path() / "bn_space.json").string();
  e["search"]["generations"] = 2;
  const auto file = tmp.path() / "bn.json";
  std::ofstream(file) << e.dump(2);
  return file;
}
}  // namespace

TEST_CASE("a campaign searches batch normalization and stores folded integer models", "[e2e][campaign][batch_norm]") {
  test::TempDir tmp;
  const auto experiment = write_experiment(tmp);
  const auto s = campaign::run_campaign(experiment, tmp.path() / "bn", options(1));
  CHECK(s.finished);
  REQUIRE(!s.front.empty());
  const auto data = data::load_dataset(source_path("tests/e2e/fixtures/blobs_dataset.json"));
  const auto store = campaign::Store::open(campaign::RunPaths(tmp.path() / "bn").store());
  int normalized = 0, plain = 0;
  for (const auto& r : store.evaluations()) {
    if (r.status != "ok") continue;
    bool bn = false;
    for (const auto& l : r.model_spec["layers"]) bn = bn || l.value("batch_norm", false);
    if (!bn) {
      ++plain;
      continue;
    }
    ++normalized;
    // The stored model is the folded one: an ordinary integer model (no batch-norm field) whose
    // golden-model metrics on the test split are the stored metrics.
    CHECK(r.model.dump().find("batch_norm") == std::string::npos);
    const nn::QuantizedModel m = nn::quantized_model_from_json(JsonView(r.model, "model"));
    CHECK(nn::evaluate_model(m, data.test).accuracy == r.metrics["test"]["accuracy"].get<double>());
  }
  CHECK(normalized > 0);
  CHECK(plain > 0);
  // Same front with 2 threads.
  const auto s2 = campaign::run_campaign(experiment, tmp.path() / "bn2", options(2));
  CHECK(s2.front == s.front);
}
