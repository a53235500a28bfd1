// The evaluation seam without a campaign: evaluate_candidate() as a pure function of its job and
// context, the JSON forms of jobs and records, the local executor, the executor registry.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "nas4ml/campaign/candidate_evaluation.hpp"
#include "nas4ml/campaign/executor.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/space/operators.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"

using namespace nas4ml;
using namespace nas4ml::campaign;

namespace {

const EvaluationContext& tiny_context() {
  static const EvaluationContext c = [] {
    const auto cfg = load_experiment(test::source_path("tests/e2e/fixtures/tiny_experiment.json"));
    return load_evaluation_context(cfg, RunPaths(std::filesystem::temp_directory_path() / "nas4ml-seam-test"));
  }();
  return c;
}

std::vector<CandidateJob> random_jobs(const EvaluationContext& c, int n, int generation) {
  Rng rng = Rng::stream(5, 0, 0, "test");
  std::vector<CandidateJob> jobs;
  for (int i = 0; i < n; ++i)
    jobs.push_back(CandidateJob{generation, i, search::Genome{space::random_genome(c.space, rng), {}},
                                calibration_to_json(c.device)});
  return jobs;
}

/// What must not depend on where or when a record was made (timings left out).
std::string deterministic_part(const EvaluationRecord& r) {
  Json j = to_json(r);
  j.erase("train_seconds");
  j.erase("estimate_seconds");
  if (j["model"].is_object()) j["model"].erase("training");
  if (j["metrics"].is_object()) j["metrics"].erase("samples_per_second");
  return j.dump();
}

}  // namespace

TEST_CASE("evaluate_candidate is a pure function of its job", "[campaign][executor]") {
  const auto& c = tiny_context();
  const auto jobs = random_jobs(c, 2, 3);
  const EvaluationRecord a = evaluate_candidate(c, jobs[0]);
  const EvaluationRecord b = evaluate_candidate(c, jobs[0]);
  REQUIRE(a.status == "ok");
  CHECK(a.generation == 3);
  CHECK(a.index == 0);
  CHECK(a.genome_hash == search::hash_hex(search::genome_hash(jobs[0].genome)));
  CHECK(a.objectives.size() == 2);
  CHECK(a.model.is_object());
  CHECK(deterministic_part(a) == deterministic_part(b));
  // Another index is another training stream: the same genome gives another model.
  CandidateJob moved = jobs[0];
  moved.index = 1;
  CHECK(evaluate_candidate(c, moved).model.at("layers") != a.model.at("layers"));
}

TEST_CASE("the calibration in force travels with the job", "[campaign][executor]") {
  const auto& c = tiny_context();
  auto job = random_jobs(c, 1, 0)[0];
  const auto plain = evaluate_candidate(c, job);
  estimate::DeviceModel scaled = c.device;
  scaled.calibration["rtl"].lut.scale = 2.0;
  job.calibration = calibration_to_json(scaled);
  const auto doubled = evaluate_candidate(c, job);
  REQUIRE(plain.status == "ok");
  REQUIRE(doubled.status == "ok");
  CHECK(doubled.estimates.at("lut").get<double>() == Approx(2.0 * plain.estimates.at("lut").get<double>()).epsilon(0.01));
  CHECK(calibration_to_json(with_calibration(c.device, job.calibration)) == job.calibration);
}

TEST_CASE("jobs and records round-trip through JSON exactly", "[campaign][executor]") {
  const auto& c = tiny_context();
  const auto job = random_jobs(c, 1, 2)[0];
  const CandidateJob back = candidate_job_from_json(Json::parse(to_json(job).dump()));
  CHECK(back.generation == job.generation);
  CHECK(back.index == job.index);
  CHECK(back.genome.choices == job.genome.choices);
  CHECK(back.calibration == job.calibration);

  const EvaluationRecord r = evaluate_candidate(c, job);
  const EvaluationRecord r2 = evaluation_record_from_json(Json::parse(to_json(r).dump()));
  CHECK(to_json(r2).dump() == to_json(r).dump());
  CHECK(r2.violation == r.violation);

  EvaluationRecord failed;
  failed.status = "failed";
  failed.failure_reason = "diverged";
  failed.violation = std::numeric_limits<double>::infinity();
  const auto f2 = evaluation_record_from_json(Json::parse(to_json(failed).dump()));
  CHECK(std::isinf(f2.violation));
  CHECK(f2.failure_reason == "diverged");

  SynthesisRecord s;
  s.genome_hash = "00ff";
  s.generation = 4;
  s.backend = "yosys";
  s.status = "timeout";
  s.failure_reason = "timed out";
  const auto s2 = synthesis_record_from_json(Json::parse(to_json(s).dump()));
  CHECK(to_json(s2) == to_json(s));
  const SynthesisJob sj{"00ff", 4, r.model};
  CHECK(to_json(synthesis_job_from_json(to_json(sj))) == to_json(sj));
}

TEST_CASE("a candidate's own trouble is a failed record, not an exception", "[campaign][executor]") {
  EvaluationContext c = tiny_context();
  c.config.training.timeout_seconds = 1e-9;  // every training is over time after its first epoch
  const auto jobs = random_jobs(c, 8, 0);
  const auto two_epochs = std::find_if(jobs.begin(), jobs.end(), [&](const CandidateJob& j) {
    return space::decode(c.space, j.genome.choices).training.epochs >= 2;  // checked after epoch 1 of 2
  });
  REQUIRE(two_epochs != jobs.end());
  const auto r = evaluate_candidate(c, *two_epochs);
  CHECK(r.status == "failed");
  CHECK_THAT(r.failure_reason, Catch::Contains("timeout") || Catch::Contains("timed out"));
  CHECK(r.model_spec.is_object());
  CHECK(r.model.is_null());
  CHECK(r.objectives.is_null());
  CHECK(std::isinf(r.violation));
}

TEST_CASE("the local executor gives every record in job order, whatever its thread count", "[campaign][executor]") {
  const auto& c = tiny_context();
  const auto jobs = random_jobs(c, 5, 1);
  auto one = make_local_executor(c, {1, 1});
  auto two = executor_kind("local").make(c, {2, 1});
  CHECK(two->name() == "local");
  CHECK(two->describe() == "2 threads");
  const auto a = one->evaluate(jobs);
  const auto b = two->evaluate(jobs);
  REQUIRE(a.size() == jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    CHECK(a[i].index == static_cast<int>(i));
    CHECK(deterministic_part(a[i]) == deterministic_part(b[i]));
    CHECK(deterministic_part(a[i]) == deterministic_part(evaluate_candidate(c, jobs[i])));
  }
}

TEST_CASE("synthesis jobs go through the executor, a missing tool being a failed run", "[campaign][executor][synthesis]") {
  test::TempDir tmp;
  auto cfg = load_experiment(test::source_path("tests/e2e/fixtures/tiny_experiment.json"));
  EvaluationContext c = load_evaluation_context(cfg, RunPaths(tmp.path()));
  c.target.tool.program = (tmp.path() / "no-such-yosys").string();
  const auto r = evaluate_candidate(c, random_jobs(c, 1, 0)[0]);
  REQUIRE(r.status == "ok");
  auto ex = make_local_executor(c, {1, 2});
  CHECK_FALSE(ex->synthesis_pending());
  ex->submit_synthesis({SynthesisJob{r.genome_hash, 0, r.model}, SynthesisJob{"ab", 0, r.model}});
  CHECK(ex->synthesis_pending());
  const auto runs = ex->collect_synthesis(true);
  REQUIRE(runs);
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].genome_hash == r.genome_hash);
  CHECK((*runs)[1].genome_hash == "ab");
  CHECK((*runs)[0].status == "failed");
  CHECK_FALSE((*runs)[0].failure_reason.empty());
  CHECK_FALSE(ex->synthesis_pending());
}

TEST_CASE("the expected cost is parameters x training rows x epochs", "[campaign][executor]") {
  const auto& c = tiny_context();
  for (const auto& job : random_jobs(c, 6, 0)) {
    const auto spec = space::decode(c.space, job.genome.choices);
    double parameters = 0;
    int in = static_cast<int>(c.data.n_features());
    for (const auto& l : spec.layers) {
      parameters += (in + 1.0) * l.units;
      in = l.units;
    }
    const int epochs = std::min(spec.training.epochs, c.config.training.max_epochs);
    CHECK(expected_cost(c, job) == parameters * static_cast<double>(c.data.train.rows()) * epochs);
  }
}

TEST_CASE("executor kinds are registered by name", "[campaign][executor]") {
  const auto names = executor_names();
  CHECK(std::find(names.begin(), names.end(), "local") != names.end());
#ifdef NAS4ML_TEST_WITH_MPI
  CHECK(std::find(names.begin(), names.end(), "mpi") != names.end());
#endif
  CHECK_THROWS_AS(executor_kind("carrier-pigeon"), ConfigError);
  CHECK_THROWS_WITH(executor_kind("carrier-pigeon"), Catch::Contains("unknown executor") && Catch::Contains("local") &&
                                                         Catch::Contains("carrier-pigeon"));
  CHECK_FALSE(executor_kind("local").is_server());
  const auto& c = tiny_context();
  CHECK(resolve_threads(3, c.config) == 3);
  CHECK(resolve_threads(-1, c.config) == c.config.threads);
}

TEST_CASE("weight inheritance: the parents travel with the job, the record names the one used", "[campaign][executor][inheritance]") {
  const auto& c = tiny_context();
  const CandidateJob parent_job = random_jobs(c, 1, 0)[0];
  const EvaluationRecord parent = evaluate_candidate(c, parent_job);
  REQUIRE(parent.status == "ok");
  CandidateJob child = parent_job;  // the same shapes: every layer is inherited
  child.generation = 1;
  CHECK_FALSE(to_json(child).contains("parents"));  // off: the job's JSON is unchanged
  const EvaluationRecord fresh = evaluate_candidate(c, child);
  child.parents = Json::array({{{"id", parent.genome_hash}, {"model", parent.model}}});
  const CandidateJob back = candidate_job_from_json(Json::parse(to_json(child).dump()));
  CHECK(back.parents == child.parents);
  const EvaluationRecord a = evaluate_candidate(c, child), b = evaluate_candidate(c, back);
  REQUIRE(a.status == "ok");
  const Json& inherited = a.model.at("training").at("inherited");
  CHECK(inherited.at("parent") == parent.genome_hash);
  CHECK(inherited.at("layers").size() == parent.model.at("layers").size());
  CHECK(a.model.at("layers") == b.model.at("layers"));  // deterministic
  CHECK(a.model.at("layers") != fresh.model.at("layers"));  // and not the random start's result
  CHECK_FALSE(fresh.model.at("training").contains("inherited"));
  // A damaged parent model is the candidate's failure, named, not a crash.
  child.parents[0]["model"]["layers"] = "none";
  const EvaluationRecord broken = evaluate_candidate(c, child);
  CHECK(broken.status == "failed");
  CHECK_THAT(broken.failure_reason, Catch::Contains("$.parents[0].model.layers"));
}

TEST_CASE("the experiment's training.init reaches every candidate's trainer", "[campaign][executor]") {
  auto cfg = load_experiment(test::source_path("tests/e2e/fixtures/tiny_experiment.json"));
  const auto he = load_evaluation_context(cfg, RunPaths(std::filesystem::temp_directory_path() / "nas4ml-init-he"));
  cfg.training.init = "uniform_fan_in";
  const auto u = load_evaluation_context(cfg, RunPaths(std::filesystem::temp_directory_path() / "nas4ml-init-u"));
  const auto job = random_jobs(he, 1, 0)[0];
  const EvaluationRecord a = evaluate_candidate(he, job);
  const EvaluationRecord b = evaluate_candidate(u, job);
  const EvaluationRecord b2 = evaluate_candidate(u, job);
  REQUIRE(a.status == "ok");
  REQUIRE(b.status == "ok");
  CHECK(a.model.at("layers") != b.model.at("layers"));  // another start, another trained model
  CHECK(deterministic_part(b) == deterministic_part(b2));
  CHECK(deterministic_part(a) == deterministic_part(evaluate_candidate(tiny_context(), job)));  // he = the default
}
