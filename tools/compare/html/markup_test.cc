// Tests of the report's markup primitives: escaping and finite number formatting.
#include "tools/compare/html/markup.h"

#include <gtest/gtest.h>

#include <limits>

namespace kv::compare::html {
namespace {

TEST(HtmlMarkupTest, EscapesTheFiveSpecialCharactersAndDropsControls) {
  EXPECT_EQ(Escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(Escape(std::string("a\x01"
                               "b\tc\nd\x7f",
                               9)),
            "ab\tc\nd");
  EXPECT_EQ(Escape("kv ÷ redis µs"), "kv ÷ redis µs");  // UTF-8 passes through
}

TEST(HtmlMarkupTest, CoordinatesAreShortAndAlwaysFinite) {
  EXPECT_EQ(Coord(1.234), "1.23");
  EXPECT_EQ(Coord(2.0), "2");
  EXPECT_EQ(Coord(12.50), "12.5");
  EXPECT_EQ(Coord(-0.001), "0");
  EXPECT_EQ(Coord(std::numeric_limits<double>::quiet_NaN()), "0");
  EXPECT_EQ(Coord(std::numeric_limits<double>::infinity()), "0");
  EXPECT_EQ(Coord(-std::numeric_limits<double>::infinity()), "0");
}

TEST(HtmlMarkupTest, NumbersAndShortNumbers) {
  EXPECT_EQ(Number(std::numeric_limits<double>::quiet_NaN()), "n/a");
  EXPECT_EQ(Number(123456.7), "123457");
  EXPECT_EQ(Number(1.23456), "1.235");
  EXPECT_EQ(ShortNumber(1500), "1.5k");
  EXPECT_EQ(ShortNumber(20000), "20k");
  EXPECT_EQ(ShortNumber(1.25e6), "1.2M");
  EXPECT_EQ(ShortNumber(3e9), "3G");
  EXPECT_EQ(ShortNumber(0), "0");
  EXPECT_EQ(ShortNumber(0.5), "0.5");
  EXPECT_EQ(ShortNumber(0.0123), "0.0123");
  EXPECT_EQ(ShortNumber(99.99), "99.99");
  EXPECT_EQ(ShortNumber(-2000), "-2k");
  EXPECT_EQ(ShortNumber(std::numeric_limits<double>::infinity()), "n/a");
}

}  // namespace
}  // namespace kv::compare::html
