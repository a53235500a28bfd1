#pragma once
/// \file
/// The project's one parallel loop over indices [0, n), run in the calling thread's TBB arena.
///
/// Every build uses tbb::parallel_for, except a ThreadSanitizer build (-fsanitize=thread, which
/// defines __SANITIZE_THREAD__): there the loop runs on std::threads pulling indices from an
/// atomic counter, as many as the arena allows. ThreadSanitizer only sees synchronization done
/// by instrumented code, and Debian's libtbb is not instrumented, so TBB's own hand-off of a task
/// between threads would be reported as a race in every loop; with std::thread the loop bodies,
/// the state they share and the results they publish are checked exactly (docs/reliability.md).

#include <cstddef>
#include <utility>

#include <tbb/parallel_for.h>

#ifdef __SANITIZE_THREAD__
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <tbb/task_arena.h>
#endif

namespace nas4ml::search {

/// Calls fn(i) for every i in [0, n), in parallel, in any order. The first exception a call
/// throws is rethrown after the loop stops (calls not yet started are skipped).
template <class Fn>
void parallel_for(std::size_t n, Fn&& fn) {
#ifndef __SANITIZE_THREAD__
  tbb::parallel_for(std::size_t{0}, n, std::forward<Fn>(fn));
#else
  const std::size_t threads =
      std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency())));
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr first;
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first) first = std::current_exception();
        next = n;
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (first) std::rethrow_exception(first);
#endif
}

}  // namespace nas4ml::search
