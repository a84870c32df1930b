// Case folding and escaping.
#include "base/ascii.h"

#include <gtest/gtest.h>

namespace kv {
namespace {

TEST(AsciiTest, CaseFolding) {
  EXPECT_TRUE(EqualsIgnoreCase("GeT", "get"));
  EXPECT_FALSE(EqualsIgnoreCase("get", "gets"));
  EXPECT_EQ(ToLower("MiXeD-1"), "mixed-1");
}

TEST(AsciiTest, EscapeBytes) {
  EXPECT_EQ(EscapeBytes("a\r\n\\\x01\xff", 100), "a\\r\\n\\\\\\x01\\xff");
  EXPECT_EQ(EscapeBytes("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace kv
