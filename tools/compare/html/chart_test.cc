// Golden tests of the SVG charts (axes, log and percentile scales, whiskers, thresholds) and the
// cases that must never break a chart: empty and single-point series, NaN, infinities, values a
// log scale cannot draw. Regenerate the golden files with KV_HTML_UPDATE_GOLDEN=1 after checking
// the change in a browser.
#include "tools/compare/html/chart.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <string>

#include "tools/compare/test_util.h"

namespace kv::compare::html {
namespace {

using testing::Occurrences;
using testing::kInf;
using testing::kNaN;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(KV_HTML_TESTDATA) + "/" + name;
  if (std::getenv("KV_HTML_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
  }
  EXPECT_EQ(ReadFile(path), actual) << "golden file " << path;
}

// No NaN or infinity in any spelling, one <svg> element, closed.
void ExpectWellFormed(const std::string& svg) {
  std::string lower = svg;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_EQ(lower.find("nan"), std::string::npos) << svg;
  EXPECT_EQ(lower.find("inf"), std::string::npos) << svg;
  EXPECT_EQ(Occurrences(svg, "<svg "), 1u);
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_EQ(Occurrences(svg, "<g "), Occurrences(svg, "</g>"));
  EXPECT_EQ(Occurrences(svg, "<text"), Occurrences(svg, "</text>"));
}

LineChart Spectrum() {
  LineChart chart;
  chart.title = "SET: latency by percentile";
  chart.x = {
      .title = "percentile", .kind = ScaleKind::kPercentile, .include_zero = false, .ticks_at = {}};
  chart.y = {
      .title = "latency (µs)", .kind = ScaleKind::kLog, .include_zero = false, .ticks_at = {}};
  chart.width = 380;
  chart.height = 250;
  chart.series = {
      {.name = "kv-server", .style = 0, .points = {{50, 20}, {99, 45}, {99.99, 310}}},
      {.name = "redis-server", .style = 1, .points = {{50, 24}, {99, 60}, {99.99, 900}}}};
  return chart;
}

TEST(HtmlChartTest, SpectrumOnPercentileAndLogAxesMatchesGolden) {
  const std::string svg = RenderLineChart(Spectrum(), "chart-1");
  ExpectWellFormed(svg);
  ExpectGolden("spectrum.svg", svg);
  for (const char* label :
       {">50%<", ">90%<", ">99%<", ">99.9%<", ">99.99%<", ">10<", ">100<", ">1k<", ">percentile<",
        ">latency (µs)<", ">kv-server<", ">redis-server<"}) {
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  }
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);  // redis is dashed
}

TEST(HtmlChartTest, LinearSeriesWithReferenceLineMatchesGolden) {
  LineChart chart;
  chart.title = "GET: throughput per second";
  chart.x = {.title = "time (s)", .kind = ScaleKind::kLinear, .include_zero = true, .ticks_at = {}};
  chart.y = {.title = "throughput (requests/s)",
             .kind = ScaleKind::kLinear,
             .include_zero = true,
             .ticks_at = {}};
  chart.series = {{.name = "requests/s",
                   .style = 0,
                   .points = {{0, 19800}, {1, 20100}, {2, 12000}, {3, 20000}}}};
  chart.y_lines = {{.value = 20000, .label = "target 20k/s"}};
  const std::string svg = RenderLineChart(chart, "chart-2");
  ExpectWellFormed(svg);
  ExpectGolden("series.svg", svg);
  EXPECT_NE(svg.find("class=\"reference\""), std::string::npos);
  EXPECT_NE(svg.find(">target 20k/s<"), std::string::npos);
}

// A vertical reference line (a search's answer) spans the plot's height, carries its label and
// widens the x domain to reach it.
TEST(HtmlChartTest, VerticalReferenceLine) {
  LineChart chart;
  chart.title = "GET: p99 against throughput";
  chart.x = {.title = "rps", .kind = ScaleKind::kLinear, .include_zero = false, .ticks_at = {}};
  chart.y = {.title = "p99 (ms)", .kind = ScaleKind::kLog, .include_zero = false, .ticks_at = {}};
  chart.series = {{.name = "p99", .style = 0, .points = {{1000, 0.2}, {2000, 0.3}, {4000, 3}}}};
  chart.y_lines = {{.value = 1, .label = "objective p99<=1ms"}};
  chart.x_lines = {{.value = 6000, .label = "answer 6k/s"}};
  const std::string svg = RenderLineChart(chart, "chart-3");
  ExpectWellFormed(svg);
  EXPECT_EQ(Occurrences(svg, "class=\"reference\""), 2u);
  EXPECT_NE(svg.find(">answer 6k/s<"), std::string::npos);
  EXPECT_NE(svg.find(">objective p99&lt;=1ms<"), std::string::npos);
  EXPECT_NE(svg.find(">6k<"), std::string::npos) << "the x axis reaches the line";
  // The vertical path: M x top V bottom.
  EXPECT_TRUE(std::regex_search(svg, std::regex("<path d=\"M[0-9.]+ [0-9.]+V[0-9.]+\" "
                                                "class=\"reference\"/>")))
      << svg;
  chart.x_lines = {{.value = kNaN, .label = "nowhere"}};
  const std::string none = RenderLineChart(chart, "chart-4");
  ExpectWellFormed(none);
  EXPECT_EQ(none.find(">nowhere<"), std::string::npos);
}

TEST(HtmlChartTest, BarsWithWhiskersMatchGolden) {
  BarChart chart;
  chart.title = "SET: throughput";
  chart.value = {.title = "throughput (operations/s)",
                 .kind = ScaleKind::kLinear,
                 .include_zero = true,
                 .ticks_at = {}};
  chart.legend = {"kv-server", "redis-server"};
  chart.groups = {
      {.label = "SET/clients:1/pipeline:1 — kv ÷ redis 1.1 [1.0, 1.2]: faster",
       .bars = {Bar{.value = 52000, .low = 50000, .high = 54000, .label = "52k [50k, 54k]"},
                Bar{.value = 47000, .low = std::nullopt, .high = std::nullopt, .label = ""}}},
      {.label = "SET/clients:10/pipeline:1 — redis failed",
       .bars = {Bar{.value = 90000, .low = std::nullopt, .high = std::nullopt, .label = ""},
                std::nullopt}}};
  const std::string svg = RenderBarChart(chart, "chart-3");
  ExpectWellFormed(svg);
  ExpectGolden("bars.svg", svg);
  EXPECT_EQ(Occurrences(svg, "class=\"whisker\""), 1u);
  EXPECT_NE(svg.find("url(#chart-3-fill1)"), std::string::npos);  // redis bars are hatched
  EXPECT_NE(svg.find("<pattern id=\"chart-3-fill1\""), std::string::npos);
  EXPECT_NE(svg.find(">no data<"), std::string::npos);
}

TEST(HtmlChartTest, IntervalRowsWithThresholdsMatchGolden) {
  IntervalChart chart;
  chart.title = "Gated rows";
  chart.value = {.title = "current ÷ baseline",
                 .kind = ScaleKind::kLinear,
                 .include_zero = false,
                 .ticks_at = {}};
  chart.rows = {{.label = "FAIL · INCR/* items_per_second",
                 .estimate = 0.82,
                 .low = 0.78,
                 .high = 0.86,
                 .threshold = 0.9,
                 .flagged = true},
                {.label = "pass · all cases items_per_second",
                 .estimate = 0.99,
                 .low = 0.96,
                 .high = 1.02,
                 .threshold = 0.9,
                 .flagged = false},
                {.label = "pass · SET/* without an interval",
                 .estimate = std::nullopt,
                 .low = std::nullopt,
                 .high = std::nullopt,
                 .threshold = 0.9,
                 .flagged = false}};
  const std::string svg = RenderIntervalChart(chart, "chart-4");
  ExpectWellFormed(svg);
  ExpectGolden("gate_rows.svg", svg);
  EXPECT_EQ(Occurrences(svg, "class=\"threshold\""), 4u);  // the legend's and one per row
  EXPECT_NE(svg.find("class=\"label flagged\""), std::string::npos);
  EXPECT_NE(svg.find(">no estimate<"), std::string::npos);
}

TEST(HtmlChartTest, EmptyChartsKeepTheirAxesAndSaySo) {
  LineChart line = Spectrum();
  line.series.clear();
  const std::string svg = RenderLineChart(line, "e1");
  ExpectWellFormed(svg);
  EXPECT_NE(svg.find(">no data<"), std::string::npos);
  EXPECT_EQ(Occurrences(svg, "class=\"axis\""), 2u);
  EXPECT_NE(svg.find(">99.99%<"), std::string::npos);

  LineChart no_points = Spectrum();
  for (LineSeries& s : no_points.series) s.points.clear();
  EXPECT_NE(RenderLineChart(no_points, "e2").find(">no data<"), std::string::npos);

  BarChart bars;
  bars.value.title = "x";
  const std::string empty_bars = RenderBarChart(bars, "e3");
  ExpectWellFormed(empty_bars);
  EXPECT_NE(empty_bars.find(">no data<"), std::string::npos);

  IntervalChart rows;
  const std::string empty_rows = RenderIntervalChart(rows, "e4");
  ExpectWellFormed(empty_rows);
  EXPECT_NE(empty_rows.find(">no data<"), std::string::npos);
}

TEST(HtmlChartTest, SinglePointIsAMarkerWithoutALine) {
  LineChart chart = Spectrum();
  chart.series = {{.name = "one", .style = 0, .points = {{99, 12}}}};
  const std::string svg = RenderLineChart(chart, "s1");
  ExpectWellFormed(svg);
  EXPECT_EQ(Occurrences(svg, "<circle"), 2u);  // the legend's sample and the point
  EXPECT_EQ(svg.find("stroke-width=\"2\"/>"), svg.rfind("stroke-width=\"2\"/>"));  // legend only
  EXPECT_EQ(svg.find(">no data<"), std::string::npos);
}

TEST(HtmlChartTest, UndrawableValuesAreLeftOutNeverPrinted) {
  LineChart chart = Spectrum();
  chart.series = {
      {.name = "odd",
       .style = 0,
       .points = {
           {kNaN, 1}, {50, kNaN}, {90, kInf}, {99, -5}, {99.9, 0}, {100, 7}, {0, 3}, {99, 40}}}};
  chart.y_lines = {{.value = kNaN, .label = "never"}};
  const std::string svg = RenderLineChart(chart, "u1");
  ExpectWellFormed(svg);
  EXPECT_EQ(svg.find(">never<"), std::string::npos);
  EXPECT_EQ(Occurrences(svg, "<circle"), 2u);  // only (99, 40) is drawable

  BarChart bars;
  bars.value = {.title = "ops", .kind = ScaleKind::kLog, .include_zero = false, .ticks_at = {}};
  bars.legend = {"a", "b"};
  bars.groups = {{.label = "g",
                  .bars = {Bar{.value = kInf, .low = kNaN, .high = 3, .label = ""},
                           Bar{.value = -1, .low = 1, .high = 2, .label = ""}}}};
  bars.reference = kNaN;
  const std::string bar_svg = RenderBarChart(bars, "u2");
  ExpectWellFormed(bar_svg);
  EXPECT_EQ(Occurrences(bar_svg, ">no data<"), 2u);

  IntervalChart rows;
  rows.reference = 1;
  rows.rows = {{.label = "r",
                .estimate = kInf,
                .low = kNaN,
                .high = 1e308,
                .threshold = -kInf,
                .flagged = true}};
  ExpectWellFormed(RenderIntervalChart(rows, "u3"));
}

TEST(HtmlChartTest, TextIsEscaped) {
  LineChart chart = Spectrum();
  chart.title = "a <b> & \"c\"";
  chart.series[0].name = "<script>x</script>";
  const std::string svg = RenderLineChart(chart, "x\"1");
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("a &lt;b&gt; &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_NE(svg.find("id=\"x&quot;1\""), std::string::npos);
}

}  // namespace
}  // namespace kv::compare::html
