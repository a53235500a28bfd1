// nas4ml: searches small neural networks and their FPGA implementation together.
// This file parses the command line, sets up logging and maps every failure to one line and an
// exit code: 0 success, 2 a user mistake (config, data, tool), 3 an internal error.
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/core/logging.hpp"
#include "nas4ml/core/version.hpp"

namespace {

int run(int argc, char** argv) {
  using namespace nas4ml;
  CLI::App app{
      "nas4ml searches small neural networks and their FPGA implementation together: it trains\n"
      "quantized, pruned candidates, estimates their LUT/FF/DSP/BRAM/latency, checks estimates with\n"
      "real synthesis and emits bit-exact firmware for the Pareto-optimal ones.\n"
      "Run `nas4ml <command> --help` for a command's options.",
      "nas4ml"};
  app.set_version_flag("--version", std::string("nas4ml ") + std::string(version()) + " (git " +
                                        std::string(git_hash()) + ")");
  LogOptions log;
  app.add_option("--log-level", log.level, "Log verbosity: trace, debug, info, warn, error, off")
      ->capture_default_str();
  app.add_flag("-q,--quiet", log.quiet, "Only warnings and errors on stderr");
  app.add_option("--log-file", log.json_file, "Also append every log record to this file as JSON lines");
  app.require_subcommand(1);

  cli::CommandTable table;
  // Subcommands, in the order --help lists them.
  cli::add_campaign_commands(app, table);
  cli::add_inspect_commands(app, table);
  cli::add_data_command(app, table);
  cli::add_validate_command(app, table);
  cli::add_moo_bench_command(app, table);
  cli::add_space_command(app, table);
  cli::add_train_command(app, table);
  cli::add_estimate_command(app, table);
  cli::add_synth_command(app, table);
  cli::add_sim_command(app, table);
  cli::add_calibrate_command(app, table);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  setup_logging(log);
  const int code = table.run_selected();
  if (code < 0) throw InternalError("a subcommand was parsed but has no runner");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const nas4ml::Error& e) {
    std::fflush(stdout);
    std::cerr << (e.kind() == nas4ml::ErrorKind::internal ? "internal error: " : "error: ") << e.what()
              << '\n';
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    std::cerr << "error: out of memory\n";
    return 3;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << "internal error: " << e.what() << '\n';
    return 3;
  }
}
