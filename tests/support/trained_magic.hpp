#pragma once
/// \file Test helper: a real trained network for the lowering's tests instead of uniform random
/// weights: experiments/models/magic_10_32_32_2.json trained on the shipped MAGIC data for 3
/// epochs, seed 1 (pruned to 50%, 8-bit weights). Header-only: the test binaries that use it
/// link the nn and data modules, the support library does not.
#include <catch2/catch.hpp>

#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/trainer.hpp"
#include "support/run_cli.hpp"

namespace nas4ml::test {

/// The data set and the model trained on it.
struct TrainedMagic {
  data::LoadedDataset data;
  nn::QuantizedModel model;
};

/// Trained once per test binary (deterministic: the same model every call).
inline const TrainedMagic& trained_magic() {
  static const TrainedMagic magic = [] {
    TrainedMagic m{data::load_dataset(source_path("experiments/datasets/magic.json")), {}};
    const auto spec = nn::load_model_spec(source_path("experiments/models/magic_10_32_32_2.json"));
    nn::TrainOptions o;
    o.seed = 1;
    o.epochs = 3;
    o.evaluate_train = false;
    auto trained = nn::train_model(spec, m.data, o);
    REQUIRE(trained.ok);
    m.model = std::move(trained.model);
    return m;
  }();
  return magic;
}

}  // namespace nas4ml::test
