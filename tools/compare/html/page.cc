// The HTML document of the report (see page.h).
#include "tools/compare/html/page.h"

#include "tools/compare/html/markup.h"

namespace kv::compare::html {
namespace {

// Laptop width first; charts scale down with the page; printing drops the navigation and keeps
// each figure on one page.
constexpr std::string_view kCss = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  color:#1a1a1a;background:#fff;margin:0 auto;max-width:1120px;padding:12px 20px 40px}
h1{font-size:1.55em;margin:.3em 0}
h2{font-size:1.3em;margin:1.8em 0 .5em;border-bottom:2px solid #333;padding-bottom:2px}
h3{font-size:1.06em;margin:1.3em 0 .3em}
nav{font-size:.92em;border:1px solid #ccc;padding:4px 12px;margin:10px 0}
nav ol{margin:4px 0;padding-left:20px}
.lead{font-size:1.12em;background:#f3f3f3;border-left:5px solid #333;padding:8px 12px}
.note{font-size:.9em;color:#444}
figure{margin:10px 0 22px;break-inside:avoid;page-break-inside:avoid}
figcaption{font-size:.92em;margin:4px 0 2px;color:#222}
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:4px 18px}
svg.chart{display:block;max-width:100%;height:auto}
svg.chart text{font:11px sans-serif;fill:#222}
svg.chart .title,svg.chart .label{font-weight:bold}
svg.chart .flagged{fill:#8b0000;text-decoration:underline}
svg.chart .note{fill:#555;font-style:italic}
svg.chart .grid{stroke:#e4e4e4;stroke-width:1}
svg.chart .tick,svg.chart .frame{stroke:#555;stroke-width:1}
svg.chart .reference{stroke:#111;stroke-width:1.2;stroke-dasharray:4 3}
svg.chart .whisker{stroke:#111;stroke-width:1.5;fill:none}
svg.chart .threshold{stroke:#8b0000;stroke-width:2.2;stroke-dasharray:3 2}
details{margin:2px 0 6px}
summary{cursor:pointer;font-size:.9em;color:#333}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.88em;margin:4px 0}
th,td{border:1px solid #c8c8c8;padding:2px 7px;text-align:left;vertical-align:top}
th{background:#efefef}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 14px;font-size:.92em;margin:6px 0}
dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
footer{margin-top:30px;font-size:.85em;color:#555;border-top:1px solid #ccc;padding-top:6px}
@media (max-width:720px){body{padding:8px}dl{grid-template-columns:1fr}.multiples{grid-template-columns:1fr}}
@media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}h2{break-after:avoid}
  .lead{border-left-color:#000}}
)css";

std::string Anchor(size_t n) { return "s" + std::to_string(n); }

}  // namespace

std::string TableMarkup(const DataTable& table) {
  std::string out = "<table>\n<thead><tr>";
  for (const std::string& c : table.columns) out += "<th>" + Escape(c) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const std::vector<std::string>& row : table.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += i < table.text_columns ? "<td>" : "<td class=\"num\">";
      out += Escape(row[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

Page::Page(std::string title) : title_(std::move(title)) {}

std::string Page::NextChartId() { return "chart-" + std::to_string(++charts_); }

void Page::BeginSection(std::string_view title) {
  toc_.emplace_back(Anchor(toc_.size() + 1), std::string(title));
  body_ += "<section id=\"" + toc_.back().first + "\">\n<h2>" + Escape(title) + "</h2>\n";
  ++open_sections_;
}

void Page::EndSection() {
  if (open_sections_ == 0) return;
  while (open_multiples_ > 0) EndMultiples();
  body_ += "</section>\n";
  --open_sections_;
}

void Page::Heading(std::string_view text) { body_ += "<h3>" + Escape(text) + "</h3>\n"; }

void Page::Paragraph(std::string_view text, std::string_view css_class) {
  body_ += css_class.empty() ? "<p>" : "<p class=\"" + Escape(css_class) + "\">";
  body_ += Escape(text) + "</p>\n";
}

void Page::Definitions(const std::vector<std::pair<std::string, std::string>>& items) {
  if (items.empty()) return;
  body_ += "<dl>\n";
  for (const auto& [key, value] : items) {
    body_ += "<dt>" + Escape(key) + "</dt><dd>" + Escape(value) + "</dd>\n";
  }
  body_ += "</dl>\n";
}

void Page::Bullets(const std::vector<std::string>& items) {
  if (items.empty()) return;
  body_ += "<ul>\n";
  for (const std::string& item : items) body_ += "<li>" + Escape(item) + "</li>\n";
  body_ += "</ul>\n";
}

void Page::Figure(const std::string& svg, std::string_view caption, const DataTable& numbers) {
  body_ += "<figure>\n" + svg + "<figcaption>" + Escape(caption) + "</figcaption>\n";
  body_ += "<details><summary>Numbers behind the chart (" + std::to_string(numbers.rows.size()) +
           (numbers.rows.size() == 1 ? " row" : " rows") + ")</summary>\n<div class=\"scroll\">\n" +
           TableMarkup(numbers) + "</div></details>\n</figure>\n";
}

void Page::Table(const DataTable& table, std::string_view summary, bool collapsed) {
  if (collapsed) {
    body_ += "<details><summary>" + Escape(summary) + "</summary>\n";
  } else if (!summary.empty()) {
    body_ += "<p class=\"note\">" + Escape(summary) + "</p>\n";
  }
  body_ += "<div class=\"scroll\">\n" + TableMarkup(table) + "</div>\n";
  if (collapsed) body_ += "</details>\n";
}

void Page::BeginMultiples() {
  body_ += "<div class=\"multiples\">\n";
  ++open_multiples_;
}

void Page::EndMultiples() {
  if (open_multiples_ == 0) return;
  body_ += "</div>\n";
  --open_multiples_;
}

std::string Page::Render() const {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
      std::string(kContentSecurityPolicy) +
      "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"kv-compare report\">\n<title>" +
      Escape(title_) + "</title>\n<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n";
  out += "<header><h1>" + Escape(title_) + "</h1></header>\n";
  if (toc_.size() > 1) {
    out += "<nav><ol>\n";
    for (const auto& [anchor, title] : toc_) {
      out += "<li><a href=\"#" + anchor + "\">" + Escape(title) + "</a></li>\n";
    }
    out += "</ol></nav>\n";
  }
  out += body_;
  for (int i = 0; i < open_multiples_; ++i) out += "</div>\n";
  for (int i = 0; i < open_sections_; ++i) out += "</section>\n";
  out +=
      "<footer>Written by kv-compare report: one self-contained file (inline CSS and SVG, no "
      "script); it loads nothing from anywhere.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace kv::compare::html
