#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace kv {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Error{"not positive: " + std::to_string(v)};
  return v;
}

TEST(ResultTest, HoldsValue) {
  auto r = ParsePositive(3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 3);
}

TEST(ResultTest, HoldsError) {
  auto r = ParsePositive(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "not positive: -1");
}

TEST(ResultTest, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(StatusTest, DefaultIsOkAndErrorCarriesMessage) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  Status bad = Error{"boom"};
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "boom");
}

}  // namespace
}  // namespace kv
