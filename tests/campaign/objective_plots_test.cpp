// The report's objective plots follow the experiment: the declared pairs, the front's staircase,
// and front members marked for what they are in each projection.
#include <catch2/catch.hpp>

#include "nas4ml/campaign/member_physics.hpp"
#include "nas4ml/campaign/objective_plots.hpp"
#include "nas4ml/campaign/report.hpp"

using namespace nas4ml::campaign;

namespace {
using P = std::pair<double, double>;

ReportCandidate candidate(const std::string& id, std::vector<double> objectives, bool front, bool feasible = true) {
  ReportCandidate c;
  c.id = id;
  c.objectives = std::move(objectives);
  c.on_front = front;
  c.feasible = feasible;
  return c;
}

const PlotSeries* series(const Plot& p, const std::string& label) {
  for (const auto& s : p.series)
    if (s.label == label) return &s;
  return nullptr;
}
}  // namespace

TEST_CASE("a front member dominated in one projection is found there and only there", "[campaign][report][pareto]") {
  // Accuracy (max), LUT (min), latency (min): none dominates another in all three, but A dominates
  // B and C in the accuracy-LUT plane.
  const std::vector<std::vector<double>> pts = {{0.90, 100, 50}, {0.80, 200, 10}, {0.85, 150, 30}};
  const std::vector<Direction> dirs = {Direction::maximize, Direction::minimize, Direction::minimize};
  CHECK(non_dominated_in_projection(pts, dirs, 0, 1) == std::vector<bool>{true, false, false});
  CHECK(non_dominated_in_projection(pts, dirs, 0, 2) == std::vector<bool>{true, true, true});
  CHECK(non_dominated_in_projection(pts, dirs, 1, 2) == std::vector<bool>{true, true, true});
  // Equal points do not dominate each other; NaN points are never non-dominated.
  CHECK(non_dominated_in_projection({{1, 1}, {1, 1}, {NAN, 0}}, {Direction::minimize, Direction::minimize}, 0, 1) ==
        std::vector<bool>{true, true, false});

  ReportData d;
  d.objectives = {{"accuracy", Direction::maximize}, {"lut", Direction::minimize}, {"latency_ns", Direction::minimize}};
  d.candidates = {candidate("A", pts[0], true), candidate("B", pts[1], true), candidate("C", pts[2], true),
                  candidate("D", {0.70, 300, 60}, false)};
  const Plot acc_lut = objective_pair_plot(d, 0, 1);
  CHECK(acc_lut.title == "lut vs accuracy");
  CHECK(acc_lut.x_label == "accuracy (maximize, fixed point)");
  REQUIRE(series(acc_lut, "front, non-dominated in this plane"));
  CHECK(series(acc_lut, "front, non-dominated in this plane")->x == std::vector<double>{0.90});
  REQUIRE(series(acc_lut, "front, dominated in this plane"));
  CHECK(series(acc_lut, "front, dominated in this plane")->x == std::vector<double>{0.80, 0.85});
  CHECK(series(acc_lut, "front, dominated in this plane")->hollow);
  CHECK(series(acc_lut, "other feasible candidates")->x == std::vector<double>{0.70});
  CHECK(acc_lut.notes.at(0) == "Pareto front: non-dominated in all 3 objectives (feasible candidates);");
  const Plot lut_lat = objective_pair_plot(d, 1, 2);
  CHECK(series(lut_lat, "front, non-dominated in this plane")->x.size() == 3);
  CHECK_FALSE(series(lut_lat, "front, dominated in this plane"));
  CHECK(objective_pairs(3) == std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}, {0, 2}, {1, 2}});
}

TEST_CASE("the front's staircase bounds the region it dominates", "[campaign][report][pareto]") {
  // LUT (min) on x, accuracy (max) on y: from the cheapest design rightwards, then up.
  CHECK(staircase({{300, 0.9}, {100, 0.8}, {200, 0.85}}, Direction::minimize, Direction::maximize) ==
        std::vector<P>{{100, 0.8}, {200, 0.8}, {200, 0.85}, {300, 0.85}, {300, 0.9}});
  // Accuracy (max) on x, LUT (min) on y: from the most accurate design leftwards, then down.
  CHECK(staircase({{0.8, 100}, {0.9, 300}}, Direction::maximize, Direction::minimize) ==
        std::vector<P>{{0.9, 300}, {0.8, 300}, {0.8, 100}});
  // Both minimized.
  CHECK(staircase({{2, 1}, {1, 2}}, Direction::minimize, Direction::minimize) ==
        std::vector<P>{{1, 2}, {2, 2}, {2, 1}});
  CHECK(staircase({}, Direction::minimize, Direction::minimize).empty());
}

TEST_CASE("infeasible candidates are drawn apart from the front they may dominate", "[campaign][report][pareto]") {
  ReportData d;
  d.objectives = {{"auc", Direction::maximize}, {"ebops", Direction::minimize}};
  d.candidates = {candidate("f1", {0.4993, 397}, true), candidate("x", {0.5030, 334}, false, false),
                  candidate("o", {0.45, 500}, false)};
  const Plot p = objective_pair_plot(d, 0, 1);
  CHECK(p.title == "ebops vs auc");
  CHECK(series(p, "Pareto front")->x == std::vector<double>{0.4993});
  CHECK(series(p, "infeasible (violate a constraint)")->x == std::vector<double>{0.5030});
  CHECK(series(p, "other feasible candidates")->x == std::vector<double>{0.45});
  const auto svg = render_svg(p);
  CHECK(svg.find("Pareto front: feasible candidates no other feasible candidate dominates") != std::string::npos);
}

TEST_CASE("the report draws the declared objective pairs: one plot for 2, a scatter matrix for 3", "[campaign][report]") {
  auto count = [](const std::string& html, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = html.find(what); pos != std::string::npos; pos = html.find(what, pos + 1)) ++n;
    return n;
  };
  ReportData d;
  d.title = "x";
  d.objectives = {{"auc", Direction::maximize}, {"ebops", Direction::minimize}};
  d.candidates = {candidate("a", {0.8, 100}, true), candidate("b", {0.7, 50}, true)};
  d.hypervolume = {{0, 0.3}};
  d.hypervolume_notes = {"each objective mapped to [0,1]"};
  std::string html = render_report_html(d);
  CHECK(count(html, "<svg") == 2);  // the pair and the hypervolume
  CHECK(html.find("ebops vs auc") != std::string::npos);
  CHECK(html.find("each objective mapped to [0,1]") != std::string::npos);
  CHECK(html.find("Accuracy vs LUT") == std::string::npos);

  d.objectives.push_back({"latency_ns", Direction::minimize});
  for (auto& c : d.candidates) c.objectives.push_back(10);
  html = render_report_html(d);
  CHECK(count(html, "<svg") == 4);
  CHECK(html.find("class=\"matrix\"") != std::string::npos);
  CHECK(html.find("latency_ns vs ebops") != std::string::npos);
}

TEST_CASE("the physics section draws ROC and rejection for binary tasks, confusion matrices otherwise",
          "[campaign][report][physics]") {
  MemberPhysics b;
  b.id = "aa";
  b.binary = true;
  b.roc = {{0, 0.5, 1}, {0, 0.25, 1}};
  b.rejection_at_50 = 4;
  b.auc = 0.75;
  b.accuracy = 0.7;
  b.layers = {{100, 20, 2}, {50, 10, 1}};
  std::string h = physics_section_html({b});
  CHECK(h.find("Background rejection vs signal efficiency (test split)") != std::string::npos);
  CHECK(h.find("ROC curve (test split)") != std::string::npos);
  CHECK(h.find("<td>aa</td><td>0.7500</td><td>4.00</td>") != std::string::npos);
  CHECK(h.find("Per-layer estimate: aa") != std::string::npos);
  CHECK(h.find("100 LUT") != std::string::npos);

  MemberPhysics m;
  m.id = "bb";
  m.class_names = {"g", "q", "t"};
  m.confusion = {{5, 1, 0}, {0, 4, 2}, {1, 0, 7}};
  m.class_accuracy = {5.0 / 6, 4.0 / 6, 7.0 / 8};
  m.accuracy = 16.0 / 20;
  h = physics_section_html({m});
  CHECK(h.find("Confusion matrix: bb (accuracy 0.8000)") != std::string::npos);
  CHECK(h.find("true q, predicted t: 2") != std::string::npos);
  CHECK(h.find("accuracy 0.875") != std::string::npos);
  CHECK(h.find("ROC curve") == std::string::npos);
  CHECK(physics_section_html({}).empty());
}
