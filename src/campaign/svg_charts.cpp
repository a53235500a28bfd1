#include "nas4ml/campaign/svg_charts.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nas4ml/campaign/svg_plot.hpp"

namespace nas4ml::campaign {

std::string render_bar_chart(const std::string& title, const std::vector<std::string>& rows,
                             const std::vector<BarSeries>& series) {
  const double left = 70, right = 80, top = 34, bar = 11, gap = 8, width = 420;
  const double group = bar * static_cast<double>(series.size()) + gap;
  const double height = top + group * static_cast<double>(rows.size()) + 24;
  const double pw = width - left - right;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height);
  s += fmt::format("<text x=\"{}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{}</text>\n",
                   width / 2, html_escape(title));
  for (std::size_t k = 0; k < series.size(); ++k) {
    double max = 0;
    for (double v : series[k].values)
      if (std::isfinite(v)) max = std::max(max, v);
    for (std::size_t r = 0; r < rows.size() && r < series[k].values.size(); ++r) {
      const double v = series[k].values[r];
      const double y = top + group * static_cast<double>(r) + bar * static_cast<double>(k);
      const double w = max > 0 && std::isfinite(v) ? pw * v / max : 0.0;
      s += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {} {:.0f}</title></rect>"
                       "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\">{:.0f} {}</text>\n",
                       left, y, w, bar - 1, series[k].color, html_escape(rows[r]), html_escape(series[k].label), v,
                       left + w + 3, y + bar - 2, v, html_escape(series[k].label));
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r)
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6,
                     top + group * static_cast<double>(r) + group / 2, html_escape(rows[r]));
  s += fmt::format("<text x=\"8\" y=\"{:.1f}\" font-size=\"10\" fill=\"#555\">each resource scaled to its largest layer</text>\n",
                   height - 6);
  return s + "</svg>\n";
}

std::string render_heatmap(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<std::vector<std::int64_t>>& counts, const std::string& row_axis,
                           const std::string& column_axis, const std::vector<std::string>& notes) {
  const std::size_t n = labels.size();
  const double cell = std::clamp(300.0 / std::max<double>(1, static_cast<double>(n)), 14.0, 48.0);
  const double left = 90, top = 50, right = notes.empty() ? 20 : 110;
  const double width = left + cell * static_cast<double>(n) + right, height = top + cell * static_cast<double>(n) + 40;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"10\">\n",
      width, height);
  s += fmt::format("<text x=\"{:.0f}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{}</text>\n",
                   width / 2, html_escape(title));
  s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>\n", left + cell * n / 2, top - 22,
                   html_escape(column_axis));
  s += fmt::format("<text transform=\"translate(12,{:.0f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                   top + cell * n / 2, html_escape(row_axis));
  for (std::size_t r = 0; r < n; ++r) {
    std::int64_t total = 0;
    for (std::size_t c = 0; c < n && r < counts.size() && c < counts[r].size(); ++c) total += counts[r][c];
    s += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 4,
                     top + cell * (r + 0.5) + 3, html_escape(labels[r]));
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>\n", left + cell * (r + 0.5),
                     top - 6, html_escape(labels[r]));
    for (std::size_t c = 0; c < n; ++c) {
      const std::int64_t v = r < counts.size() && c < counts[r].size() ? counts[r][c] : 0;
      const double share = total > 0 ? static_cast<double>(v) / static_cast<double>(total) : 0.0;
      const int shade = static_cast<int>(std::lround(255 - 200 * share));
      s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"rgb({},{},255)\" "
                       "stroke=\"#fff\"><title>true {}, predicted {}: {}</title></rect>",
                       left + cell * c, top + cell * r, cell, cell, shade, shade, html_escape(labels[r]),
                       html_escape(labels[c]), v);
      if (cell >= 22)
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                         left + cell * (c + 0.5), top + cell * (r + 0.5) + 3, share > 0.6 ? "#fff" : "#222", v);
      s += "\n";
    }
    if (r < notes.size())
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", left + cell * n + 6, top + cell * (r + 0.5) + 3,
                       html_escape(notes[r]));
  }
  return s + "</svg>\n";
}

}  // namespace nas4ml::campaign
