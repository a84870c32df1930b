// Redis-compatible parsing, formatting and glob matching.
#include "server/engine/text_util.h"

#include <gtest/gtest.h>

namespace kv::server {
namespace {

TEST(TextUtilTest, ParseLongDouble) {
  long double v = 0;
  EXPECT_TRUE(ParseLongDouble("1.5", &v));
  EXPECT_EQ(v, 1.5L);
  EXPECT_TRUE(ParseLongDouble("-1e3", &v));
  EXPECT_EQ(v, -1000.0L);
  EXPECT_TRUE(ParseLongDouble("inf", &v));
  for (const char* bad : {"", " 1", "1 ", "abc", "nan", "1e999999", "1.5x"}) {
    EXPECT_FALSE(ParseLongDouble(bad, &v)) << bad;
  }
}

std::string Human(long double v) {
  char buf[kLongDoubleBufSize];
  return std::string(buf, FormatLongDoubleHuman(v, buf));
}

TEST(TextUtilTest, FormatLongDoubleHumanLikeRedis) {
  EXPECT_EQ(Human(10.6L), "10.6");  // 10.5 + 0.1 in Redis prints 10.6
  EXPECT_EQ(Human(3.0L), "3");
  EXPECT_EQ(Human(-0.0L), "0");
  EXPECT_EQ(Human(0.00005L), "0.00005");
  EXPECT_EQ(Human(-2.5L), "-2.5");
  EXPECT_EQ(Human(1e20L), "100000000000000000000");
}

TEST(TextUtilTest, GlobMatch) {
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_FALSE(GlobMatch("*", ""));  // Redis: an empty string only matches an empty pattern
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-c]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h[c-a]llo", "hbllo"));  // reversed range
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_TRUE(GlobMatch("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaab"));
  EXPECT_FALSE(GlobMatch("*a*a*a*b", std::string(10000, 'a')));
  EXPECT_TRUE(GlobMatch("user:*:name", "user:42:name"));
  EXPECT_FALSE(GlobMatch("user:*:name", "user:42:names"));
  EXPECT_TRUE(GlobMatch("KEY*", "key1", /*nocase=*/true));
  EXPECT_FALSE(GlobMatch("KEY*", "key1"));
  EXPECT_TRUE(GlobMatch("[abc", "b"));  // unterminated class, as Redis
}

}  // namespace
}  // namespace kv::server
