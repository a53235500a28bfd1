// The campaign commands: `nas4ml run`, `resume`, `front`, `report` and `emit` (docs/campaign.md).
#include <csignal>
#include <atomic>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "nas4ml/campaign/campaign.hpp"
#include "nas4ml/campaign/emit.hpp"
#include "nas4ml/campaign/executor.hpp"
#include "nas4ml/campaign/run_lock.hpp"
#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/report_builder.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/data/dataset_loader.hpp"
#include "nas4ml/netlist/netlist.hpp"

namespace nas4ml::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  if (g_interrupted.exchange(true)) {  // a second Ctrl-C stops at once
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

/// SIGUSR1 (what mpirun forwards to every rank, docs/cluster.md): stop after the generation, never
/// at once.
extern "C" void on_stop_request(int) { g_interrupted = true; }

/// Ctrl-C, SIGTERM (Slurm's time limit) or SIGUSR1 end the campaign cleanly after the generation in
/// flight has been committed.
campaign::RunOptions run_options(int threads, const std::string& executor) {
  g_interrupted = false;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::signal(SIGUSR1, on_stop_request);
  campaign::RunOptions o;
  if (threads >= 0) o.threads = threads;
  o.executor = executor;
  o.stop_requested = [] {
    if (g_interrupted) spdlog::warn("interrupted: the last generation is committed");
    return g_interrupted.load();
  };
  return o;
}

int print_outcome(const campaign::CampaignSummary& s) {
  if (s.served) return 0;  // an MPI worker: the coordinator (rank 0) reports
  const campaign::RunPaths paths(s.run_dir);
  std::cout << fmt::format("{} after {} generations: {} evaluations ({} failed), {} on the front\n",
                           s.finished ? "finished" : "stopped", s.generations, s.evaluations, s.failed, s.front.size());
  if (s.finished) {
    const auto store = campaign::Store::open(paths.store());
    std::cout << campaign::format_table(campaign::front_table(store), false);
    std::cout << "firmware: " << paths.firmware_root().string() << "\nreport:   " << paths.report().string() << '\n';
  } else {
    std::cout << "resume with: nas4ml resume " << paths.root().string() << '\n';
  }
  return 0;
}

void add_executor_option(CLI::App* cmd, std::string& executor) {
  std::string names;
  for (const auto& n : campaign::executor_names()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--executor", executor,
                  "Who evaluates candidates: " + names +
                      " (default local). `mpi` runs under mpirun/srun: rank 0 coordinates, the others evaluate "
                      "with --threads each (docs/cluster.md)");
}

/// "+K" -> K (K >= 1).
int parse_extra_generations(const std::string& text) {
  const auto bad = [&] {
    return ConfigError("--generations", "", "bad generation count", "+K, the generations to add (K >= 1)", text);
  };
  if (text.size() < 2 || text[0] != '+' || text.find_first_not_of("0123456789", 1) != std::string::npos) throw bad();
  if (text.size() > 7) throw bad();
  const int k = std::stoi(text.substr(1));
  if (k < 1) throw bad();
  return k;
}

std::string default_run_dir(const std::string& experiment) {
  return "runs/" + std::filesystem::path(experiment).stem().string();
}

}  // namespace

void add_campaign_commands(CLI::App& app, CommandTable& table) {
  {
    struct Args {
      std::string experiment, out;
      int threads = -1;
      std::string executor = "local";
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("run", "Run a search campaign from an experiment file (docs/campaign.md)");
    cmd->add_option("experiment", args->experiment, "Experiment file (experiments/*.json; docs/config.md)")
        ->required()->check(CLI::ExistingFile);
    cmd->add_option("--out", args->out,
                    "Run folder for the store, firmware and report (default: runs/<experiment name>); must not "
                    "hold a campaign already");
    cmd->add_option("--threads", args->threads,
                    "Candidates trained at once (default: the experiment's `threads`; 0 = all cores). Results do "
                    "not depend on it");
    add_executor_option(cmd, args->executor);
    cmd->footer("Ctrl-C stops after the generation in flight is committed; `nas4ml resume DIR` continues.");
    table.add(cmd, [args] {
      const std::string out = args->out.empty() ? default_run_dir(args->experiment) : args->out;
      return print_outcome(campaign::run_campaign(args->experiment, out, run_options(args->threads, args->executor)));
    });
  }
  {
    struct Args {
      std::string run, generations;
      int threads = -1;
      std::string executor = "local";
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("resume", "Continue a stopped or killed campaign from its last committed generation");
    cmd->add_option("run", args->run, "Run folder (runs/NAME)")->required();
    cmd->add_option("--threads", args->threads, "Candidates trained at once (default: the experiment's)");
    add_executor_option(cmd, args->executor);
    cmd->add_option("--generations", args->generations,
                    "+K: extend the campaign (finished or not) by K generations, exactly as if it had been "
                    "configured with them from the start");
    table.add(cmd, [args] {
      auto o = run_options(args->threads, args->executor);
      if (!args->generations.empty()) o.extra_generations = parse_extra_generations(args->generations);
      return print_outcome(campaign::resume_campaign(args->run, o));
    });
  }
  {
    struct Args {
      std::string run;
      bool csv = false, json = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("front", "Print the Pareto front of a campaign");
    cmd->add_option("run", args->run, "Run folder (runs/NAME)")->required();
    auto* csv = cmd->add_flag("--csv", args->csv, "Comma-separated values");
    cmd->add_flag("--json", args->json, "JSON array of objects")->excludes(csv);
    table.add(cmd, [args] {
      const auto store = campaign::Store::open_read_only(campaign::RunPaths(args->run).store());
      const auto t = campaign::front_table(store);
      if (args->json) std::cout << t.json.dump(2) << '\n';
      else std::cout << campaign::format_table(t, args->csv);
      return 0;
    });
  }
  {
    auto run = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("report", "Write runs/NAME/report.html (self-contained: plots as SVG, no network)");
    cmd->add_option("run", *run, "Run folder (runs/NAME)")->required();
    table.add(cmd, [run] {
      const campaign::RunPaths paths(*run);
      const auto store = campaign::Store::open(paths.store());
      std::cout << campaign::write_report(store, paths, campaign::campaign_device(store)).string() << '\n';
      return 0;
    });
  }
  {
    struct Args {
      std::string run;
      std::vector<std::string> ids;
      int synthesize = 0;
      bool simulate = false;
      bool csim = false;
      int samples = 0;  // 0: the experiment's synthesis.simulate_samples
      int sharing_effort = 0;  // 0: the experiment's hardware.emit_sharing_effort
      bool fold = false;
      std::string raw_format;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("emit", "Write firmware for the front (or chosen candidates) into runs/NAME/firmware/<id>/");
    cmd->add_option("run", args->run, "Run folder (runs/NAME)")->required();
    cmd->add_option("--id", args->ids, "Candidate id(s) from `nas4ml front` (default: the whole front)");
    cmd->add_option("--synthesize", args->synthesize, "Synthesize this many of them with yosys (default 0)")
        ->check(CLI::Range(0, 1000000));
    cmd->add_flag("--simulate", args->simulate, "Simulate each with Verilator against the golden model");
    cmd->add_flag("--csim", args->csim, "C-simulate each HLS project (g++, Xilinx ap_types) against the golden model");
    cmd->add_option("--samples", args->samples,
                    "Test-split samples in the test vectors (default: the experiment's synthesis.simulate_samples)")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--sharing-effort", args->sharing_effort,
                    "With cse: runs of the subexpression search per layer for the emitted designs (default: the "
                    "experiment's hardware.emit_sharing_effort, 8 when absent; the search priced candidates with "
                    "hardware.sharing_effort)")
        ->check(CLI::Range(1, netlist::kMaxSharingEffort));
    cmd->add_flag("--fold-standardization", args->fold,
                  "Also write raw_inputs/: firmware reading raw feature units (standardization folded into layer 1)");
    cmd->add_option("--raw-input-format", args->raw_format,
                    "Input format of the folded firmware, e.g. ap_fixed<20,12> (implies --fold-standardization; "
                    "default: derived from the training split's range)");
    table.add(cmd, [args] {
      std::optional<FixedFormat> raw_format;
      if (!args->raw_format.empty()) try {
          raw_format = parse_fixed_format(args->raw_format);
        } catch (const std::invalid_argument&) {
          throw ConfigError({}, "--raw-input-format", "bad fixed-point format", "ap_fixed<W,I> or ap_ufixed<W,I>[,Q[,O]]",
                            "\"" + args->raw_format + "\"");
        }
      const campaign::RunPaths paths(args->run);
      const auto lock = campaign::RunLock::acquire(paths.root(), "emit", /*create_folder=*/false);
      auto store = campaign::Store::open(paths.store());
      auto cfg = campaign::parse_stored_experiment(store.experiment(), store.manifest().at("experiment_file").get<std::string>());
      if (args->sharing_effort > 0) cfg.hardware.emit_sharing_effort = args->sharing_effort;  // this emit only
      data::LoadOverrides overrides;
      if (!cfg.dataset_source.empty()) overrides.source = cfg.dataset_source_path;
      const auto data = data::load_dataset(cfg.dataset_path, overrides);
      const synth::TargetSettings settings = campaign::emit_target_settings(cfg, paths);
      campaign::EmitOptions eo;
      eo.search_sharing_effort = cfg.hardware.sharing_effort;
      eo.ids = args->ids;
      eo.synthesize_top_n = args->synthesize;
      eo.simulate = args->simulate;
      eo.csim = args->csim;
      eo.synthesis_backend = cfg.synthesis.backend;
      eo.simulate_samples = args->samples > 0 ? args->samples : cfg.synthesis.simulate_samples;
      std::optional<data::LoadedDataset> raw;
      if (args->fold || raw_format) {
        overrides.raw_features = true;
        raw = data::load_dataset(cfg.dataset_path, overrides);
        eo.raw_data = &*raw;
        eo.raw_input_format = raw_format;
      }
      const auto device = campaign::campaign_device(store);
      for (const auto& c : campaign::emit_front(store, paths, data, device, settings, eo))
        std::cout << c.dir.string() << (c.problem.empty() ? "" : "  (" + c.problem + ")") << '\n';
      return 0;
    });
  }
}

}  // namespace nas4ml::cli
