// Training throughput of the nn engine: the 16-64-32-32-5 MLP of the hls4ml jet-tagging
// example, QAT on (6-bit weights), 50% magnitude pruning with persistent masks, batch 1024, a
// validation pass every epoch. Prints training samples/s on one thread and the aggregate of two
// candidates trained at once on two threads (what a search does), for
//   (a) random data of the jet shape (16 features, 5 classes): the throughput target, and
//   (b) LetterRecognition (16 features, 26 classes, network 16-64-32-32-26) with test accuracy,
// so benchmarks/pytorch_mlp.py can run the same networks, batch and epochs beside it.
//
// Usage (from the repository root): train_throughput [--letter DATASET_SPEC] [--epochs-random N] [--epochs-letter N] [--rows-random N]
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/trainer.hpp"

using namespace nas4ml;

namespace {

nn::ModelSpec jet_spec(int outputs, int epochs) {
  nn::ModelSpec s;
  s.name = "jet_16_64_32_32_" + std::to_string(outputs);
  s.n_inputs = 16;
  s.input_format = parse_fixed_format("ap_fixed<16,6>");
  for (int units : {64, 32, 32, outputs}) {
    nn::LayerSpec l;
    l.units = units;
    l.activation = units == outputs ? nn::Activation::linear : nn::Activation::relu;
    l.sparsity = 0.5;
    l.weight_format = parse_fixed_format("ap_fixed<6,1>");
    l.bias_format = parse_fixed_format("ap_fixed<16,6>");
    l.result_format = parse_fixed_format("ap_fixed<16,6>");
    s.layers.push_back(l);
  }
  s.training.optimizer = "adam";
  s.training.learning_rate = 0.01;
  s.training.batch_size = 1024;
  s.training.epochs = epochs;
  s.training.schedule = "cosine";
  s.training.patience = 0;  // fixed work: every epoch runs
  s.training.quantization_aware = true;
  return s;
}

data::LoadedDataset random_jet_data(std::size_t rows) {
  data::LoadedDataset d;
  d.name = "random-16x5";
  for (int i = 0; i < 16; ++i) d.feature_names.push_back("f" + std::to_string(i));
  for (int c = 0; c < 5; ++c) d.class_names.push_back("c" + std::to_string(c));
  Rng rng = Rng::stream(7, 0, 0, "bench.data");
  auto fill = [&](data::Split& s, std::size_t n) {
    s.x.resize(static_cast<Eigen::Index>(n), 16);
    s.y.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      s.y[r] = static_cast<std::int32_t>(rng.below(5));
      for (int c = 0; c < 16; ++c)
        s.x(static_cast<Eigen::Index>(r), c) = static_cast<float>(rng.normal() + (c % 5 == s.y[r] ? 1.0 : 0.0));
    }
  };
  fill(d.train, rows);
  fill(d.validation, rows / 4);
  fill(d.test, rows / 4);
  return d;
}

struct Figures {
  double one = 0, two = 0, accuracy = 0;
};

Figures measure(const nn::ModelSpec& spec, const data::LoadedDataset& d) {
  Figures f;
  nn::TrainOptions o;
  o.evaluate_train = false;
  o.seed = 1;
  const auto r1 = nn::train_model(spec, d, o);
  if (!r1.ok) std::fprintf(stderr, "training failed: %s\n", r1.failure.c_str());
  f.one = r1.samples_per_second;
  f.accuracy = r1.test.accuracy;
  // Two candidates at once, one per thread: aggregate training samples / wall time.
  nn::TrainResult ra, rb;
  std::thread ta([&] { nn::TrainOptions oa = o; oa.index = 1; ra = nn::train_model(spec, d, oa); });
  std::thread tb([&] { nn::TrainOptions ob = o; ob.index = 2; rb = nn::train_model(spec, d, ob); });
  ta.join();
  tb.join();
  // Count only the training loops (as the one-thread figure does): the slower loop bounds the wall time.
  const double wall = std::max(ra.train_seconds, rb.train_seconds);
  f.two = static_cast<double>(ra.samples_trained + rb.samples_trained) / wall;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::string letter = "experiments/datasets/letter.json";
  int epochs_random = 10, epochs_letter = 40;
  std::size_t rows_random = 65536;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--letter") letter = argv[i + 1];
    else if (a == "--epochs-random") epochs_random = std::stoi(argv[i + 1]);
    else if (a == "--epochs-letter") epochs_letter = std::stoi(argv[i + 1]);
    else if (a == "--rows-random") rows_random = std::stoul(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  std::printf("# nas4ml train_throughput: QAT (weights ap_fixed<6,1>), 50%% pruning, batch 1024, validation every epoch\n");
  {
    const auto d = random_jet_data(rows_random);
    const auto f = measure(jet_spec(5, epochs_random), d);
    std::printf("random-16x5 16-64-32-32-5 epochs=%d rows=%zu: 1 thread %.0f samples/s; 2 threads aggregate %.0f samples/s\n",
                epochs_random, rows_random, f.one, f.two);
  }
  if (std::filesystem::exists(letter)) {
    const auto d = data::load_dataset(letter);
    const auto f = measure(jet_spec(static_cast<int>(d.n_classes()), epochs_letter), d);
    std::printf("letter 16-64-32-32-%zu epochs=%d rows=%zu: 1 thread %.0f samples/s; 2 threads aggregate %.0f samples/s; test accuracy %.4f\n",
                d.n_classes(), epochs_letter, d.train.rows(), f.one, f.two, f.accuracy);
  } else {
    std::printf("letter: skipped, %s not found\n", letter.c_str());
  }
  return 0;
}
