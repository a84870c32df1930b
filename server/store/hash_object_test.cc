// Hash values: both encodings behave alike; conversion at Redis's limits; random picks and scans
// cover every field; copies are deep; release in slices keeps the memory figure exact.
#include "server/store/hash_object.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace kv::server {
namespace {

std::map<std::string, std::string> Pairs(const HashObject& h) {
  std::map<std::string, std::string> out;
  h.ForEach([&](std::string_view f, std::string_view v) { out.emplace(f, v); });
  return out;
}

class HashObjectTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      hash.Set("big", std::string(kPackedMaxValue + 1, 'v'));  // converts
      hash.Delete("big");
    }
    ASSERT_EQ(hash.Encoding(), GetParam() ? "hashtable" : "listpack");
  }
  HashObject hash;
};

TEST_P(HashObjectTest, SetGetDelete) {
  EXPECT_TRUE(hash.Set("a", "1"));
  EXPECT_TRUE(hash.Set("b", "2"));
  EXPECT_FALSE(hash.Set("a", "one"));
  std::string_view v;
  ASSERT_TRUE(hash.Get("a", &v));
  EXPECT_EQ(v, "one");
  EXPECT_FALSE(hash.Get("c", &v));
  EXPECT_EQ(hash.Length(), 2u);
  EXPECT_TRUE(hash.Delete("a"));
  EXPECT_FALSE(hash.Delete("a"));
  EXPECT_EQ(Pairs(hash), (std::map<std::string, std::string>{{"b", "2"}}));
  // A value growing past the inline room of its entry.
  hash.Set("b", std::string(60, 'x'));
  ASSERT_TRUE(hash.Get("b", &v));
  EXPECT_EQ(v, std::string(60, 'x'));
}

TEST_P(HashObjectTest, RandomAndScanCoverEveryField) {
  for (int i = 0; i < 50; ++i) hash.Set("f" + std::to_string(i), std::to_string(i));
  SampleRng rng(42);
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string_view f;
    std::string_view v;
    hash.Random(rng, &f, &v);
    EXPECT_EQ("f" + std::string(v), f);
    seen.emplace(f);
  }
  EXPECT_EQ(seen.size(), 50u);
  std::set<std::string> scanned;
  uint64_t cursor = 0;
  do {
    cursor = hash.Scan(cursor, [&](std::string_view f, std::string_view) { scanned.emplace(f); });
  } while (cursor != 0);
  EXPECT_EQ(scanned, seen);
}

TEST_P(HashObjectTest, CloneIsDeepAndReleaseKeepsMemoryExact) {
  for (int i = 0; i < 500; ++i) hash.Set("field-" + std::to_string(i), "v");
  auto copy = hash.Clone();
  hash.Set("field-0", "changed");
  EXPECT_EQ(Pairs(*static_cast<HashObject*>(copy.get())).at("field-0"), "v");
  EXPECT_EQ(copy->Length(), 500u);
  size_t last = copy->MemoryUsage();
  while (!copy->ReleaseSome(64)) {
    EXPECT_LT(copy->MemoryUsage(), last);
    last = copy->MemoryUsage();
  }
  EXPECT_EQ(copy->Length(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Encodings, HashObjectTest, ::testing::Bool());

TEST(HashObjectConversionTest, ConvertsAtRedisLimits) {
  HashObject h;
  for (size_t i = 0; i < kPackedMaxEntries; ++i) h.Set("f" + std::to_string(i), "v");
  EXPECT_EQ(h.Encoding(), "listpack");
  h.Set("f0", "again");  // an existing field: no growth
  EXPECT_EQ(h.Encoding(), "listpack");
  h.Set("one-more", "v");
  EXPECT_EQ(h.Encoding(), "hashtable");
  EXPECT_EQ(h.Length(), kPackedMaxEntries + 1);
  HashObject long_field;
  long_field.Set(std::string(kPackedMaxValue + 1, 'f'), "v");
  EXPECT_EQ(long_field.Encoding(), "hashtable");
}

}  // namespace
}  // namespace kv::server
