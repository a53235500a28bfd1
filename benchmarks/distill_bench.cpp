// Knowledge distillation measured (benchmarks/distillation.sh): loads an experiment with a
// "distillation" section, trains (or reads) its teacher exactly as a campaign does, then trains
// each student model spec with every seed twice, without the teacher (alpha 1) and with it (the
// experiment's alpha and temperature), printing one JSON line per run (test accuracy of the
// integer model) and a summary line per student (mean over the seeds).
//
// Usage: distill_bench <experiment.json> <data.csv> <student-spec.json>... -- <seed>...
#include <cstdio>
#include <string>
#include <vector>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/teacher.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/trainer.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> specs;
  std::vector<std::uint64_t> seeds;
  bool after = false;
  for (int k = 3; k < argc; ++k) {
    const std::string a = argv[k];
    if (a == "--") after = true;
    else if (after) seeds.push_back(std::stoull(a));
    else specs.push_back(a);
  }
  if (argc < 4 || specs.empty() || seeds.empty()) {
    std::fprintf(stderr, "usage: distill_bench <experiment.json> <data.csv> <student-spec.json>... -- <seed>...\n");
    return 2;
  }
  try {
    namespace nn = nas4ml::nn;
    const auto cfg = nas4ml::campaign::load_experiment(argv[1]);
    nas4ml::data::LoadOverrides ov;
    ov.source = argv[2];
    const auto data = nas4ml::data::load_dataset(cfg.dataset_path, ov);
    const auto teacher = nas4ml::campaign::campaign_teacher(cfg, data, nas4ml::campaign::RunPaths("/nonexistent"));
    std::printf("{\"teacher\": \"%s\", \"teacher_test_accuracy\": %.4f}\n", cfg.distillation.teacher.c_str(),
                teacher->test_accuracy);
    for (const auto& file : specs) {
      nn::ModelSpec spec = nn::load_model_spec(file);
      double sum[2] = {0, 0};
      for (int with = 0; with < 2; ++with) {
        spec.training.distillation_alpha = with ? cfg.distillation.alpha : 1.0;
        spec.training.distillation_temperature = with ? cfg.distillation.temperature : 1.0;
        for (const auto seed : seeds) {
          nn::TrainOptions o;
          o.seed = seed;
          o.evaluate_train = false;
          o.teacher = teacher.get();
          const auto r = nn::train_model(spec, data, o);
          if (!r.ok) throw std::runtime_error(r.failure);
          sum[with] += r.test.accuracy;
          std::printf("{\"student\": \"%s\", \"teacher\": %s, \"seed\": %llu, \"test_accuracy\": %.4f, \"seconds\": %.2f}\n",
                      spec.name.c_str(), with ? "true" : "false", static_cast<unsigned long long>(seed),
                      r.test.accuracy, r.train_seconds);
          std::fflush(stdout);
        }
      }
      const double n = static_cast<double>(seeds.size());
      std::printf("SUMMARY %s: without %.4f, with %.4f (alpha %g, T %g), difference %+.4f, mean over %zu seeds\n",
                  spec.name.c_str(), sum[0] / n, sum[1] / n, cfg.distillation.alpha, cfg.distillation.temperature,
                  (sum[1] - sum[0]) / n, seeds.size());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
