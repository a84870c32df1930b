// Hash table: lookups across incremental rehash, SCAN's guarantee under growth and shrinking,
// random sampling.
#include "server/store/dict.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/store.h"

namespace kv::server {
namespace {

Entry* Make(const std::string& key) { return Entry::Create(key, "v" + key, 0); }

TEST(DictTest, InsertFindUnlinkAcrossRehash) {
  Dict d;
  for (int i = 0; i < 10000; ++i) {
    d.Insert(Make("k" + std::to_string(i)));
    ASSERT_NE(d.Find("k" + std::to_string(i / 2)), nullptr) << i;
  }
  EXPECT_EQ(d.size(), 10000u);
  for (int i = 0; i < 10000; ++i) {
    Entry* e = d.Find("k" + std::to_string(i));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->value(), "vk" + std::to_string(i));
  }
  EXPECT_EQ(d.Find("missing"), nullptr);
  for (int i = 0; i < 10000; i += 2) {
    Entry* e = d.Unlink("k" + std::to_string(i));
    ASSERT_NE(e, nullptr);
    Entry::Destroy(e);
  }
  EXPECT_EQ(d.Unlink("k0"), nullptr);
  EXPECT_EQ(d.size(), 5000u);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_EQ(d.Find("k" + std::to_string(i)) != nullptr, i % 2 == 1) << i;
  }
}

TEST(DictTest, RehashIsIncremental) {
  Dict d;
  for (int i = 0; i < 1024; ++i) d.Insert(Make(std::to_string(i)));
  while (d.RehashStep(100)) {
  }
  d.Insert(Make("trigger"));  // 1025 > 1024 buckets: a resize starts but is not done at once
  EXPECT_TRUE(d.rehashing());
  int steps = 0;
  while (d.RehashStep(1)) ++steps;
  EXPECT_GT(steps, 10);
  EXPECT_EQ(d.size(), 1025u);
}

TEST(DictTest, PrefetchIsOnlyAHint) {
  Dict d;
  const std::vector<std::string> names = {"1", "7", "missing", "", "trigger"};
  const std::vector<std::string_view> keys(names.begin(), names.end());
  d.Prefetch(keys);  // empty dict: no tables to touch
  for (int i = 0; i < 1024; ++i) d.Insert(Make(std::to_string(i)));
  while (d.RehashStep(100)) {
  }
  d.Insert(Make("trigger"));
  ASSERT_TRUE(d.rehashing());  // both tables are looked at (under ASan: within bounds)
  std::vector<std::string> many;
  for (size_t i = 0; i < 3 * Dict::kMaxPrefetch; ++i) many.push_back(std::to_string(i));
  const std::vector<std::string_view> many_keys(many.begin(), many.end());
  for (int round = 0; round < 3; ++round) {
    d.Prefetch(keys);
    d.Prefetch(many_keys);  // more than kMaxPrefetch: the rest are ignored
    EXPECT_TRUE(d.rehashing()) << "Prefetch must not move buckets";
  }
  EXPECT_EQ(d.size(), 1025u);
  EXPECT_NE(d.Find("7"), nullptr);
  EXPECT_EQ(d.Find("missing"), nullptr);
}

TEST(DictTest, ReplaceAtKeepsChain) {
  Dict d;
  for (int i = 0; i < 100; ++i) d.Insert(Make(std::to_string(i)));
  Entry** link = d.FindLink("42");
  ASSERT_NE(link, nullptr);
  Entry::Destroy(d.ReplaceAt(link, Entry::Create("42", "new", 0)));
  EXPECT_EQ(d.Find("42")->value(), "new");
  for (int i = 0; i < 100; ++i) EXPECT_NE(d.Find(std::to_string(i)), nullptr);
}

std::set<std::string> FullScan(Dict& d, const std::function<void(int step)>& between) {
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = d.Scan(cursor, [&seen](const Entry* e) { seen.insert(std::string(e->key())); });
    between(step++);
  } while (cursor != 0);
  return seen;
}

TEST(DictTest, ScanSeesStableElementsWhileGrowing) {
  Dict d;
  std::set<std::string> stable;
  for (int i = 0; i < 500; ++i) {
    stable.insert("s" + std::to_string(i));
    d.Insert(Make("s" + std::to_string(i)));
  }
  int added = 0;
  const auto seen = FullScan(d, [&](int step) {
    // Insert while scanning (a bounded number, or the scan would chase a growing table): forces
    // several resizes and rehash steps mid-scan.
    if (step < 200) {
      for (int j = 0; j < 20; ++j) d.Insert(Make("n" + std::to_string(added++)));
    }
  });
  EXPECT_EQ(added, 4000);
  for (const std::string& k : stable) EXPECT_TRUE(seen.count(k)) << k;
}

TEST(DictTest, ScanSeesStableElementsWhileShrinking) {
  Dict d;
  std::set<std::string> stable;
  for (int i = 0; i < 200; ++i) {
    stable.insert("s" + std::to_string(i));
    d.Insert(Make("s" + std::to_string(i)));
  }
  for (int i = 0; i < 5000; ++i) d.Insert(Make("x" + std::to_string(i)));
  while (d.RehashStep(100)) {
  }
  int removed = 0;
  const auto seen = FullScan(d, [&](int) {
    for (int j = 0; j < 100 && removed < 5000; ++j) {
      Entry::Destroy(d.Unlink("x" + std::to_string(removed++)));
    }
  });
  for (const std::string& k : stable) EXPECT_TRUE(seen.count(k)) << k;
}

TEST(DictTest, RandomEntryReachesEveryElement) {
  Dict d;
  SampleRng rng(42);
  EXPECT_EQ(d.RandomEntry(rng), nullptr);
  for (int i = 0; i < 50; ++i) d.Insert(Make(std::to_string(i)));
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) seen.insert(std::string(d.RandomEntry(rng)->key()));
  EXPECT_EQ(seen.size(), 50u);
}

TEST(DictTest, HashDependsOnSeedAndContent) {
  EXPECT_NE(HashKey("abc", 1), HashKey("abc", 2));
  EXPECT_NE(HashKey("abc", 1), HashKey("abd", 1));
  EXPECT_EQ(HashKey("abc", 1), HashKey("abc", 1));
  std::set<uint64_t> hashes;
  for (int i = 0; i < 1000; ++i) hashes.insert(HashKey("key:" + std::to_string(i), 7) & 1023);
  EXPECT_GT(hashes.size(), 550u);  // ~632 expected for a uniform hash into 1024 buckets
}

}  // namespace
}  // namespace kv::server

namespace kv::server {
namespace {

// The entry size matches glibc's chunk steps: requests of 16*k - 8 bytes, never a byte that would
// push the entry into the next chunk, and the slack is value capacity.
TEST(EntryTest, AllocationFitsMallocChunkExactly) {
  for (size_t key_len : {1u, 16u, 17u, 100u}) {
    for (size_t val : {0u, 3u, 8u, 9u, 200u}) {
      const size_t alloc = Entry::AllocSizeFor(key_len, val);
      EXPECT_EQ(alloc % 16, 8u) << key_len << "/" << val;
      EXPECT_GE(alloc, Entry::kHeaderSize + key_len + val);
      EXPECT_LT(alloc, Entry::kHeaderSize + key_len + val + 16);
    }
  }
  // The benchmark's key shape: key:%012d with a 3-byte value fits a 64-byte chunk.
  EXPECT_EQ(Entry::AllocSizeFor(16, 3), 56u);
  Entry* e = Entry::Create("key:000000000001", "abc", 0);
  EXPECT_EQ(e->AllocSize(), 56u);
  EXPECT_EQ(e->val_cap, 56u - Entry::kHeaderSize - 16);
  EXPECT_EQ(e->value(), "abc");
  Entry::Destroy(e);
}

}  // namespace
}  // namespace kv::server
