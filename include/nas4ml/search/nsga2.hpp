#pragma once
/// \file The evolutionary loop of NSGA-II with an ask/tell interface and constrained domination;
/// its survival is a registered kind (survival.hpp: "nsga2" by default, "smsemoa", "nsga3").
///
/// K. Deb, A. Pratap, S. Agarwal, T. Meyarivan, "A fast and elitist multiobjective genetic
/// algorithm: NSGA-II", IEEE Trans. Evol. Comput. 6(2):182-197, 2002: fast non-dominated sort,
/// crowding distance, binary tournament on (rank, crowding), elitist (mu + lambda) survival.
/// Constraints by constrained domination: K. Deb, "An efficient constraint handling method for
/// genetic algorithms", Comput. Methods Appl. Mech. Eng. 186:311-338, 2000.
///
/// The caller decides how candidates are evaluated:
///   auto genomes = nsga2.ask(n);            // new, never handed out before
///   ... evaluate (evaluate_batch, a cluster, ...) ...
///   nsga2.tell(genomes, objectives, violations);   // survival: one generation
/// The first ask() returns random genomes; later ones return children of the population.
/// The whole state (population, duplicate set, RNG, counters) is JSON (state()/restore()), and a
/// restored optimizer continues exactly as the original would have.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nas4ml/core/json.hpp"
#include "nas4ml/core/rng.hpp"
#include "nas4ml/search/genome.hpp"
#include "nas4ml/search/surrogate.hpp"
#include "nas4ml/search/survival.hpp"
#include "nas4ml/search/variation.hpp"

namespace nas4ml::search {

/// Whether an objective is minimized or maximized.
enum class Direction { minimize, maximize };

/// Hyper-parameters of Nsga2; validate() checks every field.
struct Nsga2Options {
  std::size_t population_size = 100;          ///< mu, in [2, 1000000]
  std::vector<Direction> directions;           ///< one per objective; 1 to 16 objectives
  std::uint64_t seed = 0;                      ///< the campaign seed
  std::size_t max_duplicate_attempts = 100;    ///< per child, in [1, 100000]; see ask()
  Truncation truncation = Truncation::iterative_crowding;  ///< "nsga2" survival only; crowding = Deb 2002 exactly
  std::string survival = "nsga2";              ///< a registered Survival kind (survival.hpp)
  std::size_t reference_divisions = 0;         ///< "nsga3" only: Das-Dennis divisions, 0 = automatic
  /// Surrogate pre-screening (surrogate.hpp): each child asked for is the best of this many bred
  /// candidates by a k-NN model of the archive of evaluated genomes; 1 = off. In [1, 100].
  std::size_t prescreen = 1;
  /// The first population: "random" (uniform genomes) or "lhs" (Variation::design, a Latin
  /// hypercube; falls back to random genomes for an encoding without one).
  std::string initial_design = "random";
  /// Where tournaments draw parents: "population" (NSGA-II: the current population) or "archive"
  /// (the population plus every feasible non-dominated genome evaluated so far that survival
  /// dropped, ranked together by the survival kind's merit). Off by default (docs/search.md).
  std::string parents = "population";
  /// How children are bred: "crossover" (the encoding's crossover of two tournament winners, then
  /// mutation) or "differential" (Variation::differential of a tournament winner as target, a
  /// second as base and two uniformly drawn mates as the difference, then mutation; one child at
  /// a time). "differential" needs an encoding that has it (real_variation.hpp). The second
  /// member of the difference is drawn from the mates and the genomes survival dropped most
  /// recently (at most population_size of them, part of the JSON state): the external archive of
  /// J. Zhang, A. C. Sanderson, "JADE: adaptive differential evolution with optional external
  /// archive", IEEE Trans. Evol. Comput. 13(5):945-958, 2009.
  std::string operator_kind = "crossover";
};

/// Throws ConfigError (location "nsga2.<field>", "search.algorithm" for an unknown survival kind)
/// stating the range and the bad value.
void validate(const Nsga2Options& options);

/// The settings a Survival kind is built with, taken from the options.
SurvivalSettings survival_settings(const Nsga2Options& options);

/// "minimize"/"maximize" and back; the parser throws ConfigError naming the bad word.
std::string to_string(Direction direction);
Direction parse_direction(const std::string& word);
std::string to_string(Truncation truncation);
Truncation parse_truncation(const std::string& word);

/// One member of the population.
struct Individual {
  Genome genome;
  std::uint64_t hash = 0;          ///< genome_hash(genome)
  std::vector<double> objectives;  ///< as told (maximized objectives not negated)
  double violation = 0.0;          ///< total constraint violation; +inf = failed candidate
  std::size_t rank = 0;            ///< front index in the current population (0 = best)
  double crowding = 0.0;           ///< mating merit from the survival kind (nsga2: crowding distance)
};

/// The optimizer. Not thread-safe: one thread asks and tells; evaluation may be parallel.
class Nsga2 {
 public:
  /// Validates `options`; `variation` must have all its functions set.
  Nsga2(Nsga2Options options, Variation variation);

  /// Up to `n` new genomes, each valid (variation.check) and different from every genome handed
  /// out or told before in this optimizer's life. A child that is a duplicate is regenerated (new
  /// parents, new variation) up to max_duplicate_attempts times; then random genomes are tried
  /// for as many attempts; if those are duplicates too (a nearly exhausted space), ask() returns
  /// fewer than `n` genomes (possibly none) and logs a warning. Never returns a duplicate.
  std::vector<Genome> ask(std::size_t n);

  /// Reports evaluations: objectives[i] (one value per objective, finite) and violations[i]
  /// (total constraint violation >= 0; 0 = feasible). A failed candidate is told with violation
  /// +infinity; its objectives are then ignored (may be NaN). Then runs elitist survival over
  /// population + told and advances the generation. Genomes need not come from ask() (e.g. a
  /// hand-written baseline), but must be valid; a genome already in the population is ignored.
  void tell(const std::vector<Genome>& genomes, const std::vector<std::vector<double>>& objectives,
            const std::vector<double>& violations);

  /// The current population (at most population_size members), in a deterministic order.
  const std::vector<Individual>& population() const noexcept { return population_; }
  /// Where tournaments draw parents: population(), or with parents "archive" the population plus
  /// the non-dominated feasible evaluations survival dropped, ranked together.
  const std::vector<Individual>& mates() const noexcept { return archive_parents() ? mating_ : population_; }
  /// Indices into population() of the feasible members of the first front.
  std::vector<std::size_t> front() const;
  /// Number of tell() calls so far.
  std::size_t generation() const noexcept { return generation_; }
  /// Number of genomes told so far.
  std::size_t evaluations() const noexcept { return evaluations_; }
  /// Children regenerated because they were duplicates.
  std::size_t duplicates_rejected() const noexcept { return duplicates_rejected_; }
  /// true when `genome` was handed out or told before.
  bool seen(const Genome& genome) const { return seen_.count(genome_hash(genome)) > 0; }
  /// The genome hashes of the parents of `genome` when ask() bred it from two mates and it has not
  /// been told yet: the parent whose leading genes and layers it took first, then the other. Empty
  /// for a random or initial-design genome, and for any genome after tell() or restore() (a
  /// caller reads it between ask() and tell(), as the campaign does for weight inheritance).
  std::vector<std::uint64_t> parents(const Genome& genome) const;
  const Nsga2Options& options() const noexcept { return options_; }

  /// The whole state as JSON (format "nas4ml.nsga2.v2"; restore() also reads v1, which had no
  /// survival kind and means "nsga2"). With `include_seen` false the hashes of the genomes handed
  /// out so far are left out (only their count is kept, and the few handed out but never told):
  /// a caller that stores every evaluated genome elsewhere (the campaign store) saves
  /// O(evaluations) bytes per generation and gives them back to restore().
  Json state(bool include_seen = true) const;
  /// Rebuilds an optimizer from state(); `variation` must have the saved fingerprint. A state saved
  /// without its seen hashes needs them in `seen` (every genome handed out or told, in any order);
  /// their number must match the saved count. Throws ConfigError (located by `view`) on a
  /// malformed state, a different variation or a seen list that does not match.
  static Nsga2 restore(const JsonView& view, Variation variation, const std::vector<std::uint64_t>* seen = nullptr);

 private:
  void rebuild_ranks();
  std::size_t tournament();
  bool accept(Genome& child, std::vector<Genome>& out, std::vector<std::uint64_t> parents = {});
  /// One breeding step: two children (crossover) or one (differential), mutated, with their parents.
  std::vector<std::pair<Genome, std::vector<std::uint64_t>>> breed();
  bool ask_prescreened(std::vector<Genome>& out);
  std::vector<double> minimized(const std::vector<double>& objectives) const;
  bool archive_parents() const noexcept { return options_.parents == "archive"; }
  void add_to_archive(const Individual& ind);
  void offer_elite(const Individual& ind);
  void restore_elite();
  void keep_dropped(const std::vector<Individual>& pool, const std::vector<std::size_t>& keep);

  Nsga2Options options_;
  Variation variation_;
  std::shared_ptr<const Survival> survival_;
  Rng rng_;
  std::vector<Individual> population_;
  std::unordered_set<std::uint64_t> seen_;
  std::unordered_set<std::uint64_t> untold_;  // in seen_, handed out by ask() but not told yet
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> parents_;  // of bred untold genomes; not state
  Archive archive_;  // feasible evaluations, kept only when prescreen > 1 or parents "archive"
  std::vector<Individual> elite_;    // parents "archive": the non-dominated feasible evaluations
  std::vector<Individual> mating_;   // parents "archive": population + elite not in it, ranked
  std::vector<Genome> dropped_;      // operator "differential": genomes survival dropped (JADE's archive)
  std::vector<std::size_t> pool_;  // tournament pool: shuffled indices not used yet
  std::size_t generation_ = 0, evaluations_ = 0, duplicates_rejected_ = 0;
};

}  // namespace nas4ml::search
