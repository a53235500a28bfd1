// The mpi executor's coordinator cost per evaluation (receive, store, tell, hand out): a whole
// campaign under mpirun whose workers return every evaluation at once (objectives derived from
// the genome's hash), so the wall time is the coordinator's and the messages' cost alone.
//   mpirun --oversubscribe -np N build/benchmarks/coordinator_cost EXPERIMENT RUN_DIR [POPULATION GENERATIONS]
// EXPERIMENT should have synthesis off and a space with more distinct genomes than evaluations
// (benchmarks/coordinator_cost.sh makes one from experiments/magic.json). Rank 0 prints one line.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/mpi_executor.hpp"
#include "nas4ml/core/error.hpp"

using namespace nas4ml;
using namespace nas4ml::campaign;

namespace {

/// An evaluation that returns at once: objectives in plausible ranges taken from the genome hash.
EvaluationRecord instant(const EvaluationContext& c, const CandidateJob& job) {
  EvaluationRecord r;
  r.generation = job.generation;
  r.index = job.index;
  const std::uint64_t h = search::genome_hash(job.genome);
  r.genome_hash = search::hash_hex(h);
  r.genome = search::to_json(job.genome);
  r.seed = c.config.seed;
  std::vector<double> objectives;
  for (std::size_t k = 0; k < c.config.objectives.size(); ++k)
    objectives.push_back(static_cast<double>((h >> (11 * k)) % 2048) / 2048.0);
  r.objectives = objectives;
  r.metrics = {{"validation", {{"accuracy", objectives[0]}}}};
  r.violation = 0.0;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: coordinator_cost EXPERIMENT RUN_DIR\n");
    return 2;
  }
  ExecutorKind kind = mpi_executor_kind(instant);
  kind.name = "mpi-instant";
  register_executor(kind);
  RunOptions o;
  o.executor = "mpi-instant";
  o.threads = 1;
  o.emit = false;
  o.progress = true;
  spdlog::set_level(spdlog::level::warn);
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const CampaignSummary s = run_campaign(argv[1], argv[2], o);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s.served) return 0;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    const double n = static_cast<double>(s.evaluations);
    std::printf("%s\n", fmt::format("{} evaluations, {} generations: wall {:.2f} s = {:.0f} us per evaluation; "
                                    "coordinator CPU {:.2f} s = {:.0f} us per evaluation",
                                    s.evaluations, s.generations, seconds, 1e6 * seconds / n, cpu, 1e6 * cpu / n)
                            .c_str());
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return e.exit_code();
  }
  return 0;
}
