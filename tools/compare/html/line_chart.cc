// Line charts: series of points joined in order, with markers, a legend and reference lines.
#include <algorithm>
#include <vector>

#include "tools/compare/html/chart.h"
#include "tools/compare/html/chart_frame.h"
#include "tools/compare/html/markup.h"

namespace kv::compare::html {
namespace {

constexpr size_t kMaxMarkers = 24;  // beyond, markers on every n-th point only

// The points of `series` both scales can draw (kinds only matter here, not the domains).
std::vector<Point> DrawablePoints(const LineSeries& series, const Scale& x, const Scale& y) {
  std::vector<Point> out;
  for (const Point& p : series.points) {
    if (x.Drawable(p.x) && y.Drawable(p.y)) out.push_back(p);
  }
  return out;
}

}  // namespace

std::string RenderLineChart(const LineChart& chart, std::string_view id) {
  const Scale x_kind = Scale::Fit(chart.x.kind, {});
  const Scale y_kind = Scale::Fit(chart.y.kind, {});
  std::vector<std::vector<Point>> drawn;
  std::vector<double> xs;
  std::vector<double> ys;
  for (const LineSeries& s : chart.series) {
    drawn.push_back(DrawablePoints(s, x_kind, y_kind));
    for (const Point& p : drawn.back()) {
      xs.push_back(p.x);
      ys.push_back(p.y);
    }
  }
  const bool empty = xs.empty();
  for (const ReferenceLine& line : chart.y_lines) ys.push_back(line.value);
  for (const ReferenceLine& line : chart.x_lines) xs.push_back(line.value);
  const Scale x = Scale::Fit(chart.x.kind, xs, chart.x.include_zero, chart.x.ticks_at);
  const Scale y = Scale::Fit(chart.y.kind, ys, chart.y.include_zero, chart.y.ticks_at);

  const double width = chart.width;
  const double height = chart.height;
  std::vector<frame::LegendEntry> legend;
  for (const LineSeries& s : chart.series) legend.push_back({s.name, s.style, false});
  double legend_height = 0;
  const std::string legend_markup =
      frame::Legend(legend, id, 64, 6, width - 64 - 28, &legend_height);
  const frame::Box box{.left = 64,
                       .top = 6 + legend_height + 10,
                       .right = width - 28,
                       .bottom = std::max(height - 44, 6 + legend_height + 60)};
  const double svg_height = box.bottom + 44;

  std::string out = frame::OpenSvg(id, width, svg_height, chart.title);
  out += legend_markup;
  out += frame::XAxis(x, box, chart.x.title);
  out += frame::YAxis(y, box, chart.y.title);
  auto px = [&](double v) { return box.left + x.Position(v) * box.Width(); };
  auto py = [&](double v) { return box.bottom - y.Position(v) * box.Height(); };
  for (const ReferenceLine& line : chart.y_lines) {
    if (!y.Drawable(line.value)) continue;
    const double ly = py(line.value);
    out += "<path d=\"M" + Coord(box.left) + " " + Coord(ly) + "H" + Coord(box.right) +
           "\" class=\"reference\"/>\n";
    out += frame::Text(box.right - 4, ly - 4, line.label, "text-anchor=\"end\" class=\"note\"");
  }
  for (size_t i = 0; i < chart.x_lines.size(); ++i) {
    const ReferenceLine& line = chart.x_lines[i];
    if (!x.Drawable(line.value)) continue;
    const double lx = px(line.value);
    out += "<path d=\"M" + Coord(lx) + " " + Coord(box.top) + "V" + Coord(box.bottom) +
           "\" class=\"reference\"/>\n";
    // The label reads from the line's top leftwards, so it stays inside the plot at the right;
    // the labels of neighbouring lines sit one under the other.
    const double ly = box.top + 12 + 13 * static_cast<double>(i % 4);
    out += frame::Text(lx - 4, ly, line.label, "text-anchor=\"end\" class=\"note\"");
  }
  if (empty) out += frame::NoData(box);
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const LineSeries& s = chart.series[i];
    const std::vector<Point>& points = drawn[i];
    if (points.empty()) continue;
    out += "<g class=\"series\">\n";
    if (points.size() > 1) {
      std::string d;
      for (const Point& p : points)
        d += (d.empty() ? "M" : "L") + Coord(px(p.x)) + " " + Coord(py(p.y));
      out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + frame::ColorOf(s.style) +
             "\" stroke-width=\"2\"" + frame::DashOf(s.style) + "/>\n";
    }
    // A dense series (a spectrum from a full histogram) keeps about a dozen markers: enough to
    // tell the series apart without colour, few enough to see the line.
    const size_t every = points.size() > kMaxMarkers ? (points.size() + 11) / 12 : 1;
    for (size_t j = 0; j < points.size(); ++j) {
      if (j % every != 0 && j + 1 != points.size()) continue;
      const Point& p = points[j];
      out += frame::Marker(s.style, px(p.x), py(p.y), true,
                           s.name + ": " + chart.x.title + " " + ShortNumber(p.x) + ", " +
                               chart.y.title + " " + Number(p.y));
    }
    out += "</g>\n";
  }
  out += frame::kCloseSvg;
  return out;
}

}  // namespace kv::compare::html
