// `nas4ml validate <experiment.json> [--print] [--estimators DIR]`: checks an experiment file
// before a campaign spends hours on it (docs/config.md).
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "nas4ml/campaign/experiment_config.hpp"

namespace nas4ml::cli {
namespace {

struct ValidateArgs {
  std::string experiment;
  bool print = false;
  bool data = false;
  std::string estimators;
};

int run_validate(const ValidateArgs& args) {
  campaign::LoadOptions options;
  if (!args.estimators.empty()) options.estimators_dir = args.estimators;
  const campaign::ExperimentConfig config = campaign::load_experiment(args.experiment, options);
  std::string data_summary;
  if (args.data) {
    const campaign::DataCheck d = campaign::check_data(config);
    data_summary = fmt::format("; data read: {} features, {} classes, {}/{}/{} train/validation/test rows",
                               d.features, d.classes, d.train_rows, d.validation_rows, d.test_rows);
  }
  if (args.print) {
    std::cout << campaign::to_json(config).dump(2) << '\n';
  } else {
    std::cout << "ok: " << args.experiment << ": " << campaign::describe(config) << data_summary << '\n';
  }
  return 0;
}

}  // namespace

void add_validate_command(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* sub = app.add_subcommand(
      "validate",
      "Check an experiment file (experiments/*.json, fields in docs/config.md) without running it:\n"
      "every key, type and range; that the dataset spec and search space exist (relative paths are\n"
      "taken from the experiment file's folder), are valid and fit each other as far as the spec\n"
      "states classes and features; that objectives and constraints name known metrics; that the\n"
      "device has a model in estimators/<vendor>/<part>.json. Reads no data unless --data.\n"
      "Prints one `ok: ...` line and exits 0, or one `error: ...` line and exits 2.");
  sub->add_option("experiment", args->experiment, "The experiment JSON file to check")->required();
  sub->add_flag("--print", args->print,
                "Print the canonical experiment instead: JSON with every default filled in, the form "
                "whose SHA-256 names the experiment in a campaign's manifest");
  sub->add_flag("--data", args->data,
                "Also read the data set (every file, the split and the preprocessing; seconds for the "
                "shipped ones) and check its feature and class counts against the search space");
  sub->add_option("--estimators", args->estimators,
                  "Folder of device models (<vendor>/<part>.json). Default: the nearest folder named "
                  "`estimators` in the experiment file's folder or above it (the repository's estimators/)");
  table.add(sub, [args] { return run_validate(*args); });
}

}  // namespace nas4ml::cli
