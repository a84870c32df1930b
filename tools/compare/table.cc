// Text and markdown rendering of a Table.
#include "tools/compare/table.h"

#include <algorithm>
#include <cstdio>

namespace kv::compare {

std::string FormatDouble(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}
namespace {

const char* AnsiCode(Color color) {
  switch (color) {
    case Color::kRed:
      return "\033[31m";
    case Color::kGreen:
      return "\033[32m";
    case Color::kYellow:
      return "\033[33m";
    case Color::kNone:
      break;
  }
  return "";
}

std::string Pad(const std::string& text, size_t width, Align align) {
  size_t w = DisplayWidth(text);
  std::string fill(width > w ? width - w : 0, ' ');
  return align == Align::kLeft ? text + fill : fill + text;
}

std::string EscapeMarkdown(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

size_t DisplayWidth(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  }));
}

void Table::AddRow(std::vector<Cell> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::ToText(bool color) const {
  std::vector<size_t> widths;
  for (const Column& c : columns_) widths.push_back(DisplayWidth(c.title));
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], DisplayWidth(row[i].text));
  }
  auto line = [&](auto cell_at) {
    std::string out;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out += "  ";
      out += cell_at(i);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out =
      line([&](size_t i) { return Pad(columns_[i].title, widths[i], columns_[i].align); });
  out += line([&](size_t i) { return std::string(widths[i], '-'); });
  for (const auto& row : rows_) {
    out += line([&](size_t i) {
      std::string padded = Pad(row[i].text, widths[i], columns_[i].align);
      if (!color || row[i].color == Color::kNone) return padded;
      return AnsiCode(row[i].color) + padded + "\033[0m";
    });
  }
  return out;
}

std::string Table::ToMarkdown() const {
  // Appends piece by piece: GCC 12's -Wrestrict misfires on `"literal" + std::string&&`.
  std::string out = "|";
  for (const Column& c : columns_) {
    out += ' ';
    out += EscapeMarkdown(c.title);
    out += " |";
  }
  out += "\n|";
  for (const Column& c : columns_) out += c.align == Align::kRight ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : rows_) {
    out += "|";
    for (const Cell& cell : row) {
      out += ' ';
      out += EscapeMarkdown(cell.text);
      out += " |";
    }
    out += "\n";
  }
  return out;
}

}  // namespace kv::compare
