#pragma once
/// \file Every subcommand of `nas4ml`, one function each (defined in src/cli/<name>_command.cpp).
#include "command_table.hpp"

namespace nas4ml::cli {
// Each adds its sub-app to `app` and registers its runner in `table`.
// (Add new commands here and in main.cpp's list.)
/// `nas4ml data inspect <dataset.json>`: reads a data set and prints its summary (src/cli/data_command.cpp).
void add_data_command(CLI::App& app, CommandTable& table);
/// `nas4ml validate <experiment.json>`: checks an experiment file (src/cli/validate_command.cpp).
void add_validate_command(CLI::App& app, CommandTable& table);
/// `nas4ml moo-bench --problem zdt1 ...`: NSGA-II on a test problem (src/cli/moo_bench_command.cpp).
void add_moo_bench_command(CLI::App& app, CommandTable& table);
/// `nas4ml space check|sample <space.json>`: inspect a search space (src/cli/space_command.cpp).
void add_space_command(CLI::App& app, CommandTable& table);
/// `nas4ml synth model.q.json --backend yosys --out DIR`: real synthesis (src/cli/synth_command.cpp).
void add_synth_command(CLI::App& app, CommandTable& table);
/// `nas4ml sim model.q.json --data dataset.json`: bit-exact simulation (src/cli/sim_command.cpp).
void add_sim_command(CLI::App& app, CommandTable& table);
/// `nas4ml targets` and `nas4ml csim model.q.json --data dataset.json` (src/cli/target_command.cpp).
void add_target_commands(CLI::App& app, CommandTable& table);
/// `nas4ml calibrate results... --device D`: fits the rtl estimator (src/cli/calibrate_command.cpp).
void add_calibrate_command(CLI::App& app, CommandTable& table);
/// `nas4ml estimate model.q.json --device D --flavor rtl|hls`: analytic estimate (src/cli/estimate_command.cpp).
void add_estimate_command(CLI::App& app, CommandTable& table);
/// `nas4ml train model.json --data dataset.json`: trains one candidate (src/cli/train_command.cpp).
void add_train_command(CLI::App& app, CommandTable& table);
/// `nas4ml run|resume|front|report|emit`: campaigns (src/cli/campaign_command.cpp).
void add_campaign_commands(CLI::App& app, CommandTable& table);
/// `nas4ml show|export|compare`: query finished or running campaigns (src/cli/inspect_command.cpp).
void add_inspect_commands(CLI::App& app, CommandTable& table);
/// `nas4ml export-model|import`: models in and out as ONNX/QONNX (src/cli/interop_command.cpp).
void add_interop_commands(CLI::App& app, CommandTable& table);
}  // namespace nas4ml::cli
