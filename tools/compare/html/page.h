// The report's HTML document: inline CSS and inline SVG, no script, and a Content-Security-Policy
// that forbids loading anything, so the file opens offline (a CI artifact, a mail attachment) and
// a browser refuses any outside reference. Text given to the page is escaped here.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kv::compare::html {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

// Numbers behind a chart, or any table: column titles and rows of cell texts.
struct DataTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  size_t text_columns = 1;  // the first N columns are text (left-aligned), the rest numbers
};

class Page {
 public:
  explicit Page(std::string title);

  // An id for the next chart, unique in the page ("chart-1", "chart-2", ...).
  std::string NextChartId();

  // A section: an <h2> listed in the table of contents at the top of the page.
  void BeginSection(std::string_view title);
  void EndSection();
  void Heading(std::string_view text);  // <h3>
  // css_class: "" (plain), "lead" (the first thing to read: framed, larger), "note" (small).
  void Paragraph(std::string_view text, std::string_view css_class = "");
  void Definitions(const std::vector<std::pair<std::string, std::string>>& items);
  void Bullets(const std::vector<std::string>& items);
  // A chart (RenderLineChart & co.), one sentence under it saying how to read it, and the
  // numbers behind it in a collapsible table.
  void Figure(const std::string& svg, std::string_view caption, const DataTable& numbers);
  // A table on its own: collapsible under `summary` when `collapsed`.
  void Table(const DataTable& table, std::string_view summary, bool collapsed);
  // Small multiples: the figures between BeginMultiples and EndMultiples sit side by side as
  // the width allows (one per row on a narrow screen).
  void BeginMultiples();
  void EndMultiples();

  // The whole document. Sections or multiples left open are closed.
  std::string Render() const;

 private:
  std::string title_;
  std::vector<std::pair<std::string, std::string>> toc_;  // (anchor, title)
  std::string body_;
  int charts_ = 0;
  int open_sections_ = 0;
  int open_multiples_ = 0;
};

// The <table> markup of `table` (cells escaped).
std::string TableMarkup(const DataTable& table);

}  // namespace kv::compare::html
