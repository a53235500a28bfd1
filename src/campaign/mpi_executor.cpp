#include "nas4ml/campaign/mpi_executor.hpp"

#ifndef NAS4ML_WITH_MPI

namespace nas4ml::campaign {
std::optional<ExecutorKind> mpi_executor_kind() { return std::nullopt; }
}  // namespace nas4ml::campaign

#else

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "nas4ml/core/error.hpp"

namespace nas4ml::campaign {
namespace {

// Message tags. Every message is the text of one JSON document.
enum Tag : int {
  kSetup = 1,        // coordinator -> worker: context description, data checksums
  kReady = 2,        // worker -> coordinator: loaded (or why not), host, threads
  kJob = 3,          // coordinator -> worker: {"position", "job"}
  kResult = 4,       // worker -> coordinator: {"position", "record"} or {"position", "internal_error"}
  kSynth = 5,        // coordinator -> worker: {"position", "job"}
  kSynthResult = 6,  // worker -> coordinator: {"position", "record"} or {"position", "internal_error"}
  kStop = 7,         // coordinator -> worker: done
};

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "?";
  return buf;
}

/// The MPI runtime of this process: initialized on first use, finalized at exit. On rank 0 it
/// also releases the workers at exit if the campaign ended before an executor did (an error).
class Runtime {
 public:
  static Runtime& get() {
    static Runtime r;
    return r;
  }
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Marks the workers as told to stop (the executor did it).
  void workers_released() { released_ = true; }
  bool released() const { return released_; }

 private:
  Runtime() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~Runtime();
  int rank_ = 0, size_ = 1;
  bool released_ = false;
};

/// Non-blocking sends whose buffers live until MPI is done with them (a blocking send of a large
/// message could deadlock against the other side's own large send).
class Outbox {
 public:
  void send(int dest, int tag, std::string text) {
    pending_.emplace_back();
    auto& p = pending_.back();
    p.text = std::move(text);
    MPI_Isend(p.text.data(), static_cast<int>(p.text.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD, &p.request);
  }
  void send(int dest, int tag, const Json& j) { send(dest, tag, j.dump()); }
  /// Drops the sends that completed.
  void progress() {
    for (auto it = pending_.begin(); it != pending_.end();) {
      int done = 0;
      MPI_Test(&it->request, &done, MPI_STATUS_IGNORE);
      it = done ? pending_.erase(it) : std::next(it);
    }
  }
  void flush() {
    for (auto& p : pending_) MPI_Wait(&p.request, MPI_STATUS_IGNORE);
    pending_.clear();
  }

 private:
  struct Pending {
    std::string text;
    MPI_Request request{};
  };
  std::list<Pending> pending_;
};

struct Message {
  int source = 0;
  int tag = 0;
  std::string text;
  Json json() const { return text.empty() ? Json() : Json::parse(text); }
};

/// The next message from `source` (any when MPI_ANY_SOURCE), if one has arrived.
std::optional<Message> poll(int source = MPI_ANY_SOURCE) {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
  if (!flag) return std::nullopt;
  int count = 0;
  MPI_Get_count(&st, MPI_CHAR, &count);
  Message m;
  m.source = st.MPI_SOURCE;
  m.tag = st.MPI_TAG;
  m.text.resize(static_cast<std::size_t>(count));
  MPI_Recv(m.text.data(), count, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return m;
}

/// Sleeps between polls: 10 us doubling to 1 ms while nothing happens, so an idle rank leaves its
/// core to the evaluating ones (a blocking MPI_Recv would spin at 100%).
class Backoff {
 public:
  void reset() { us_ = 10; }
  void pause() {
    std::this_thread::sleep_for(std::chrono::microseconds(us_));
    us_ = std::min(us_ * 2, 1000);
  }

 private:
  int us_ = 10;
};

Message wait_message(Outbox& out, int source = MPI_ANY_SOURCE) {
  Backoff b;
  for (;;) {
    if (auto m = poll(source)) return *m;
    out.progress();
    b.pause();
  }
}

Runtime::~Runtime() {
  if (rank_ == 0 && !released_ && size_ > 1) {
    Outbox out;
    for (int r = 1; r < size_; ++r) out.send(r, kStop, std::string());
    out.flush();
  }
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

/// Test hook (docs/cluster.md): the worker of this rank dies by SIGKILL when it receives a job of
/// generation NAS4ML_TEST_KILL_WORKER_AT, like a lost node.
bool test_kill_now(int rank, int generation) {
  const char* g = std::getenv("NAS4ML_TEST_KILL_WORKER_AT");
  const char* r = std::getenv("NAS4ML_TEST_KILL_WORKER_RANK");
  return g != nullptr && std::atoi(g) == generation && (r == nullptr ? 1 : std::atoi(r)) == rank;
}

// ---- the worker ----------------------------------------------------------------------------

/// A finished piece of work, waiting for the main thread to send it.
struct Done {
  int tag = 0;
  Json message;
};

/// Runs evaluations on `threads` threads and syntheses on their own threads; only the main thread
/// talks MPI (it sends what is done and receives new work).
class Worker {
 public:
  Worker(const EvaluationContext& context, int threads, CandidateEvaluator evaluate)
      : context_(context), evaluate_(std::move(evaluate)) {
    for (int t = 0; t < threads; ++t) pool_.emplace_back([this] { evaluation_loop(); });
  }
  ~Worker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : pool_) t.join();
    for (auto& t : synth_) t.join();
  }

  void evaluate(int position, CandidateJob job) {
    {
      std::lock_guard lock(mutex_);
      queue_.emplace_back(position, std::move(job));
    }
    wake_.notify_one();
  }

  void synthesize(int position, SynthesisJob job) {
    synth_.emplace_back([this, position, job = std::move(job)] {
      Json msg = {{"position", position}};
      try {
        msg["record"] = to_json(synthesize_candidate(context_, job));
      } catch (const std::exception& e) {
        msg["internal_error"] = e.what();
      }
      finished(kSynthResult, std::move(msg));
    });
  }

  /// Work finished since the last call.
  std::vector<Done> take_done() {
    std::lock_guard lock(mutex_);
    std::vector<Done> out(std::make_move_iterator(done_.begin()), std::make_move_iterator(done_.end()));
    done_.clear();
    return out;
  }

 private:
  void evaluation_loop() {
    for (;;) {
      std::pair<int, CandidateJob> item;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        item = std::move(queue_.front());
        queue_.pop_front();
      }
      Json msg = {{"position", item.first}};
      try {
        msg["record"] = to_json(evaluate_(context_, item.second));
      } catch (const std::exception& e) {
        msg["internal_error"] = e.what();
      }
      finished(kResult, std::move(msg));
    }
  }

  void finished(int tag, Json msg) {
    std::lock_guard lock(mutex_);
    done_.push_back({tag, std::move(msg)});
  }

  const EvaluationContext& context_;
  CandidateEvaluator evaluate_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<int, CandidateJob>> queue_;
  std::vector<Done> done_;
  bool stopping_ = false;
  std::vector<std::thread> pool_;
  std::vector<std::thread> synth_;
};

Json error_json(const Error& e) {
  return {{"kind", static_cast<int>(e.kind())}, {"file", e.file()}, {"location", e.location()},
          {"problem", e.problem()}, {"expected", e.expected()}, {"got", e.got()}};
}

/// Loads the context rank 0 described and compares the data set's checksums with rank 0's.
/// Returns why it cannot serve (an Error's fields), or null.
Json load_and_check(const Json& setup, std::unique_ptr<EvaluationContext>& context) {
  try {
    context = std::make_unique<EvaluationContext>(load_evaluation_context(setup.at("context")));
    const Json& expected = setup.at("sources");
    const auto& got = context->data.sources;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const std::string want = expected[i].at("sha256").get<std::string>();
      const std::string have = i < got.size() ? got[i].sha256 : std::string("no such file");
      if (have != want)
        throw DataError(expected[i].at("path").get<std::string>(), "", "the data set differs from rank 0's",
                        "SHA-256 " + want, "SHA-256 " + have);
    }
  } catch (const Error& e) {
    context.reset();
    return error_json(e);
  }
  return Json();
}

void serve(int requested_threads, const CandidateEvaluator& evaluate) {
  Runtime& mpi = Runtime::get();
  Outbox out;
  Message setup = wait_message(out, 0);
  if (setup.tag == kStop) return;
  std::unique_ptr<EvaluationContext> context;
  const Json s = setup.json();
  const Json problem = load_and_check(s, context);
  const int threads = context ? resolve_threads(requested_threads, context->config) : 0;
  const int synth_jobs = context ? context->config.synthesis.jobs : 0;
  out.send(0, kReady,
           Json{{"host", host_name()}, {"problem", problem}, {"threads", threads}, {"synthesis_jobs", synth_jobs}});
  if (!problem.is_null()) {
    while (wait_message(out, 0).tag != kStop) {
    }
    out.flush();
    return;
  }
  Worker worker(*context, threads, evaluate);
  Backoff backoff;
  for (;;) {
    bool active = false;
    for (auto& d : worker.take_done()) {
      out.send(0, d.tag, d.message);
      active = true;
    }
    if (auto m = poll(0)) {
      active = true;
      if (m->tag == kStop) break;
      const Json j = m->json();
      if (m->tag == kJob) {
        CandidateJob job = candidate_job_from_json(j.at("job"));
        if (test_kill_now(mpi.rank(), job.generation)) std::raise(SIGKILL);
        worker.evaluate(j.at("position").get<int>(), std::move(job));
      } else if (m->tag == kSynth) {
        worker.synthesize(j.at("position").get<int>(), synthesis_job_from_json(j.at("job")));
      }
    }
    out.progress();
    if (active) backoff.reset();
    else backoff.pause();
  }
  out.flush();
}

// ---- the coordinator -----------------------------------------------------------------------

struct WorkerSlots {
  int rank = 0;
  std::string host;
  int threads = 0;     ///< evaluation threads of the worker
  int eval_free = 0;   ///< jobs it can take now: threads + 1 (one queued ahead hides the round trip)
  int synth_free = 0;
};

class MpiExecutor final : public Executor {
 public:
  MpiExecutor(const EvaluationContext& context, const ExecutorOptions& options) : context_(context) {
    Runtime& mpi = Runtime::get();
    if (mpi.size() < 2)
      throw ConfigError("--executor", "", "the mpi executor needs a coordinator and at least one worker",
                        "at least 2 MPI ranks (mpirun -np N, N >= 2; or srun)", fmt::format("{} rank", mpi.size()));
    (void)options;  // rank 0 only coordinates; each worker reads its own --threads
    Json sources = Json::array();
    for (const auto& src : context.data.sources) sources.push_back({{"path", src.path}, {"sha256", src.sha256}});
    const Json setup = {{"context", context_description(context.config, context.paths)}, {"sources", sources}};
    const std::string text = setup.dump();
    for (int r = 1; r < mpi.size(); ++r) out_.send(r, kSetup, text);
    check_workers(mpi.size());
  }

  ~MpiExecutor() override {
    try {
      if (synthesis_pending()) collect_synthesis(true);
    } catch (...) {
    }
    for (const auto& w : workers_) out_.send(w.rank, kStop, std::string());
    out_.flush();
    Runtime::get().workers_released();
  }

  std::string name() const override { return "mpi"; }

  std::string describe() const override {
    int threads = 0;
    for (const auto& w : workers_) threads += w.threads;
    return fmt::format("{} worker rank{} ({} evaluation slots) + coordinator", workers_.size(),
                       workers_.size() == 1 ? "" : "s", threads);
  }

  std::vector<EvaluationRecord> evaluate(const std::vector<CandidateJob>& jobs) override {
    std::vector<std::size_t> order(jobs.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::vector<double> cost(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) cost[i] = expected_cost(context_, jobs[i]);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });

    results_.assign(jobs.size(), std::nullopt);
    internal_error_.clear();
    std::size_t next = 0, received = 0;
    Backoff backoff;
    while (received < jobs.size()) {
      while (next < jobs.size()) {
        WorkerSlots* w = freest(&WorkerSlots::eval_free);
        if (w == nullptr) break;
        // A job queued ahead on a busy worker only while more jobs wait than there are workers:
        // the tail of the generation (its cheapest jobs, longest-first) goes to free threads.
        if (w->eval_free == 1 && jobs.size() - next <= workers_.size()) break;
        --w->eval_free;
        const std::size_t i = order[next++];
        out_.send(w->rank, kJob, Json{{"position", i}, {"job", to_json(jobs[i])}});
      }
      if (auto m = poll()) {
        received += handle(*m) ? 1 : 0;
        backoff.reset();
      } else {
        out_.progress();
        backoff.pause();
      }
    }
    if (!internal_error_.empty()) throw InternalError(internal_error_);
    std::vector<EvaluationRecord> records;
    records.reserve(jobs.size());
    for (auto& r : results_) records.push_back(std::move(*r));
    return records;
  }

  void submit_synthesis(std::vector<SynthesisJob> jobs) override {
    NAS4ML_ASSERT(!synthesis_pending(), "a synthesis round is still pending");
    synth_jobs_ = std::move(jobs);
    synth_results_.assign(synth_jobs_.size(), std::nullopt);
    synth_next_ = 0;
    synth_received_ = 0;
    synth_pending_ = true;
    dispatch_synthesis();
  }

  bool synthesis_pending() const override { return synth_pending_; }

  std::optional<std::vector<SynthesisRecord>> collect_synthesis(bool wait) override {
    if (!synth_pending_) return std::nullopt;
    Backoff backoff;
    for (;;) {
      while (auto m = poll()) handle(*m);
      if (synth_received_ == synth_jobs_.size()) break;
      if (!wait) return std::nullopt;
      out_.progress();
      backoff.pause();
    }
    synth_pending_ = false;
    std::vector<SynthesisRecord> records;
    for (auto& r : synth_results_) records.push_back(std::move(*r));
    return records;
  }

 private:
  void check_workers(int size) {
    std::vector<Json> problems(static_cast<std::size_t>(size));
    for (int n = 1; n < size; ++n) {
      const Message m = wait_message(out_);
      NAS4ML_ASSERT(m.tag == kReady, "unexpected message while the workers start");
      const Json j = m.json();
      WorkerSlots w;
      w.rank = m.source;
      w.host = j.at("host").get<std::string>();
      w.threads = j.at("threads").get<int>();
      w.eval_free = w.threads + 1;
      w.synth_free = j.at("synthesis_jobs").get<int>();
      problems[static_cast<std::size_t>(m.source)] = j.at("problem");
      workers_.push_back(w);
    }
    std::sort(workers_.begin(), workers_.end(), [](const auto& a, const auto& b) { return a.rank < b.rank; });
    // The first problem by rank, as the worker saw it, with its rank and host in front.
    for (const auto& w : workers_) {
      const Json& p = problems[static_cast<std::size_t>(w.rank)];
      if (p.is_null()) continue;
      throw Error(static_cast<ErrorKind>(p.at("kind").get<int>()), p.at("file").get<std::string>(),
                  p.at("location").get<std::string>(),
                  fmt::format("{} on rank {} (host {})", p.at("problem").get<std::string>(), w.rank, w.host),
                  p.at("expected").get<std::string>(), p.at("got").get<std::string>());
    }
  }

  /// The worker with the most free slots of `kind` (lowest rank on ties), or none.
  WorkerSlots* freest(int WorkerSlots::*kind) {
    WorkerSlots* best = nullptr;
    for (auto& w : workers_)
      if (w.*kind > 0 && (best == nullptr || w.*kind > best->*kind)) best = &w;
    return best;
  }

  WorkerSlots& worker(int rank) {
    for (auto& w : workers_)
      if (w.rank == rank) return w;
    throw InternalError(fmt::format("message from unknown rank {}", rank));
  }

  void dispatch_synthesis() {
    while (synth_next_ < synth_jobs_.size()) {
      WorkerSlots* w = freest(&WorkerSlots::synth_free);
      if (w == nullptr) return;
      --w->synth_free;
      const std::size_t i = synth_next_++;
      out_.send(w->rank, kSynth, Json{{"position", i}, {"job", to_json(synth_jobs_[i])}});
    }
  }

  /// Takes in one message; true when it was an evaluation result.
  bool handle(const Message& m) {
    const Json j = m.json();
    const auto position = j.at("position").get<std::size_t>();
    if (m.tag == kResult) {
      ++worker(m.source).eval_free;
      if (j.contains("internal_error")) {
        if (internal_error_.empty()) internal_error_ = fmt::format("rank {}: {}", m.source, j["internal_error"].get<std::string>());
        results_[position] = EvaluationRecord{};
      } else {
        results_[position] = evaluation_record_from_json(j.at("record"));
      }
      return true;
    }
    NAS4ML_ASSERT(m.tag == kSynthResult, "unexpected message tag");
    ++worker(m.source).synth_free;
    if (j.contains("internal_error")) throw InternalError(fmt::format("rank {}: {}", m.source, j["internal_error"].get<std::string>()));
    synth_results_[position] = synthesis_record_from_json(j.at("record"));
    ++synth_received_;
    dispatch_synthesis();
    return false;
  }

  const EvaluationContext& context_;
  Outbox out_;
  std::vector<WorkerSlots> workers_;
  std::vector<std::optional<EvaluationRecord>> results_;
  std::string internal_error_;
  std::vector<SynthesisJob> synth_jobs_;
  std::vector<std::optional<SynthesisRecord>> synth_results_;
  std::size_t synth_next_ = 0, synth_received_ = 0;
  bool synth_pending_ = false;
};

}  // namespace

ExecutorKind mpi_executor_kind(CandidateEvaluator evaluate) {
  ExecutorKind k;
  k.name = "mpi";
  k.description = "MPI ranks under mpirun or srun: rank 0 coordinates, the others evaluate";
  k.is_server = [] { return Runtime::get().rank() != 0; };
  k.serve = [evaluate](int threads) { serve(threads, evaluate); };
  k.make = [](const EvaluationContext& c, const ExecutorOptions& o) -> std::unique_ptr<Executor> {
    return std::make_unique<MpiExecutor>(c, o);
  };
  return k;
}

std::optional<ExecutorKind> mpi_executor_kind() { return mpi_executor_kind(evaluate_candidate); }

}  // namespace nas4ml::campaign

#endif
