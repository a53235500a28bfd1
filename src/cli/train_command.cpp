// `nas4ml train <model-spec.json> --data <dataset.json> [--epochs N] [--seed S] [--save FILE] [--json]
// [--teacher SPEC | --teacher-model Q.JSON] [--alpha A] [--temperature T]`: trains one candidate
// with quantization-aware training and pruning (and, with a teacher, knowledge distillation) and
// prints the integer model's metrics and the training throughput (docs/training.md).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "nas4ml/campaign/teacher.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/nn/model_spec_json.hpp"
#include "nas4ml/nn/quantized_model_json.hpp"
#include "nas4ml/nn/trainer.hpp"

namespace nas4ml::cli {
namespace {

struct TrainArgs {
  std::string spec;
  std::string data;
  int epochs = 0;
  std::uint64_t seed = 1;
  std::string save;
  std::string signal;
  bool json = false;
  std::string teacher, teacher_model;  // a model spec trained in float first, or a trained model
  double alpha = -1.0, temperature = -1.0;  // -1: the spec's when it distils, else 0.5 and 4
};

std::string number(double v, int digits = 4) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return "inf";
  return fmt::format("{:.{}f}", v, digits);
}

// The teacher of --teacher / --teacher-model (null without), and the spec's distillation knobs
// set from --alpha / --temperature. Throws ConfigError naming the option.
std::unique_ptr<nn::Teacher> distillation_teacher(const TrainArgs& args, nn::ModelSpec& spec,
                                                  const data::LoadedDataset& dataset) {
  const bool has_teacher = !args.teacher.empty() || !args.teacher_model.empty();
  if (!args.teacher.empty() && !args.teacher_model.empty())
    throw ConfigError("--teacher-model", "", "one teacher at a time",
                      "--teacher (a model spec trained in float) or --teacher-model (a trained model)", "both");
  if (!has_teacher) {
    if (args.alpha >= 0.0 || args.temperature >= 0.0)
      throw ConfigError(args.alpha >= 0.0 ? "--alpha" : "--temperature", "", "distillation without a teacher",
                        "--teacher or --teacher-model with it", "no teacher");
    return nullptr;
  }
  nn::TrainingSpec& t = spec.training;
  const bool spec_distils = nn::distills(t.distillation_alpha);
  t.distillation_alpha = args.alpha >= 0.0 ? args.alpha : spec_distils ? t.distillation_alpha : 0.5;
  if (args.temperature >= 0.0) t.distillation_temperature = args.temperature;
  else if (!spec_distils) t.distillation_temperature = 4.0;
  if (!nn::distills(t.distillation_alpha))
    throw ConfigError("--alpha", "", "value out of range", "a weight in [0, 1) (1 would ignore the teacher)",
                      number(t.distillation_alpha, 3));
  auto teacher = std::make_unique<nn::Teacher>(
      !args.teacher.empty() ? campaign::teacher_from_spec(args.teacher, dataset, args.seed)
                            : campaign::teacher_from_model(args.teacher_model, dataset));
  spdlog::info("distillation teacher {}: test accuracy {:.4f}; alpha {}, temperature {}", teacher->source,
               teacher->test_accuracy, t.distillation_alpha, t.distillation_temperature);
  return teacher;
}

int run_train(const TrainArgs& args) {
  nn::ModelSpec spec = nn::load_model_spec(args.spec);
  const data::LoadedDataset dataset = data::load_dataset(args.data);
  const std::unique_ptr<nn::Teacher> teacher = distillation_teacher(args, spec, dataset);
  nn::TrainOptions options;
  options.teacher = teacher.get();
  options.seed = args.seed;
  options.epochs = args.epochs;
  options.spec_source = args.spec;
  if (!args.signal.empty()) {
    const auto& names = dataset.class_names;
    const auto it = std::find(names.begin(), names.end(), args.signal);
    if (names.size() != 2 || it == names.end())
      throw ConfigError("--signal", "", "not a class of this two-class data set",
                        names.size() == 2 ? fmt::format("\"{}\" or \"{}\"", names[0], names[1]) : "a two-class data set",
                        "\"" + args.signal + "\"");
    options.signal_class = static_cast<int>(it - names.begin());
  }
  options.on_epoch = [](const nn::EpochReport& r) {
    spdlog::info("epoch {}/{}: train loss {:.4f}, validation loss {:.4f}, validation accuracy {:.4f} (float32 "
                 "forward), sparsity {:.3f}, lr {:.2e}, {:.0f} samples/s",
                 r.epoch, r.epochs, r.train_loss, r.val_loss, r.val_accuracy, r.sparsity, r.learning_rate,
                 r.samples_per_second);
  };
  const nn::TrainResult result = nn::train_model(spec, dataset, options);
  if (!result.ok) {
    if (args.json) {
      std::cout << Json{{"ok", false}, {"failure", result.failure}, {"epochs_run", result.epochs_run}}.dump(2) << '\n';
    }
    std::cerr << "training failed: " << args.spec << ": " << result.failure << '\n';
    return 1;
  }
  if (!args.save.empty()) nn::save_quantized_model(result.model, args.save);
  if (args.json) {
    Json out = result.model.training;
    out["ok"] = true;
    out["model"] = result.model.name;
    out["saved"] = args.save.empty() ? Json(nullptr) : Json(args.save);
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  const auto& m = result.model;
  std::string shape = std::to_string(m.n_inputs);
  std::size_t weights = 0, pruned = 0;
  for (const auto& l : m.layers) {
    shape += "-" + std::to_string(l.n_out);
    weights += l.mask.size();
    for (auto k : l.mask) pruned += k == 0;
  }
  std::cout << fmt::format("model {} ({}), {} of {} weights pruned ({:.1f}%)\n", m.name, shape, pruned, weights,
                           100.0 * static_cast<double>(pruned) / static_cast<double>(weights));
  std::cout << fmt::format("data {}: {} / {} / {} train / validation / test rows\n", dataset.name,
                           dataset.train.rows(), dataset.validation.rows(), dataset.test.rows());
  std::cout << fmt::format("epochs run {}{}, weights of epoch {}; {:.2f} s, {:.0f} training samples/s (one thread)\n",
                           result.epochs_run, result.early_stopped ? " (early stop)" : "", result.best_epoch,
                           result.train_seconds, result.samples_per_second);
  std::cout << "metrics of the integer model (bit-exact with the firmware):\n";
  std::cout << fmt::format("  {:<11} {:>9} {:>8} {:>8} {:>14}\n", "split", "accuracy", "loss", "auc", "rejection@50%");
  const std::pair<const char*, const nn::Metrics*> rows[] = {
      {"train", &result.train}, {"validation", &result.validation}, {"test", &result.test}};
  for (const auto& [name, mt] : rows)
    std::cout << fmt::format("  {:<11} {:>9} {:>8} {:>8} {:>14}\n", name, number(mt->accuracy), number(mt->loss),
                             number(mt->auc), number(mt->background_rejection, 1));
  if (teacher)
    std::cout << fmt::format("distilled from {} (test accuracy {}), alpha {}, temperature {}\n", teacher->source,
                             number(teacher->test_accuracy), spec.training.distillation_alpha,
                             spec.training.distillation_temperature);
  if (!args.save.empty()) std::cout << "saved " << args.save << '\n';
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* sub = app.add_subcommand(
      "train",
      "Train one network the way it will run on the FPGA: quantization-aware training with the\n"
      "fixed-point formats of the model spec (docs/model.md) and magnitude pruning to its per-layer\n"
      "sparsity, on the train split of a data set; early stopping on the validation split. Prints\n"
      "the metrics of the resulting integer model (exactly what the firmware computes) on the\n"
      "train, validation and test splits, and the training throughput in samples per second.\n"
      "A progress line per epoch goes to stderr. A diverging run prints `training failed: ...`\n"
      "and exits 1.");
  sub->add_option("model_spec", args->spec, "The model spec JSON file (e.g. experiments/models/magic_10_32_32_2.json)")
      ->required();
  sub->add_option("--data", args->data,
                  "The dataset spec JSON file (docs/data.md), e.g. experiments/datasets/magic.json; its "
                  "split and preprocessing are used as they are")
      ->required();
  sub->add_option("--epochs", args->epochs,
                  "Number of passes over the training split; overrides the spec's training.epochs "
                  "(early stopping may end sooner)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--seed", args->seed,
                  "Seed of the weight initialization and batch order: the same seed gives bit-identical "
                  "weights on any machine and thread count")
      ->capture_default_str();
  sub->add_option("--save", args->save,
                  "Write the trained integer model (QuantizedModel JSON, docs/model.md) to this file, e.g. "
                  "model.q.json; the estimators, synthesis and firmware writers read it");
  sub->add_option("--signal", args->signal,
                  "Two-class data only: the class counted as signal for the AUC and the background "
                  "rejection 1/FPR at 50% signal efficiency (default: the second class listed)");
  sub->add_flag("--json", args->json,
                "Print the training record as JSON instead of the table: seed, epochs, data set and "
                "checksums, metrics of every split, throughput");
  sub->add_option("--teacher", args->teacher,
                  "Knowledge distillation from a teacher model spec: trained first in float on the same "
                  "split with the same --seed (as a campaign's teacher), then the student learns from its "
                  "softened outputs and the labels (docs/training.md)");
  sub->add_option("--teacher-model", args->teacher_model,
                  "Knowledge distillation from a trained nas4ml model (.q.json), evaluated by the golden "
                  "integer model; it must take the data set's features and give one output per class");
  sub->add_option("--alpha", args->alpha,
                  "With a teacher: weight of the label loss, in [0, 1) (default: the spec's "
                  "training.distillation_alpha when below 1, else 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--temperature", args->temperature,
                  "With a teacher: softening temperature, 0.01 to 1000 (default: the spec's "
                  "training.distillation_temperature when the spec distils, else 4)")
      ->check(CLI::Range(0.01, 1000.0));
  table.add(sub, [args] { return run_train(*args); });
}

}  // namespace nas4ml::cli
