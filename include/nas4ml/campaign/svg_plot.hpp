#pragma once
/// \file Small self-contained SVG charts for the campaign report (no scripts, no network).
#include <string>
#include <vector>

namespace nas4ml::campaign {

/// One series of a chart: points drawn as circles (scatter) or joined by a line.
struct PlotSeries {
  PlotSeries() = default;
  PlotSeries(std::string label_, std::vector<double> x_, std::vector<double> y_, std::string color_ = "#1f77b4",
             bool line_ = false)
      : label(std::move(label_)), x(std::move(x_)), y(std::move(y_)), color(std::move(color_)), line(line_) {}
  std::string label;
  std::vector<double> x, y;
  std::string color = "#1f77b4";
  bool line = false;        ///< join the points (sorted by x, unless keep_order) with a polyline
  bool keep_order = false;  ///< join the points in the given order (staircases)
  bool hollow = false;      ///< circles drawn as rings (outline only)
  double radius = 3.0;      ///< circle radius; 0 draws no markers
  std::vector<std::string> tooltips;  ///< optional, one per point (SVG <title>)
};

/// A chart with linear (or log10) axes, ticks, labels and a legend.
struct Plot {
  std::string title;
  std::string x_label, y_label;
  bool log_x = false;
  bool log_y = false;
  bool diagonal = false;    ///< draw y = x (for estimate-vs-measured charts)
  bool legend_left = false; ///< legend in the top-left corner (default: the top corner hiding fewer markers)
  std::vector<PlotSeries> series;
  std::vector<std::string> notes;  ///< lines of small text under the x label (how to read the plot)
  int width = 560;
  int height = 380;
};

/// Renders `plot` as an <svg> element. Non-finite points (and non-positive ones on a log axis) are
/// skipped; an empty plot renders its frame and a "no data" note.
std::string render_svg(const Plot& plot);

/// "Nice" tick positions covering [lo, hi] (about `target` of them, steps of 1, 2 or 5 x 10^k).
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

/// Escapes &, <, >, " and ' for HTML and SVG text.
std::string html_escape(const std::string& text);

}  // namespace nas4ml::campaign
