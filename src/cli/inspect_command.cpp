// Querying campaigns: `nas4ml show`, `export` and `compare` (docs/campaign.md, docs/store.md).
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "nas4ml/campaign/candidate_view.hpp"
#include "nas4ml/campaign/compare_runs.hpp"
#include "nas4ml/campaign/export_table.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/core/error.hpp"

namespace nas4ml::cli {

void add_inspect_commands(CLI::App& app, CommandTable& table) {
  {
    struct Args {
      std::string run, id;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("show", "Print one candidate: architecture, formats, metrics, estimates, synthesis, firmware");
    cmd->add_option("run", args->run, "Run folder (runs/NAME)")->required();
    cmd->add_option("id", args->id, "Candidate id from `nas4ml front` or `nas4ml export` (or a unique prefix)")->required();
    table.add(cmd, [args] {
      const campaign::RunPaths paths(args->run);
      const auto store = campaign::Store::open_read_only(paths.store());
      std::cout << campaign::describe_candidate(store, paths, args->id);
      return 0;
    });
  }
  {
    struct Args {
      std::string run;
      bool csv = false, json = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("export", "Print every evaluation of a campaign with flat, named columns (docs/store.md)");
    cmd->add_option("run", args->run, "Run folder (runs/NAME)")->required();
    auto* csv = cmd->add_flag("--csv", args->csv, "Comma-separated values with a header line (the default)");
    cmd->add_flag("--json", args->json, "JSON array of objects")->excludes(csv);
    table.add(cmd, [args] {
      const auto store = campaign::Store::open_read_only(campaign::RunPaths(args->run).store());
      const auto t = campaign::export_table(store);
      if (args->json) std::cout << campaign::to_json(t).dump(2) << '\n';
      else std::cout << campaign::to_csv(t);
      return 0;
    });
  }
  {
    struct Args {
      std::vector<std::string> runs;
      std::string html;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("compare", "Compare the fronts of campaigns over the same objectives");
    cmd->add_option("runs", args->runs, "Run folders (runs/A runs/B ...)")->required()->expected(2, 64);
    cmd->add_option("--html", args->html, "Also write the fronts overlaid, per objective pair, to this HTML file");
    table.add(cmd, [args] {
      std::vector<std::filesystem::path> dirs(args->runs.begin(), args->runs.end());
      const auto c = campaign::compare_runs(dirs);
      std::cout << campaign::format_comparison(c);
      if (!args->html.empty()) {
        std::ofstream out(args->html, std::ios::binary | std::ios::trunc);
        out << campaign::comparison_html(c);
        if (!out) throw ConfigError(args->html, "", "cannot write the comparison", "a writable path", "write failed");
        std::cout << "html: " << args->html << '\n';
      }
      return 0;
    });
  }
}

}  // namespace nas4ml::cli
