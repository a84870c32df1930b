#include "tools/compare/pattern.h"

#include <gtest/gtest.h>

#include <utility>

namespace kv::compare {
namespace {

TEST(ComparePatternTest, SearchesWithExtendedSyntax) {
  auto p = Pattern::Compile("^kv/(SET|GET)/clients:1/pipeline:1(/|$)");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_TRUE(p->Search("kv/SET/clients:1/pipeline:1"));
  EXPECT_TRUE(p->Search("kv/GET/clients:1/pipeline:1/value_size:64"));
  EXPECT_FALSE(p->Search("kv/SET/clients:1/pipeline:16"));
  EXPECT_FALSE(p->Search("redis/SET/clients:1/pipeline:1"));
  auto pool = Pattern::Compile("^kv/POOL_[A-Z]+/");
  ASSERT_TRUE(pool.ok());
  EXPECT_TRUE(pool->Search("kv/POOL_SET/clients:4/pipeline:1/threads:10"));
  auto anywhere = Pattern::Compile("LATENCY");
  ASSERT_TRUE(anywhere.ok());
  EXPECT_TRUE(anywhere->Search("kv/LATENCY_GET/clients:1"));
}

TEST(ComparePatternTest, RejectsBadExpressionsAndMoves) {
  auto bad = Pattern::Compile("(");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("bad regular expression '('"), std::string::npos);
  auto p = Pattern::Compile("a+b");
  ASSERT_TRUE(p.ok());
  Pattern moved = std::move(*p);
  EXPECT_TRUE(moved.Search("xaab"));
}

}  // namespace
}  // namespace kv::compare
