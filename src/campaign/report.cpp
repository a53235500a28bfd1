#include "nas4ml/campaign/report.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "nas4ml/campaign/objective_plots.hpp"
#include "nas4ml/campaign/svg_plot.hpp"

namespace nas4ml::campaign {
namespace {

constexpr const char* kStyle = R"css(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1200px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; font-family: monospace; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; }
pre { background: #f7f7f7; padding: 10px; font-size: 11px; overflow-x: auto; }
.note { color: #666; font-size: 12px; }
.matrix { display: grid; gap: 8px; }
)css";

Plot hypervolume_plot(const ReportData& d) {
  Plot p;
  p.title = "Hypervolume per generation";
  p.x_label = "generation";
  p.y_label = "hypervolume (normalized objectives)";
  p.notes = d.hypervolume_notes;
  PlotSeries s{"", {}, {}, "#1f77b4", true};
  for (const auto& [g, hv] : d.hypervolume) {
    s.x.push_back(g);
    s.y.push_back(hv);
  }
  p.series = {s};
  return p;
}

Plot estimate_plot(const ReportData& d, const std::string& resource) {
  Plot p;
  p.title = "Estimate vs synthesis: " + resource;
  p.x_label = "synthesized " + resource;
  p.y_label = "estimated " + resource;
  p.diagonal = true;
  PlotSeries s{"", {}, {}, "#2ca02c"};
  for (const auto& e : d.estimate_vs_synthesis) {
    if (e.resource != resource) continue;
    s.x.push_back(e.synthesized);
    s.y.push_back(e.estimated);
    const double err = e.synthesized != 0 ? 100.0 * (e.estimated - e.synthesized) / e.synthesized : 0.0;
    s.tooltips.push_back(fmt::format("{}: estimated {:.0f}, synthesized {:.0f} ({:+.1f}%)", e.id, e.estimated,
                                     e.synthesized, err));
  }
  p.series = {s};
  return p;
}

/// Estimated vs synthesized counts, one row per synthesized candidate and resource.
std::string estimate_error_table(const ReportData& d) {
  std::string h = "<table id=\"estimate-errors\"><tr><th>id</th><th>resource</th><th>estimated</th><th>synthesized</th>"
                  "<th>error</th></tr>\n";
  for (const auto& e : d.estimate_vs_synthesis) {
    const double err = e.synthesized != 0 ? 100.0 * (e.estimated - e.synthesized) / e.synthesized : 0.0;
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.0f}</td><td>{:.0f}</td><td>{:+.1f}%</td></tr>\n", html_escape(e.id),
                     html_escape(e.resource), e.estimated, e.synthesized, err);
  }
  return h + "</table>\n";
}

/// The objective pairs: one plot for two objectives, an upper-triangular scatter matrix for more.
std::string objective_plots_html(const ReportData& d) {
  const std::size_t n = d.objectives.size();
  if (n < 2) return "";
  std::string h = "<h2>Objectives</h2>\n";
  if (n == 2) return h + "<div class=\"plots\">\n" + render_svg(objective_pair_plot(d, 0, 1)) + "</div>\n";
  h += fmt::format("<div class=\"matrix\" style=\"grid-template-columns: repeat({}, auto)\">\n", n - 1);
  for (std::size_t i = 0; i + 1 < n; ++i)
    for (std::size_t j = 1; j < n; ++j) {
      if (j <= i) {
        h += "<div></div>\n";
        continue;
      }
      Plot p = objective_pair_plot(d, i, j);
      p.width = 420;
      p.height = 320;
      h += "<div>" + render_svg(p) + "</div>\n";
    }
  return h + "</div>\n";
}

}  // namespace

std::string render_report_html(const ReportData& d) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<title>nas4ml report: " + html_escape(d.title) + "</title>\n<style>" + std::string(kStyle) + "</style></head>\n<body>\n";
  h += "<h1>nas4ml campaign report: " + html_escape(d.title) + "</h1>\n";
  const auto searched = std::count_if(d.candidates.begin(), d.candidates.end(), [](const auto& c) { return !c.baseline; });
  const auto stopped = std::count_if(d.candidates.begin(), d.candidates.end(), [](const auto& c) { return c.stopped_early; });
  const auto failed = std::count_if(d.candidates.begin(), d.candidates.end(),
                                    [](const auto& c) { return c.failed && !c.stopped_early && !c.baseline; });
  const auto front = std::count_if(d.candidates.begin(), d.candidates.end(), [](const auto& c) { return c.on_front; });
  std::set<std::string> synthesized;
  for (const auto& e : d.estimate_vs_synthesis) synthesized.insert(e.id);
  const std::string stopped_text = stopped ? fmt::format(", {} stopped early", stopped) : "";
  h += fmt::format("<p>{} candidates evaluated ({} failed{}), {} on the Pareto front, {} generations, {} synthesized "
                   "designs compared with their estimates.</p>\n",
                   searched, failed, stopped_text, front, d.hypervolume.size(), synthesized.size());
  if (!d.objectives_text.empty()) h += "<p>Objectives: " + html_escape(d.objectives_text) + ".</p>\n";
  for (const auto& line : d.baseline_lines) h += "<p class=\"baseline\">" + html_escape(line) + ".</p>\n";

  h += "<h2>Pareto front</h2>\n<table id=\"front\"><tr>";
  for (const auto& c : d.front_columns) h += "<th>" + html_escape(c) + "</th>";
  h += "</tr>\n";
  for (const auto& row : d.front_rows) {
    h += "<tr>";
    for (const auto& cell : row) h += "<td>" + html_escape(cell) + "</td>";
    h += "</tr>\n";
  }
  h += "</table>\n";

  h += objective_plots_html(d);
  h += physics_section_html(d.physics);
  h += task_physics_html(d.task_physics);
  if (!d.physics_note.empty()) h += "<p class=\"note\">" + html_escape(d.physics_note) + "</p>\n";
  h += "<h2>Search progress and estimator</h2>\n<div class=\"plots\">\n";
  h += render_svg(hypervolume_plot(d));
  std::set<std::string> resources;
  for (const auto& e : d.estimate_vs_synthesis) resources.insert(e.resource);
  for (const auto& r : resources) h += render_svg(estimate_plot(d, r));
  h += "</div>\n";
  if (resources.empty()) h += "<p class=\"note\">No synthesis results yet: no estimate-vs-synthesis plot.</p>\n";
  else h += estimate_error_table(d);

  h += "<h2>Experiment</h2>\n<pre>" + html_escape(d.experiment.dump(2)) + "</pre>\n";
  h += "<h2>Manifest</h2>\n<pre>" + html_escape(d.manifest.dump(2)) + "</pre>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace nas4ml::campaign
