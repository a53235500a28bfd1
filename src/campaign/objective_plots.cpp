#include "nas4ml/campaign/objective_plots.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nas4ml/campaign/objective_setup.hpp"

namespace nas4ml::campaign {
namespace {

/// The metric in "smaller is better" form.
double cost(double v, Direction d) { return d == Direction::maximize ? -v : v; }

bool finite2(const std::vector<double>& p, std::size_t i, std::size_t j) {
  return p.size() > std::max(i, j) && std::isfinite(p[i]) && std::isfinite(p[j]);
}


std::string axis_label(const ReportData& d, std::size_t k) {
  const Objective& o = d.objectives[k];
  const bool quality = o.metric == "accuracy" || o.metric == "auc";
  return fmt::format("{} ({}{})", o.metric, to_string(o.direction), quality ? ", fixed point" : ", estimated");
}

}  // namespace

std::vector<bool> non_dominated_in_projection(const std::vector<std::vector<double>>& points,
                                              const std::vector<Direction>& dirs, std::size_t i, std::size_t j) {
  std::vector<bool> out(points.size(), false);
  for (std::size_t a = 0; a < points.size(); ++a) {
    if (!finite2(points[a], i, j)) continue;
    const double ax = cost(points[a][i], dirs[i]), ay = cost(points[a][j], dirs[j]);
    bool dominated = false;
    for (std::size_t b = 0; b < points.size() && !dominated; ++b) {
      if (b == a || !finite2(points[b], i, j)) continue;
      const double bx = cost(points[b][i], dirs[i]), by = cost(points[b][j], dirs[j]);
      dominated = bx <= ax && by <= ay && (bx < ax || by < ay);
    }
    out[a] = !dominated;
  }
  return out;
}

std::vector<std::pair<double, double>> staircase(std::vector<std::pair<double, double>> pts, Direction dx,
                                                 Direction dy) {
  std::stable_sort(pts.begin(), pts.end(), [&](const auto& a, const auto& b) {
    const double ca = cost(a.first, dx), cb = cost(b.first, dx);
    return ca < cb || (ca == cb && cost(a.second, dy) < cost(b.second, dy));
  });
  std::vector<std::pair<double, double>> line;
  for (std::size_t k = 0; k < pts.size(); ++k) {
    if (k > 0) line.emplace_back(pts[k].first, pts[k - 1].second);
    line.push_back(pts[k]);
  }
  return line;
}

std::vector<std::pair<std::size_t, std::size_t>> objective_pairs(std::size_t n) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) out.emplace_back(i, j);
  return out;
}

Plot objective_pair_plot(const ReportData& d, std::size_t i, std::size_t j) {
  const std::size_t n = d.objectives.size();
  std::vector<Direction> dirs;
  for (const auto& o : d.objectives) dirs.push_back(o.direction);
  Plot p;
  p.title = fmt::format("{} vs {}", d.objectives[j].metric, d.objectives[i].metric);
  p.x_label = axis_label(d, i);
  p.y_label = axis_label(d, j);
  const std::string front_label = n == 2 ? "Pareto front" : fmt::format("front, non-dominated in this plane");
  PlotSeries all{"other feasible candidates", {}, {}, "#b0b0b0"};
  PlotSeries infeasible{"infeasible (violate a constraint)", {}, {}, "#e0a060"};
  infeasible.radius = 2.5;
  PlotSeries front{front_label, {}, {}, "#d62728"};
  front.radius = 4.5;
  PlotSeries hidden{"front, dominated in this plane", {}, {}, "#d62728"};
  hidden.radius = 4.5;
  hidden.hollow = true;
  PlotSeries baseline{"baseline", {}, {}, "#1f3fbf"};
  baseline.radius = 5.5;

  std::vector<const ReportCandidate*> members;
  std::vector<std::vector<double>> member_points;
  for (const auto& c : d.candidates)
    if (c.on_front && !c.failed) {
      members.push_back(&c);
      member_points.push_back(c.objectives);
    }
  const auto visible = non_dominated_in_projection(member_points, dirs, i, j);
  std::vector<std::pair<double, double>> stair_points;
  auto tooltip = [&](const ReportCandidate& c) {
    std::string t = fmt::format("{} (gen {})", c.id, c.generation);
    for (std::size_t k = 0; k < n && k < c.objectives.size(); ++k)
      t += fmt::format(", {} {}", d.objectives[k].metric, format_metric(d.objectives[k].metric, c.objectives[k]));
    return t;
  };
  std::size_t m = 0;
  for (const auto& c : d.candidates) {
    if (c.failed || !finite2(c.objectives, i, j)) continue;
    PlotSeries* s = &all;
    if (c.baseline) s = &baseline;
    else if (c.on_front) {
      const bool v = visible[m++];
      s = v ? &front : &hidden;
      if (v) stair_points.emplace_back(c.objectives[i], c.objectives[j]);
    } else if (!c.feasible) s = &infeasible;
    s->x.push_back(c.objectives[i]);
    s->y.push_back(c.objectives[j]);
    s->tooltips.push_back(tooltip(c));
  }
  PlotSeries stairs{"", {}, {}, "#d62728", true};
  stairs.radius = 0;
  stairs.keep_order = true;
  for (const auto& [x, y] : staircase(stair_points, dirs[i], dirs[j])) {
    stairs.x.push_back(x);
    stairs.y.push_back(y);
  }
  std::vector<double> xs, ys;
  for (const auto& c : d.candidates)
    if (!c.failed && finite2(c.objectives, i, j)) {
      xs.push_back(c.objectives[i]);
      ys.push_back(c.objectives[j]);
    }
  p.log_x = wants_log(d.objectives[i].metric, xs);
  p.log_y = wants_log(d.objectives[j].metric, ys);
  p.series = {all, infeasible, stairs, front};
  if (!hidden.x.empty()) p.series.push_back(hidden);
  if (!baseline.x.empty()) p.series.push_back(baseline);
  p.notes.push_back(n == 2 ? "Pareto front: feasible candidates no other feasible candidate dominates; line: its staircase"
                           : fmt::format("Pareto front: non-dominated in all {} objectives (feasible candidates);", n));
  if (n > 2) p.notes.push_back("rings are front members another member dominates in this plane; line: staircase");
  return p;
}

bool wants_log(const std::string& metric, const std::vector<double>& values) {
  if (metric == "accuracy" || metric == "auc" || metric == "max_utilization") return false;
  double lo = INFINITY, hi = 0;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (v <= 0) return false;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return std::isfinite(lo) && hi / lo > 20;
}

}  // namespace nas4ml::campaign
