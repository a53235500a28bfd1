#include <catch2/catch.hpp>

#include "nas4ml/campaign/report.hpp"

using namespace nas4ml::campaign;

TEST_CASE("the report is one self-contained HTML document", "[campaign][report]") {
  ReportData d;
  d.title = "magic <test>";
  d.objectives = {{"accuracy", Direction::maximize}, {"lut", Direction::minimize}};
  d.candidates = {{"c1", 0, 0.80, 1200, 15, true, false, {0.80, 1200}},
                  {"c2", 0, 0.75, 300, 10, true, false, {0.75, 300}},
                  {"c3", 1, 0.70, 900, 20, false, false, {0.70, 900}},
                  {"c4", 1, 0.0, 0, 0, false, true}};
  d.hypervolume = {{0, 0.1}, {1, 0.2}};
  d.estimate_vs_synthesis = {{"c1", "lut", 1190, 1200}, {"c2", "lut", 310, 300}};
  d.front_columns = {"id", "accuracy", "LUT"};
  d.front_rows = {{"c1", "0.8000", "1200"}, {"c2", "0.7500", "300"}};
  d.experiment = {{"seed", 1}};
  d.manifest = {{"engine", "0.1.0"}};
  const auto html = render_report_html(d);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("magic &lt;test&gt;") != std::string::npos);
  CHECK(html.find("4 candidates evaluated (1 failed), 2 on the Pareto front, 2 generations, 2 synthesized") != std::string::npos);
  CHECK(html.find("<td>c2</td><td>0.7500</td><td>300</td>") != std::string::npos);
  CHECK(html.find("Estimate vs synthesis: lut") != std::string::npos);
  // Self-contained: no scripts, no external references.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
  CHECK(html.find("https://") == std::string::npos);
  // 3 SVG plots: the objective pair, hypervolume, estimate vs synthesis.
  std::size_t svgs = 0;
  for (auto pos = html.find("<svg"); pos != std::string::npos; pos = html.find("<svg", pos + 1)) ++svgs;
  CHECK(svgs == 3);
  CHECK(html.find("lut vs accuracy") != std::string::npos);
}

TEST_CASE("a report without synthesis says so instead of an empty plot", "[campaign][report]") {
  ReportData d;
  d.title = "x";
  const auto html = render_report_html(d);
  CHECK(html.find("No synthesis results yet") != std::string::npos);
}
