// Weight inheritance (nn/weight_inheritance.hpp): which layers a child takes from a parent, the
// exact copy, the choice between parents, and the trainer starting from them deterministically.
#include <catch2/catch.hpp>

#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/nn/mlp.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "nas4ml/nn/weight_inheritance.hpp"

using namespace nas4ml;
using namespace nas4ml::nn;

namespace {
// Gaussian blobs: class c has its mean shifted along feature c.
data::LoadedDataset blobs(std::size_t rows) {
  data::LoadedDataset d;
  d.name = "blobs";
  for (int i = 0; i < 6; ++i) d.feature_names.push_back("f" + std::to_string(i));
  for (int c = 0; c < 3; ++c) d.class_names.push_back("c" + std::to_string(c));
  Rng rng = Rng::stream(5, 0, 0, "test.data");
  auto fill = [&](data::Split& s, std::size_t n) {
    s.x.resize(static_cast<Eigen::Index>(n), 6);
    s.y.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      const auto y = static_cast<std::int32_t>(rng.below(3));
      s.y[r] = y;
      for (int f = 0; f < 6; ++f) s.x(static_cast<Eigen::Index>(r), f) = static_cast<float>(rng.normal() + (f % 3 == y ? 2.0 : 0.0));
    }
  };
  fill(d.train, rows);
  fill(d.validation, rows / 4);
  fill(d.test, rows / 4);
  return d;
}

// 6 inputs, the hidden layers, 3 outputs (resolved).
ModelSpec spec_of(std::vector<int> hidden, int epochs, double sparsity = 0.0) {
  ModelSpec s;
  s.n_inputs = 6;
  s.input_format = parse_fixed_format("ap_fixed<10,4>");
  for (int u : hidden) {
    LayerSpec l;
    l.units = u;
    l.sparsity = sparsity;
    l.weight_format = parse_fixed_format("ap_fixed<8,2>");
    l.bias_format = parse_fixed_format("ap_fixed<12,4>");
    l.result_format = parse_fixed_format("ap_fixed<12,5>");
    s.layers.push_back(l);
  }
  LayerSpec out = s.layers.back();
  out.units = 3;
  out.activation = Activation::linear;
  s.layers.push_back(out);
  s.training.epochs = epochs;
  s.training.batch_size = 64;
  s.training.learning_rate = 0.01;
  s.training.patience = 0;
  return s;
}

void check_same_weights(const QuantizedModel& a, const QuantizedModel& b) {
  REQUIRE(a.layers.size() == b.layers.size());
  for (std::size_t k = 0; k < a.layers.size(); ++k) {
    CHECK(a.layers[k].weights == b.layers[k].weights);
    CHECK(a.layers[k].biases == b.layers[k].biases);
    CHECK(a.layers[k].mask == b.layers[k].mask);
  }
}
}  // namespace

TEST_CASE("a child takes exactly the layers of the same shape, the others keep their random start", "[nn][inheritance]") {
  const auto d = blobs(600);
  const TrainResult parent = train_model(spec_of({16, 8}, 3, 0.5), d);
  REQUIRE(parent.ok);
  // 6x16 matches; 16x4 and 4x3 do not (the parent has 16x8 and 8x3).
  Mlp child(spec_of({16, 4}, 1), 64, true), fresh(spec_of({16, 4}, 1), 64, true);
  Rng r1 = Rng::stream(1, 0, 0, "x"), r2 = Rng::stream(1, 0, 0, "x");
  child.initialize(r1);
  fresh.initialize(r2);
  CHECK(inheritable_layers(child, parent.model) == std::vector<int>{0});
  CHECK(inheritable_parameters(child, parent.model) == 6 * 16 + 16);
  CHECK(inherit_weights(child, parent.model) == std::vector<int>{0});
  const QuantizedModel got = child.to_quantized_model(), base = fresh.to_quantized_model();
  // Same formats: the parent's raw integers come back exactly, pruned weights as zeros (kept).
  CHECK(got.layers[0].weights == parent.model.layers[0].weights);
  CHECK(got.layers[0].biases == parent.model.layers[0].biases);
  CHECK(got.layers[0].mask == std::vector<std::uint8_t>(6 * 16, 1));
  for (std::size_t k : {1u, 2u}) {
    CHECK(got.layers[k].weights == base.layers[k].weights);
    CHECK(got.layers[k].biases == base.layers[k].biases);
  }
  // Deeper child: layers 0 and 1 match; its third layer is 8x8 where the parent's is 8x3.
  Mlp deeper(spec_of({16, 8, 8}, 1), 64, true);
  CHECK(inheritable_layers(deeper, parent.model) == std::vector<int>{0, 1});
  // Different inputs: the first layer differs, and so does the output layer (12x3 vs 16x8).
  ModelSpec other_inputs = spec_of({12}, 1);
  other_inputs.n_inputs = 5;
  Mlp none(other_inputs, 64, true);
  CHECK(inheritable_layers(none, parent.model).empty());
  CHECK(inheritable_parameters(none, parent.model) == 0);
}

TEST_CASE("the parent giving the most parameters is chosen, ties to the first", "[nn][inheritance]") {
  const auto d = blobs(600);
  const TrainResult a = train_model(spec_of({16, 8}, 1), d), b = train_model(spec_of({16, 4}, 1), d);
  REQUIRE((a.ok && b.ok));
  Mlp child(spec_of({16, 4}, 1), 64, true);
  CHECK(choose_parent(child, {&a.model, &b.model}) == 1);  // b: every layer; a: the first only
  CHECK(choose_parent(child, {&b.model, &a.model}) == 0);
  CHECK(choose_parent(child, {&a.model, &a.model}) == 0);
  CHECK(choose_parent(child, {nullptr, &a.model}) == 1);
  CHECK(choose_parent(child, {nullptr}) == -1);
  CHECK(choose_parent(child, {}) == -1);
  Mlp unrelated(spec_of({5}, 1), 64, true);
  CHECK(choose_parent(unrelated, {&a.model, &b.model}) == -1);  // 6x5 and 5x3: no layer of either
}

TEST_CASE("training from a parent: deterministic, starts trained, and a parent of other shapes changes nothing", "[nn][inheritance][determinism]") {
  const auto d = blobs(1200);
  const ModelSpec spec = spec_of({16, 8}, 2, 0.5);
  TrainOptions plain;
  plain.seed = 9;
  const TrainResult parent = train_model(spec_of({16, 8}, 8), d, plain);
  REQUIRE(parent.ok);
  REQUIRE(parent.test.accuracy > 0.8);

  TrainOptions inherit = plain;
  inherit.generation = 1;
  inherit.parents = {&parent.model};
  TrainOptions fresh = inherit;
  fresh.parents.clear();
  const TrainResult with = train_model(spec, d, inherit), without = train_model(spec, d, fresh);
  REQUIRE((with.ok && without.ok));
  CHECK(with.inherited_parent == 0);
  CHECK(with.inherited_layers == std::vector<int>{0, 1, 2});
  CHECK(without.inherited_parent == -1);
  CHECK(without.inherited_layers.empty());
  // The first epoch starts from a trained network: its loss is far below a random start's.
  CHECK(with.history.front().train_loss < 0.7 * without.history.front().train_loss);

  // Same parents, same seed: bit-identical, also two at a time on two threads.
  TrainResult a, b;
  tbb::task_arena arena(2);
  arena.execute([&] { tbb::parallel_invoke([&] { a = train_model(spec, d, inherit); }, [&] { b = train_model(spec, d, inherit); }); });
  check_same_weights(a.model, with.model);
  check_same_weights(b.model, with.model);

  // A parent whose layers all differ in shape: the run is the run without inheritance.
  const TrainResult other = train_model(spec_of({5}, 1), d, plain);
  REQUIRE(other.ok);
  TrainOptions mismatch = fresh;
  mismatch.parents = {&other.model};
  const TrainResult same = train_model(spec, d, mismatch);
  CHECK(same.inherited_parent == -1);
  check_same_weights(same.model, without.model);
  CHECK(same.test.loss == without.test.loss);
}
