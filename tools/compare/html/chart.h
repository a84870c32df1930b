// SVG charts of the HTML report: line charts (latency spectra, throughput curves, time series),
// horizontal bar charts with interval whiskers, and interval rows (estimates against thresholds).
// Each chart is one self-contained <svg> element — no external reference, no script — and reads
// without colour: series differ by dash pattern and marker shape, bars by fill pattern, and every
// value is labelled or has a tooltip. No NaN or infinity ever reaches the markup: values a scale
// cannot draw are left out (and an empty chart says "no data").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/compare/html/scale.h"

namespace kv::compare::html {

// Styles are indices into a fixed palette of six colour-blind-safe colours, each with its own
// dash pattern, marker shape and bar fill pattern (style 0: solid line, circles, solid bars;
// style 1: dashed, squares, diagonal hatching; ...). Indices wrap around.
inline constexpr int kStyleCount = 6;

struct Axis {
  std::string title;  // with the unit: "latency (µs)"
  ScaleKind kind = ScaleKind::kLinear;
  bool include_zero = false;     // linear: the domain reaches 0
  std::vector<double> ticks_at;  // ticks exactly at these values (e.g. a grid's client counts)
};

struct Point {
  double x = 0;
  double y = 0;
};

struct LineSeries {
  std::string name;  // legend entry
  int style = 0;
  std::vector<Point> points;  // joined in order; points the scales cannot draw are left out
};

// A horizontal line across the plot at y = value (a target rate, a threshold), or in
// LineChart::x_lines a vertical one at x = value (a search's answer).
struct ReferenceLine {
  double value = 0;
  std::string label;
};

struct LineChart {
  std::string title;  // the SVG's accessible title
  Axis x;
  Axis y;
  std::vector<LineSeries> series;
  std::vector<ReferenceLine> y_lines;
  std::vector<ReferenceLine> x_lines;
  int width = 640;
  int height = 320;
};

struct Bar {
  double value = 0;
  std::optional<double> low;  // whisker: drawn when low and high are both present
  std::optional<double> high;
  std::string label;  // after the bar; empty: the value
};

// One labelled group of bars; bars[i] is drawn in style i and named legend[i].
struct BarGroup {
  std::string label;
  std::vector<std::optional<Bar>> bars;  // nullopt: "no data" for that legend entry
};

struct BarChart {
  std::string title;
  Axis value;  // the horizontal axis
  std::vector<std::string> legend;
  std::vector<BarGroup> groups;
  std::optional<double> reference;  // a vertical line (1 for ratios)
  int width = 900;
};

// One row of an interval chart: an estimate with its interval and, optionally, the point
// beyond which it would count (a regression threshold), drawn as a tick.
struct IntervalRow {
  std::string label;
  std::optional<double> estimate;
  std::optional<double> low;
  std::optional<double> high;
  std::optional<double> threshold;
  bool flagged = false;  // drawn as a filled square with a bold label (a failing row)
};

struct IntervalChart {
  std::string title;
  Axis value;
  double reference = 1;  // vertical line: "no change"
  std::vector<IntervalRow> rows;
  int width = 900;
};

// The charts as <svg> markup. `id` prefixes every id inside (fill patterns, the title) and must
// be unique in the page.
std::string RenderLineChart(const LineChart& chart, std::string_view id);
std::string RenderBarChart(const BarChart& chart, std::string_view id);
std::string RenderIntervalChart(const IntervalChart& chart, std::string_view id);

}  // namespace kv::compare::html
