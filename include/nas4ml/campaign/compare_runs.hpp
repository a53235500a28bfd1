#pragma once
/// \file `nas4ml compare runs/A runs/B ...`: the final fronts of campaigns over the same
/// objectives, side by side — hypervolumes on a common normalization and reference point, and
/// the coverage of each front by each other (the fraction of B's members some member of A
/// dominates: the C metric of Zitzler & Thiele, IEEE TEC 3(4), 1999).
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "nas4ml/campaign/objective_setup.hpp"

namespace nas4ml::campaign {

/// One campaign's final front.
struct ComparedRun {
  std::string name;                              ///< the run folder as given
  std::vector<std::vector<double>> front;        ///< objective vectors in the shared objective order
  double hypervolume = 0.0;                      ///< on the common normalization
  /// The run's baselines that were measured (name, objective vector); not part of its front.
  std::vector<std::pair<std::string, std::vector<double>>> baselines;
};

/// The comparison of several campaigns.
struct RunComparison {
  ObjectiveSetup setup;                          ///< the (shared) objectives
  std::vector<ComparedRun> runs;
  std::vector<std::vector<double>> coverage;     ///< coverage[a][b]: fraction of b's front a dominates
  std::vector<double> lo, hi;                    ///< common normalization (minimized form), reference 1.1
};

/// Reads each run's store. Throws ConfigError naming a run whose objectives differ from the
/// first one's, or that has no front yet.
RunComparison compare_runs(const std::vector<std::filesystem::path>& run_dirs);

/// Fraction of `b` that some member of `a` dominates (0 when `b` is empty).
double coverage(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b,
                const std::vector<Direction>& directions);

/// The comparison as text: the hypervolume table, the coverage matrix, and one line per baseline
/// (its objectives and how many members of each front dominate it).
std::string format_comparison(const RunComparison& comparison);

/// The comparison as one self-contained HTML page: the fronts overlaid (one colour per run, each
/// with its staircase, its baselines as rings) for every objective pair, then the text tables.
std::string comparison_html(const RunComparison& comparison);

}  // namespace nas4ml::campaign
