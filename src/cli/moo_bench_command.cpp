// `nas4ml moo-bench --problem zdt1 --pop 100 --gens 250 --seed 1 [--algorithm smsemoa] [--archive]
// [--json]`: runs the search's optimizer on a standard test problem and prints the hypervolume it reached (docs/search.md).
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "nas4ml/core/json.hpp"
#include "nas4ml/search/moo_benchmark.hpp"
#include "nas4ml/search/test_problems.hpp"

namespace nas4ml::cli {
namespace {

struct MooBenchArgs {
  search::MooRunOptions run;
  std::string truncation = "iterative_crowding";
  bool json = false;
  bool archive = false;
};

int run_moo_bench(MooBenchArgs args) {
  args.run.archive = args.archive;
  args.run.truncation = search::parse_truncation(args.truncation);
  const search::MooRunResult r = search::run_moo_benchmark(args.run);
  const double per_gen_ms = 1e3 * r.seconds / static_cast<double>(args.run.generations + 1);
  const std::size_t lambda = args.run.offspring ? args.run.offspring : args.run.population;
  if (args.json) {
    Json j = Json::object();
    j["problem"] = args.run.problem;
    j["population"] = args.run.population;
    j["generations"] = args.run.generations;
    j["seed"] = args.run.seed;
    j["truncation"] = args.truncation;
    j["algorithm"] = args.run.algorithm;
    j["offspring"] = lambda;
    j["prescreen"] = args.run.prescreen;
    j["initial_design"] = args.run.initial_design;
    j["parents"] = args.run.parents;
    j["evaluations"] = r.evaluations;
    j["seconds"] = r.seconds;
    j["reference_point"] = r.reference;
    j["hypervolume"] = r.hypervolume;
    j["true_front_hypervolume"] = std::isnan(r.true_front_hypervolume) ? Json(nullptr) : Json(r.true_front_hypervolume);
    j["front"] = r.front;
    if (args.archive) {
      j["archive_hypervolume"] = r.archive_hypervolume;
      j["archive_points"] = r.archive_size;
    }
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  std::string ref;
  for (std::size_t i = 0; i < r.reference.size(); ++i) ref += fmt::format("{}{}", i ? ", " : "", r.reference[i]);
  std::cout << fmt::format("problem       {} (population {}, {} generations, seed {})\n", args.run.problem,
                           args.run.population, args.run.generations, args.run.seed);
  std::cout << fmt::format("algorithm     {} ({} children per generation)\n", args.run.algorithm, lambda);
  std::cout << fmt::format("hypervolume   {:.6f}  (reference point ({}), {} non-dominated points)\n", r.hypervolume,
                           ref, r.front.size());
  if (!std::isnan(r.true_front_hypervolume))
    std::cout << fmt::format("true front    {:.6f}  (ratio {:.4f})\n", r.true_front_hypervolume,
                             r.hypervolume / r.true_front_hypervolume);
  if (args.archive)
    std::cout << fmt::format("archive       {:.6f}  (every evaluated point, {} non-dominated)\n",
                             r.archive_hypervolume, r.archive_size);
  std::cout << fmt::format("evaluations   {}\n", r.evaluations);
  std::cout << fmt::format("time          {:.3f} s ({:.3f} ms per generation)\n", r.seconds, per_gen_ms);
  return 0;
}

}  // namespace

void add_moo_bench_command(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<MooBenchArgs>();
  CLI::App* sub = app.add_subcommand(
      "moo-bench",
      "Run the search's optimizer on a standard multi-objective test problem and print the hypervolume\n"
      "of the final non-dominated set, the number of evaluations and the time (docs/search.md).\n"
      "Checks the optimizer itself, apart from any network training.");
  std::string names;
  for (const auto& n : search::problem_names()) names += (names.empty() ? "" : ", ") + n;
  sub->add_option("--problem", args->run.problem,
                  "Test problem: " + names + ". ZDT/DTLZ hypervolumes use the reference point 1.1 in "
                  "every objective (BNH: (140, 55), TNK: 1.2)")
      ->capture_default_str();
  sub->add_option("--pop", args->run.population, "Population size (also the number of children per generation), 4 to 100000")
      ->capture_default_str();
  sub->add_option("--gens", args->run.generations,
                  "Generations after the random initial population; evaluations = pop * (gens + 1)")
      ->capture_default_str();
  sub->add_option("--seed", args->run.seed, "Random seed; the same seed gives the same result")->capture_default_str();
  sub->add_option("--n-var", args->run.n_variables,
                  "Number of decision variables; 0 = the problem's usual size (ZDT1-3: 30, ZDT4/6: 10, "
                  "DTLZ1: M+4, DTLZ2: M+9)")
      ->capture_default_str();
  sub->add_option("--objectives", args->run.n_objectives, "Number of objectives for DTLZ1/DTLZ2; 0 = 3")
      ->capture_default_str();
  sub->add_option("--cr", args->run.variation.crossover_probability, "SBX crossover probability per pair, 0 to 1")
      ->capture_default_str();
  sub->add_option("--eta-c", args->run.variation.eta_c, "SBX distribution index, 1 to 100")->capture_default_str();
  sub->add_option("--m", args->run.variation.mutation_probability,
                  "Polynomial mutation probability per variable, 0 to 1; negative = 1/n_var")
      ->capture_default_str();
  sub->add_option("--eta-m", args->run.variation.eta_m, "Polynomial mutation distribution index, 1 to 100")
      ->capture_default_str();
  sub->add_option("--truncation", args->truncation,
                  "How survival cuts the last front that does not fit whole: iterative_crowding (drop the most "
                  "crowded point, update its neighbours, repeat; Kukkonen & Deb 2006) or crowding (one "
                  "crowding-distance sort, exactly Deb et al. 2002)")
      ->capture_default_str();
  std::string kinds;
  for (const auto& k : search::survival_kinds()) kinds += (kinds.empty() ? "" : ", ") + k;
  sub->add_option("--algorithm", args->run.algorithm,
                  "Survival scheme: " + kinds + " (docs/search.md)")
      ->capture_default_str();
  sub->add_option("--offspring", args->run.offspring,
                  "Children per generation, 1 to --pop; 0 = --pop (1 = steady state); the evaluation count "
                  "stays pop * (gens + 1)")
      ->capture_default_str();
  sub->add_option("--prescreen", args->run.prescreen,
                  "Surrogate pre-screening: each child is the best of this many bred candidates by a k-NN model "
                  "of every evaluated point, 1 to 100; 1 = off")
      ->capture_default_str();
  sub->add_option("--initial-design", args->run.initial_design,
                  "First population: random, or lhs (a Latin hypercube over every variable)")
      ->check(CLI::IsMember({"random", "lhs"}))
      ->capture_default_str();
  sub->add_option("--parents", args->run.parents,
                  "Where tournaments draw parents: population, or archive (the population plus every "
                  "non-dominated point evaluated so far)")
      ->check(CLI::IsMember({"population", "archive"}))
      ->capture_default_str();
  sub->add_option("--operator", args->run.operator_kind,
                  "How children are bred: crossover (SBX + polynomial mutation) or differential (DE/rand/1/bin "
                  "+ polynomial mutation, docs/search.md)")
      ->check(CLI::IsMember({"crossover", "differential"}))
      ->capture_default_str();
  sub->add_option("--de-f", args->run.variation.de_f, "Differential variation: scale F, (0, 2]")->capture_default_str();
  sub->add_option("--de-cr", args->run.variation.de_cr, "Differential variation: crossover rate CR per variable, 0 to 1")
      ->capture_default_str();
  sub->add_option("--de-bounds", args->run.variation.de_bounds,
                  "Differential variation: a mutant variable outside its bounds becomes random (uniform between "
                  "the base and the bound) or clamp (the bound)")
      ->check(CLI::IsMember({"random", "clamp"}))
      ->capture_default_str();
  sub->add_flag("--archive", args->archive,
                "Also report the hypervolume of every point evaluated (what a campaign keeps), not only "
                "the final population's");
  sub->add_flag("--json", args->json, "Print JSON instead, including every point of the final front");
  table.add(sub, [args] { return run_moo_bench(*args); });
}

}  // namespace nas4ml::cli
