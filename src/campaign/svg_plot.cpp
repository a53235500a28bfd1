#include "nas4ml/campaign/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

namespace nas4ml::campaign {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  // Multiples of the step, printed to 12 digits and read back so 0.7 is 0.7, not 0.70000000001.
  for (auto k = static_cast<long long>(std::ceil(lo / step - 1e-9)); k * step <= hi + step * 1e-9; ++k)
    ticks.push_back(k == 0 ? 0.0 : std::stod(fmt::format("{:.12g}", static_cast<double>(k) * step)));
  return ticks;
}

namespace {

struct Axis {
  bool log = false;
  double lo = 0, hi = 1;
  double map(double v) const { return log ? std::log10(v) : v; }
  bool usable(double v) const { return std::isfinite(v) && (!log || v > 0); }
};

std::string tick_label(double v, bool log) {
  if (log) v = std::round(std::pow(10.0, v) * 1e6) / 1e6;
  if (v == 0) return "0";
  const double a = std::abs(v);
  if (a >= 1e5 || a < 1e-3) return fmt::format("{:.0e}", v);
  if (a >= 100 || std::floor(v) == v) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}

/// Tick positions in axis units: nice values, or on a log axis 1, 2 and 5 times powers of ten.
std::vector<double> axis_ticks(const Axis& a) {
  if (!a.log) return nice_ticks(a.lo, a.hi);
  std::vector<double> ticks;
  const bool sparse = a.hi - a.lo > 2.5;  // many decades: powers of ten only
  for (int e = static_cast<int>(std::floor(a.lo)); e <= static_cast<int>(std::ceil(a.hi)); ++e)
    for (double m : sparse ? std::vector<double>{1} : std::vector<double>{1, 2, 5}) {
      const double t = e + std::log10(m);
      if (t >= a.lo && t <= a.hi) ticks.push_back(t);
    }
  return ticks;
}

Axis make_axis(const std::vector<const std::vector<double>*>& values, bool log, bool include_zero) {
  Axis a;
  a.log = log;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* vs : values)
    for (double v : *vs)
      if (a.usable(v)) {
        lo = std::min(lo, a.map(v));
        hi = std::max(hi, a.map(v));
      }
  if (!std::isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (include_zero && !log) lo = std::min(lo, 0.0);
  if (hi - lo < 1e-12) {
    const double pad = std::max(std::abs(hi) * 0.05, log ? 0.5 : 1.0);
    lo -= pad;
    hi += pad;
  } else {
    const double pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  a.lo = lo;
  a.hi = hi;
  return a;
}

}  // namespace

std::string render_svg(const Plot& plot) {
  const double left = 70, right = 20, top = 34;
  const double extra = plot.notes.empty() ? 0.0 : 4.0 + 13.0 * static_cast<double>(plot.notes.size());
  const double bottom = 50 + extra;
  const double w = plot.width, h = plot.height + extra;
  const double pw = w - left - right, ph = h - top - bottom;
  std::vector<const std::vector<double>*> xs, ys;
  std::size_t n_points = 0;
  for (const auto& s : plot.series) {
    xs.push_back(&s.x);
    ys.push_back(&s.y);
    n_points += std::min(s.x.size(), s.y.size());
  }
  Axis ax = make_axis(xs, plot.log_x, false);
  Axis ay = make_axis(ys, plot.log_y, false);
  if (plot.diagonal) {  // same range on both axes so y = x is the diagonal
    const double lo = std::min(ax.lo, ay.lo), hi = std::max(ax.hi, ay.hi);
    ax.lo = ay.lo = lo;
    ax.hi = ay.hi = hi;
  }
  auto px = [&](double v) { return left + (ax.map(v) - ax.lo) / (ax.hi - ax.lo) * pw; };
  auto py = [&](double v) { return top + ph - (ay.map(v) - ay.lo) / (ay.hi - ay.lo) * ph; };

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      plot.width, h);
  s += fmt::format("<text x=\"{}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{}</text>\n",
                   w / 2, html_escape(plot.title));
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\" stroke=\"#444\"/>\n", left, top,
                   pw, ph);
  // Ticks and grid lines.
  for (double t : axis_ticks(ax)) {
    const double x = left + (t - ax.lo) / (ax.hi - ax.lo) * pw;
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#e5e5e5\"/>"
                     "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                     x, top, top + ph, top + ph + 14, tick_label(t, ax.log));
  }
  for (double t : axis_ticks(ay)) {
    const double y = top + ph - (t - ay.lo) / (ay.hi - ay.lo) * ph;
    s += fmt::format("<line x1=\"{1}\" y1=\"{0:.1f}\" x2=\"{2}\" y2=\"{0:.1f}\" stroke=\"#e5e5e5\"/>"
                     "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                     y, left, left + pw, left - 5, y + 4, tick_label(t, ay.log));
  }
  for (std::size_t k = 0; k < plot.notes.size(); ++k)
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#555\">{}</text>\n", 8,
                     top + ph + 54 + 13.0 * static_cast<double>(k), html_escape(plot.notes[k]));
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}{}</text>\n", left + pw / 2, top + ph + 38,
                   html_escape(plot.x_label), plot.log_x ? " (log scale)" : "");
  s += fmt::format("<text transform=\"translate(16,{}) rotate(-90)\" text-anchor=\"middle\">{}{}</text>\n",
                   top + ph / 2, html_escape(plot.y_label), plot.log_y ? " (log scale)" : "");
  if (plot.diagonal)
    s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
                     left, top + ph, left + pw, top);
  if (n_points == 0)
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n", left + pw / 2,
                     top + ph / 2);
  // Series.
  double legend_y = top + 14;
  std::size_t longest = 0;
  for (const auto& series : plot.series)
    if (!series.x.empty()) longest = std::max(longest, series.label.size());
  const double legend_w = std::min(pw - 10, 25.0 + 5.8 * static_cast<double>(longest));
  // The legend goes in the top corner that hides fewer markers (top-right on a tie; lines such as
  // ROC curves are not counted).
  std::size_t entries = 0, under_right = 0, under_left = 0;
  for (const auto& series : plot.series)
    entries += !series.label.empty() && std::min(series.x.size(), series.y.size()) > 0 ? 1 : 0;
  const double box_bottom = top + 15.0 * static_cast<double>(entries) + 8;
  for (const auto& series : plot.series)
    for (std::size_t i = 0; series.radius > 0 && i < std::min(series.x.size(), series.y.size()); ++i) {
      if (!ax.usable(series.x[i]) || !ay.usable(series.y[i]) || py(series.y[i]) > box_bottom) continue;
      const double x = px(series.x[i]);
      under_right += x >= left + pw - legend_w - 10 ? 1 : 0;
      under_left += x <= left + legend_w + 16 ? 1 : 0;
    }
  const bool on_left = plot.legend_left || under_left < under_right;
  const double legend_x = on_left ? left + 10 : left + pw - legend_w;
  for (const auto& series : plot.series) {
    const std::size_t n = std::min(series.x.size(), series.y.size());
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    if (series.line) {
      if (!series.keep_order)
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return series.x[a] < series.x[b]; });
      std::string pts;
      for (auto i : order)
        if (ax.usable(series.x[i]) && ay.usable(series.y[i]))
          pts += fmt::format("{:.1f},{:.1f} ", px(series.x[i]), py(series.y[i]));
      if (!pts.empty())
        s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>\n", pts,
                         series.color);
    }
    if (series.radius > 0) {
      for (auto i : order) {
        if (!ax.usable(series.x[i]) || !ay.usable(series.y[i])) continue;
        if (series.hollow)
          s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\">",
                           px(series.x[i]), py(series.y[i]), series.radius, series.color);
        else
          s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" fill-opacity=\"0.75\">",
                           px(series.x[i]), py(series.y[i]), series.radius, series.color);
        if (i < series.tooltips.size()) s += "<title>" + html_escape(series.tooltips[i]) + "</title>";
        s += "</circle>\n";
      }
    }
  }
  // The legend last, on a light box, so it stays readable over the points; empty series have none.
  std::string legend;
  for (const auto& series : plot.series) {
    if (series.label.empty() || std::min(series.x.size(), series.y.size()) == 0) continue;
    legend += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\" stroke=\"{}\"/>"
                          "<text x=\"{}\" y=\"{}\">{}</text>\n",
                          legend_x, legend_y - 9, series.hollow ? "none" : series.color, series.color, legend_x + 15,
                          legend_y, html_escape(series.label));
    legend_y += 15;
  }
  if (!legend.empty())
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\" fill-opacity=\"0.8\" "
                     "stroke=\"#ddd\"/>\n",
                     legend_x - 4, top + 2, legend_w + 2, legend_y - top - 11) +
         legend;
  s += "</svg>\n";
  return s;
}

}  // namespace nas4ml::campaign
