// `nas4ml space check <space.json>` and `nas4ml space sample <space.json> [--n N] [--seed S]
// [--json]`: validate a search space and look at random candidates from it (docs/search_space.md).
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/nn/activation.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/space/operators.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::cli {
namespace {

struct SpaceArgs {
  std::string file;
  std::size_t n = 5;
  std::uint64_t seed = 1;
  bool json = false;
};

Json layer_json(const nn::LayerSpec& l) {
  return Json{{"units", l.units},
              {"activation", nn::to_string(l.activation)},
              {"sparsity", l.sparsity},
              {"weight_format", l.weight_format.to_string()},
              {"bias_format", l.bias_format.to_string()},
              {"result_format", l.result_format.to_string()},
              {"reuse_factor", l.reuse_factor},
              {"strategy", l.strategy == nn::Strategy::latency ? "latency" : "resource"}};
}

Json model_json(const nn::ModelSpec& m, const space::Genes& genes) {
  Json layers = Json::array();
  for (const auto& l : m.layers) layers.push_back(layer_json(l));
  const auto& t = m.training;
  return Json{{"name", m.name},
              {"genome", genes},
              {"n_inputs", m.n_inputs},
              {"input_format", m.input_format.to_string()},
              {"layers", layers},
              {"training",
               {{"optimizer", t.optimizer},
                {"learning_rate", t.learning_rate},
                {"momentum", t.momentum},
                {"batch_size", t.batch_size},
                {"epochs", t.epochs},
                {"schedule", t.schedule},
                {"patience", t.patience},
                {"l1", t.l1},
                {"prune_rounds", t.prune_rounds},
                {"structured_pruning", t.structured_pruning},
                {"quantization_aware", t.quantization_aware}}}};
}

int run_check(const SpaceArgs& a) {
  const space::SearchSpace s = space::load_search_space(a.file);
  const std::string inputs =
      s.inputs_min == s.inputs_max ? std::to_string(s.inputs) : fmt::format("{}-{} (from the data set)", s.inputs_min, s.inputs_max);
  std::cout << fmt::format("ok: {}: space \"{}\", {} inputs, {} outputs, {}-{} hidden layers, {} + {} x depth genes, "
                           "{:.3g} candidates\n",
                           a.file, s.name, inputs, s.outputs, s.min_hidden, s.max_hidden,
                           s.global_sizes.size() + s.output_sizes.size(), s.hidden_sizes.size(), s.size());
  return 0;
}

int run_sample(const SpaceArgs& a) {
  const space::SearchSpace s = space::load_search_space(a.file);
  Json all = Json::array();
  for (std::size_t i = 0; i < a.n; ++i) {
    Rng rng = Rng::stream(a.seed, 0, i, "space.sample");
    const space::Genes g = space::random_genome(s, rng);
    const nn::ModelSpec m = space::decode(s, g, fmt::format("sample{}", i));
    if (a.json) all.push_back(model_json(m, g));
    else std::cout << fmt::format("{:>3}  {}\n", i, space::summary(m));
  }
  if (a.json) std::cout << all.dump(2) << '\n';
  return 0;
}

}  // namespace

void add_space_command(CLI::App& app, CommandTable& table) {
  CLI::App* space = app.add_subcommand("space", "Inspect a search space (search_spaces/*.json, schema in docs/search_space.md)");
  space->require_subcommand(1);

  auto check_args = std::make_shared<SpaceArgs>();
  CLI::App* check = space->add_subcommand(
      "check", "Validate a search-space file and print its size: the number of genes and of distinct candidates.\n"
               "Prints one `ok: ...` line and exits 0, or one `error: ...` line and exits 2.");
  check->add_option("space", check_args->file, "The search-space JSON file")->required();
  table.add(check, [check_args] { return run_check(*check_args); });

  auto sample_args = std::make_shared<SpaceArgs>();
  CLI::App* sample = space->add_subcommand(
      "sample", "Print random candidates of a search space, one line each (inputs > layers > outputs; r = ReLU,\n"
                "wW,I = weight format ap_fixed<W,I>, oW,I = result format, s = sparsity, rf = reuse factor),\n"
                "or the decoded model specs as JSON.");
  sample->add_option("space", sample_args->file, "The search-space JSON file")->required();
  sample->add_option("--n", sample_args->n, "How many candidates to draw")->capture_default_str()->check(CLI::Range(1, 100000));
  sample->add_option("--seed", sample_args->seed, "Random seed; the same seed draws the same candidates")
      ->capture_default_str();
  sample->add_flag("--json", sample_args->json, "Print the decoded model specs (and genomes) as JSON");
  table.add(sample, [sample_args] { return run_sample(*sample_args); });
}

}  // namespace nas4ml::cli
