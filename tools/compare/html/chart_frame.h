// Pieces the chart renderers share (internal to tools/compare/html): the palette, the <svg>
// element, fill patterns, markers, legend rows and axes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/compare/html/scale.h"

namespace kv::compare::html::frame {

// Font metrics the layout assumes (the page's CSS sets 11 px sans-serif inside charts).
inline constexpr double kFontSize = 11;
inline constexpr double kCharWidth = 6.2;  // a generous average, so labels do not collide

// The plot area inside an <svg>, in pixels.
struct Box {
  double left = 0;
  double top = 0;
  double right = 0;
  double bottom = 0;
  double Width() const { return right - left; }
  double Height() const { return bottom - top; }
};

// Opens the <svg> element (viewBox width × height, the accessible title) and closes it.
std::string OpenSvg(std::string_view id, double width, double height, std::string_view title);
inline constexpr std::string_view kCloseSvg = "</svg>\n";

// <defs> with the fill patterns of `styles` (none for a solid fill); "" when none is needed.
std::string FillPatterns(std::string_view id, const std::vector<int>& styles);
// A bar's fill attribute value: its colour, or url(#<id>-fill<N>) for a patterned style.
std::string FillOf(std::string_view id, int style);
std::string ColorOf(int style);
// The stroke-dasharray attribute for a line of `style` (with a leading space), "" for solid.
std::string DashOf(int style);
// The marker of `style` centred on (x, y); `tooltip` becomes its <title> when not empty.
std::string Marker(int style, double x, double y, bool filled, std::string_view tooltip);

struct LegendEntry {
  std::string name;
  int style = 0;
  bool bar = false;  // a filled swatch (bars) instead of a line sample with its marker
};
// Legend entries in rows from (left, top), wrapping at `width`. Returns the markup; `height`
// receives the height used (0 without entries).
std::string Legend(const std::vector<LegendEntry>& entries, std::string_view id, double left,
                   double top, double width, double* height);

// An estimate of the width of `text` in pixels at the charts' font size.
double TextWidth(std::string_view text);
// <text x y attrs>escaped text</text>
std::string Text(double x, double y, std::string_view text, std::string_view attrs = "");

// Axes along the bottom (x) and the left (y) of `box`: light grid lines across the box, ticks,
// tick labels and the axis title.
std::string XAxis(const Scale& scale, const Box& box, std::string_view title);
std::string YAxis(const Scale& scale, const Box& box, std::string_view title);
// "no data" in the middle of `box`.
std::string NoData(const Box& box);

}  // namespace kv::compare::html::frame
