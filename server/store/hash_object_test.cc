// Large hashes (the "hashtable" encoding): set, get, delete; random picks and scans cover every
// field; copies are deep; release in slices keeps the memory figure exact; a table made from
// packed pairs holds every pair.
#include "server/store/hash_object.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "server/store/packed_pairs.h"

namespace kv::server {
namespace {

std::map<std::string, std::string> Pairs(const HashObject& h) {
  std::map<std::string, std::string> out;
  h.ForEach([&](std::string_view f, std::string_view v) { out.emplace(f, v); });
  return out;
}

TEST(HashObjectTest, SetGetDelete) {
  HashObject hash;
  EXPECT_TRUE(hash.Set("a", "1"));
  EXPECT_TRUE(hash.Set("b", "2"));
  EXPECT_FALSE(hash.Set("a", "one"));
  std::string_view v;
  ASSERT_TRUE(hash.Get("a", &v));
  EXPECT_EQ(v, "one");
  EXPECT_FALSE(hash.Get("c", &v));
  EXPECT_EQ(hash.Length(), 2u);
  EXPECT_EQ(hash.Encoding(), "hashtable");
  EXPECT_TRUE(hash.Delete("a"));
  EXPECT_FALSE(hash.Delete("a"));
  EXPECT_EQ(Pairs(hash), (std::map<std::string, std::string>{{"b", "2"}}));
  // A value growing past its node's chunk.
  const size_t before = hash.MemoryUsage();
  hash.Set("b", std::string(60, 'x'));
  ASSERT_TRUE(hash.Get("b", &v));
  EXPECT_EQ(v, std::string(60, 'x'));
  EXPECT_GT(hash.MemoryUsage(), before);
}

TEST(HashObjectTest, RandomAndScanCoverEveryField) {
  HashObject hash;
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

TEST(HashObjectTest, CloneIsDeepAndReleaseKeepsMemoryExact) {
  HashObject hash;
  for (int i = 0; i < 500; ++i) hash.Set("field-" + std::to_string(i), "v");
  auto copy = hash.Clone();
  hash.Set("field-0", "changed");
  EXPECT_EQ(Pairs(*static_cast<HashObject*>(copy.get())).at("field-0"), "v");
  EXPECT_EQ(copy->Length(), 500u);
  EXPECT_EQ(copy->MemoryUsage(), hash.MemoryUsage());
  size_t last = copy->MemoryUsage();
  while (!copy->ReleaseSome(64)) {
    EXPECT_LT(copy->MemoryUsage(), last);
    last = copy->MemoryUsage();
  }
  EXPECT_EQ(copy->Length(), 0u);
  EXPECT_EQ(copy->MemoryUsage(), MallocChunk(sizeof(HashObject)));
}

TEST(HashObjectTest, FromPackedKeepsEveryPair) {
  std::string packed(PackedPairs::kHeader, '\0');
  std::map<std::string, std::string> want;
  for (int i = 0; i < 20; ++i) {
    const std::string f = "f" + std::to_string(i);
    const std::string v(static_cast<size_t>(i * 10), 'v');  // lengths past 127: long varints
    const size_t at = packed.size();
    packed.resize(at + PackedPairs::PairBytes(f, v));
    PackedList::EncodeAt(packed.data() + at, f);
    PackedList::EncodeAt(packed.data() + at + PackedList::EncodedSize(f.size()), v);
    want[f] = v;
  }
  PackedPairs::SetCount(packed.data(), 20);
  std::unique_ptr<HashObject> h = HashObject::FromPacked(packed);
  EXPECT_EQ(Pairs(*h), want);
}

}  // namespace
}  // namespace kv::server
