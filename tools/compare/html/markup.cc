// Escaping and finite number formatting for the HTML report (see markup.h).
#include "tools/compare/html/markup.h"

#include <cmath>

#include "tools/compare/report.h"
#include "tools/compare/table.h"

namespace kv::compare::html {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;
        if (c == 0x7f) break;
        out += c;
    }
  }
  return out;
}

std::string Coord(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = FormatDouble("%.2f", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string Number(double v) {
  if (!std::isfinite(v)) return "n/a";
  return FormatNumber(v);
}

std::string ShortNumber(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double a = std::fabs(v);
  struct Unit {
    double size;
    const char* suffix;
  };
  for (Unit u : {Unit{1e9, "G"}, Unit{1e6, "M"}, Unit{1e3, "k"}}) {
    if (a < u.size) continue;
    std::string s = FormatDouble("%.1f", v / u.size);
    if (s.ends_with(".0")) s.resize(s.size() - 2);
    return s + u.suffix;
  }
  if (a >= 1 || a == 0) {
    std::string s = FormatDouble("%.2f", v);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  }
  return FormatDouble("%.3g", v);
}

}  // namespace kv::compare::html
