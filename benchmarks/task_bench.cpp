// One side of the task benchmarks (benchmarks/tasks_vs_pytorch.sh): loads an experiment's data
// set, lets its task (regression, autoencoder) reshape it, writes the prepared splits as CSV for
// the PyTorch peer (features, then the regression targets or the 0/1 anomaly label), and trains a
// model spec with each seed, printing one JSON line of test metrics per seed (the integer model's,
// bit-exact with the firmware), and saves each trained model as <out-dir>/model_seed<seed>.q.json.
//
// Usage: task_bench <experiment.json> <model-spec.json> <out-dir> <seed>...
#include <cstdio>
#include <filesystem>
#include <string>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/task.hpp"
#include "nas4ml/nn/trainer.hpp"

namespace {
void write_split(const nas4ml::data::Split& s, const std::filesystem::path& path, bool labels) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path.string());
  for (std::size_t r = 0; r < s.rows(); ++r) {
    const auto row = static_cast<Eigen::Index>(r);
    for (Eigen::Index c = 0; c < s.x.cols(); ++c) std::fprintf(f, "%s%.9g", c ? "," : "", static_cast<double>(s.x(row, c)));
    for (Eigen::Index c = 0; c < s.target.cols(); ++c) std::fprintf(f, ",%.9g", static_cast<double>(s.target(row, c)));
    if (labels) std::fprintf(f, ",%d", s.y[r]);
    std::fprintf(f, "\n");
  }
  std::fclose(f);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: task_bench <experiment.json> <model-spec.json> <out-dir> <seed>...\n");
    return 2;
  }
  try {
    namespace nn = nas4ml::nn;
    const auto cfg = nas4ml::campaign::load_experiment(argv[1]);
    auto data = nas4ml::data::load_dataset(cfg.dataset_path);
    const auto task = nn::make_task(cfg.task);
    task->prepare(data, cfg.source_file.string());
    const std::filesystem::path out(argv[3]);
    std::filesystem::create_directories(out);
    const bool labels = cfg.task.kind == "autoencoder";
    write_split(data.train, out / "train.csv", labels);
    write_split(data.validation, out / "validation.csv", labels);
    write_split(data.test, out / "test.csv", labels);
    if (!data.target_preprocessing.offset.empty()) {  // the first target's raw units, for the peer
      std::FILE* f = std::fopen((out / "units.txt").c_str(), "w");
      std::fprintf(f, "%.17g %.17g\n", data.target_preprocessing.offset[0], data.target_preprocessing.scale[0]);
      std::fclose(f);
    }
    const nn::ModelSpec spec = nn::load_model_spec(argv[2]);
    for (int k = 4; k < argc; ++k) {
      nn::TrainOptions o;
      o.seed = std::stoull(argv[k]);
      o.task = task.get();
      o.evaluate_train = false;
      const nn::TrainResult r = nn::train_model(spec, data, o);
      if (!r.ok) {
        std::printf("{\"seed\": %s, \"failed\": \"%s\"}\n", argv[k], r.failure.c_str());
        continue;
      }
      // The trained model, for `nas4ml synth` / `nas4ml estimate` (the score's logic vs yosys).
      nn::save_quantized_model(r.model, out / ("model_seed" + std::to_string(o.seed) + ".q.json"));
      nas4ml::Json j = r.test.to_json();
      j["seed"] = o.seed;
      j["epochs_run"] = r.epochs_run;
      std::printf("%s\n", j.dump().c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
