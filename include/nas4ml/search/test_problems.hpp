#pragma once
/// \file Standard multi-objective test problems, to check and benchmark the optimizer.
///
/// ZDT1-4, ZDT6: E. Zitzler, K. Deb, L. Thiele, "Comparison of multiobjective evolutionary
/// algorithms: empirical results", Evolutionary Computation 8(2):173-195, 2000.
/// DTLZ1, DTLZ2: K. Deb, L. Thiele, M. Laumanns, E. Zitzler, "Scalable multi-objective
/// optimization test problems", CEC 2002.
/// BNH (Binh & Korn 1997) and TNK (Tanaka et al. 1995), constrained, as stated in K. Deb,
/// "Multi-Objective Optimization using Evolutionary Algorithms", Wiley 2001.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace nas4ml::search {

/// A box-bounded real-valued problem; every objective minimized.
struct Problem {
  std::string name;
  std::size_t n_objectives = 2;
  std::vector<double> lower, upper;  ///< variable bounds
  /// Hypervolume reference point: 1.1 in every objective for ZDT and DTLZ (the usual choice, so
  /// figures compare with other tools), (140, 55) for BNH, 1.2 for TNK.
  std::vector<double> reference;
  /// Hypervolume of the true Pareto front against `reference`, from its closed form; NaN when
  /// there is none (ZDT3, BNH, TNK).
  double true_front_hypervolume = 0.0;
  std::function<std::vector<double>(const std::vector<double>&)> objectives;
  /// Constraint values g_i(x) <= 0 (empty for unconstrained problems).
  std::function<std::vector<double>(const std::vector<double>&)> constraints;
};

/// zdt1, zdt2, zdt3, zdt4, zdt6, dtlz1, dtlz2, bnh, tnk.
std::vector<std::string> problem_names();

/// The named problem. `n_variables` 0 takes the usual size (ZDT1-3: 30, ZDT4/6: 10, DTLZ1:
/// M + 4, DTLZ2: M + 9, BNH/TNK: 2); `n_objectives` only matters for DTLZ (0 = 3).
/// Throws ConfigError for an unknown name (naming the nearest) or a size out of range.
Problem make_problem(const std::string& name, std::size_t n_variables = 0, std::size_t n_objectives = 0);

}  // namespace nas4ml::search
