#pragma once
/// \file Two more self-contained SVG charts for the report: horizontal grouped bars (per-layer
/// resources) and a heat map with counts (confusion matrices).
#include <cstdint>
#include <string>
#include <vector>

namespace nas4ml::campaign {

/// One group of bars: a value per row.
struct BarSeries {
  std::string label;
  std::string color;
  std::vector<double> values;
};

/// Horizontal bars, one group of `series` per row label, each series scaled to its own maximum
/// (the value is written at the bar's end), so LUTs and FFs share one chart.
std::string render_bar_chart(const std::string& title, const std::vector<std::string>& rows,
                             const std::vector<BarSeries>& series);

/// A square heat map of `counts[row][column]` with the counts written in the cells; cells are
/// shaded by their share of the row. `notes` (one per row) are written at the right.
std::string render_heatmap(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<std::vector<std::int64_t>>& counts, const std::string& row_axis,
                           const std::string& column_axis, const std::vector<std::string>& notes = {});

}  // namespace nas4ml::campaign
