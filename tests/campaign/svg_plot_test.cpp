#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nas4ml/campaign/svg_plot.hpp"

using namespace nas4ml::campaign;

TEST_CASE("nice ticks use steps of 1, 2 or 5 times a power of ten", "[campaign][svg_plot]") {
  CHECK(nice_ticks(0, 10, 5) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(nice_ticks(0.61, 0.87, 6) == std::vector<double>{0.65, 0.7, 0.75, 0.8, 0.85});
  CHECK(nice_ticks(-3, 3, 3) == std::vector<double>{-2, 0, 2});
  CHECK(nice_ticks(-3, 3, 6) == std::vector<double>{-3, -2, -1, 0, 1, 2, 3});
  CHECK(nice_ticks(5, 5) == std::vector<double>{5});
}

TEST_CASE("html_escape escapes markup", "[campaign][svg_plot]") {
  CHECK(html_escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

TEST_CASE("a scatter plot draws one circle per finite point", "[campaign][svg_plot]") {
  Plot p;
  p.title = "t<1>";
  PlotSeries s{"series", {1, 2, 3, std::numeric_limits<double>::quiet_NaN()}, {4, 5, 6, 7}};
  s.tooltips = {"a", "b", "c", "d"};
  p.series = {s};
  const auto svg = render_svg(p);
  CHECK(svg.rfind("<svg", 0) == 0);
  std::size_t circles = 0;
  for (auto pos = svg.find("<circle"); pos != std::string::npos; pos = svg.find("<circle", pos + 1)) ++circles;
  CHECK(circles == 3);
  CHECK(svg.find("t&lt;1&gt;") != std::string::npos);
  CHECK(svg.find("<title>c</title>") != std::string::npos);
  CHECK(svg.find("no data") == std::string::npos);
}

TEST_CASE("log axes skip non-positive values and empty plots say so", "[campaign][svg_plot]") {
  Plot p;
  p.log_x = true;
  p.series = {PlotSeries{"", {0, 10, 100}, {1, 2, 3}}};
  const auto svg = render_svg(p);
  std::size_t circles = 0;
  for (auto pos = svg.find("<circle"); pos != std::string::npos; pos = svg.find("<circle", pos + 1)) ++circles;
  CHECK(circles == 2);
  Plot empty;
  CHECK(render_svg(empty).find("no data") != std::string::npos);
}

TEST_CASE("log axes put ticks at 1, 2 and 5 times powers of ten", "[campaign][svg_plot]") {
  Plot p;
  p.log_x = true;
  p.series = {PlotSeries{"", {1200, 3000, 9000}, {1, 2, 3}}};
  const auto svg = render_svg(p);
  for (const char* label : {">2000<", ">5000<"}) CHECK(svg.find(label) != std::string::npos);
  CHECK(svg.find("3162") == std::string::npos);
}
