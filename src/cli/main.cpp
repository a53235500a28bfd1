// nas4ml: searches small neural networks and their FPGA implementation together.
// This file parses the command line, sets up logging and maps every failure to one line and an
// exit code: 0 success, 2 a user mistake (config, data, tool), 3 an internal error.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/core/logging.hpp"
#include "nas4ml/core/version.hpp"

namespace {

/// CLI11's message as one line in the `error: --option: ...` form.
std::string format_parse_error(const CLI::ParseError& e) {
  std::string m = e.what();
  for (char& c : m)
    if (c == '\n') c = ' ';
  while (!m.empty() && m.back() == ' ') m.pop_back();
  const std::string convert = "Could not convert: ";
  if (m.rfind(convert, 0) == 0) {  // "Could not convert: --seed = abc"
    const std::string rest = m.substr(convert.size());
    const auto eq = rest.find(" = ");
    if (eq != std::string::npos)
      return rest.substr(0, eq) + ": expected a number of the option's type, got \"" + rest.substr(eq + 3) + "\"";
  }
  if (const auto req = m.find(" is required"); req != std::string::npos && req > 0 && m.find(' ') == req)
    return m.substr(0, req) + ": is required";
  if (const auto ex = m.find(" excludes "); ex != std::string::npos && m.rfind("-", 0) == 0)
    return m.substr(0, ex) + ": cannot be used with " + m.substr(ex + 10);
  return m;
}

/// Unsigned options (CLI11 type name UINT) would wrap "-1" to 2^64-1: refuse negative values.
void refuse_negative_unsigned(CLI::App& app) {
  for (CLI::Option* opt : app.get_options())
    if (opt->get_type_name() == "UINT")
      opt->check(CLI::Validator(
          [](std::string& value) {
            return !value.empty() && value.front() == '-' ? "expected a number >= 0, got " + value : std::string();
          },
          "", "non-negative"));
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) refuse_negative_unsigned(*sub);
}

/// A std::filesystem failure (a path naming a file, a read-only file system, a path too long,
/// permission denied) is about the user's paths, not a bug: one line, exit 2.
std::string format_filesystem_error(const std::filesystem::filesystem_error& e) {
  std::string what = e.what();
  const std::string prefix = "filesystem error: ";
  if (what.rfind(prefix, 0) == 0) what = what.substr(prefix.size());
  if (const auto bracket = what.find(" ["); bracket != std::string::npos) what = what.substr(0, bracket);
  const std::string path = e.path1().empty() ? std::string() : e.path1().string() + ": ";
  return path + what;
}

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
  cli::add_target_commands(app, table);
  cli::add_calibrate_command(app, table);
  cli::add_interop_commands(app, table);

  refuse_negative_unsigned(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "error: " << format_parse_error(e) << " (see `nas4ml --help`)\n";
    return 2;
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
  } catch (const std::filesystem::filesystem_error& e) {
    std::fflush(stdout);
    std::cerr << "error: " << format_filesystem_error(e) << '\n';
    return 2;
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
