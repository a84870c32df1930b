// Tests of the report's page: the Content-Security-Policy, no script and no outside reference,
// escaping, figures with captions and collapsible numbers, the table of contents.
#include "tools/compare/html/page.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tools/compare/test_util.h"

namespace kv::compare::html {
namespace {

using testing::Occurrences;

TEST(HtmlPageTest, HeadForbidsEveryOutsideLoad) {
  Page page("t");
  const std::string html = page.Render();
  EXPECT_TRUE(
      html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                       "'none'; style-src 'unsafe-inline'; img-src data:\">\n"))
      << html.substr(0, 300);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_TRUE(html.ends_with("</body>\n</html>\n"));
}

TEST(HtmlPageTest, FigureHasCaptionAndCollapsibleNumbers) {
  Page page("report");
  page.BeginSection("One");
  page.Figure(
      "<svg class=\"chart\"></svg>\n", "How to read it.",
      {.columns = {"case", "ops/s"}, .rows = {{"SET", "100"}, {"GET", "200"}}, .text_columns = 1});
  const std::string html = page.Render();
  EXPECT_NE(html.find("<figure>\n<svg class=\"chart\"></svg>\n<figcaption>How to read it."
                      "</figcaption>\n<details><summary>Numbers behind the chart (2 rows)"
                      "</summary>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><td>SET</td><td class=\"num\">100</td></tr>"), std::string::npos);
  EXPECT_EQ(Occurrences(html, "<table>"), 1u);
  EXPECT_TRUE(html.find("</section>") != std::string::npos);  // closed by Render
}

TEST(HtmlPageTest, EverythingGivenIsEscaped) {
  Page page("<title>");
  page.BeginSection("a & b");
  page.Paragraph("<script>alert(1)</script>", "lead\"x");
  page.Definitions({{"<k>", "<v>"}});
  page.Bullets({"<li>"});
  page.Table({.columns = {"<th>"}, .rows = {{"<td>"}}, .text_columns = 1}, "<sum>", true);
  const std::string html = page.Render();
  EXPECT_EQ(html.find("<script"), std::string::npos);
  for (const char* escaped :
       {"&lt;title&gt;", "a &amp; b", "&lt;script&gt;", "lead&quot;x", "&lt;k&gt;", "&lt;v&gt;",
        "&lt;li&gt;", "&lt;th&gt;", "&lt;td&gt;", "&lt;sum&gt;"}) {
    EXPECT_NE(html.find(escaped), std::string::npos) << escaped;
  }
}

TEST(HtmlPageTest, TableOfContentsListsSectionsAndLinksStayInThePage) {
  Page page("r");
  page.BeginSection("First");
  page.EndSection();
  page.BeginSection("Second");
  page.BeginMultiples();
  page.EndSection();  // closes the open multiples too
  const std::string html = page.Render();
  EXPECT_NE(html.find("<li><a href=\"#s1\">First</a></li>\n<li><a href=\"#s2\">Second</a></li>"),
            std::string::npos)
      << html;
  EXPECT_EQ(Occurrences(html, "<div class=\"multiples\">"), Occurrences(html, "</div>"));
  // Every reference the page makes points into the page itself.
  const std::regex reference(R"re((href|src)="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), reference);
       it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE((*it)[1] == "href" && (*it)[2].str().starts_with("#")) << (*it)[0];
  }
}

TEST(HtmlPageTest, ChartIdsAreUnique) {
  Page page("r");
  EXPECT_EQ(page.NextChartId(), "chart-1");
  EXPECT_EQ(page.NextChartId(), "chart-2");
}

}  // namespace
}  // namespace kv::compare::html
