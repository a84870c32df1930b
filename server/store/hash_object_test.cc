// Hash values: both encodings behave alike; conversion at Redis's limits; random picks and scans
// cover every field; copies are deep; release in slices keeps the memory figure exact; a small
// hash lives in one allocation, moves when it outgrows it and Compact hands out the move.
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
      hash->Set("big", std::string(kPackedMaxValue + 1, 'v'));  // converts
      hash->Delete("big");
    }
    ASSERT_EQ(hash->Encoding(), GetParam() ? "hashtable" : "listpack");
  }
  std::unique_ptr<HashObject> hash = HashObject::Create();
};

TEST_P(HashObjectTest, SetGetDelete) {
  EXPECT_TRUE(hash->Set("a", "1"));
  EXPECT_TRUE(hash->Set("b", "2"));
  EXPECT_FALSE(hash->Set("a", "one"));
  std::string_view v;
  ASSERT_TRUE(hash->Get("a", &v));
  EXPECT_EQ(v, "one");
  EXPECT_FALSE(hash->Get("c", &v));
  EXPECT_EQ(hash->Length(), 2u);
  EXPECT_TRUE(hash->Delete("a"));
  EXPECT_FALSE(hash->Delete("a"));
  EXPECT_EQ(Pairs(*hash), (std::map<std::string, std::string>{{"b", "2"}}));
  // A value growing past the inline room of its entry.
  hash->Set("b", std::string(60, 'x'));
  ASSERT_TRUE(hash->Get("b", &v));
  EXPECT_EQ(v, std::string(60, 'x'));
}

TEST_P(HashObjectTest, RandomAndScanCoverEveryField) {
  for (int i = 0; i < 50; ++i) hash->Set("f" + std::to_string(i), std::to_string(i));
  SampleRng rng(42);
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string_view f;
    std::string_view v;
    hash->Random(rng, &f, &v);
    EXPECT_EQ("f" + std::string(v), f);
    seen.emplace(f);
  }
  EXPECT_EQ(seen.size(), 50u);
  std::set<std::string> scanned;
  uint64_t cursor = 0;
  do {
    cursor = hash->Scan(cursor, [&](std::string_view f, std::string_view) { scanned.emplace(f); });
  } while (cursor != 0);
  EXPECT_EQ(scanned, seen);
}

TEST_P(HashObjectTest, CloneIsDeepAndReleaseKeepsMemoryExact) {
  for (int i = 0; i < 500; ++i) hash->Set("field-" + std::to_string(i), "v");
  auto copy = hash->Clone();
  hash->Set("field-0", "changed");
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
  std::unique_ptr<HashObject> h = HashObject::Create();
  for (size_t i = 0; i < kPackedMaxEntries; ++i) h->Set("f" + std::to_string(i), "v");
  EXPECT_EQ(h->Encoding(), "listpack");
  h->Set("f0", "again");  // an existing field: no growth
  EXPECT_EQ(h->Encoding(), "listpack");
  h->Set("one-more", "v");
  EXPECT_EQ(h->Encoding(), "hashtable");
  EXPECT_EQ(h->Length(), kPackedMaxEntries + 1);
  std::unique_ptr<HashObject> long_field = HashObject::Create();
  long_field->Set(std::string(kPackedMaxValue + 1, 'f'), "v");
  EXPECT_EQ(long_field->Encoding(), "hashtable");
}

// Raised limits (CONFIG SET hash-max-listpack-*): the packed pairs still stop at 64 KiB (16-bit
// offsets). A new pair or a longer value that would pass it converts the hash, which keeps every
// pair.
TEST(HashObjectConversionTest, PackedPairsStopAt64KiBWhateverTheLimits) {
  const PackLimits huge{100000, 100000};
  const std::string value(1000, 'v');
  std::unique_ptr<HashObject> h = HashObject::Create(0, huge);
  size_t n = 0;
  while (h->Encoding() == "listpack") {
    h->Set("f" + std::to_string(n++), value, huge);
    ASSERT_LT(n, 100u);
  }
  // Pairs of 1,005-1,006 bytes: 65 take 65,380, the 66th would pass 65,535.
  EXPECT_EQ(n, 66u);
  EXPECT_EQ(h->Length(), 66u);
  for (size_t i = 0; i < n; ++i) {
    std::string_view got;
    ASSERT_TRUE(h->Get("f" + std::to_string(i), &got)) << i;
    EXPECT_EQ(got, value);
  }
  std::unique_ptr<HashObject> g = HashObject::Create(0, huge);
  for (size_t i = 0; i < 65; ++i) g->Set("f" + std::to_string(i), value, huge);
  EXPECT_EQ(g->Encoding(), "listpack");
  EXPECT_FALSE(g->Set("f1", std::string(1100, 'w'), huge));  // 65,480 bytes: still packed
  EXPECT_EQ(g->Encoding(), "listpack");
  EXPECT_FALSE(g->Set("f0", std::string(1200, 'w'), huge));  // 65,680: a table
  EXPECT_EQ(g->Encoding(), "hashtable");
  EXPECT_EQ(g->Length(), 65u);
  std::string_view got;
  ASSERT_TRUE(g->Get("f0", &got));
  EXPECT_EQ(got, std::string(1200, 'w'));
  ASSERT_TRUE(g->Get("f1", &got));
  EXPECT_EQ(got, std::string(1100, 'w'));
}

// Compact's replacement, or the object itself when it has none.
std::unique_ptr<HashObject> Compacted(std::unique_ptr<HashObject> h) {
  std::unique_ptr<Object> c = h->Compact();
  if (c == nullptr) return h;
  EXPECT_EQ(h->Length(), 0u);  // left empty
  EXPECT_EQ(c->Compact(), nullptr);
  return std::unique_ptr<HashObject>(static_cast<HashObject*>(c.release()));
}

TEST(HashObjectLayoutTest, ReservedPairsTakeOneChunkAndGrowthMovesThenCompacts) {
  size_t reserve = 0;
  for (int i = 0; i < 10; ++i) {
    reserve += HashObject::PairBytes("field:" + std::to_string(i), "value:" + std::to_string(i));
  }
  EXPECT_EQ(reserve, 160u);
  std::unique_ptr<HashObject> h = HashObject::Create(reserve);
  for (int i = 0; i < 10; ++i) h->Set("field:" + std::to_string(i), "value:" + std::to_string(i));
  // The 24-byte header and 160 packed bytes: one 192-byte malloc chunk, nothing else.
  EXPECT_EQ(h->MemoryUsage(), 192u);
  EXPECT_EQ(h->Compact(), nullptr);

  const size_t before = h->MemoryUsage();
  h->Set("one-more-field", "and its value");  // no room left: the pairs move
  EXPECT_GT(h->MemoryUsage(), before + MallocChunk(24));
  std::string_view v;
  ASSERT_TRUE(h->Get("field:3", &v));
  EXPECT_EQ(v, "value:3");
  h = Compacted(std::move(h));
  EXPECT_EQ(h->Length(), 11u);
  EXPECT_EQ(h->MemoryUsage(),
            MallocChunk(24 + 160 + HashObject::PairBytes("one-more-field", "and its value")));
  ASSERT_TRUE(h->Get("one-more-field", &v));
  EXPECT_EQ(v, "and its value");

  // Deleting frees whole malloc steps at the next Compact.
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(h->Delete("field:" + std::to_string(i)));
  const size_t big = h->MemoryUsage();
  h = Compacted(std::move(h));
  EXPECT_LT(h->MemoryUsage(), big);
  EXPECT_EQ(Pairs(*h), (std::map<std::string, std::string>{{"field:8", "value:8"},
                                                           {"field:9", "value:9"},
                                                           {"one-more-field", "and its value"}}));
}

TEST(HashObjectLayoutTest, ManyMovesInOneCommandKeepEveryPair) {
  std::unique_ptr<HashObject> h = HashObject::Create();
  std::map<std::string, std::string> want;
  for (int i = 0; i < 100; ++i) {
    const std::string f = "f" + std::to_string(i);
    const std::string v(static_cast<size_t>(i % 40), 'x');
    EXPECT_TRUE(h->Set(f, v));
    want[f] = v;
    if (i % 30 == 29) h = Compacted(std::move(h));  // sometimes between "commands"
  }
  EXPECT_EQ(h->Encoding(), "listpack");
  EXPECT_EQ(Pairs(*h), want);
  auto copy = h->Clone();
  EXPECT_EQ(Pairs(*static_cast<HashObject*>(copy.get())), want);
  EXPECT_EQ(copy->Compact(), nullptr);  // a clone is made compact
}

TEST(HashObjectLayoutTest, ConversionFromAMovedHashAndCompactTable) {
  std::unique_ptr<HashObject> h = HashObject::Create(4000);
  for (size_t i = 0; i <= kPackedMaxEntries; ++i) h->Set("f" + std::to_string(i), "v");
  EXPECT_EQ(h->Encoding(), "hashtable");
  const size_t before = h->MemoryUsage();
  h = Compacted(std::move(h));  // the large header goes, the table stays
  EXPECT_EQ(h->Encoding(), "hashtable");
  EXPECT_EQ(h->Length(), kPackedMaxEntries + 1);
  EXPECT_LT(h->MemoryUsage(), before);
  std::string_view v;
  EXPECT_TRUE(h->Get("f0", &v));
  // The same from a hash whose pairs had moved.
  std::unique_ptr<HashObject> moved = HashObject::Create();
  for (size_t i = 0; i < 20; ++i) moved->Set("f" + std::to_string(i), "v");
  moved->Set("long", std::string(kPackedMaxValue + 1, 'v'));
  EXPECT_EQ(moved->Encoding(), "hashtable");
  EXPECT_EQ(moved->Length(), 21u);
  EXPECT_EQ(moved->Compact(), nullptr);  // the header is minimal already
}

}  // namespace
}  // namespace kv::server
