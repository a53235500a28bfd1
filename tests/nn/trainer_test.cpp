#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/golden_inference.hpp"
#include "nas4ml/nn/pruning.hpp"
#include "nas4ml/nn/trainer.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
// Gaussian blobs: class c has its mean shifted along feature c % n_features.
data::LoadedDataset blobs(std::size_t rows, int n_features, int n_classes, double shift, std::uint64_t seed = 5) {
  data::LoadedDataset d;
  d.name = "blobs";
  for (int i = 0; i < n_features; ++i) d.feature_names.push_back("f" + std::to_string(i));
  for (int c = 0; c < n_classes; ++c) d.class_names.push_back("c" + std::to_string(c));
  Rng rng = Rng::stream(seed, 0, 0, "test.data");
  auto fill = [&](data::Split& s, std::size_t n) {
    s.x.resize(static_cast<Eigen::Index>(n), n_features);
    s.y.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      const auto y = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(n_classes)));
      s.y[r] = y;
      for (int f = 0; f < n_features; ++f)
        s.x(static_cast<Eigen::Index>(r), f) = static_cast<float>(rng.normal() + (f % n_classes == y ? shift : 0.0));
    }
  };
  fill(d.train, rows);
  fill(d.validation, rows / 4);
  fill(d.test, rows / 4);
  return d;
}

ModelSpec spec_of(std::vector<int> hidden, const std::string& wfmt, const std::string& rfmt, double sparsity,
                  int epochs) {
  ModelSpec s;
  s.input_format = parse_fixed_format("ap_fixed<10,4>");
  for (int u : hidden) {
    LayerSpec l;
    l.units = u;
    l.sparsity = sparsity;
    l.weight_format = parse_fixed_format(wfmt);
    l.bias_format = parse_fixed_format("ap_fixed<12,4>");
    l.result_format = parse_fixed_format(rfmt);
    s.layers.push_back(l);
  }
  LayerSpec out = s.layers.back();
  out.units = 0;
  out.activation = Activation::linear;
  s.layers.push_back(out);
  s.training.epochs = epochs;
  s.training.batch_size = 64;
  s.training.learning_rate = 0.01;
  s.training.patience = 0;
  return s;
}
}  // namespace

TEST_CASE("training learns separable blobs in float and in QAT", "[nn][trainer]") {
  const auto d = blobs(2000, 6, 3, 2.0);
  for (bool qat : {false, true}) {
    auto s = spec_of({16, 8}, "ap_fixed<8,2>", "ap_fixed<12,5>", 0.0, 10);
    s.training.quantization_aware = qat;
    const auto r = train_model(s, d);
    INFO("qat " << qat);
    REQUIRE(r.ok);
    CHECK(r.test.accuracy > 0.85);
    CHECK(r.history.back().val_accuracy > 0.85);
  }
}

TEST_CASE("pruning reaches the target sparsity exactly and pruned weights stay zero", "[nn][trainer][pruning]") {
  const auto d = blobs(1500, 6, 3, 2.0);
  for (int rounds : {1, 3}) {
    auto s = spec_of({20, 10}, "ap_fixed<8,2>", "ap_fixed<12,5>", 0.0, 9);
    s.layers[0].sparsity = 0.63;   // 120 weights -> 76 zeros (75.6 rounds up)
    s.layers[1].sparsity = 0.5;    // 200 -> 100
    s.layers[2].sparsity = 0.25;   // 30 -> 8 (7.5 rounds half up)
    s.training.prune_rounds = rounds;
    std::vector<double> seen;
    TrainOptions o;
    o.on_epoch = [&](const EpochReport& r) { seen.push_back(r.sparsity); };
    const auto r = train_model(s, d, o);
    REQUIRE(r.ok);
    const std::size_t expected[] = {76, 100, 8};
    for (std::size_t k = 0; k < 3; ++k) {
      const auto& l = r.model.layers[k];
      std::size_t pruned = 0;
      for (std::size_t i = 0; i < l.mask.size(); ++i) {
        pruned += l.mask[i] == 0;
        if (l.mask[i] == 0) CHECK(l.weights[i] == 0);
      }
      INFO("rounds " << rounds << " layer " << k);
      CHECK(pruned == expected[k]);
    }
    // The schedule only ever adds zeros, and the final sparsity is reached before the end.
    INFO("rounds " << rounds);
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(seen.back() == Approx((76 + 100 + 8) / 350.0));
    CHECK(r.test.accuracy > 0.8);
  }
}

TEST_CASE("pruning schedule and mask selection", "[nn][pruning]") {
  CHECK(polynomial_sparsity(0.0, 0.8, 0.0) == 0.0);
  CHECK(polynomial_sparsity(0.0, 0.8, 1.0) == Approx(0.8));
  CHECK(polynomial_sparsity(0.0, 0.8, 0.5) == Approx(0.8 - 0.8 * 0.125));
  const PruningSchedule one(10, 1, 0.5);
  CHECK(one.final_epoch() == 5);     // 1 epoch of delay (10 / 8), then a 5-epoch ramp
  CHECK(one.target(0) == 0.0);
  CHECK(one.target(1) == Approx(0.5 * (1 - std::pow(0.8, 3))));
  CHECK(one.target(4) < 0.5);
  CHECK(one.target(5) == Approx(0.5));
  CHECK(one.target(9) == Approx(0.5));
  const PruningSchedule three(12, 3, 0.9);
  CHECK(three.target(3) == Approx(0.9 * (1 - std::pow(2.0 / 3.0, 3))));  // end of round 1's ramp... held
  CHECK(three.final_epoch() == 9);
  CHECK(pruned_count(0.25, 30) == 8);
  CHECK(pruned_count(0.5, 7) == 4);
  // Smallest |primary| goes first; ties broken by |secondary|; already pruned entries stay pruned.
  std::vector<float> q = {0.5f, -0.1f, 0.1f, 0.0f, 0.3f, -0.7f};
  std::vector<float> w = {0.5f, -0.12f, 0.11f, 0.01f, 0.3f, -0.7f};
  std::vector<float> mask = {1, 1, 1, 1, 0, 1};
  prune_weights(q, w, mask, 3);
  CHECK(mask == std::vector<float>{1, 1, 0, 0, 0, 1});
  prune_weights(q, w, mask, 2);  // never un-prunes
  CHECK(mask == std::vector<float>{1, 1, 0, 0, 0, 1});
  // Structured: 3 outputs x 2 inputs, column-major; neuron 1 has the smallest L1 norm.
  std::vector<float> wq = {1.0f, 0.1f, -2.0f, 0.5f, 0.1f, 0.1f};
  std::vector<float> wm(6, 1.0f), bm(3, 1.0f);
  prune_neurons(wq, wq, 3, 2, wm, bm, 1);
  CHECK(wm == std::vector<float>{1, 0, 1, 1, 0, 1});
  CHECK(bm == std::vector<float>{1, 0, 1});
}

TEST_CASE("structured pruning removes whole neurons", "[nn][trainer][pruning]") {
  const auto d = blobs(1500, 6, 3, 2.0);
  auto s = spec_of({20, 10}, "ap_fixed<8,2>", "ap_fixed<12,5>", 0.5, 8);
  s.training.structured_pruning = true;
  const auto r = train_model(s, d);
  REQUIRE(r.ok);
  const auto& l0 = r.model.layers[0];
  int dead = 0;
  for (int o = 0; o < l0.n_out; ++o) {
    int kept = 0;
    for (int i = 0; i < l0.n_in; ++i) kept += l0.mask[static_cast<std::size_t>(o) * l0.n_in + i];
    CHECK((kept == 0 || kept == l0.n_in));
    if (kept == 0) {
      ++dead;
      CHECK(l0.biases[static_cast<std::size_t>(o)] == 0);
    }
  }
  CHECK(dead == 10);
  // The output layer is pruned weight by weight (pruning an output neuron would drop a class).
  std::size_t pruned_out = 0;
  for (auto m : r.model.layers[2].mask) pruned_out += m == 0;
  CHECK(pruned_out == 15);
}

TEST_CASE("the same seed gives bit-identical weights, in a 2-thread TBB arena or alone", "[nn][trainer][determinism]") {
  const auto d = blobs(1200, 6, 3, 1.5);
  auto s = spec_of({16, 8}, "ap_fixed<6,2,AP_RND>", "ap_fixed<10,4,AP_RND,AP_SAT>", 0.5, 4);
  TrainOptions o;
  o.seed = 77;
  const auto alone = train_model(s, d, o);
  TrainResult a, b;
  tbb::task_arena arena(2);
  arena.execute([&] {
    tbb::parallel_invoke([&] { a = train_model(s, d, o); }, [&] { b = train_model(s, d, o); });
  });
  REQUIRE(alone.ok);
  for (const auto* other : {&a, &b}) {
    REQUIRE(other->ok);
    for (std::size_t k = 0; k < alone.model.layers.size(); ++k) {
      CHECK(other->model.layers[k].weights == alone.model.layers[k].weights);
      CHECK(other->model.layers[k].biases == alone.model.layers[k].biases);
      CHECK(other->model.layers[k].mask == alone.model.layers[k].mask);
    }
    CHECK(other->test.loss == alone.test.loss);
  }
  o.seed = 78;
  const auto different = train_model(s, d, o);
  CHECK(different.model.layers[0].weights != alone.model.layers[0].weights);
}

TEST_CASE("2-bit and 18-bit formats train", "[nn][trainer][qat]") {
  const auto d = blobs(2000, 6, 3, 2.5);
  auto narrow = spec_of({16, 8}, "ap_fixed<2,1>", "ap_fixed<8,4,AP_RND,AP_SAT>", 0.0, 12);
  narrow.training.learning_rate = 0.003;
  const auto rn = train_model(narrow, d);
  REQUIRE(rn.ok);
  CHECK(rn.test.accuracy > 0.75);  // chance is 1/3
  std::set<std::int64_t> values(rn.model.layers[0].weights.begin(), rn.model.layers[0].weights.end());
  CHECK(values.size() <= 4);       // ap_fixed<2,1>: -2..1 raw
  auto wide = spec_of({16, 8}, "ap_fixed<18,3>", "ap_fixed<18,7,AP_RND,AP_SAT>", 0.0, 8);
  const auto rw = train_model(wide, d);
  REQUIRE(rw.ok);
  CHECK(rw.test.accuracy > 0.85);
}

TEST_CASE("a diverging run is a failed result with a reason, not a crash", "[nn][trainer][divergence]") {
  auto s = spec_of({16, 8}, "ap_fixed<8,2>", "ap_fixed<12,5>", 0.0, 3);
  s.training.quantization_aware = false;
  SECTION("exploding updates") {
    auto d = blobs(400, 6, 3, 2.0);
    d.train.x *= 1e18f;  // SGD at a huge rate on huge inputs overflows float
    s.training.optimizer = "sgd";
    s.training.learning_rate = 10.0;
    const auto r = train_model(s, d);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.failure, Catch::Contains("diverged"));
  }
  SECTION("a NaN in the training data") {
    auto d = blobs(400, 6, 3, 2.0);
    d.train.x(5, 2) = std::numeric_limits<float>::quiet_NaN();
    const auto r = train_model(s, d);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.failure, Catch::Contains("diverged: the training loss became NaN at epoch 1"));
  }
}

TEST_CASE("a candidate over its time budget fails with a timeout reason", "[nn][trainer][timeout]") {
  const auto d = blobs(4000, 6, 3, 2.0);
  auto s = spec_of({32, 32}, "ap_fixed<8,2>", "ap_fixed<12,5>", 0.0, 50);
  TrainOptions o;
  o.timeout_seconds = 1e-9;  // over budget after the first epoch
  const auto r = train_model(s, d, o);
  CHECK_FALSE(r.ok);
  CHECK(r.epochs_run == 1);
  CHECK_THAT(r.failure, Catch::StartsWith("timeout: training exceeded 1e-09 s after epoch 1 of 50"));
  o.timeout_seconds = 3600;  // a generous budget changes nothing
  CHECK(train_model(s, d, o).ok);
}

TEST_CASE("early stopping keeps the best epoch and records it", "[nn][trainer]") {
  const auto d = blobs(800, 6, 3, 0.3);  // hard: validation loss soon stops improving
  auto s = spec_of({32, 32}, "ap_fixed<10,3>", "ap_fixed<14,6>", 0.0, 200);
  s.training.patience = 3;
  s.training.learning_rate = 0.03;
  s.training.schedule = "constant";
  const auto r = train_model(s, d);
  REQUIRE(r.ok);
  CHECK(r.early_stopped);
  CHECK(r.epochs_run < 200);
  CHECK(r.best_epoch == r.epochs_run - 3);
  CHECK(r.model.training["early_stop_epoch"] == r.epochs_run);
  CHECK(r.model.training["best_epoch"] == r.best_epoch);
}

TEST_CASE("training metadata records seed, data, metrics and throughput", "[nn][trainer]") {
  auto d = blobs(600, 6, 3, 2.0);
  d.sources.push_back({"blobs.csv", "abc123", 42});
  auto s = spec_of({8}, "ap_fixed<8,2>", "ap_fixed<12,5>", 0.0, 2);
  TrainOptions o;
  o.seed = 5;
  const auto r = train_model(s, d, o);
  REQUIRE(r.ok);
  const Json& t = r.model.training;
  CHECK(t["seed"] == 5);
  CHECK(t["epochs_run"] == 2);
  CHECK(t["data"]["name"] == "blobs");
  CHECK(t["data"]["sources"][0]["sha256"] == "abc123");
  CHECK(t["data"]["rows"]["train"] == 600);
  CHECK(t["metrics"]["test"]["accuracy"].get<double>() == r.test.accuracy);
  CHECK(t["throughput"]["samples_per_second"].get<double>() > 0);
  CHECK(r.samples_trained == 1200);
  CHECK(r.model.class_names == d.class_names);
}

TEST_CASE("data that does not fit the spec is a clear error", "[nn][trainer]") {
  const auto d = blobs(100, 6, 3, 2.0);
  auto s = spec_of({8}, "ap_fixed<8,2>", "ap_fixed<12,5>", 0.0, 1);
  s.n_inputs = 7;
  CHECK_THROWS_WITH(train_model(s, d), Catch::Contains("$.inputs") && Catch::Contains("expected 6, got 7"));
  s.n_inputs = 0;
  s.layers.back().units = 4;
  CHECK_THROWS_WITH(train_model(s, d), Catch::Contains("$.layers[1].units") && Catch::Contains("class count"));
}
