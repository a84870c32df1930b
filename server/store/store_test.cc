// Keyspace store: expiry (lazy and active), value replacement, TTL index, memory accounting.
#include "server/store/store.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/store/store_test_util.h"

namespace kv::server {
namespace {

using testing::kNow;

TEST(StoreTest, SetFindDelete) {
  Store s;
  s.SetTime(kNow);
  EXPECT_EQ(s.Find(0, "k"), nullptr);
  s.Set(0, "k", "v", 0, false);
  ASSERT_NE(s.Find(0, "k"), nullptr);
  EXPECT_EQ(s.Find(0, "k")->value(), "v");
  EXPECT_EQ(s.Find(1, "k"), nullptr);
  EXPECT_TRUE(s.Delete(0, "k"));
  EXPECT_FALSE(s.Delete(0, "k"));
  EXPECT_EQ(s.TotalKeys(), 0u);
}

TEST(StoreTest, LazyExpiryCountsExpiredKeys) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "k", "v", kNow + 10, false);
  EXPECT_EQ(s.ExpiresCount(0), 1u);
  s.SetTime(kNow + 10);
  EXPECT_NE(s.Find(0, "k"), nullptr);
  s.SetTime(kNow + 11);
  EXPECT_EQ(s.Find(0, "k"), nullptr);
  EXPECT_EQ(s.expired_keys(), 1u);
  EXPECT_EQ(s.ExpiresCount(0), 0u);
  EXPECT_EQ(s.DbSize(0), 0u);
}

TEST(StoreTest, OverwriteKeepsTtlIndexConsistent) {
  Store s;
  s.SetTime(kNow);
  for (int i = 0; i < 100; ++i) s.Set(0, "k" + std::to_string(i), "v", kNow + 1000, false);
  // Grow values so entries move to new allocations; the TTL index must follow.
  for (int i = 0; i < 100; ++i) {
    Entry** link = s.FindLink(0, "k" + std::to_string(i));
    ASSERT_NE(link, nullptr);
    Entry* e = s.Overwrite(0, link, std::string(1000, 'x'));
    EXPECT_EQ(e->expire_ms, kNow + 1000);
  }
  s.Set(0, "k5", "plain", 0, false);  // drops the TTL
  EXPECT_EQ(s.ExpiresCount(0), 99u);
  s.SetTime(kNow + 2000);
  EXPECT_FALSE(s.ActiveExpireCycle(1000000));
  EXPECT_EQ(s.TotalKeys(), 1u);
  EXPECT_EQ(s.ExpiresCount(0), 0u);
}

TEST(StoreTest, ActiveExpiryRespectsBudgetAndResumes) {
  Store s;
  s.SetTime(kNow);
  for (int i = 0; i < 20000; ++i) s.Set(i % 16, "k" + std::to_string(i), "v", kNow + 1, false);
  s.SetTime(kNow + 5);
  // A zero budget stops after the first sample.
  EXPECT_TRUE(s.ActiveExpireCycle(0));
  EXPECT_LT(s.expired_keys(), 20000u);
  while (s.ActiveExpireCycle(1000000)) {
  }
  EXPECT_EQ(s.TotalKeys(), 0u);
  EXPECT_EQ(s.expired_keys(), 20000u);
}

TEST(StoreTest, MemoryAccountingFollowsData) {
  Store s;
  s.SetTime(kNow);
  const uint64_t empty = s.UsedMemory();
  for (int i = 0; i < 1000; ++i)
    s.Set(0, "key" + std::to_string(i), std::string(100, 'x'), 0, false);
  const uint64_t full = s.UsedMemory();
  EXPECT_GE(full - empty, 1000u * 100);
  EXPECT_LT(full - empty, 1000u * 400);
  s.FlushDb(0);
  EXPECT_LT(s.UsedMemory(), empty + 1024);
  for (int i = 0; i < 1000; ++i) s.Set(3, "key" + std::to_string(i), "v", 0, false);
  s.FlushAll();
  EXPECT_EQ(s.TotalKeys(), 0u);
  EXPECT_LT(s.UsedMemory(), empty + 1024);
}

TEST(StoreTest, RenameMovesValueAndExpiry) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "a", "1", kNow + 500, false);
  s.Set(0, "b", "2", 0, false);
  s.Rename(0, "a", 0, "b");
  EXPECT_EQ(s.Find(0, "a"), nullptr);
  ASSERT_NE(s.Find(0, "b"), nullptr);
  EXPECT_EQ(s.Find(0, "b")->value(), "1");
  EXPECT_EQ(s.Find(0, "b")->expire_ms, kNow + 500);
  EXPECT_EQ(s.ExpiresCount(0), 1u);
  EXPECT_EQ(s.DbSize(0), 1u);
}

TEST(StoreTest, ReserveGrowsAmortised) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "k", "", 0, false);
  const Entry* last = nullptr;
  int moves = 0;
  for (int i = 0; i < 1000; ++i) {
    Entry** link = s.FindLink(0, "k");
    Entry* e = s.Reserve(0, link, (*link)->val_len + 1);
    e->val_data()[e->val_len++] = 'x';
    if (e != last) ++moves;
    last = e;
  }
  EXPECT_EQ(s.Find(0, "k")->value(), std::string(1000, 'x'));
  EXPECT_LT(moves, 20);
}

// Records what a KeyspaceObserver is told.
class RecordingObserver : public KeyspaceObserver {
 public:
  void KeyModified(int db, std::string_view key) override {
    events.push_back(std::to_string(db) + ":" + std::string(key));
  }
  void DbReplacing(int db, int other_db) override {
    events.push_back("replacing " + std::to_string(db) + "," + std::to_string(other_db));
  }
  std::vector<std::string> Take() { return std::exchange(events, {}); }
  std::vector<std::string> events;
};

TEST(StoreTest, ObserverIsToldOfEveryChange) {
  Store s;
  s.SetTime(kNow);
  RecordingObserver o;
  s.set_observer(&o);
  using V = std::vector<std::string>;
  s.Set(0, "k", "v", 0, false);
  EXPECT_EQ(o.Take(), V{"0:k"});
  Entry* e = s.Find(0, "k");
  s.SetExpire(0, e, 0);  // no expiry before or after: nothing changes
  EXPECT_EQ(o.Take(), V{});
  s.SetExpire(0, e, kNow + 10);
  EXPECT_EQ(o.Take(), V{"0:k"});
  Entry** link = s.FindLink(0, "k");
  s.Reserve(0, link, 100);
  EXPECT_EQ(o.Take(), V{"0:k"});
  s.Rename(0, "k", 2, "j");
  EXPECT_EQ(o.Take(), (V{"0:k", "2:j", "2:j"}));  // source, expiry set, destination
  s.Copy(s.Find(2, "j"), 3, "c");
  EXPECT_EQ(o.Take(), V{"3:c"});
  EXPECT_TRUE(s.Delete(3, "c"));
  EXPECT_FALSE(s.Delete(3, "c"));
  EXPECT_EQ(o.Take(), V{"3:c"});
  s.SwapDb(2, 5);
  EXPECT_EQ(o.Take(), (V{"replacing 2,5", "replacing 5,2"}));
  EXPECT_NE(s.Find(5, "j"), nullptr);
  EXPECT_EQ(s.Find(2, "j"), nullptr);
  o.Take();
  s.SetTime(kNow + 11);  // j expires: its deletion is a change
  EXPECT_EQ(s.Find(5, "j"), nullptr);
  EXPECT_EQ(o.Take(), V{"5:j"});
  s.FlushDb(4);
  EXPECT_EQ(o.Take(), V{"replacing 4,-1"});
  s.FlushAll();
  EXPECT_EQ(o.Take().size(), static_cast<size_t>(kNumDatabases));
  s.set_observer(nullptr);
  s.Set(0, "k", "v", 0, false);
  EXPECT_TRUE(o.Take().empty());
}

TEST(StoreTest, PeekDoesNotExpire) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "k", "v", kNow + 10, false);
  s.SetTime(kNow + 11);
  const Entry* e = s.PeekNoExpire(0, "k");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(s.IsExpired(e));
  EXPECT_EQ(s.DbSize(0), 1u);
  EXPECT_EQ(s.expired_keys(), 0u);
}

TEST(StoreTest, SwapDbExchangesKeysAndExpiries) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "a", "1", kNow + 100, false);
  s.Set(1, "b", "2", 0, false);
  s.Set(1, "c", "3", 0, false);
  s.SwapDb(0, 1);
  EXPECT_EQ(s.DbSize(0), 2u);
  EXPECT_EQ(s.DbSize(1), 1u);
  EXPECT_EQ(s.ExpiresCount(0), 0u);
  EXPECT_EQ(s.ExpiresCount(1), 1u);
  ASSERT_NE(s.Find(1, "a"), nullptr);
  EXPECT_EQ(s.Find(1, "a")->expire_ms, kNow + 100);
  EXPECT_EQ(s.Find(0, "b")->value(), "2");
  s.SetTime(kNow + 101);
  (void)s.ActiveExpireCycle(1000000);  // the TTL index moved with the keys
  EXPECT_EQ(s.DbSize(1), 0u);
  EXPECT_EQ(s.DbSize(0), 2u);
}

// The access clock (OBJECT IDLETIME): lookups, writes and creation stamp it, Peek does not; it
// has one-second resolution and wraps like Redis's 24-bit LRU clock.
TEST(StoreTest, AccessClockTracksLookupsNotPeeks) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "k", "v", 0, false);
  s.SetTime(kNow + 2500);
  EXPECT_EQ(s.IdleSeconds(s.Peek(0, "k")), 2);
  s.SetTime(kNow + 7999);
  EXPECT_EQ(s.IdleSeconds(s.Peek(0, "k")), 7);
  Entry* e = s.Find(0, "k");
  EXPECT_EQ(s.IdleSeconds(e), 0);
  s.SetTime(kNow + 60000);
  EXPECT_EQ(s.IdleSeconds(s.Peek(0, "k")), 53);    // whole seconds of the clock: 60 - 7
  s.Set(0, "k", std::string(500, 'x'), 0, false);  // a new allocation: stamped too
  EXPECT_EQ(s.IdleSeconds(s.Peek(0, "k")), 0);
  s.Rename(0, "k", 0, "r");
  s.SetTime(kNow + 61000);
  EXPECT_EQ(s.IdleSeconds(s.Peek(0, "r")), 1);
  s.SetTime(kNow + 61000 + (int64_t{1} << 24) * 1000);  // a whole clock period later: wraps
  EXPECT_EQ(s.IdleSeconds(s.Peek(0, "r")), 1);
  EXPECT_EQ(s.Peek(0, "missing"), nullptr);
  s.Set(0, "t", "v", kNow + 61001, false);
  s.SetTime(kNow + 62000);
  EXPECT_EQ(s.Peek(0, "t"), nullptr);  // Peek still expires lazily
  EXPECT_EQ(s.expired_keys(), 1u);
}

// In-place writes (Reserve) mark a value raw; a whole new value, from Set or Overwrite, clears
// it; Rename keeps it.
TEST(StoreTest, RawFlagFollowsHowTheValueWasWritten) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "k", "12", 0, false);
  EXPECT_FALSE(s.Peek(0, "k")->raw());
  EXPECT_TRUE(s.Reserve(0, s.FindLink(0, "k"), 1)->raw());  // no growth: still marked
  s.Rename(0, "k", 0, "r");
  EXPECT_TRUE(s.Peek(0, "r")->raw());
  s.Overwrite(0, s.FindLink(0, "r"), "34");  // same allocation reused
  EXPECT_FALSE(s.Peek(0, "r")->raw());
  EXPECT_TRUE(s.Reserve(0, s.FindLink(0, "r"), 4096)->raw());  // grown into a new allocation
  s.Set(0, "r", "5", 0, false);
  EXPECT_FALSE(s.Peek(0, "r")->raw());
}

// MEMORY USAGE: the entry's heap chunk plus its shares of the bucket array and the TTL index.
TEST(StoreTest, KeyMemoryUsageCountsEntryAndIndexShares) {
  Store s;
  s.SetTime(kNow);
  s.Set(0, "key:000000000001", "abc", 0, false);
  const Entry* e = s.Peek(0, "key:000000000001");
  // 64-byte chunk; one key in 4 buckets of 8 bytes.
  EXPECT_EQ(e->HeapSize(), 64u);
  EXPECT_EQ(s.KeyMemoryUsage(0, e), 64u + 32u);
  s.Set(0, "key:000000000002", "abc", kNow + 1000, false);
  const Entry* v = s.Peek(0, "key:000000000002");
  // Two keys share 4 buckets; the TTL vector holds one slot for one key.
  EXPECT_EQ(s.KeyMemoryUsage(0, e), 64u + 16u);
  EXPECT_EQ(s.KeyMemoryUsage(0, v), 64u + 16u + 8u);
  s.Set(0, "big", std::string(1000, 'x'), 0, false);
  EXPECT_GE(s.KeyMemoryUsage(0, s.Peek(0, "big")), 1000u + Entry::kHeaderSize + 3);
}

}  // namespace
}  // namespace kv::server
