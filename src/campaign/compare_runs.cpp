#include "nas4ml/campaign/compare_runs.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nas4ml/campaign/objective_plots.hpp"
#include "nas4ml/campaign/run_paths.hpp"
#include "nas4ml/campaign/svg_plot.hpp"
#include "nas4ml/campaign/store.hpp"
#include "nas4ml/core/error.hpp"
#include "nas4ml/search/pareto.hpp"

namespace nas4ml::campaign {
namespace {

std::vector<double> minimized(const std::vector<double>& p, const std::vector<Direction>& dirs) {
  std::vector<double> out(p.size());
  for (std::size_t k = 0; k < p.size(); ++k) out[k] = dirs[k] == Direction::maximize ? -p[k] : p[k];
  return out;
}

bool same_objectives(const ObjectiveSetup& a, const ObjectiveSetup& b) {
  if (a.objectives.size() != b.objectives.size()) return false;
  for (std::size_t k = 0; k < a.objectives.size(); ++k)
    if (a.objectives[k].metric != b.objectives[k].metric || a.objectives[k].direction != b.objectives[k].direction)
      return false;
  return true;
}

}  // namespace

double coverage(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b,
                const std::vector<Direction>& dirs) {
  if (b.empty()) return 0.0;
  std::size_t covered = 0;
  for (const auto& q : b)
    covered += std::any_of(a.begin(), a.end(), [&](const auto& p) { return dominates(p, q, dirs); }) ? 1 : 0;
  return static_cast<double>(covered) / static_cast<double>(b.size());
}

RunComparison compare_runs(const std::vector<std::filesystem::path>& dirs) {
  RunComparison c;
  for (std::size_t r = 0; r < dirs.size(); ++r) {
    const Store store = Store::open(RunPaths(dirs[r]).store());
    const ObjectiveSetup setup = objective_setup(store.experiment(), store.path().string());
    if (r == 0) c.setup = setup;
    else if (!same_objectives(c.setup, setup))
      throw ConfigError(dirs[r].string(), "$.objectives", "cannot compare campaigns over different objectives",
                        describe(c.setup), describe(setup));
    ComparedRun run;
    run.name = dirs[r].string();
    for (const auto& m : store.front()) run.front.push_back(m["objectives"].get<std::vector<double>>());
    for (const auto& [name, rec] : store.baselines())
      if (rec.status == "ok") run.baselines.emplace_back(name, rec.objectives.get<std::vector<double>>());
    if (run.front.empty())
      throw ConfigError(store.path().string(), "fronts", "campaign has no front yet", "a committed generation", "none");
    c.runs.push_back(std::move(run));
  }
  const auto dirs_v = directions(c.setup);
  std::vector<search::Point> all;
  for (const auto& run : c.runs)
    for (const auto& p : run.front) all.push_back(minimized(p, dirs_v));
  c.lo = search::ideal_point(all);
  c.hi = search::nadir_point(all);
  for (std::size_t k = 0; k < c.lo.size(); ++k)
    if (c.hi[k] - c.lo[k] < 1e-12) c.hi[k] = c.lo[k] + 1.0;
  for (auto& run : c.runs) {
    std::vector<search::Point> pts;
    for (const auto& p : run.front) pts.push_back(minimized(p, dirs_v));
    run.hypervolume = search::hypervolume(search::normalize(pts, c.lo, c.hi), search::Point(c.lo.size(), 1.1));
  }
  c.coverage.assign(c.runs.size(), std::vector<double>(c.runs.size(), 0.0));
  for (std::size_t a = 0; a < c.runs.size(); ++a)
    for (std::size_t b = 0; b < c.runs.size(); ++b)
      if (a != b) c.coverage[a][b] = coverage(c.runs[a].front, c.runs[b].front, dirs_v);
  return c;
}

std::string format_comparison(const RunComparison& c) {
  std::string s = "objectives: " + describe(c.setup) + "\n";
  s += "hypervolume: every objective mapped to [0,1] over the union of the fronts (best = 0), reference point 1.1\n";
  std::size_t w = 3;
  for (const auto& r : c.runs) w = std::max(w, r.name.size());
  s += fmt::format("{:<{}}  {:>5}  {:>11}\n", "run", w, "front", "hypervolume");
  for (const auto& r : c.runs) s += fmt::format("{:<{}}  {:>5}  {:>11.4f}\n", r.name, w, r.front.size(), r.hypervolume);
  s += "coverage (row dominates this fraction of the column's front):\n";
  s += fmt::format("{:<{}}", "", w + 4);
  for (std::size_t b = 0; b < c.runs.size(); ++b) s += fmt::format("  {:>6}", fmt::format("[{}]", b + 1));
  s += "\n";
  for (std::size_t a = 0; a < c.runs.size(); ++a) {
    s += fmt::format("{:<{}}", fmt::format("[{}] {}", a + 1, c.runs[a].name), w + 4);
    for (std::size_t b = 0; b < c.runs.size(); ++b)
      s += a == b ? fmt::format("  {:>6}", "-") : fmt::format("  {:>6.2f}", c.coverage[a][b]);
    s += "\n";
  }
  const auto dirs = directions(c.setup);
  for (std::size_t r = 0; r < c.runs.size(); ++r)
    for (const auto& [name, p] : c.runs[r].baselines) {
      std::string values, dominated;
      for (std::size_t k = 0; k < p.size(); ++k)
        values += fmt::format("{}{} {:.4g}", k ? ", " : "", c.setup.objectives[k].metric, p[k]);
      for (std::size_t a = 0; a < c.runs.size(); ++a) {
        std::size_t n = 0;
        for (const auto& q : c.runs[a].front) n += dominates(q, p, dirs) ? 1 : 0;
        dominated += fmt::format("{}[{}] {}/{}", a ? ", " : "", a + 1, n, c.runs[a].front.size());
      }
      s += fmt::format("baseline [{}] {}: {}; front members dominating it: {}\n", r + 1, name, values, dominated);
    }
  return s;
}

std::string comparison_html(const RunComparison& c) {
  static const char* const colors[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  const auto dirs = directions(c.setup);
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nas4ml compare</title>"
                  "<style>body{font-family:sans-serif;margin:24px} pre{background:#f7f7f7;padding:10px}"
                  ".plots{display:flex;flex-wrap:wrap;gap:16px}</style></head><body>\n<h1>nas4ml: fronts compared</h1>\n";
  h += "<div class=\"plots\">\n";
  for (const auto& [i, j] : objective_pairs(c.setup.objectives.size())) {
    Plot p;
    bool baselines = false;
    p.title = c.setup.objectives[j].metric + " vs " + c.setup.objectives[i].metric;
    p.x_label = c.setup.objectives[i].metric + " (" + std::string(to_string(dirs[i])) + ")";
    p.y_label = c.setup.objectives[j].metric + " (" + std::string(to_string(dirs[j])) + ")";
    for (std::size_t r = 0; r < c.runs.size(); ++r) {
      const std::string color = colors[r % 6];
      PlotSeries pts{fmt::format("[{}] {}", r + 1, c.runs[r].name), {}, {}, color};
      std::vector<std::pair<double, double>> visible;
      const auto nd = non_dominated_in_projection(c.runs[r].front, dirs, i, j);
      for (std::size_t m = 0; m < c.runs[r].front.size(); ++m) {
        pts.x.push_back(c.runs[r].front[m][i]);
        pts.y.push_back(c.runs[r].front[m][j]);
        if (nd[m]) visible.emplace_back(c.runs[r].front[m][i], c.runs[r].front[m][j]);
      }
      PlotSeries stairs{"", {}, {}, color, true};
      stairs.radius = 0;
      stairs.keep_order = true;
      for (const auto& [x, y] : staircase(visible, dirs[i], dirs[j])) {
        stairs.x.push_back(x);
        stairs.y.push_back(y);
      }
      p.series.push_back(std::move(stairs));
      p.series.push_back(std::move(pts));
      PlotSeries base{fmt::format("[{}] baseline", r + 1), {}, {}, color};
      base.hollow = true;
      base.radius = 6.5;
      for (const auto& [name, q] : c.runs[r].baselines) {
        base.x.push_back(q[i]);
        base.y.push_back(q[j]);
        base.tooltips.push_back(fmt::format("baseline {} of [{}]", name, r + 1));
      }
      if (!base.x.empty()) {
        baselines = true;
        p.series.push_back(std::move(base));
      }
    }
    std::vector<double> xs, ys;
    for (const auto& series : p.series) {
      xs.insert(xs.end(), series.x.begin(), series.x.end());
      ys.insert(ys.end(), series.y.begin(), series.y.end());
    }
    p.log_x = wants_log(c.setup.objectives[i].metric, xs);
    p.log_y = wants_log(c.setup.objectives[j].metric, ys);
    p.notes.push_back("each run's final front; line: its staircase through the members non-dominated in this plane");
    if (baselines) p.notes.push_back("large rings: the runs' baselines (reference designs, not searched)");
    h += render_svg(p);
  }
  return h + "</div>\n<pre>" + html_escape(format_comparison(c)) + "</pre>\n</body></html>\n";
}

}  // namespace nas4ml::campaign
