// Markup primitives of kv-compare's HTML report: escaping of text and attribute values, and
// numbers for SVG coordinates and labels that are always finite.
#pragma once

#include <string>
#include <string_view>

namespace kv::compare::html {

// Escapes &, <, >, " and ' so that `text` is safe as element text and as a quoted attribute
// value; drops control characters other than tab and newline.
std::string Escape(std::string_view text);

// An SVG coordinate or length: at most two decimals, no trailing zeros ("12.5", "-3", "0");
// "0" for NaN and infinities, so no chart ever contains them.
std::string Coord(double v);

// A value for a label or a table cell: 4 significant figures at most (FormatNumber, report.h);
// "n/a" for NaN and infinities.
std::string Number(double v);

// A short tick label: 1.5k, 20k, 1.2M, 3G for large values; Number() below 1000.
std::string ShortNumber(double v);

}  // namespace kv::compare::html
