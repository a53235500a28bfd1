#pragma once
/// \file Variation operators on search-space genomes: random sampling, per-gene mutation
/// (resample or step to a neighbouring choice), layer insertion and deletion, crossover across
/// different depths, and repair to a valid canonical genome.
///
/// Canonical form: a gene that cannot change the trained model is set to its first choice
/// (momentum unless the optimizer is sgd; prune_rounds and structured_pruning when every layer's
/// sparsity is 0), so two genomes that decode to the same candidate are equal and hash equal.
#include <string>

#include "nas4ml/core/rng.hpp"
#include "nas4ml/space/search_space.hpp"

namespace nas4ml::space {

/// Probabilities of the operators; validate() checks each is in [0, 1] (gene_rate may be < 0).
struct OperatorOptions {
  double crossover_probability = 0.9;  ///< a pair is recombined at all
  double gene_rate = -1.0;             ///< per-gene mutation probability; < 0 means 1 / genome length
  double step_probability = 0.5;       ///< a mutated gene steps to a neighbour (else it is resampled)
  double insert_probability = 0.1;     ///< insert a hidden layer (a copy of a neighbour)
  double delete_probability = 0.1;     ///< delete a random hidden layer
  double de_f = 0.5;                   ///< differential(): scale F of the difference, in (0, 2]
  double de_cr = 0.5;                  ///< differential(): per-gene crossover rate CR, in [0, 1]
  /// differential(): a mutant index outside a gene's choices becomes "random" (uniform between
  /// the base's index and the end it crossed) or "clamp" (that end)
  std::string de_bounds = "random";
};

/// Throws ConfigError (location "space_operators.<field>") stating the range and the bad value.
void validate(const OperatorOptions& options);

/// A uniformly random depth in [min_hidden, max_hidden] and uniformly random genes, canonical.
Genes random_genome(const SearchSpace& space, Rng& rng);
/// `n` genomes that cover the space like a Latin hypercube (McKay, Beckman & Conover 1979): the
/// number of hidden layers and every gene's choices are each split into n equal strata, and each
/// stratum is used by exactly one genome (a gene with k choices: each choice about n / k times).
/// Canonical, possibly with duplicates when the space is small.
std::vector<Genes> latin_hypercube(const SearchSpace& space, std::size_t n, Rng& rng);

/// Mutates in place: each gene with probability gene_rate (half steps +-1 reflecting at the ends,
/// half resamples another choice), then maybe a layer insertion or deletion within the depth range.
/// The result is repaired (valid and canonical).
void mutate(const SearchSpace& space, Genes& genes, Rng& rng, const OperatorOptions& options = {});

/// Crossover across depths: with crossover_probability, the global and output genes are mixed
/// uniformly and the hidden-layer lists are cut and spliced (child 1 = a's first i layers + b's
/// layers from j on, child 2 the complement), with (i, j) drawn among the cuts that keep both
/// children's depths in range. Otherwise returns copies. Children are repaired.
std::pair<Genes, Genes> crossover(const SearchSpace& space, const Genes& a, const Genes& b, Rng& rng,
                                  const OperatorOptions& options = {});

/// Differential variation on the genes' choice indices, their ordinal relaxation (DE/rand/1/bin,
/// Storn & Price, J. Global Optim. 11, 1997): the child has the target's depth; each gene, with
/// probability de_cr (and one gene drawn at random always), becomes round(base + F (a - b)) of the
/// same gene in base, a and b, where a hidden-layer gene of a genome with fewer layers is read
/// from its last hidden layer (the target's own value when it has none). An index outside the
/// gene's choices is replaced per de_bounds. The child is repaired.
Genes differential(const SearchSpace& space, const Genes& target, const Genes& base, const Genes& a, const Genes& b,
                   Rng& rng, const OperatorOptions& options = {});

/// Makes any vector of indices a valid canonical genome, deterministically: a length that fits no
/// depth is cut to the nearest shorter depth (or padded with first choices), too many layers are
/// dropped from the end, too few are filled by repeating the last, every gene is clamped into its
/// choice range, and genes without effect are canonicalized.
void repair(const SearchSpace& space, Genes& genes);

}  // namespace nas4ml::space
