// Campaigns under mpirun (the `mpi` executor, docs/cluster.md) on tests/e2e/fixtures: the same
// front and the same stored evaluations as the threaded run for 2, 3 and 5 ranks; a worker
// killed mid-generation and a resume with another rank count (or threads); SIGTERM on the
// coordinator; a data set that differs on one rank. Ranks are oversubscribed on purpose.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/store.hpp"
#include "support/run_cli.hpp"
#include "support/temp_dir.hpp"
#include "support/read_text.hpp"

#ifdef NAS4ML_TEST_WITH_MPI

using namespace nas4ml;
using nas4ml::test::read_text;
using nas4ml::test::source_path;

namespace {

std::string fixture(const std::string& name) { return source_path("tests/e2e/fixtures/" + name); }

using Outcome = test::CliResult;

/// Runs `argv` (argv[0] looked up on PATH) with extra environment variables; no shell.
Outcome run(std::vector<std::string> argv, const std::vector<std::pair<std::string, std::string>>& env = {}) {
  test::ProcessOptions options;
  options.env = env;
  return test::run_process(std::move(argv), options);
}

std::vector<std::string> mpirun(int ranks) {
  return {"mpirun", "--oversubscribe", "--allow-run-as-root", "-np", std::to_string(ranks)};
}

std::vector<std::string> nas4ml_args(std::vector<std::string> args) {
  args.insert(args.begin(), NAS4ML_BINARY_PATH);
  return args;
}

/// `mpirun -np ranks nas4ml <args> --executor mpi --threads 1`.
Outcome mpi_nas4ml(int ranks, std::vector<std::string> args, const std::vector<std::pair<std::string, std::string>>& env = {}) {
  auto argv = mpirun(ranks);
  for (auto& a : nas4ml_args(std::move(args))) argv.push_back(a);
  for (std::string a : {"--executor", "mpi", "--threads", "1"}) argv.push_back(a);
  return run(argv, env);
}

campaign::RunOptions quiet_options(int threads) {
  campaign::RunOptions o;
  o.threads = threads;
  o.emit = false;
  o.progress = false;
  return o;
}

std::size_t count_occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

/// Every stored evaluation, timings left out (they are not deterministic).
std::vector<std::string> evaluation_fingerprints(const std::filesystem::path& run) {
  const auto store = campaign::Store::open(campaign::RunPaths(run).store());
  std::vector<std::string> out;
  for (const auto& e : store.evaluations()) {
    Json model = e.model;
    if (model.is_object()) model.erase("training");
    Json metrics = e.metrics;
    if (metrics.is_object()) metrics.erase("samples_per_second");
    out.push_back(fmt::format("{}/{} {} {} {} {} {} {} {} {} {}", e.generation, e.index, e.genome_hash, e.genome.dump(),
                              e.model_spec.dump(), model.dump(), metrics.dump(), e.estimates.dump(), e.objectives.dump(),
                              e.violation, e.status));
  }
  return out;
}

Json front_of(const std::filesystem::path& run) { return campaign::Store::open(campaign::RunPaths(run).store()).front(); }

}  // namespace

TEST_CASE("the front and every evaluation are the same for 1 and 2 threads and 2, 3, 5 MPI ranks",
          "[e2e][cluster][mpi][determinism]") {
  test::TempDir tmp;
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "t1", quiet_options(1));
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "t2", quiet_options(2));
  const auto reference = evaluation_fingerprints(tmp.path() / "t1");
  REQUIRE(reference.size() == 24);
  CHECK(evaluation_fingerprints(tmp.path() / "t2") == reference);
  for (int ranks : {2, 3, 5}) {
    const auto run_dir = tmp.path() / fmt::format("mpi{}", ranks);
    const auto r = mpi_nas4ml(ranks, {"run", fixture("tiny_experiment.json"), "--out", run_dir.string()});
    INFO(ranks << " ranks: " << r.err);
    REQUIRE(r.exit_code == 0);
    // Only the coordinator reports.
    CHECK_THAT(r.out, Catch::StartsWith("finished after 4 generations: 24 evaluations (0 failed)"));
    CHECK(r.out.find("finished after") == r.out.rfind("finished after"));
    CHECK(front_of(run_dir) == front_of(tmp.path() / "t1"));
    CHECK(evaluation_fingerprints(run_dir) == reference);
  }
}

TEST_CASE("a worker killed mid-generation, then resume with another rank count or threads: the same front",
          "[e2e][cluster][mpi][resume]") {
  test::TempDir tmp;
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "whole", quiet_options(1));
  const auto reference = evaluation_fingerprints(tmp.path() / "whole");
  struct Case {
    int ranks;
    int resume_ranks;  // 0: resume with threads
  };
  for (const Case c : {Case{3, 2}, Case{5, 0}}) {
    const auto run_dir = tmp.path() / fmt::format("killed{}", c.ranks);
    // Rank 1 dies by SIGKILL when generation 2's first job reaches it (a lost node).
    const auto killed = mpi_nas4ml(c.ranks, {"run", fixture("tiny_experiment.json"), "--out", run_dir.string()},
                                   {{"NAS4ML_TEST_KILL_WORKER_AT", "2"}, {"NAS4ML_TEST_KILL_WORKER_RANK", "1"}});
    INFO(killed.err);
    CHECK(killed.exit_code != 0);
    {
      const auto store = campaign::Store::open(campaign::RunPaths(run_dir).store());
      CHECK(store.last_generation() == 1);
      CHECK(store.count_evaluations() == 12);
    }
    const auto resumed = c.resume_ranks > 0 ? mpi_nas4ml(c.resume_ranks, {"resume", run_dir.string()})
                                            : run(nas4ml_args({"resume", run_dir.string(), "--threads", "2"}));
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK_THAT(resumed.out, Catch::StartsWith("finished after 4 generations: 24 evaluations (0 failed)"));
    CHECK(front_of(run_dir) == front_of(tmp.path() / "whole"));
    CHECK(evaluation_fingerprints(run_dir) == reference);
    std::set<std::string> genomes;
    for (const auto& e : campaign::Store::open(campaign::RunPaths(run_dir).store()).evaluations())
      genomes.insert(e.genome_hash);
    CHECK(genomes.size() == 24);  // none lost, none repeated
  }
}

TEST_CASE("SIGTERM on the coordinator commits the generation, stops the workers and resumes exactly",
          "[e2e][cluster][mpi][resume]") {
  test::TempDir tmp;
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "whole", quiet_options(1));
  const auto run_dir = tmp.path() / "term";
  // The coordinator gets SIGTERM while generation 1 is being evaluated.
  const auto stopped = mpi_nas4ml(3, {"run", fixture("tiny_experiment.json"), "--out", run_dir.string()},
                                  {{"NAS4ML_TEST_SIGTERM_AT", "1"}});
  INFO(stopped.err);
  CHECK(stopped.exit_code == 0);
  CHECK_THAT(stopped.out, Catch::StartsWith("stopped after 2 generations: 12 evaluations"));
  CHECK_THAT(stopped.out, Catch::Contains("resume with: nas4ml resume " + run_dir.string()));
  CHECK(campaign::Store::open(campaign::RunPaths(run_dir).store()).last_generation() == 1);
  const auto resumed = mpi_nas4ml(2, {"resume", run_dir.string()});
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(front_of(run_dir) == front_of(tmp.path() / "whole"));
  CHECK(evaluation_fingerprints(run_dir) == evaluation_fingerprints(tmp.path() / "whole"));
}

TEST_CASE("a data set that differs on one rank is one clear error naming rank, host and file",
          "[e2e][cluster][mpi][errors]") {
  if (run({"unshare", "-m", "--propagation", "private", "true"}).exit_code != 0) {
    WARN("skipped: needs `unshare -m` (root) to give one rank its own copy of the data file");
    return;
  }
  test::TempDir tmp;
  // A copy of the fixtures whose data file rank 2 sees replaced by a changed one (a node-local
  // copy that went stale), through a bind mount in its own mount namespace.
  for (const char* f : {"tiny_experiment.json", "tiny_space.json", "blobs_dataset.json", "blobs.csv"})
    std::filesystem::copy_file(fixture(f), tmp.path() / f);
  std::string changed = read_text(tmp.path() / "blobs.csv");
  const auto second_line = changed.find('\n') + 1;
  changed[second_line] = changed[second_line] == '-' ? '0' : '-';  // one value's sign flipped
  tmp.write("other.csv", changed);
  const std::string data = (tmp.path() / "blobs.csv").string();
  const std::string run_dir = (tmp.path() / "run").string();
  const std::string command = fmt::format("mount --bind {} {} && exec {} run {} --out {} --executor mpi --threads 1",
                                          (tmp.path() / "other.csv").string(), data, NAS4ML_BINARY_PATH,
                                          (tmp.path() / "tiny_experiment.json").string(), run_dir);
  auto argv = mpirun(2);
  for (auto& a : nas4ml_args({"run", (tmp.path() / "tiny_experiment.json").string(), "--out", run_dir, "--executor",
                              "mpi", "--threads", "1"}))
    argv.push_back(a);
  for (std::string a : {":", "-np", "1", "unshare", "-m", "--propagation", "private", "sh", "-c"}) argv.push_back(a);
  argv.push_back(command);
  const auto r = run(argv);
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("error: " + data + ": the data set differs from rank 0's on rank 2 (host ") &&
                        Catch::Contains("expected SHA-256 ") && Catch::Contains("got SHA-256 "));
  // One error line, from the coordinator only (mpirun may add its own summary after it).
  CHECK(r.err.find("error: ") == r.err.rfind("error: "));
}

TEST_CASE("the mpi executor needs at least one worker", "[e2e][cluster][mpi][errors]") {
  test::TempDir tmp;
  const auto r = mpi_nas4ml(1, {"run", fixture("tiny_experiment.json"), "--out", (tmp.path() / "x").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("error: --executor: the mpi executor needs a coordinator and at least one worker") &&
                        Catch::Contains("got 1 rank"));
}

TEST_CASE("synthesis rounds run on worker ranks, a time-out stored as a failure as on threads",
          "[e2e][cluster][mpi][synthesis]") {
  test::TempDir tmp;
  const auto run_dir = tmp.path() / "t";
  const auto r = mpi_nas4ml(3, {"run", fixture("tiny_timeout_experiment.json"), "--out", run_dir.string()},
                            {{"NAS4ML_YOSYS", fixture("hanging_yosys.sh")}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("finished after 2 generations: 12 evaluations (0 failed)"));
  const auto store = campaign::Store::open(campaign::RunPaths(run_dir).store());
  const auto runs = store.synthesis_runs();
  REQUIRE(runs.size() >= 1);
  for (const auto& s : runs) {
    CHECK(s.status == "timeout");
    CHECK_THAT(s.failure_reason, Catch::Contains("timed out"));
    CHECK(store.evaluation(s.genome_hash).has_value());
    CHECK(std::filesystem::exists(campaign::RunPaths(run_dir).synth_dir(s.genome_hash)));
  }
}

/// A one-node Slurm for the test: the one SLURM_CONF names when it answers, else one started by
/// scripts/slurm-local.sh in a temporary folder and stopped again at the end.
class LocalSlurm {
 public:
  LocalSlurm() {
    if (const char* c = std::getenv("SLURM_CONF"); c != nullptr && run({"sinfo", "-h"}).exit_code == 0) {
      conf_ = c;
      return;
    }
    const auto r = run({source_path("scripts/slurm-local.sh"), "start"}, {{"SLURM_LOCAL_DIR", dir_.path().string()}});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    conf_ = (dir_.path() / "slurm.conf").string();
    started_ = true;
  }
  ~LocalSlurm() {
    if (started_) run({source_path("scripts/slurm-local.sh"), "stop"}, {{"SLURM_LOCAL_DIR", dir_.path().string()}});
  }
  const std::string& conf() const { return conf_; }

 private:
  test::TempDir dir_;
  std::string conf_;
  bool started_ = false;
};

TEST_CASE("a tiny campaign submitted with sbatch on 3 tasks, ranks started by mpirun or srun, gives the threaded front",
          "[e2e][cluster][mpi][slurm]") {
  if (run({"sh", "-c", "command -v sbatch && command -v slurmd && [ \"$(id -u)\" -eq 0 ]"}).exit_code != 0) {
    WARN("skipped: needs root and Debian's slurm-wlm and munge (scripts/install-deps.sh installs them)");
    return;
  }
  LocalSlurm slurm;
  test::TempDir tmp;
  campaign::run_campaign(fixture("tiny_experiment.json"), tmp.path() / "threads", quiet_options(2));
  for (const std::string launcher : {"mpirun", "srun"}) {  // srun: Slurm's PMIx plugin starts the ranks
    const auto run_dir = tmp.path() / launcher;
    const auto out = tmp.path() / (launcher + ".out");
    const auto r = run({"sbatch", "--wait", "--overcommit", "--ntasks", "3", "--cpus-per-task", "1", "--time", "00:05:00",
                        "--output", out.string(), "--chdir", tmp.path().string(), "--export",
                        std::string("ALL,NAS4ML_LAUNCHER=") + launcher + ",NAS4ML=" + NAS4ML_BINARY_PATH,
                        source_path("experiments/slurm/campaign.sbatch"), fixture("tiny_experiment.json"),
                        run_dir.string()},
                       {{"SLURM_CONF", slurm.conf()}});
    const std::string log = read_text(out);
    INFO(launcher << "\n" << r.out << r.err << log);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(log, Catch::Contains("nas4ml: run on 3 tasks x 1 threads") &&
                        Catch::Contains("finished after 4 generations: 24 evaluations (0 failed)"));
    // one campaign over 3 ranks, not 3 campaigns: a single summary line
    CHECK(count_occurrences(log, "finished after") == 1);
    CHECK(front_of(run_dir) == front_of(tmp.path() / "threads"));
    CHECK(evaluation_fingerprints(run_dir) == evaluation_fingerprints(tmp.path() / "threads"));
  }
}

#endif
