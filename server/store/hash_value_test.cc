// A key's hash in either encoding (hash_value.h), through a real Store: both behave alike; a
// small hash is its key's entry alone (10 short pairs: one 224-byte chunk); conversion at Redis's
// limits and at 64 KiB of pairs; growth moves the entry keeping its expiry, deletions give back
// malloc steps, an emptied hash deletes its key; writes are reported.
#include "server/store/hash_value.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/store/store_test_util.h"

namespace kv::server {
namespace {

using testing::kNow;

std::map<std::string, std::string> Pairs(Store& s, std::string_view key) {
  std::map<std::string, std::string> out;
  HashView(s.Find(0, key)).ForEach([&](std::string_view f, std::string_view v) {
    out.emplace(f, v);
  });
  return out;
}

std::string_view EncodingOf(Store& s, std::string_view key) {
  const Entry* e = s.Find(0, key);
  return e->packed() ? "listpack" : e->object()->Encoding();
}

// HSET key field value ... as the command does it: one writer, one Commit.
void HSet(Store& s, std::string_view key, const std::vector<std::string>& pairs,
          PackLimits limits = {}) {
  size_t reserve = 0;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
    reserve += PackedPairs::PairBytes(pairs[i], pairs[i + 1]);
  }
  HashWriter w(s, 0, key, s.FindLink(0, key), limits, reserve);
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) w.Set(pairs[i], pairs[i + 1]);
  w.Commit();
}

class Observer : public KeyspaceObserver {
 public:
  void KeyModified(int, std::string_view key) override { keys.emplace_back(key); }
  void DbReplacing(int, int) override {}
  std::vector<std::string> keys;
};

class HashValueTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    s.SetTime(kNow);
    HSet(s, "h", {"seed", "x"});
    if (GetParam()) HSet(s, "h", {"big", std::string(kPackedMaxValue + 1, 'v')});  // converts
    HashWriter w(s, 0, "h", s.FindLink(0, "h"), {});
    w.Delete("seed");
    w.Delete("big");
    HSet(s, "h", {"a", "1"});
    w.Commit();
    ASSERT_EQ(EncodingOf(s, "h"), GetParam() ? "hashtable" : "listpack");
  }
  Store s;
};

TEST_P(HashValueTest, SetGetDeleteRandomScan) {
  {
    HashWriter w(s, 0, "h", s.FindLink(0, "h"), {});
    EXPECT_FALSE(w.Set("a", "one"));
    EXPECT_TRUE(w.Set("b", "2"));
    std::string_view v;
    ASSERT_TRUE(w.Get("a", &v));
    EXPECT_EQ(v, "one");
    EXPECT_FALSE(w.Get("c", &v));
    EXPECT_EQ(w.Length(), 2u);
    EXPECT_TRUE(w.Delete("a"));
    EXPECT_FALSE(w.Delete("a"));
    EXPECT_TRUE(w.Set("c", std::string(60, 'x')));
    w.Commit();
  }
  EXPECT_EQ(Pairs(s, "h"),
            (std::map<std::string, std::string>{{"b", "2"}, {"c", std::string(60, 'x')}}));
  for (int i = 0; i < 50; ++i) HSet(s, "h", {"f" + std::to_string(i), std::to_string(i)});
  HashView h(s.Find(0, "h"));
  EXPECT_EQ(h.Length(), 52u);
  SampleRng rng(42);
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    std::string_view f;
    std::string_view v;
    h.Random(rng, &f, &v);
    if (f[0] == 'f') {
      EXPECT_EQ("f" + std::string(v), f);
    }
    seen.emplace(f);
  }
  EXPECT_EQ(seen.size(), 52u);
  std::set<std::string> scanned;
  uint64_t cursor = 0;
  do {
    cursor = h.Scan(cursor, [&](std::string_view f, std::string_view) { scanned.emplace(f); });
  } while (cursor != 0);
  EXPECT_EQ(scanned, seen);
}

TEST_P(HashValueTest, AnEmptiedHashDeletesItsKeyAndWritesAreReported) {
  Observer o;
  s.set_observer(&o);
  HSet(s, "h", {"b", "2"});
  EXPECT_EQ(o.keys, std::vector<std::string>{"h"});
  {
    HashWriter w(s, 0, "h", s.FindLink(0, "h"), {});
    EXPECT_TRUE(w.Delete("a"));
    EXPECT_TRUE(w.Delete("b"));
    EXPECT_EQ(w.Length(), 0u);
    w.Commit();
  }
  EXPECT_EQ(s.Find(0, "h"), nullptr);
  EXPECT_EQ(o.keys.size(), 2u);
  s.set_observer(nullptr);
}

INSTANTIATE_TEST_SUITE_P(Encodings, HashValueTest, ::testing::Bool());

TEST(HashValueLayoutTest, TenShortPairsAreTheKeysEntryAlone) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "warm", "x", 0, false);
  s.Delete(0, "warm");
  const uint64_t base = s.UsedMemory();
  std::vector<std::string> pairs;
  for (int i = 0; i < 10; ++i) {
    pairs.push_back("field:" + std::to_string(i));
    pairs.push_back("value:" + std::to_string(i));
  }
  HSet(s, "hash:12345", pairs);  // the 100k-hashes measurement's data
  const Entry* e = s.Find(0, "hash:12345");
  ASSERT_TRUE(e->packed());
  // 36-byte header, 10-byte key, 2-byte count and 160 bytes of pairs: one 224-byte chunk.
  EXPECT_EQ(e->val_len, 162u);
  EXPECT_EQ(e->HeapSize(), 224u);
  EXPECT_EQ(s.UsedMemory(), base + e->AllocSize());
  EXPECT_EQ(s.KeyMemoryUsage(0, e), 224 + 4 * sizeof(Entry*));
}

TEST(HashValueLayoutTest, GrowthMovesTheEntryAndDeletionsGiveBackMallocSteps) {
  Store s;
  s.SetTime(kNow);
  HSet(s, "h", {"f0", "v"});
  s.SetExpire(0, s.Find(0, "h"), kNow + 60000);
  std::map<std::string, std::string> want{{"f0", "v"}};
  // Many growths within one write (one writer), and across writes.
  {
    HashWriter w(s, 0, "h", s.FindLink(0, "h"), {});
    for (int i = 1; i < 100; ++i) {
      const std::string f = "f" + std::to_string(i);
      const std::string v(static_cast<size_t>(i % 40), 'x');
      EXPECT_TRUE(w.Set(f, v));
      want[f] = v;
    }
    w.Commit();
  }
  EXPECT_EQ(EncodingOf(s, "h"), "listpack");
  EXPECT_EQ(Pairs(s, "h"), want);
  const Entry* e = s.Find(0, "h");
  EXPECT_EQ(e->expire_ms, kNow + 60000);
  EXPECT_EQ(s.ExpiresCount(0), 1u);
  // The entry is sized to its pairs (the malloc chunk's slack aside).
  EXPECT_EQ(e->AllocSize(), Entry::AllocSizeFor(e->key_len, e->val_len));
  const size_t big = e->HeapSize();
  {
    HashWriter w(s, 0, "h", s.FindLink(0, "h"), {});
    for (int i = 0; i < 90; ++i) EXPECT_TRUE(w.Delete("f" + std::to_string(i)));
    w.Commit();
  }
  e = s.Find(0, "h");
  EXPECT_LT(e->HeapSize(), big);
  EXPECT_EQ(e->AllocSize(), Entry::AllocSizeFor(e->key_len, e->val_len));
  EXPECT_EQ(e->expire_ms, kNow + 60000);
  EXPECT_EQ(HashView(s.Find(0, "h")).Length(), 10u);
}

TEST(HashValueConversionTest, ConvertsAtRedisLimits) {
  Store s;
  s.SetTime(kNow);
  for (size_t i = 0; i < kPackedMaxEntries; ++i) HSet(s, "h", {"f" + std::to_string(i), "v"});
  EXPECT_EQ(EncodingOf(s, "h"), "listpack");
  HSet(s, "h", {"f0", "again"});  // an existing field: no growth
  EXPECT_EQ(EncodingOf(s, "h"), "listpack");
  HSet(s, "h", {"one-more", "v"});
  EXPECT_EQ(EncodingOf(s, "h"), "hashtable");
  EXPECT_EQ(HashView(s.Find(0, "h")).Length(), kPackedMaxEntries + 1);
  HSet(s, "long-field", {std::string(kPackedMaxValue + 1, 'f'), "v"});
  EXPECT_EQ(EncodingOf(s, "long-field"), "hashtable");
  HSet(s, "long-value", {"f", std::string(kPackedMaxValue, 'v')});
  EXPECT_EQ(EncodingOf(s, "long-value"), "listpack");
  HSet(s, "long-value", {"f", std::string(kPackedMaxValue + 1, 'v')});
  EXPECT_EQ(EncodingOf(s, "long-value"), "hashtable");
  // A new hash whose first write passes a limit is made a table at once, and expiry and memory
  // follow the conversion of an existing one.
  std::vector<std::string> many;
  for (size_t i = 0; i <= kPackedMaxEntries; ++i) {
    many.push_back("f" + std::to_string(i));
    many.push_back("v");
  }
  HSet(s, "many", many);
  EXPECT_EQ(EncodingOf(s, "many"), "hashtable");
  EXPECT_EQ(HashView(s.Find(0, "many")).Length(), kPackedMaxEntries + 1);
}

// Raised limits (CONFIG SET hash-max-listpack-*): the packed pairs still stop at 64 KiB (the
// count is 16 bits). A new pair or a longer value that would pass it converts the hash, which
// keeps every pair.
TEST(HashValueConversionTest, PackedPairsStopAt64KiBWhateverTheLimits) {
  Store s;
  s.SetTime(kNow);
  const PackLimits huge{100000, 100000};
  const std::string value(1000, 'v');
  size_t n = 0;
  do {
    HSet(s, "h", {"f" + std::to_string(n++), value}, huge);
    ASSERT_LT(n, 100u);
  } while (EncodingOf(s, "h") == "listpack");
  // Pairs of 1,005-1,006 bytes: 65 take 65,380, the 66th would pass 65,535.
  EXPECT_EQ(n, 66u);
  EXPECT_EQ(HashView(s.Find(0, "h")).Length(), 66u);
  for (size_t i = 0; i < n; ++i) {
    std::string_view got;
    ASSERT_TRUE(HashView(s.Find(0, "h")).Get("f" + std::to_string(i), &got)) << i;
    EXPECT_EQ(got, value);
  }
  for (size_t i = 0; i < 65; ++i) HSet(s, "g", {"f" + std::to_string(i), value}, huge);
  EXPECT_EQ(EncodingOf(s, "g"), "listpack");
  HSet(s, "g", {"f1", std::string(1100, 'w')}, huge);  // 65,480 bytes: still packed
  EXPECT_EQ(EncodingOf(s, "g"), "listpack");
  HSet(s, "g", {"f0", std::string(1200, 'w')}, huge);  // 65,680: a table
  EXPECT_EQ(EncodingOf(s, "g"), "hashtable");
  HashView g(s.Find(0, "g"));
  EXPECT_EQ(g.Length(), 65u);
  std::string_view got;
  ASSERT_TRUE(g.Get("f0", &got));
  EXPECT_EQ(got, std::string(1200, 'w'));
  ASSERT_TRUE(g.Get("f1", &got));
  EXPECT_EQ(got, std::string(1100, 'w'));
}

TEST(HashValueTest, ANewHashLeftEmptyIsNotAdded) {
  Store s;
  s.SetTime(kNow);
  HashWriter w(s, 0, "h", nullptr, {});
  EXPECT_FALSE(w.Delete("f"));
  EXPECT_TRUE(w.Set("f", "v"));
  EXPECT_TRUE(w.Delete("f"));
  w.Commit();
  EXPECT_EQ(s.DbSize(0), 0u);
}

}  // namespace
}  // namespace kv::server
