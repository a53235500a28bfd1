#include <catch2/catch.hpp>

#include <stdexcept>

#include <tbb/task_arena.h>

#include "nas4ml/core/error.hpp"
#include "nas4ml/search/batch_evaluator.hpp"

using namespace nas4ml;
using namespace nas4ml::search;

namespace {
std::vector<Genome> some_genomes(std::size_t n) {
  std::vector<Genome> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i].choices = {static_cast<std::int32_t>(i), 7};
  return out;
}

// Uses its random stream heavily and takes uneven time, so a thread-count dependence would show.
Evaluation noisy(const Genome& g, Rng& rng, std::uint64_t index) {
  double acc = 0.0;
  const int draws = 1000 + 5000 * static_cast<int>(index % 3);
  for (int i = 0; i < draws; ++i) acc += rng.normal();
  if (g.choices[0] % 7 == 3) throw std::runtime_error("training diverged (loss = nan)");
  return Evaluation{{acc, static_cast<double>(g.choices[0])}, 0.0, false, {}, 0.0};
}

std::vector<Evaluation> with_threads(int threads, const std::vector<Genome>& g, const BatchContext& ctx) {
  tbb::task_arena arena(threads);
  std::vector<Evaluation> out;
  arena.execute([&] { out = evaluate_batch(g, noisy, ctx); });
  return out;
}
}  // namespace

TEST_CASE("batch evaluation gives identical results with 1 and 2 threads", "[search][batch]") {
  const auto g = some_genomes(40);
  BatchContext ctx;
  ctx.seed = 99;
  ctx.generation = 4;
  ctx.n_objectives = 2;
  const auto a = with_threads(1, g, ctx);
  const auto b = with_threads(2, g, ctx);
  REQUIRE(a.size() == 40);
  REQUIRE(b.size() == 40);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].failed == b[i].failed);
    CHECK(a[i].failure == b[i].failure);
    if (!a[i].failed) CHECK(a[i].objectives == b[i].objectives);
  }
  // the stream depends on (seed, generation, index): another generation differs
  ctx.generation = 5;
  const auto c = with_threads(2, g, ctx);
  CHECK(c[0].objectives != a[0].objectives);
  // the same candidate index gives the same stream whatever the batch split
  ctx.generation = 4;
  ctx.first_index = 20;
  const std::vector<Genome> tail(g.begin() + 20, g.end());
  const auto d = with_threads(2, tail, ctx);
  CHECK(d[0].objectives == a[20].objectives);
}

TEST_CASE("an exception marks one candidate failed and the batch goes on", "[search][batch]") {
  const auto g = some_genomes(12);
  BatchContext ctx;
  ctx.n_objectives = 2;
  const auto r = with_threads(2, g, ctx);
  for (std::size_t i = 0; i < r.size(); ++i) {
    INFO(i);
    if (i % 7 == 3) {
      CHECK(r[i].failed);
      CHECK(r[i].failure == "training diverged (loss = nan)");
      CHECK(std::isinf(r[i].violation));
    } else {
      CHECK_FALSE(r[i].failed);
      CHECK(r[i].violation == 0.0);
    }
  }
}

TEST_CASE("bad results become failures; internal errors are rethrown once, after the batch", "[search][batch]") {
  const auto g = some_genomes(6);
  BatchContext ctx;
  ctx.n_objectives = 2;
  std::atomic<int> calls{0};
  auto eval = [&](const Genome& x, Rng&, std::uint64_t) -> Evaluation {
    ++calls;
    if (x.choices[0] == 1) return Evaluation{{1.0}, 0.0, false, {}, 0.0};
    if (x.choices[0] == 2) return Evaluation{{std::nan(""), 1.0}, 0.0, false, {}, 0.0};
    if (x.choices[0] == 4 || x.choices[0] == 5) throw InternalError("bug in candidate " + std::to_string(x.choices[0]));
    return Evaluation{{1.0, 2.0}, 0.0, false, {}, 0.0};
  };
  ctx.rethrow_internal_errors = false;
  const auto r = evaluate_batch(g, eval, ctx);
  CHECK(r[1].failed);
  CHECK_THAT(r[1].failure, Catch::Contains("1 objectives, expected 2"));
  CHECK(r[2].failed);
  CHECK_THAT(r[2].failure, Catch::Contains("non-finite"));
  CHECK_FALSE(r[3].failed);
  ctx.rethrow_internal_errors = true;
  calls = 0;
  CHECK_THROWS_WITH(evaluate_batch(g, eval, ctx), Catch::Contains("bug in candidate 4"));
  CHECK(calls == 6);  // every candidate was still evaluated
}
