// The shared pieces of the SVG charts (see chart_frame.h).
#include "tools/compare/html/chart_frame.h"

#include <algorithm>
#include <set>

#include "tools/compare/html/chart.h"
#include "tools/compare/html/markup.h"

namespace kv::compare::html::frame {
namespace {

enum class Shape { kCircle, kSquare, kTriangle, kDiamond };
enum class Fill { kSolid, kDiagonal, kDots, kCross, kHorizontal, kVertical };

struct Style {
  const char* color;
  const char* dash;  // stroke-dasharray; "" for solid
  Shape shape;
  Fill fill;
};

// Okabe and Ito's colour-blind-safe colours; dash, marker and fill tell the styles apart without
// any colour at all.
constexpr Style kStyles[kStyleCount] = {
    {"#0072b2", "", Shape::kCircle, Fill::kSolid},
    {"#d55e00", "7 3", Shape::kSquare, Fill::kDiagonal},
    {"#009e73", "2 2", Shape::kTriangle, Fill::kDots},
    {"#cc79a7", "9 3 2 3", Shape::kDiamond, Fill::kCross},
    {"#e69f00", "4 4", Shape::kSquare, Fill::kHorizontal},
    {"#56b4e9", "1 3", Shape::kTriangle, Fill::kVertical},
};

const Style& StyleAt(int style) {
  const int n = kStyleCount;
  return kStyles[((style % n) + n) % n];
}

int StyleSlot(int style) {
  const int n = kStyleCount;
  return ((style % n) + n) % n;
}

std::string PatternBody(const Style& s) {
  const std::string c = s.color;
  switch (s.fill) {
    case Fill::kSolid:
      return "";
    case Fill::kDiagonal:
      return "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><rect width=\"3\" height=\"6\" "
             "fill=\"" +
             c + "\"/>";
    case Fill::kDots:
      return "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><circle cx=\"3\" cy=\"3\" r=\"1.8\" "
             "fill=\"" +
             c + "\"/>";
    case Fill::kCross:
      return "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><path d=\"M0 3H6M3 0V6\" stroke=\"" +
             c + "\" stroke-width=\"1.6\"/>";
    case Fill::kHorizontal:
      return "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><rect width=\"6\" height=\"3\" "
             "fill=\"" +
             c + "\"/>";
    case Fill::kVertical:
      return "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><rect width=\"3\" height=\"6\" "
             "fill=\"" +
             c + "\"/>";
  }
  return "";
}

}  // namespace

std::string OpenSvg(std::string_view id, double width, double height, std::string_view title) {
  const std::string w = Coord(width);
  const std::string h = Coord(height);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + Escape(id) +
         "\" viewBox=\"0 0 " + w + " " + h + "\" width=\"" + w + "\" height=\"" + h +
         "\" role=\"img\" aria-labelledby=\"" + Escape(id) + "-title\">\n<title id=\"" +
         Escape(id) + "-title\">" + Escape(title) + "</title>\n";
}

std::string FillPatterns(std::string_view id, const std::vector<int>& styles) {
  std::set<int> slots;
  for (int s : styles) {
    if (StyleAt(s).fill != Fill::kSolid) slots.insert(StyleSlot(s));
  }
  if (slots.empty()) return "";
  std::string out = "<defs>";
  for (int slot : slots) {
    const Style& s = kStyles[slot];
    const char* rotate = s.fill == Fill::kDiagonal ? " patternTransform=\"rotate(45)\"" : "";
    out += "<pattern id=\"" + Escape(id) + "-fill" + std::to_string(slot) +
           "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"" + rotate + ">" +
           PatternBody(s) + "</pattern>";
  }
  return out + "</defs>\n";
}

std::string FillOf(std::string_view id, int style) {
  const Style& s = StyleAt(style);
  if (s.fill == Fill::kSolid) return s.color;
  return "url(#" + Escape(id) + "-fill" + std::to_string(StyleSlot(style)) + ")";
}

std::string ColorOf(int style) { return StyleAt(style).color; }

std::string DashOf(int style) {
  const Style& s = StyleAt(style);
  if (s.dash[0] == '\0') return "";
  return std::string(" stroke-dasharray=\"") + s.dash + "\"";
}

std::string Marker(int style, double x, double y, bool filled, std::string_view tooltip) {
  const Style& s = StyleAt(style);
  const std::string paint = std::string(" fill=\"") + (filled ? s.color : "#fff") + "\" stroke=\"" +
                            s.color + "\" stroke-width=\"1.5\"";
  const std::string title = tooltip.empty() ? "" : "<title>" + Escape(tooltip) + "</title>";
  const std::string close = title.empty() ? "/>" : ">" + title;
  switch (s.shape) {
    case Shape::kCircle:
      return "<circle cx=\"" + Coord(x) + "\" cy=\"" + Coord(y) + "\" r=\"3.5\"" + paint + close +
             (title.empty() ? "" : "</circle>") + "\n";
    case Shape::kSquare:
      return "<rect x=\"" + Coord(x - 3.2) + "\" y=\"" + Coord(y - 3.2) +
             "\" width=\"6.4\" height=\"6.4\"" + paint + close + (title.empty() ? "" : "</rect>") +
             "\n";
    case Shape::kTriangle:
      return "<path d=\"M" + Coord(x) + " " + Coord(y - 4.2) + "L" + Coord(x + 4) + " " +
             Coord(y + 3) + "L" + Coord(x - 4) + " " + Coord(y + 3) + "Z\"" + paint + close +
             (title.empty() ? "" : "</path>") + "\n";
    case Shape::kDiamond:
      return "<path d=\"M" + Coord(x) + " " + Coord(y - 4.5) + "L" + Coord(x + 4.5) + " " +
             Coord(y) + "L" + Coord(x) + " " + Coord(y + 4.5) + "L" + Coord(x - 4.5) + " " +
             Coord(y) + "Z\"" + paint + close + (title.empty() ? "" : "</path>") + "\n";
  }
  return "";
}

double TextWidth(std::string_view text) {
  size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return static_cast<double>(chars) * kCharWidth;
}

std::string Text(double x, double y, std::string_view text, std::string_view attrs) {
  return "<text x=\"" + Coord(x) + "\" y=\"" + Coord(y) + "\"" +
         (attrs.empty() ? "" : " " + std::string(attrs)) + ">" + Escape(text) + "</text>\n";
}

std::string Legend(const std::vector<LegendEntry>& entries, std::string_view id, double left,
                   double top, double width, double* height) {
  constexpr double kRow = 16;
  constexpr double kSwatch = 26;
  std::string out;
  double x = left;
  double y = top;
  for (const LegendEntry& e : entries) {
    const double w = kSwatch + 6 + TextWidth(e.name) + 14;
    if (x > left && x + w > left + width) {
      x = left;
      y += kRow;
    }
    const double mid = y + kRow / 2;
    if (e.bar) {
      out += "<rect x=\"" + Coord(x) + "\" y=\"" + Coord(mid - 5) + "\" width=\"" + Coord(kSwatch) +
             "\" height=\"10\" fill=\"" + FillOf(id, e.style) + "\" stroke=\"" + ColorOf(e.style) +
             "\"/>\n";
    } else {
      out += "<path d=\"M" + Coord(x) + " " + Coord(mid) + "H" + Coord(x + kSwatch) +
             "\" fill=\"none\" stroke=\"" + ColorOf(e.style) + "\" stroke-width=\"2\"" +
             DashOf(e.style) + "/>\n";
      out += Marker(e.style, x + kSwatch / 2, mid, true, "");
    }
    out += Text(x + kSwatch + 6, mid + 4, e.name);
    x += w;
  }
  *height = entries.empty() ? 0 : y - top + kRow;
  return out;
}

std::string XAxis(const Scale& scale, const Box& box, std::string_view title) {
  std::string out = "<g class=\"axis\">\n";
  double last_right = -1e9;  // right end of the last label drawn: skip labels that would overlap
  for (const Tick& t : scale.Ticks()) {
    const double x = box.left + scale.Position(t.value) * box.Width();
    out += "<path d=\"M" + Coord(x) + " " + Coord(box.top) + "V" + Coord(box.bottom) +
           "\" class=\"grid\"/>\n";
    out += "<path d=\"M" + Coord(x) + " " + Coord(box.bottom) + "v4\" class=\"tick\"/>\n";
    const double half = TextWidth(t.label) / 2;
    if (x - half < last_right + 4) continue;
    out += Text(x, box.bottom + 16, t.label, "text-anchor=\"middle\"");
    last_right = x + half;
  }
  out += "<path d=\"M" + Coord(box.left) + " " + Coord(box.bottom) + "H" + Coord(box.right) +
         "\" class=\"frame\"/>\n";
  out += Text((box.left + box.right) / 2, box.bottom + 34, title,
              "text-anchor=\"middle\" class=\"title\"");
  return out + "</g>\n";
}

std::string YAxis(const Scale& scale, const Box& box, std::string_view title) {
  std::string out = "<g class=\"axis\">\n";
  double last_top = 1e9;
  for (const Tick& t : scale.Ticks()) {
    const double y = box.bottom - scale.Position(t.value) * box.Height();
    out += "<path d=\"M" + Coord(box.left) + " " + Coord(y) + "H" + Coord(box.right) +
           "\" class=\"grid\"/>\n";
    out += "<path d=\"M" + Coord(box.left - 4) + " " + Coord(y) + "h4\" class=\"tick\"/>\n";
    if (y + kFontSize / 2 > last_top - 2) continue;
    out += Text(box.left - 7, y + 4, t.label, "text-anchor=\"end\"");
    last_top = y - kFontSize / 2;
  }
  out += "<path d=\"M" + Coord(box.left) + " " + Coord(box.top) + "V" + Coord(box.bottom) +
         "\" class=\"frame\"/>\n";
  const double cx = 12;
  const double cy = (box.top + box.bottom) / 2;
  out += "<text x=\"" + Coord(cx) + "\" y=\"" + Coord(cy) + "\" transform=\"rotate(-90 " +
         Coord(cx) + " " + Coord(cy) + ")\" text-anchor=\"middle\" class=\"title\">" +
         Escape(title) + "</text>\n";
  return out + "</g>\n";
}

std::string NoData(const Box& box) {
  return Text((box.left + box.right) / 2, (box.top + box.bottom) / 2, "no data",
              "text-anchor=\"middle\" class=\"nodata\"");
}

}  // namespace kv::compare::html::frame
