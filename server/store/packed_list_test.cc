// The compact encoding: element order through inserts, erases and replacements; long elements
// (multi-byte length headers); empty elements.
#include "server/store/packed_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kv::server {
namespace {

std::vector<std::string> Items(const PackedList& p) {
  std::vector<std::string> out;
  std::string_view v;
  for (size_t pos = p.begin(); pos != p.end();) {
    pos = p.Read(pos, &v);
    out.emplace_back(v);
  }
  return out;
}

TEST(PackedListTest, PushInsertEraseReplaceKeepOrder) {
  PackedList p;
  EXPECT_TRUE(p.empty());
  p.PushBack("b");
  p.PushFront("a");
  p.PushBack("");
  p.InsertAt(p.At(2), "c");
  EXPECT_EQ(Items(p), (std::vector<std::string>{"a", "b", "c", ""}));
  EXPECT_EQ(p.size(), 4u);
  p.ReplaceAt(p.At(1), "bbbb");
  p.EraseAt(p.At(0));
  EXPECT_EQ(Items(p), (std::vector<std::string>{"bbbb", "c", ""}));
  p.EraseRange(p.At(1), 2);
  EXPECT_EQ(Items(p), (std::vector<std::string>{"bbbb"}));
  p.Clear();
  EXPECT_EQ(p.size(), 0u);
  EXPECT_EQ(p.begin(), p.end());
}

TEST(PackedListTest, LongElementsUseLongerHeaders) {
  PackedList p;
  const std::string l127(127, 'x');
  const std::string l128(128, 'y');
  const std::string l20000(20000, 'z');
  p.PushBack(l127);
  p.PushBack(l128);
  p.PushBack(l20000);
  p.PushBack("end");
  EXPECT_EQ(Items(p), (std::vector<std::string>{l127, l128, l20000, "end"}));
  // 1-byte header for 127, 2 bytes for 128 and 20000, 1 for "end".
  EXPECT_EQ(p.end(), 1 + 127 + 2 + 128 + 3 + 20000 + 1 + 3u);
  p.ReplaceAt(p.At(2), "short");
  EXPECT_EQ(Items(p), (std::vector<std::string>{l127, l128, "short", "end"}));
  EXPECT_GT(p.HeapBytes(), 0u);
}

}  // namespace
}  // namespace kv::server
