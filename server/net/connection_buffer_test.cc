// Unit tests for InputBuffer: append, consume, reuse of consumed space, growth, release.
#include "server/net/connection_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace kv::server {
namespace {

void Append(InputBuffer& b, std::string_view s) {
  char* p = b.Prepare(s.size());
  std::memcpy(p, s.data(), s.size());
  b.Commit(s.size());
}

TEST(InputBufferTest, AppendAndConsume) {
  InputBuffer b;
  EXPECT_TRUE(b.empty());
  Append(b, "hello ");
  Append(b, "world");
  EXPECT_EQ(b.view(), "hello world");
  b.Consume(6);
  EXPECT_EQ(b.view(), "world");
  EXPECT_EQ(b.size(), 5u);
  b.Consume(5);
  EXPECT_TRUE(b.empty());
}

TEST(InputBufferTest, KeepsUnconsumedBytesAcrossGrowthAndCompaction) {
  InputBuffer b;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    std::string chunk = std::to_string(i) + ",";
    Append(b, chunk);
    expected += chunk;
    if (i % 7 == 0) {
      b.Consume(expected.size() / 2);
      expected.erase(0, expected.size() / 2);
    }
    ASSERT_EQ(b.view(), expected);
  }
}

TEST(InputBufferTest, PrepareGivesAtLeastTheRequestedSpace) {
  InputBuffer b;
  Append(b, "abc");
  char* p = b.Prepare(1 << 20);
  std::memset(p, 'x', 1 << 20);  // ASan checks the room is really there
  b.Commit(1 << 20);
  EXPECT_EQ(b.size(), 3u + (1 << 20));
  EXPECT_EQ(b.view().substr(0, 4), "abcx");
}

TEST(InputBufferTest, ReleaseOnlyWhenEmpty) {
  InputBuffer b;
  Append(b, std::string(100000, 'y'));
  size_t capacity = b.capacity();
  EXPECT_GE(capacity, 100000u);
  b.ReleaseIfEmpty();
  EXPECT_EQ(b.capacity(), capacity);
  b.Consume(b.size());
  b.ReleaseIfEmpty();
  EXPECT_EQ(b.capacity(), 0u);
  Append(b, "again");
  EXPECT_EQ(b.view(), "again");
}

}  // namespace
}  // namespace kv::server
