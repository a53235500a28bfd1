#include "nas4ml/campaign/report.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

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
)css";

Plot accuracy_plot(const ReportData& d, bool vs_latency) {
  Plot p;
  p.title = vs_latency ? "Accuracy vs latency" : "Accuracy vs LUT";
  p.x_label = vs_latency ? "estimated latency (ns)" : "estimated LUT";
  p.y_label = "fixed-point validation accuracy";
  p.log_x = !vs_latency;
  PlotSeries all{"all candidates", {}, {}, "#b0b0b0"};
  PlotSeries front{"Pareto front", {}, {}, "#d62728"};
  front.radius = 4.5;
  for (const auto& c : d.candidates) {
    if (c.failed) continue;
    auto& s = c.on_front ? front : all;
    s.x.push_back(vs_latency ? c.latency_ns : c.lut);
    s.y.push_back(c.accuracy);
    s.tooltips.push_back(fmt::format("{} (gen {}): accuracy {:.4f}, {:.0f} LUT, {:.1f} ns", c.id, c.generation,
                                     c.accuracy, c.lut, c.latency_ns));
  }
  p.series = {all, front};
  return p;
}

Plot hypervolume_plot(const ReportData& d) {
  Plot p;
  p.title = "Hypervolume per generation";
  p.x_label = "generation";
  p.y_label = "hypervolume (normalized objectives)";
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

}  // namespace

std::string render_report_html(const ReportData& d) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<title>nas4ml report: " + html_escape(d.title) + "</title>\n<style>" + std::string(kStyle) + "</style></head>\n<body>\n";
  h += "<h1>nas4ml campaign report: " + html_escape(d.title) + "</h1>\n";
  const auto failed = std::count_if(d.candidates.begin(), d.candidates.end(), [](const auto& c) { return c.failed; });
  const auto front = std::count_if(d.candidates.begin(), d.candidates.end(), [](const auto& c) { return c.on_front; });
  std::set<std::string> synthesized;
  for (const auto& e : d.estimate_vs_synthesis) synthesized.insert(e.id);
  h += fmt::format("<p>{} candidates evaluated ({} failed), {} on the Pareto front, {} generations, {} synthesized "
                   "designs compared with their estimates.</p>\n",
                   d.candidates.size(), failed, front, d.hypervolume.size(), synthesized.size());

  h += "<h2>Pareto front</h2>\n<table id=\"front\"><tr>";
  for (const auto& c : d.front_columns) h += "<th>" + html_escape(c) + "</th>";
  h += "</tr>\n";
  for (const auto& row : d.front_rows) {
    h += "<tr>";
    for (const auto& cell : row) h += "<td>" + html_escape(cell) + "</td>";
    h += "</tr>\n";
  }
  h += "</table>\n";

  h += "<h2>Plots</h2>\n<div class=\"plots\">\n";
  h += render_svg(accuracy_plot(d, false));
  h += render_svg(accuracy_plot(d, true));
  h += render_svg(hypervolume_plot(d));
  std::set<std::string> resources;
  for (const auto& e : d.estimate_vs_synthesis) resources.insert(e.resource);
  for (const auto& r : resources) h += render_svg(estimate_plot(d, r));
  h += "</div>\n";
  if (resources.empty()) h += "<p class=\"note\">No synthesis results yet: no estimate-vs-synthesis plot.</p>\n";

  h += "<h2>Experiment</h2>\n<pre>" + html_escape(d.experiment.dump(2)) + "</pre>\n";
  h += "<h2>Manifest</h2>\n<pre>" + html_escape(d.manifest.dump(2)) + "</pre>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace nas4ml::campaign
