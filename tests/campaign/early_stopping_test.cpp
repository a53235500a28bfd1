// Multi-fidelity early stopping: the check epoch, the margins, the dominance test with margins,
// the JSON form of a rule, and the trainer's partial result (a run the check lets continue is
// bit-identical to a run without it).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nas4ml/campaign/candidate_evaluation.hpp"
#include "nas4ml/campaign/early_stopping.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "nas4ml/space/operators.hpp"
#include "support/run_cli.hpp"

using namespace nas4ml;
using namespace nas4ml::campaign;

namespace {

std::vector<Objective> acc_lut() {
  return {Objective{"accuracy", Direction::maximize}, Objective{"lut", Direction::minimize}};
}

/// A rule over one front member at accuracy 0.9, 100 LUTs, margins 0.05 and 10.
EarlyStopRule simple_rule() {
  MultiFidelityConfig mf;
  mf.quality_slack = 0.25;
  mf.hardware_slack = 0.1;
  // minimized ranges: -accuracy in [-0.9, -0.7], lut in [0, 100]
  return make_early_stop_rule(mf, acc_lut(), {"a"}, {{0.9, 100.0}}, {-0.9, 0.0}, {-0.7, 100.0});
}

}  // namespace

TEST_CASE("training metrics and hardware estimates get their own slack", "[campaign][early_stopping]") {
  CHECK(is_training_metric("accuracy"));
  CHECK(is_training_metric("auc"));
  CHECK_FALSE(is_training_metric("lut"));
  CHECK_FALSE(is_training_metric("latency_ns"));
  CHECK_FALSE(is_training_metric("bops"));
  const EarlyStopRule r = simple_rule();
  REQUIRE(r.margins.size() == 2);
  CHECK(r.margins[0] == Approx(0.25 * 0.2));
  CHECK(r.margins[1] == Approx(0.1 * 100.0));
  CHECK(r.signs == std::vector<double>{-1.0, 1.0});
}

TEST_CASE("a candidate stops only when dominated even with every objective moved by its margin", "[campaign][early_stopping]") {
  const EarlyStopRule r = simple_rule();  // member (0.9, 100), margins 0.05 and 10
  CHECK(dominating_member(r, {0.80, 200.0}) == std::optional<std::size_t>(0));  // far behind in both
  CHECK(dominating_member(r, {0.80, 111.0}) == std::optional<std::size_t>(0));  // 111 - 10 > 100
  CHECK_FALSE(dominating_member(r, {0.80, 105.0}));  // within the LUT margin: may still reach the front
  CHECK_FALSE(dominating_member(r, {0.86, 500.0}));  // within the accuracy margin
  CHECK_FALSE(dominating_member(r, {0.95, 500.0}));  // better accuracy
  CHECK_FALSE(dominating_member(r, {0.10, 50.0}));   // cheaper
  CHECK_FALSE(dominating_member(r, {0.80}));         // wrong size: no judgement
  CHECK_FALSE(dominating_member(r, {std::nan(""), 500.0}));
  // An unmeasured training metric at its worst (-inf accuracy): only the hardware decides.
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(dominating_member(r, {-inf, 111.0}) == std::optional<std::size_t>(0));
  CHECK_FALSE(dominating_member(r, {-inf, 105.0}));  // then no accuracy can make it dominated
  EarlyStopRule empty = r;
  empty.front.clear();
  empty.front_ids.clear();
  CHECK_FALSE(dominating_member(empty, {0.0, 1e9}));  // no front: nothing stops
  // With zero margins, equal is not dominated, strictly worse in one objective is.
  EarlyStopRule exact = r;
  exact.margins = {0.0, 0.0};
  CHECK_FALSE(dominating_member(exact, {0.9, 100.0}));
  CHECK(dominating_member(exact, {0.9, 101.0}) == std::optional<std::size_t>(0));
}

TEST_CASE("the check waits for the fraction and for the final sparsity, and skips when nothing is saved", "[campaign][early_stopping]") {
  CHECK(check_epoch(0.5, 8, 1, 0.0) == 4);
  CHECK(check_epoch(0.25, 8, 1, 0.0) == 2);
  CHECK(check_epoch(0.5, 8, 1, 0.5) == 5);  // one round over 8 epochs reaches its sparsity at the start of epoch 5
  CHECK(check_epoch(0.5, 8, 2, 0.5) == 6);
  CHECK(check_epoch(0.5, 3, 1, 0.5) == 2);
  CHECK(check_epoch(0.9, 4, 1, 0.0) == 0);  // ceil(3.6) = 4: no epoch left to save
  CHECK(check_epoch(0.5, 1, 1, 0.0) == 0);
  CHECK(check_epoch(0.05, 10, 1, 0.0) == 1);
}

TEST_CASE("an early-stop rule round-trips through JSON and travels with the job", "[campaign][early_stopping]") {
  const EarlyStopRule r = simple_rule();
  const EarlyStopRule back = early_stop_rule_from_json(Json::parse(to_json(r).dump()));
  CHECK(to_json(back) == to_json(r));
  CandidateJob job{2, 1, search::Genome{{0, 1}, {}}, Json(), to_json(r)};
  CHECK(candidate_job_from_json(to_json(job)).early_stop == to_json(r));
  job.early_stop = Json();
  CHECK_FALSE(to_json(job).contains("early_stop"));  // jobs without the rule keep their old form
  CHECK(candidate_job_from_json(to_json(job)).early_stop.is_null());
}

TEST_CASE("the trainer's check sees a partial model; a run it lets continue is bit-identical", "[campaign][early_stopping][train]") {
  const auto cfg = load_experiment(test::source_path("tests/e2e/fixtures/tiny_multi_fidelity_experiment.json"));
  const auto ctx = load_evaluation_context(cfg, RunPaths(std::filesystem::temp_directory_path() / "nas4ml-mf-test"));
  Rng rng = Rng::stream(3, 0, 0, "test");
  nn::ModelSpec spec = space::decode(ctx.space, space::random_genome(ctx.space, rng), "t");
  spec.training.epochs = 4;
  nn::TrainOptions o;
  o.seed = 7;
  o.evaluate_train = false;
  const nn::TrainResult plain = nn::train_model(spec, ctx.data, o);
  REQUIRE(plain.ok);
  int calls = 0;
  int seen_epochs = 0;
  double seen_accuracy = -1.0;
  o.check_epoch = 2;
  o.stop_check = [&](const nn::PartialModel& partial) {
    ++calls;
    seen_epochs = partial.epochs_run;
    seen_accuracy = partial.metrics(false).accuracy;
    CHECK(partial.model.layers.size() == spec.layers.size());
    return false;
  };
  const nn::TrainResult checked = nn::train_model(spec, ctx.data, o);
  CHECK(calls == 1);
  CHECK(seen_epochs == 2);
  CHECK(seen_accuracy > 0.0);
  CHECK_FALSE(checked.stopped_by_check);
  CHECK(nn::to_json(checked.model)["layers"] == nn::to_json(plain.model)["layers"]);
  CHECK(checked.validation.accuracy == plain.validation.accuracy);
  o.stop_check = [&](const nn::PartialModel&) { return true; };
  const nn::TrainResult stopped = nn::train_model(spec, ctx.data, o);
  REQUIRE(stopped.ok);
  CHECK(stopped.stopped_by_check);
  CHECK(stopped.epochs_run == 2);
  CHECK(stopped.model.training["epochs_run"] == 2);
  CHECK(stopped.model.training["stopped_by_check"] == true);
  CHECK(stopped.validation.accuracy == seen_accuracy);  // the metrics of the model the check saw
  CHECK(stopped.test.samples > 0);
  // No check at or after the last epoch.
  o.check_epoch = 4;
  calls = 0;
  o.stop_check = [&](const nn::PartialModel&) { return ++calls > 0; };
  CHECK_FALSE(nn::train_model(spec, ctx.data, o).stopped_by_check);
  CHECK(calls == 0);
}
