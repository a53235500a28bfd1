#pragma once
/// \file How subcommands plug into `nas4ml`: each src/cli/<name>_command.cpp defines one
/// add_<name>_command() that creates its CLI11 sub-app and registers the function that runs it.
#include <functional>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace nas4ml::cli {

/// The leaf sub-apps and what each runs once parsing succeeded and logging is set up.
class CommandTable {
 public:
  /// Registers `run` for `app`; `run` returns the process exit code.
  void add(CLI::App* app, std::function<int()> run) { entries_.emplace_back(app, std::move(run)); }
  /// Runs the command the user selected; returns its exit code, or -1 when none was selected.
  int run_selected() const {
    for (const auto& [app, run] : entries_)
      if (app->parsed()) return run();
    return -1;
  }

 private:
  std::vector<std::pair<CLI::App*, std::function<int()>>> entries_;
};

}  // namespace nas4ml::cli
