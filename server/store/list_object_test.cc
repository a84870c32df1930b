// List values: both encodings behave alike; conversion to the large encoding at Redis's limits;
// memory figures follow the contents; copies are deep; release in slices.
#include "server/store/list_object.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kv::server {
namespace {

std::vector<std::string> Items(const ListObject& l) {
  std::vector<std::string> out;
  if (l.Length() > 0)
    l.ForRange(0, l.Length() - 1, [&](std::string_view v) { out.emplace_back(v); });
  return out;
}

// The same operations on a small list and on one forced into the large encoding.
class ListObjectTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      list.Push(std::string(kPackedMaxValue + 1, 'L'), true);  // converts
      list.Pop(true);
    }
    ASSERT_EQ(list.packed(), !GetParam());
  }
  ListObject list;
};

TEST_P(ListObjectTest, PushPopGetSetInsert) {
  list.Push("b", false);
  list.Push("a", true);
  list.Push("c", false);
  EXPECT_EQ(Items(list), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(list.Get(1), "b");
  list.Set(1, "B");
  list.Insert(0, "start");
  list.Insert(4, "end");
  list.Insert(2, "mid");
  EXPECT_EQ(Items(list), (std::vector<std::string>{"start", "a", "mid", "B", "c", "end"}));
  EXPECT_EQ(list.Pop(false), "end");
  EXPECT_EQ(list.Pop(true), "start");
  EXPECT_EQ(list.Length(), 4u);
}

TEST_P(ListObjectTest, TrimRemoveAndReverseWalk) {
  for (const char* v : {"x", "a", "x", "b", "x", "c", "x"}) list.Push(v, false);
  EXPECT_EQ(list.RemoveMatching("x", 2, true), 2u);  // the last two
  EXPECT_EQ(Items(list), (std::vector<std::string>{"x", "a", "x", "b", "c"}));
  EXPECT_EQ(list.RemoveMatching("x", 0, false), 2u);
  EXPECT_EQ(list.RemoveMatching("none", 0, false), 0u);
  EXPECT_EQ(Items(list), (std::vector<std::string>{"a", "b", "c"}));
  std::vector<size_t> order;
  list.ForEach(true, [&](size_t i, std::string_view) {
    order.push_back(i);
    return i != 1;
  });
  EXPECT_EQ(order, (std::vector<size_t>{2, 1}));
  list.Trim(1, 1);
  EXPECT_EQ(Items(list), (std::vector<std::string>{"b"}));
  list.Trim(0, 0);
  EXPECT_EQ(list.Length(), 0u);
}

TEST_P(ListObjectTest, CloneIsDeepAndReleaseEmpties) {
  for (int i = 0; i < 300; ++i) list.Push("value-" + std::to_string(i), false);
  auto copy = list.Clone();
  list.Set(0, "changed");
  EXPECT_EQ(static_cast<ListObject*>(copy.get())->Get(0), "value-0");
  EXPECT_EQ(copy->MemoryUsage(), static_cast<ListObject*>(copy.get())->MemoryUsage());
  int slices = 0;
  while (!copy->ReleaseSome(100)) ++slices;
  EXPECT_EQ(slices, 2);  // 300 elements, 100 a slice
  EXPECT_EQ(copy->Length(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Encodings, ListObjectTest, ::testing::Bool());

TEST(ListObjectConversionTest, ConvertsAtRedisLimits) {
  ListObject l;
  for (size_t i = 0; i < kPackedMaxEntries; ++i) l.Push("e", false);
  EXPECT_EQ(l.Encoding(), "listpack");
  const size_t small = l.MemoryUsage();
  l.Push("e", false);
  EXPECT_EQ(l.Encoding(), "quicklist");
  EXPECT_GT(l.MemoryUsage(), small);
  ListObject big_element;
  big_element.Push(std::string(kPackedMaxValue, 'x'), false);
  EXPECT_EQ(big_element.Encoding(), "listpack");
  big_element.Set(0, std::string(kPackedMaxValue + 1, 'x'));
  EXPECT_EQ(big_element.Encoding(), "quicklist");
  EXPECT_EQ(big_element.Get(0), std::string(kPackedMaxValue + 1, 'x'));
}

TEST(ListObjectConversionTest, MemoryFollowsContents) {
  ListObject l;
  const size_t empty = l.MemoryUsage();
  for (int i = 0; i < 1000; ++i) l.Push(std::string(100, 'v'), false);
  const size_t full = l.MemoryUsage();
  EXPECT_GT(full, empty + 1000 * 100);
  while (l.Length() > 1) l.Pop(true);
  EXPECT_LT(l.MemoryUsage(), full / 100);
}

}  // namespace
}  // namespace kv::server
