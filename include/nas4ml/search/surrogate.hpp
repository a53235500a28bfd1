#pragma once
/// \file A cheap model of the objectives from the archive of evaluated genomes, for surrogate
/// pre-screening: several children are bred per slot and only the one the model ranks best is
/// evaluated (Nsga2Options::prescreen). The model is k-nearest-neighbour regression with
/// inverse-distance weights (the simplest model that needs no fitting and works on mixed genomes).
///
/// Pre-screening with a cheap model in an evolutionary algorithm: M. Emmerich, K. Giannakoglou,
/// B. Naujoks, "Single- and multiobjective evolutionary optimization assisted by Gaussian random
/// field metamodels", IEEE Trans. Evol. Comput. 10(4):421-439, 2006 (here with a k-NN model and a
/// domination-count criterion instead of a Gaussian field and its expected improvement).
#include <cstddef>
#include <vector>

#include "nas4ml/search/genome.hpp"
#include "nas4ml/search/pareto.hpp"

namespace nas4ml::search {

/// Evaluated genomes (feasible ones only) and their minimized objectives.
struct Archive {
  std::vector<Genome> genomes;
  std::vector<Point> points;
};

/// Distance between genomes: per gene |a - b| divided by that gene's range over the archive
/// (0 when the range is 0), Euclidean over genes; a gene present in only one genome counts 1.
/// `lo`/`hi` are the per-gene minimum and maximum (choices first, then reals).
double genome_distance(const Genome& a, const Genome& b, const std::vector<double>& lo, const std::vector<double>& hi);

/// Per-gene minimum and maximum over the archive (choices first, then reals).
void gene_ranges(const Archive& archive, std::vector<double>& lo, std::vector<double>& hi);

/// Prediction for one genome: the inverse-distance weighted mean of its k nearest archive points
/// (an exact match returns that point), and the distance to the nearest.
struct Prediction {
  Point point;
  double nearest = 0.0;
};
Prediction predict(const Archive& archive, const Genome& genome, std::size_t k, const std::vector<double>& lo,
                   const std::vector<double>& hi);

}  // namespace nas4ml::search
