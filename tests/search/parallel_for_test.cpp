#include "nas4ml/search/parallel_for.hpp"

#include <atomic>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>
#include <tbb/task_arena.h>

TEST_CASE("parallel_for calls every index exactly once, on the arena's threads", "[search][parallel_for]") {
  for (const int threads : {1, 2, 4}) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
      std::vector<int> calls(n, 0);
      std::atomic<std::size_t> total{0};
      tbb::task_arena arena(threads);
      arena.execute([&] {
        nas4ml::search::parallel_for(n, [&](std::size_t i) {
          ++calls[i];
          total += i;
        });
      });
      CHECK(total == n * (n == 0 ? 0 : n - 1) / 2);
      for (std::size_t i = 0; i < n; ++i) REQUIRE(calls[i] == 1);
    }
  }
}

TEST_CASE("parallel_for rethrows an exception of a call after the loop", "[search][parallel_for]") {
  tbb::task_arena arena(2);
  std::atomic<int> done{0};
  auto run = [&] {
    arena.execute([&] {
      nas4ml::search::parallel_for(100, [&](std::size_t i) {
        if (i == 37) throw std::runtime_error("index 37");
        ++done;
      });
    });
  };
  CHECK_THROWS_WITH(run(), "index 37");
  CHECK(done < 100);
}
