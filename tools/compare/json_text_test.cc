#include "tools/compare/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kv::compare {
namespace {

TEST(CompareJsonTextTest, ReplacesBareNonFiniteTokens) {
  EXPECT_EQ(ReplaceNonFiniteTokens(R"({"a": NaN, "b": -Infinity, "c": Infinity, "d": -NaN})"),
            R"({"a": null, "b": null, "c": null, "d": null})");
  EXPECT_EQ(ReplaceNonFiniteTokens("[NaN,+Infinity,1.5,-2]"), "[null,null,1.5,-2]");
}

TEST(CompareJsonTextTest, LeavesStringsAlone) {
  std::string text = R"({"name": "kv/NaN/Infinity", "msg": "say \"NaN\" -Infinity", "x": NaN})";
  EXPECT_EQ(ReplaceNonFiniteTokens(text),
            R"({"name": "kv/NaN/Infinity", "msg": "say \"NaN\" -Infinity", "x": null})");
  // An escaped backslash right before the closing quote ends the string.
  EXPECT_EQ(ReplaceNonFiniteTokens(R"(["a\\", NaN])"), R"(["a\\", null])");
}

TEST(CompareJsonTextTest, LeavesOtherWordsAlone) {
  // Not tokens of their own: stay, so that invalid JSON stays invalid.
  EXPECT_EQ(ReplaceNonFiniteTokens("[NaNa, xNaN, Infinityy, nan, inf]"),
            "[NaNa, xNaN, Infinityy, nan, inf]");
  EXPECT_EQ(ReplaceNonFiniteTokens(""), "");
  EXPECT_EQ(ReplaceNonFiniteTokens("NaN"), "null");
}

TEST(CompareJsonTextTest, ResultParsesStrictly) {
  auto doc =
      nlohmann::json::parse(ReplaceNonFiniteTokens(R"({"v": [NaN, -Infinity, 3], "s": "NaN"})"));
  EXPECT_TRUE(doc["v"][0].is_null());
  EXPECT_TRUE(doc["v"][1].is_null());
  EXPECT_EQ(doc["v"][2].get<int>(), 3);
  EXPECT_EQ(doc["s"].get<std::string>(), "NaN");
}

}  // namespace
}  // namespace kv::compare
