#pragma once
/// \file The report's main plots: the objective pairs the experiment declares (one plot for two
/// objectives, the upper triangle of a scatter matrix for three or more). In each 2-D projection
/// the Pareto front (non-dominated in the full objective space, among feasible candidates) is
/// marked, split into the members that are also non-dominated in that plane (filled, joined by the
/// front's staircase) and those dominated there (rings), and the plot says so.
#include <utility>
#include <vector>

#include "nas4ml/campaign/experiment_config.hpp"
#include "nas4ml/campaign/report.hpp"
#include "nas4ml/campaign/svg_plot.hpp"

namespace nas4ml::campaign {

/// For each point of `points` (objective vectors), whether no other point dominates it in the
/// projection onto objectives `i` and `j` (directions applied; non-finite points are dominated).
std::vector<bool> non_dominated_in_projection(const std::vector<std::vector<double>>& points,
                                              const std::vector<Direction>& directions, std::size_t i, std::size_t j);

/// The staircase through 2-D points that do not dominate each other: the boundary of the region
/// they dominate, as a polyline from the point best in x to the one worst in x (a horizontal step
/// then a vertical one between neighbours).
std::vector<std::pair<double, double>> staircase(std::vector<std::pair<double, double>> points, Direction x_direction,
                                                 Direction y_direction);

/// The plot of objectives (`i` on x, `j` on y) for `data` (uses data.objectives and each
/// candidate's objectives, feasibility and front membership).
Plot objective_pair_plot(const ReportData& data, std::size_t i, std::size_t j);

/// Every declared objective pair (i < j), in order (0,1), (0,2), ..., (1,2), ...
std::vector<std::pair<std::size_t, std::size_t>> objective_pairs(std::size_t n_objectives);

/// Whether `metric`'s axis is drawn on a log scale: costs (LUTs, FFs, operation counts) whose
/// positive `values` span more than a factor 20; never accuracy, auc or max_utilization.
bool wants_log(const std::string& metric, const std::vector<double>& values);

}  // namespace nas4ml::campaign
