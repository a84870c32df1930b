// The store's collection values (object.h): ownership through delete, overwrite, rename, copy,
// flush and expiry; memory accounting; empty collections deleted; lazy free in slices; packed
// values in the entry.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/store.h"
#include "server/store/store_test_util.h"

namespace kv::server {
namespace {

using testing::kNow;

// A minimal collection: a vector of strings that counts live instances in *live.
class FakeList final : public Object {
 public:
  FakeList(int* live, size_t n) : Object(ValueType::kList), live_(live), items_(n, "item") {
    ++*live_;
  }
  ~FakeList() override { --*live_; }
  size_t Length() const override { return items_.size(); }
  std::string_view Encoding() const override {
    return items_.size() > 2 ? "quicklist" : "listpack";
  }
  size_t MemoryUsage() const override { return 100 + 10 * items_.size(); }
  std::unique_ptr<Object> Clone() const override {
    return std::make_unique<FakeList>(live_, items_.size());
  }
  size_t FreeEffort() const override { return items_.size(); }
  bool ReleaseSome(size_t budget) override {
    while (budget-- > 0 && !items_.empty()) items_.pop_back();
    ++release_calls;
    return items_.empty();
  }
  std::vector<std::string>& items() { return items_; }
  int release_calls = 0;

 private:
  int* live_;
  std::vector<std::string> items_;
};

// Gives db its (smallest) bucket array, which stays when its keys are deleted, so that memory
// figures taken after this compare exactly.
void Warm(Store& s, int db) {
  s.Set(db, "warm", "x", 0, false);
  s.Delete(db, "warm");
}

TEST(StoreObjectTest, TypeNamesRoundTrip) {
  for (ValueType t : {ValueType::kString, ValueType::kList, ValueType::kSet, ValueType::kZSet,
                      ValueType::kHash}) {
    ValueType back;
    ASSERT_TRUE(ParseTypeName(TypeName(t), &back));
    EXPECT_EQ(back, t);
  }
  ValueType back;
  EXPECT_TRUE(ParseTypeName("HASH", &back));
  EXPECT_EQ(back, ValueType::kHash);
  EXPECT_FALSE(ParseTypeName("stream", &back));
  EXPECT_EQ(TypeName(ValueType::kZSet), "zset");
}

TEST(StoreObjectTest, AddFindDeleteOwnsTheObject) {
  int live = 0;
  Store s;
  s.SetTime(kNow);
  Warm(s, 0);
  Warm(s, 3);
  const uint64_t base = s.UsedMemory();
  Entry* e = s.AddObject(0, "l", std::make_unique<FakeList>(&live, 3), 0);
  EXPECT_EQ(live, 1);
  EXPECT_TRUE(e->is_object());
  EXPECT_EQ(e->type(), ValueType::kList);
  EXPECT_EQ(s.Find(0, "l")->object()->Length(), 3u);
  EXPECT_EQ(s.UsedMemory(), base + e->AllocSize() + 130);
  EXPECT_EQ(s.KeyMemoryUsage(0, e), e->HeapSize() + 4 * sizeof(Entry*) + 130);
  EXPECT_TRUE(s.Delete(0, "l"));
  EXPECT_EQ(live, 0);
  EXPECT_EQ(s.UsedMemory(), base);
}

TEST(StoreObjectTest, WritesAreAccountedAndEmptyCollectionsDeleted) {
  int live = 0;
  Store s;
  s.SetTime(kNow);
  Warm(s, 0);
  Warm(s, 3);
  const uint64_t base = s.UsedMemory();
  Entry* e = s.AddObject(0, "l", std::make_unique<FakeList>(&live, 1), 0);
  const uint64_t entry = e->AllocSize();
  static_cast<FakeList*>(e->object())->items().resize(5);
  EXPECT_FALSE(s.ObjectWritten(0, e));
  EXPECT_EQ(s.UsedMemory(), base + entry + 150);
  static_cast<FakeList*>(e->object())->items().clear();
  EXPECT_TRUE(s.ObjectWritten(0, e));
  EXPECT_EQ(s.Find(0, "l"), nullptr);
  EXPECT_EQ(live, 0);
  EXPECT_EQ(s.UsedMemory(), base);
}

// A packed value (a small hash's pairs in its entry: hash_value.h) is the entry's own bytes:
// resized, replaced by an object, renamed, copied and deleted with exact accounting.
TEST(StoreObjectTest, PackedValuesLiveInTheEntry) {
  int live = 0;
  Store s;
  s.SetTime(kNow);
  Warm(s, 0);
  Warm(s, 1);
  const uint64_t base = s.UsedMemory();
  Entry* e = s.AddPacked(0, "h", ValueType::kHash, std::string_view("\0\0abc", 5), 0);
  EXPECT_TRUE(e->packed());
  EXPECT_FALSE(e->is_object());
  EXPECT_EQ(e->type(), ValueType::kHash);
  EXPECT_EQ(e->value(), std::string_view("\0\0abc", 5));
  EXPECT_EQ(s.UsedMemory(), base + e->AllocSize());
  EXPECT_EQ(s.KeyMemoryUsage(0, e), e->HeapSize() + 4 * sizeof(Entry*));
  s.SetExpire(0, e, kNow + 5000);
  const uint64_t with_ttl = s.UsedMemory() - e->AllocSize();  // base and the TTL index

  Entry** link = s.FindLink(0, "h");
  e = s.ResizeValue(0, link, 500);
  EXPECT_GE(e->val_cap, 500u);
  EXPECT_EQ(e->value(), std::string_view("\0\0abc", 5));
  EXPECT_TRUE(e->packed());
  EXPECT_EQ(e->type(), ValueType::kHash);
  EXPECT_EQ(e->expire_ms, kNow + 5000);
  EXPECT_EQ(s.UsedMemory(), with_ttl + e->AllocSize());
  EXPECT_FALSE(s.PackedWritten(0, link, false));

  Entry* copy = s.Copy(e, 1, "h2");
  EXPECT_TRUE(copy->packed());
  EXPECT_EQ(copy->type(), ValueType::kHash);
  EXPECT_EQ(copy->value(), e->value());
  EXPECT_EQ(copy->expire_ms, kNow + 5000);
  Entry* moved = s.Rename(1, "h2", 0, "h3");
  EXPECT_TRUE(moved->packed());
  EXPECT_EQ(moved->value(), std::string_view("\0\0abc", 5));
  EXPECT_TRUE(s.Delete(0, "h3"));

  link = s.FindLink(0, "h");
  const uint64_t others = s.UsedMemory() - (*link)->AllocSize();
  e = s.ReplaceWithObject(0, link, std::make_unique<FakeList>(&live, 2));
  EXPECT_TRUE(e->is_object());
  EXPECT_FALSE(e->packed());
  EXPECT_EQ(e->expire_ms, kNow + 5000);
  EXPECT_EQ(s.UsedMemory(), others + e->AllocSize() + 120);
  EXPECT_TRUE(s.Delete(0, "h"));
  EXPECT_EQ(live, 0);

  e = s.AddPacked(0, "h", ValueType::kHash, std::string_view("\0\0", 2), 0);
  EXPECT_TRUE(s.PackedWritten(0, s.FindLink(0, "h"), true));
  EXPECT_EQ(s.Find(0, "h"), nullptr);
  e = s.AddPacked(0, "h", ValueType::kHash, std::string_view("\0\0", 2), 0);
  e = s.Overwrite(0, s.FindLink(0, "h"), "now a string");
  EXPECT_FALSE(e->packed());
  EXPECT_EQ(e->type(), ValueType::kString);
  EXPECT_TRUE(s.Delete(0, "h"));
  s.ActiveExpireCycle(1000);
  EXPECT_EQ(s.ExpiresCount(0), 0u);
}

TEST(StoreObjectTest, SetOverACollectionReplacesIt) {
  int live = 0;
  Store s;
  s.SetTime(kNow);
  s.AddObject(0, "k", std::make_unique<FakeList>(&live, 2), kNow + 1000);
  Entry* e = s.Set(0, "k", "v", 0, true);
  EXPECT_EQ(live, 0);
  EXPECT_FALSE(e->is_object());
  EXPECT_EQ(e->type(), ValueType::kString);
  EXPECT_EQ(e->value(), "v");
  EXPECT_EQ(e->expire_ms, kNow + 1000);
  EXPECT_EQ(s.ExpiresCount(0), 1u);
}

TEST(StoreObjectTest, RenameMovesTheObjectAcrossDatabases) {
  int live = 0;
  Store s;
  s.SetTime(kNow);
  Warm(s, 0);
  Warm(s, 3);
  const uint64_t base = s.UsedMemory();
  Object* obj = s.AddObject(0, "a", std::make_unique<FakeList>(&live, 2), kNow + 500)->object();
  s.AddObject(3, "b", std::make_unique<FakeList>(&live, 7), 0);
  Entry* moved = s.Rename(0, "a", 3, "b");
  EXPECT_EQ(live, 1);  // b's old list is freed, a's moved without a copy
  EXPECT_EQ(moved->object(), obj);
  EXPECT_EQ(moved->type(), ValueType::kList);
  EXPECT_EQ(moved->expire_ms, kNow + 500);
  EXPECT_EQ(s.Find(0, "a"), nullptr);
  // The TTL indexes of db 0 and db 3 now have room for one entry each (vectors keep capacity).
  const uint64_t ttl_room = 2 * sizeof(Entry*);
  EXPECT_EQ(s.UsedMemory(), base + moved->AllocSize() + 120 + ttl_room);
  EXPECT_TRUE(s.Delete(3, "b"));
  EXPECT_EQ(live, 0);
  EXPECT_EQ(s.UsedMemory(), base + ttl_room);
}

TEST(StoreObjectTest, CopyClonesAndSwapDbKeepsAccounting) {
  int live = 0;
  Store s;
  s.SetTime(kNow);
  const Entry* src = s.AddObject(0, "a", std::make_unique<FakeList>(&live, 2), kNow + 500);
  Entry* copy = s.Copy(src, 1, "c");
  EXPECT_EQ(live, 2);
  EXPECT_NE(copy->object(), src->object());
  EXPECT_EQ(copy->expire_ms, kNow + 500);
  const uint64_t used = s.UsedMemory();
  s.SwapDb(0, 2);
  EXPECT_EQ(s.UsedMemory(), used);
  s.FlushAll();
  EXPECT_EQ(live, 0);
}

TEST(StoreObjectTest, ExpiredCollectionsAreFreed) {
  int live = 0;
  Store s;
  s.SetTime(kNow);
  s.AddObject(0, "a", std::make_unique<FakeList>(&live, 2), kNow + 10);
  s.SetTime(kNow + 11);
  EXPECT_EQ(s.Find(0, "a"), nullptr);
  EXPECT_EQ(live, 0);
  EXPECT_EQ(s.expired_keys(), 1u);
}

TEST(StoreObjectTest, LargeCollectionsAreFreedLazilyInSlices) {
  int live = 0;
  Store s;
  s.SetTime(kNow);
  Warm(s, 0);
  Warm(s, 3);
  const uint64_t base = s.UsedMemory();
  s.AddObject(0, "small", std::make_unique<FakeList>(&live, Store::kLazyFreeThreshold), 0);
  s.AddObject(0, "big", std::make_unique<FakeList>(&live, 5000), 0);
  EXPECT_TRUE(s.Delete(0, "small"));
  EXPECT_EQ(live, 1);  // at the threshold: freed at once
  EXPECT_EQ(s.lazy_free_pending(), 0u);
  EXPECT_TRUE(s.Delete(0, "big"));
  EXPECT_EQ(s.Find(0, "big"), nullptr);
  EXPECT_EQ(live, 1);  // queued, still counted
  EXPECT_EQ(s.lazy_free_pending(), 1u);
  EXPECT_EQ(s.UsedMemory(), base + 100 + 10 * 5000);
  // A budget of 0 runs one slice per step: 5000 items take 5 slices.
  int steps = 0;
  while (s.LazyFreeStep(0)) ++steps;
  EXPECT_EQ(steps, 4);
  EXPECT_EQ(live, 0);
  EXPECT_EQ(s.lazy_free_pending(), 0u);
  EXPECT_EQ(s.UsedMemory(), base);
  EXPECT_FALSE(s.LazyFreeStep(1000));
}

TEST(StoreObjectTest, ObserverSeesObjectWrites) {
  struct Recorder final : KeyspaceObserver {
    void KeyModified(int db, std::string_view key) override {
      seen.push_back(std::to_string(db) + ":" + std::string(key));
    }
    void DbReplacing(int, int) override {}
    std::vector<std::string> seen;
  } rec;
  int live = 0;
  Store s;
  s.SetTime(kNow);
  s.set_observer(&rec);
  Entry* e = s.AddObject(2, "l", std::make_unique<FakeList>(&live, 1), 0);
  s.ObjectWritten(2, e);
  static_cast<FakeList*>(e->object())->items().clear();
  s.ObjectWritten(2, e);
  EXPECT_EQ(rec.seen, (std::vector<std::string>{"2:l", "2:l", "2:l"}));
  s.set_observer(nullptr);
}

}  // namespace
}  // namespace kv::server
