// Set values: both encodings behave alike; an intset converts at Redis's limits (513 members or a
// non-integer one) and stays sorted; random picks, pops and scans cover every member; copies are
// deep and keep the encoding; release in slices keeps the memory figure exact.
#include "server/store/set_object.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace kv::server {
namespace {

std::vector<std::string> Members(const SetObject& s) {
  std::vector<std::string> out;
  s.ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

TEST(SetObjectTest, CreateForPicksRedisEncoding) {
  EXPECT_EQ(SetObject::CreateFor("12")->Encoding(), "intset");
  EXPECT_EQ(SetObject::CreateFor("-9223372036854775808")->Encoding(), "intset");
  EXPECT_EQ(SetObject::CreateFor("x")->Encoding(), "hashtable");
  // Not string2ll's canonical form: a leading zero, a plus sign, out of int64's range.
  EXPECT_EQ(SetObject::CreateFor("012")->Encoding(), "hashtable");
  EXPECT_EQ(SetObject::CreateFor("+1")->Encoding(), "hashtable");
  EXPECT_EQ(SetObject::CreateFor("9223372036854775808")->Encoding(), "hashtable");
}

TEST(SetObjectTest, IntSetStaysSortedAndConvertsOnText) {
  SetObject s;
  EXPECT_TRUE(s.Add("5"));
  EXPECT_TRUE(s.Add("-3"));
  EXPECT_TRUE(s.Add("100"));
  EXPECT_FALSE(s.Add("5"));
  EXPECT_EQ(Members(s), (std::vector<std::string>{"-3", "5", "100"}));
  EXPECT_TRUE(s.Contains("100"));
  EXPECT_FALSE(s.Contains("100x"));
  EXPECT_FALSE(s.Remove("07"));
  EXPECT_TRUE(s.Remove("-3"));
  EXPECT_EQ(s.Encoding(), "intset");
  EXPECT_TRUE(s.Add("07"));  // text: converts for good
  EXPECT_EQ(s.Encoding(), "hashtable");
  EXPECT_TRUE(s.Contains("5"));
  EXPECT_TRUE(s.Contains("07"));
  EXPECT_TRUE(s.Remove("07"));
  EXPECT_EQ(s.Encoding(), "hashtable");
  EXPECT_EQ(s.Length(), 2u);
}

TEST(SetObjectTest, IntSetConvertsAboveItsEntryLimit) {
  SetObject s;
  for (size_t i = 0; i < kIntSetMaxEntries; ++i) ASSERT_TRUE(s.Add(std::to_string(i)));
  EXPECT_EQ(s.Encoding(), "intset");
  EXPECT_FALSE(s.Add("0"));  // already there: no conversion
  EXPECT_EQ(s.Encoding(), "intset");
  EXPECT_TRUE(s.Add("100000"));
  EXPECT_EQ(s.Encoding(), "hashtable");
  EXPECT_EQ(s.Length(), kIntSetMaxEntries + 1);
  for (size_t i = 0; i < kIntSetMaxEntries; ++i) EXPECT_TRUE(s.Contains(std::to_string(i)));
}

class SetEncodingTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    set = GetParam() ? SetObject::CreateFor("text") : std::make_unique<SetObject>();
    for (int i = 0; i < 300; ++i) set->Add(std::to_string(i));
    ASSERT_EQ(set->Encoding(), GetParam() ? "hashtable" : "intset");
  }
  std::unique_ptr<SetObject> set;
};

TEST_P(SetEncodingTest, RandomPopAndScanCoverEveryMember) {
  SampleRng rng(7);
  std::set<std::string> picked;
  // The hashtable picks a random bucket, then a chain element: members in longer chains come up
  // less often (the table's hash seed is random), so 5000 picks missed one of 300 about 1 run in
  // 15. Pick until every member came up, within a bound no fair pick misses.
  for (int i = 0; i < 200000 && picked.size() < 300; ++i) picked.insert(set->Random(rng));
  EXPECT_EQ(picked.size(), 300u);
  std::set<std::string> scanned;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = set->Scan(cursor, [&](std::string_view m) { scanned.emplace(m); });
  } while (cursor != 0 && ++steps < 100000);
  EXPECT_EQ(scanned.size(), 300u);
  std::set<std::string> popped;
  while (set->Length() > 0) popped.insert(set->PopRandom(rng));
  EXPECT_EQ(popped, scanned);
}

TEST_P(SetEncodingTest, ForEachUntilVisitsEachMemberOnceAndStops) {
  std::multiset<std::string> seen;
  set->ForEachUntil([&](std::string_view m) {
    seen.emplace(m);
    return true;
  });
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 300u);
  int calls = 0;
  set->ForEachUntil([&](std::string_view) { return ++calls < 7; });
  EXPECT_EQ(calls, 7);
}

TEST(SetObjectTest, ForEachUntilMidRehashVisitsEachMemberOnce) {
  // Growing a Dict starts an incremental rehash that lookups and inserts advance step by step:
  // stop adding right after a resize began, so the scan meets both tables.
  auto set = SetObject::CreateFor("x");
  for (int i = 0; i < 1025; ++i) set->Add("m" + std::to_string(i));
  std::multiset<std::string> seen;
  set->ForEachUntil([&](std::string_view m) {
    seen.emplace(m);
    return true;
  });
  EXPECT_EQ(seen.size(), 1025u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 1025u);
}

TEST_P(SetEncodingTest, CloneIsDeepAndKeepsTheEncoding) {
  std::unique_ptr<Object> copy = set->Clone();
  auto* c = static_cast<SetObject*>(copy.get());
  EXPECT_EQ(c->Encoding(), set->Encoding());
  EXPECT_EQ(c->MemoryUsage(), set->MemoryUsage());
  EXPECT_TRUE(set->Remove("42"));
  EXPECT_TRUE(c->Contains("42"));
  EXPECT_EQ(c->Length(), 300u);
}

TEST_P(SetEncodingTest, ReleaseInSlicesEndsEmpty) {
  const size_t before = set->MemoryUsage();
  EXPECT_GT(before, sizeof(SetObject));
  int slices = 0;
  while (!set->ReleaseSome(64)) ++slices;
  EXPECT_EQ(slices > 0, GetParam());
  EXPECT_LT(set->MemoryUsage(), before);
}

INSTANTIATE_TEST_SUITE_P(Encodings, SetEncodingTest, ::testing::Bool());

}  // namespace
}  // namespace kv::server
