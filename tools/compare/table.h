// A small text table: aligned columns for a terminal (optional ANSI colour) or GitHub markdown.
#pragma once

#include <string>
#include <vector>

namespace kv::compare {

// printf-style formatting of one number for a cell: FormatDouble("%.3f", 1.5) == "1.500".
std::string FormatDouble(const char* fmt, double v);

enum class Color { kNone, kRed, kGreen, kYellow };
enum class Align { kLeft, kRight };

struct Cell {
  std::string text;
  Color color = Color::kNone;
};

struct Column {
  std::string title;
  Align align = Align::kLeft;
};

class Table {
 public:
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // Missing cells are blank; extra cells are dropped.
  void AddRow(std::vector<Cell> cells);
  size_t rows() const { return rows_.size(); }

  // Columns padded to their widest cell (UTF-8 code points), two spaces apart, a dashed rule
  // under the header. Colour codes wrap coloured cells only when `color` is true.
  std::string ToText(bool color) const;
  // A GitHub-flavoured markdown table ('|' in cells escaped; numbers right-aligned).
  std::string ToMarkdown() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

// Display width of UTF-8 text (code points; every character is taken as one column).
size_t DisplayWidth(const std::string& text);

}  // namespace kv::compare
