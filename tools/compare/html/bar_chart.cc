// Horizontal bar charts with interval whiskers, and interval rows (estimate, interval and
// threshold per row): both are rows of marks along one value axis at the bottom.
#include <algorithm>
#include <cmath>
#include <vector>

#include "tools/compare/html/chart.h"
#include "tools/compare/html/chart_frame.h"
#include "tools/compare/html/markup.h"

namespace kv::compare::html {
namespace {

constexpr double kLeft = 12;
constexpr double kGroupLabel = 18;  // the label line above a group's bars
constexpr double kBar = 13;
constexpr double kBarGap = 3;
constexpr double kGroupGap = 8;
constexpr double kAxisBelow = 44;  // tick labels and the axis title

// An interval drawn as a line with end caps, centred on y.
std::string Whisker(double x1, double x2, double y, double cap) {
  return "<path d=\"M" + Coord(x1) + " " + Coord(y) + "H" + Coord(x2) + "M" + Coord(x1) + " " +
         Coord(y - cap / 2) + "v" + Coord(cap) + "M" + Coord(x2) + " " + Coord(y - cap / 2) + "v" +
         Coord(cap) + "\" class=\"whisker\"/>\n";
}

// The vertical reference line across the rows.
std::string VerticalReference(double x, double top, double bottom) {
  return "<path d=\"M" + Coord(x) + " " + Coord(top) + "V" + Coord(bottom) +
         "\" class=\"reference\"/>\n";
}

bool Drawable(const Scale& scale, const std::optional<double>& v) {
  return v && scale.Drawable(*v);
}

}  // namespace

std::string RenderBarChart(const BarChart& chart, std::string_view id) {
  const Scale kind = Scale::Fit(chart.value.kind, {});
  std::vector<double> values;
  for (const BarGroup& g : chart.groups) {
    for (const std::optional<Bar>& b : g.bars) {
      if (!b || !kind.Drawable(b->value)) continue;
      values.push_back(b->value);
      if (Drawable(kind, b->low) && Drawable(kind, b->high)) {
        values.push_back(*b->low);
        values.push_back(*b->high);
      }
    }
  }
  const bool empty = values.empty();
  if (chart.reference) values.push_back(*chart.reference);
  const Scale x =
      Scale::Fit(chart.value.kind, values, chart.value.include_zero, chart.value.ticks_at);

  const double width = chart.width;
  std::vector<frame::LegendEntry> legend;
  std::vector<int> styles;
  for (size_t i = 0; i < chart.legend.size(); ++i) {
    legend.push_back({chart.legend[i], static_cast<int>(i), true});
    styles.push_back(static_cast<int>(i));
  }
  double legend_height = 0;
  const std::string legend_markup =
      frame::Legend(legend, id, kLeft, 6, width - 2 * kLeft, &legend_height);
  frame::Box box{.left = kLeft, .top = 6 + legend_height + 8, .right = width - 170, .bottom = 0};
  auto px = [&](double v) { return box.left + x.Position(v) * box.Width(); };
  const double base =
      px(x.kind() == ScaleKind::kLinear ? std::clamp(0.0, x.low(), x.high()) : x.low());

  std::string rows;
  double y = box.top + 4;
  for (const BarGroup& g : chart.groups) {
    rows += frame::Text(kLeft, y + 12, g.label, "class=\"label\"");
    y += kGroupLabel;
    for (size_t i = 0; i < g.bars.size(); ++i) {
      const std::optional<Bar>& b = g.bars[i];
      const int style = static_cast<int>(i);
      const double mid = y + kBar / 2;
      if (!b || !x.Drawable(b->value)) {
        rows += frame::Text(base + 4, mid + 4, "no data", "class=\"note\"");
      } else {
        const double end = px(b->value);
        const std::string name = i < chart.legend.size() ? chart.legend[i] + ": " : "";
        const std::string label = b->label.empty() ? Number(b->value) : b->label;
        rows += "<rect x=\"" + Coord(std::min(base, end)) + "\" y=\"" + Coord(y) + "\" width=\"" +
                Coord(std::max(std::fabs(end - base), 1.0)) + "\" height=\"" + Coord(kBar) +
                "\" fill=\"" + frame::FillOf(id, style) + "\" stroke=\"" + frame::ColorOf(style) +
                "\"><title>" + Escape(g.label + " — " + name + label) + "</title></rect>\n";
        double right = std::max(base, end);
        if (Drawable(x, b->low) && Drawable(x, b->high)) {
          rows += Whisker(px(*b->low), px(*b->high), mid, 9);
          right = std::max(right, px(*b->high));
        }
        rows += frame::Text(right + 5, mid + 4, label, "class=\"value\"");
      }
      y += kBar + kBarGap;
    }
    y += kGroupGap;
  }
  box.bottom = std::max(y, box.top + 30);

  std::string out = frame::OpenSvg(id, width, box.bottom + kAxisBelow, chart.title);
  out += frame::FillPatterns(id, styles);
  out += legend_markup;
  out += frame::XAxis(x, box, chart.value.title);
  if (chart.reference && x.Drawable(*chart.reference)) {
    out += VerticalReference(px(*chart.reference), box.top, box.bottom);
  }
  if (empty && chart.groups.empty()) out += frame::NoData(box);
  out += rows;
  out += frame::kCloseSvg;
  return out;
}

std::string RenderIntervalChart(const IntervalChart& chart, std::string_view id) {
  const Scale kind = Scale::Fit(chart.value.kind, {});
  std::vector<double> values;
  for (const IntervalRow& r : chart.rows) {
    for (const std::optional<double>& v : {r.estimate, r.low, r.high, r.threshold}) {
      if (Drawable(kind, v)) values.push_back(*v);
    }
  }
  const bool empty = values.empty();
  values.push_back(chart.reference);
  const Scale x =
      Scale::Fit(chart.value.kind, values, chart.value.include_zero, chart.value.ticks_at);

  const double width = chart.width;
  frame::Box box{.left = kLeft, .top = 30, .right = width - 24, .bottom = 0};
  auto px = [&](double v) { return box.left + x.Position(v) * box.Width(); };

  // Legend: the two markers, the interval and the threshold tick.
  std::string legend;
  double lx = kLeft;
  const double ly = 14;
  legend += frame::Marker(1, lx + 5, ly, true, "");
  legend += frame::Text(lx + 14, ly + 4, "failing row (estimate)");
  lx += 14 + frame::TextWidth("failing row (estimate)") + 16;
  legend += frame::Marker(0, lx + 5, ly, false, "");
  legend += frame::Text(lx + 14, ly + 4, "other row (estimate)");
  lx += 14 + frame::TextWidth("other row (estimate)") + 16;
  legend += Whisker(lx, lx + 24, ly, 9);
  legend += frame::Text(lx + 30, ly + 4, "interval");
  lx += 30 + frame::TextWidth("interval") + 16;
  legend += "<path d=\"M" + Coord(lx + 4) + " " + Coord(ly - 7) + "v14\" class=\"threshold\"/>\n";
  legend += frame::Text(lx + 12, ly + 4, "threshold");

  std::string rows;
  double y = box.top + 4;
  for (const IntervalRow& r : chart.rows) {
    rows += frame::Text(kLeft, y + 12, r.label,
                        r.flagged ? "class=\"label flagged\"" : "class=\"label\"");
    y += kGroupLabel;
    const double mid = y + 8;
    if (Drawable(x, r.threshold)) {
      const double tx = px(*r.threshold);
      rows += "<path d=\"M" + Coord(tx) + " " + Coord(mid - 8) + "v16\" class=\"threshold\"/>\n";
    }
    if (Drawable(x, r.low) && Drawable(x, r.high)) {
      rows += Whisker(px(*r.low), px(*r.high), mid, 10);
    }
    if (Drawable(x, r.estimate)) {
      std::string tip = r.label + ": " + Number(*r.estimate);
      if (r.low && r.high) tip += " [" + Number(*r.low) + ", " + Number(*r.high) + "]";
      if (r.threshold) tip += "; threshold " + Number(*r.threshold);
      rows += frame::Marker(r.flagged ? 1 : 0, px(*r.estimate), mid, r.flagged, tip);
    } else {
      rows += frame::Text(box.left + 4, mid + 4, "no estimate", "class=\"note\"");
    }
    y += 16 + kGroupGap;
  }
  box.bottom = std::max(y, box.top + 30);

  std::string out = frame::OpenSvg(id, width, box.bottom + kAxisBelow, chart.title);
  out += legend;
  out += frame::XAxis(x, box, chart.value.title);
  if (x.Drawable(chart.reference))
    out += VerticalReference(px(chart.reference), box.top, box.bottom);
  if (empty && chart.rows.empty()) out += frame::NoData(box);
  out += rows;
  out += frame::kCloseSvg;
  return out;
}

}  // namespace kv::compare::html
