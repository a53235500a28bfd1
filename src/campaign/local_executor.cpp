// The `local` executor: a generation's candidates on this process's threads (TBB, after pagmo2's
// thread_bfe), the synthesis round on background threads.
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <future>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/campaign/executor.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/search/parallel_for.hpp"

namespace nas4ml::campaign {
namespace {

/// Runs jobs[i] -> out[i] for every i on `threads` threads (TBB arena). The internal error of the
/// lowest index, if any, is rethrown once every job is done.
template <class Job, class Record, class Fn>
std::vector<Record> run_all(const std::vector<Job>& jobs, int threads, Fn&& fn) {
  std::vector<Record> out(jobs.size());
  std::exception_ptr first;
  std::size_t first_index = jobs.size();
  std::mutex mutex;
  tbb::task_arena arena(std::max(1, threads));
  arena.execute([&] {
    nas4ml::search::parallel_for(jobs.size(), [&](std::size_t i) {
      try {
        out[i] = fn(jobs[i]);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (i < first_index) {
          first_index = i;
          first = std::current_exception();
        }
      }
    });
  });
  if (first) std::rethrow_exception(first);
  return out;
}

/// A line every $NAS4ML_PROGRESS_SECONDS (default 30) while a large generation is evaluated, so
/// a long generation is not silent until it is stored.
class ProgressLog {
 public:
  ProgressLog(std::size_t total, int generation) : total_(total), generation_(generation) {
    const char* v = std::getenv("NAS4ML_PROGRESS_SECONDS");
    interval_ = (v != nullptr && *v != '\0') ? std::max(0.0, std::atof(v)) : 30.0;
  }
  /// Called once per finished job, from any thread.
  void done_one() {
    const std::size_t done = ++done_;
    const double t = std::chrono::duration<double>(Clock::now() - start_).count();
    std::lock_guard lock(mutex_);
    if (t - last_ < interval_ || done == total_) return;
    last_ = t;
    spdlog::info("generation {}: {}/{} candidates evaluated in {:.0f} s", generation_, done, total_, t);
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::size_t total_;
  int generation_;
  double interval_ = 30.0;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  double last_ = 0.0;
  Clock::time_point start_ = Clock::now();
};

class LocalExecutor final : public Executor {
 public:
  LocalExecutor(const EvaluationContext& context, const ExecutorOptions& options)
      : context_(context), options_(options) {
    NAS4ML_ASSERT(options_.threads >= 1 && options_.synthesis_jobs >= 1, "executor options out of range");
  }

  ~LocalExecutor() override {
    if (pending_.valid()) pending_.wait();
  }

  std::string name() const override { return "local"; }

  std::string describe() const override {
    return fmt::format("{} thread{}", options_.threads, options_.threads == 1 ? "" : "s");
  }

  std::vector<EvaluationRecord> evaluate(const std::vector<CandidateJob>& jobs) override {
    ProgressLog progress(jobs.size(), jobs.empty() ? 0 : jobs.front().generation);
    return run_all<CandidateJob, EvaluationRecord>(jobs, options_.threads, [this, &progress](const CandidateJob& j) {
      EvaluationRecord r = evaluate_candidate(context_, j);
      progress.done_one();
      return r;
    });
  }

  void submit_synthesis(std::vector<SynthesisJob> jobs) override {
    NAS4ML_ASSERT(!pending_.valid(), "a synthesis round is still pending");
    const int n = options_.synthesis_jobs;
    pending_ = std::async(std::launch::async, [this, jobs = std::move(jobs), n] {
      return run_all<SynthesisJob, SynthesisRecord>(jobs, n,
                                                    [this](const SynthesisJob& j) { return synthesize_candidate(context_, j); });
    });
  }

  bool synthesis_pending() const override { return pending_.valid(); }

  std::optional<std::vector<SynthesisRecord>> collect_synthesis(bool wait) override {
    if (!pending_.valid()) return std::nullopt;
    if (!wait && pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
    return pending_.get();
  }

 private:
  const EvaluationContext& context_;
  ExecutorOptions options_;
  std::future<std::vector<SynthesisRecord>> pending_;
};

}  // namespace

std::unique_ptr<Executor> make_local_executor(const EvaluationContext& context, const ExecutorOptions& options) {
  return std::make_unique<LocalExecutor>(context, options);
}

}  // namespace nas4ml::campaign
