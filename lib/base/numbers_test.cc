// Redis string2ll rules and the from_chars rule: what is accepted and what is not.
#include "base/numbers.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace kv {
namespace {

TEST(NumbersTest, ParseInt64IsStrict) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "01", "-0", "1.5", "9223372036854775808",
                          "-9223372036854775809", "abc", "123456789012345678901"}) {
    EXPECT_FALSE(ParseInt64(bad, &v)) << bad;
  }
}

TEST(NumbersTest, ParseNumberTakesTheWholeText) {
  EXPECT_EQ(ParseNumber<int64_t>("42"), 42);
  EXPECT_EQ(ParseNumber<int64_t>("-7"), -7);
  EXPECT_EQ(ParseNumber<int64_t>("007"), 7);  // unlike ParseInt64
  EXPECT_EQ(ParseNumber<int>("2147483647"), 2147483647);
  for (const char* bad : {"", "+1", " 1", "1 ", "1x", "0x10", "-"}) {
    EXPECT_EQ(ParseNumber<int64_t>(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseNumber<int>("2147483648"), std::nullopt);  // out of range
  EXPECT_EQ(ParseNumber<uint32_t>("-1"), std::nullopt);
  EXPECT_EQ(ParseNumber<double>("2.5e3"), 2500.0);
  EXPECT_EQ(ParseNumber<double>("1.5x"), std::nullopt);
}

}  // namespace
}  // namespace kv
