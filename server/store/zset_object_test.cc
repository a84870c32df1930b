// Sorted set values: both encodings agree with a std::set model under random inserts, score
// updates and removals (ranks, counts, rank ranges both ways, rank removal); conversion at
// Redis's limits; scans cover every member; copies are deep; lazy release keeps memory exact.
#include "server/store/zset_object.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kv::server {
namespace {

using Model = std::set<std::pair<double, std::string>>;

std::vector<std::pair<std::string, double>> All(const ZSetObject& z) {
  std::vector<std::pair<std::string, double>> out;
  z.ForEach([&](std::string_view m, double s) { out.emplace_back(m, s); });
  return out;
}

std::vector<std::pair<std::string, double>> All(const Model& model) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [s, m] : model) out.emplace_back(m, s);
  return out;
}

void ExpectSame(const ZSetObject& z, const Model& model) {
  ASSERT_EQ(z.Length(), model.size());
  EXPECT_EQ(All(z), All(model));
  size_t rank = 0;
  for (const auto& [s, m] : model) {
    size_t r;
    ASSERT_TRUE(z.Rank(m, &r)) << m;
    EXPECT_EQ(r, rank++);
    double score;
    ASSERT_TRUE(z.Score(m, &score));
    EXPECT_EQ(score, s);
  }
}

class ZSetObjectTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      zset.Insert(std::string(kPackedMaxValue + 1, 'm'), 0);  // converts
      zset.Remove(std::string(kPackedMaxValue + 1, 'm'));
    }
    ASSERT_EQ(zset.Encoding(), GetParam() ? "skiplist" : "listpack");
  }
  ZSetObject zset;
};

TEST_P(ZSetObjectTest, AgreesWithAModelUnderRandomChanges) {
  Model model;
  std::map<std::string, double> scores;
  std::mt19937 rng(GetParam() ? 7 : 11);
  const int members = GetParam() ? 400 : 40;
  for (int step = 0; step < 3000; ++step) {
    const std::string m = "m" + std::to_string(rng() % members);
    const double s = static_cast<double>(static_cast<int>(rng() % 20) - 10) / 2;
    auto it = scores.find(m);
    const int op = static_cast<int>(rng() % 4);
    if (op < 2) {
      if (it == scores.end()) {
        zset.Insert(m, s);
        scores[m] = s;
      } else {
        zset.UpdateScore(m, s);
        model.erase({it->second, m});
        it->second = s;
      }
      model.insert({s, m});
    } else if (op == 2) {
      EXPECT_EQ(zset.Remove(m), it != scores.end());
      if (it != scores.end()) {
        model.erase({it->second, m});
        scores.erase(it);
      }
    } else if (!model.empty()) {
      // Remove a random rank range.
      const size_t from = rng() % model.size();
      const size_t to = std::min(model.size(), from + rng() % 4);
      zset.RemoveRanks(from, to);
      auto first = std::next(model.begin(), static_cast<long>(from));
      auto last = std::next(model.begin(), static_cast<long>(to));
      for (auto i = first; i != last; ++i) scores.erase(i->second);
      model.erase(first, last);
    }
    if (step % 100 == 0) ExpectSame(zset, model);
  }
  ExpectSame(zset, model);
  EXPECT_EQ(zset.Encoding(), GetParam() ? "skiplist" : "listpack");
}

// Scores that differ only below the top 32 bits of their image (the key a skiplist link carries),
// -0 beside 0, the extremes: the order is still (score, member) exactly.
TEST_P(ZSetObjectTest, ScoresThatShareTheirLinkKeyKeepTheirOrder) {
  const double one_up = std::nextafter(1.0, 2.0);
  const std::vector<double> pool = {-INFINITY,
                                    -1e300,
                                    -1.0,
                                    -std::nextafter(1.0, 0.0),
                                    -0.0,
                                    0.0,
                                    5e-324,
                                    1.0,
                                    one_up,
                                    1.0 + std::ldexp(1.0, -30),
                                    1.0 + std::ldexp(1.0, -20),
                                    1e300,
                                    INFINITY};
  Model model;
  std::map<std::string, double> scores;
  std::mt19937 rng(GetParam() ? 5 : 9);
  const int members = GetParam() ? 300 : 40;
  for (int step = 0; step < 4000; ++step) {
    const std::string m = "m" + std::to_string(rng() % members);
    const double sc = pool[rng() % pool.size()];
    auto it = scores.find(m);
    if (rng() % 5 != 0) {
      if (it == scores.end()) {
        zset.Insert(m, sc);
        scores[m] = sc;
      } else {
        zset.UpdateScore(m, sc);
        model.erase({it->second, m});
        it->second = sc;
      }
      model.insert({sc, m});
    } else if (it != scores.end()) {
      EXPECT_TRUE(zset.Remove(m));
      model.erase({it->second, m});
      scores.erase(it);
    }
    if (step % 200 == 0) ExpectSame(zset, model);
  }
  ExpectSame(zset, model);
  EXPECT_EQ(zset.Encoding(), GetParam() ? "skiplist" : "listpack");
}

TEST_P(ZSetObjectTest, CountsAndRankRangesBothWays) {
  for (int i = 0; i < 10; ++i) zset.Insert("m" + std::to_string(i), i / 2);  // 0 0 1 1 2 2 ...
  EXPECT_EQ(zset.CountWhile([](double s, std::string_view) { return s < 2; }), 4u);
  EXPECT_EQ(
      zset.CountWhile([](double s, std::string_view m) { return s < 2 || (s == 2 && m < "m5"); }),
      5u);
  EXPECT_EQ(zset.CountWhile([](double, std::string_view) { return true; }), 10u);
  std::vector<std::string> got;
  zset.ForRanks(2, 5, true, [&](std::string_view m, double) { got.emplace_back(m); });
  EXPECT_EQ(got, (std::vector<std::string>{"m4", "m3", "m2"}));
  got.clear();
  zset.ForRanks(8, 10, false, [&](std::string_view m, double) { got.emplace_back(m); });
  EXPECT_EQ(got, (std::vector<std::string>{"m8", "m9"}));
}

TEST_P(ZSetObjectTest, ScanVisitsEveryMemberAndCopiesAreDeep) {
  for (int i = 0; i < 300; ++i) zset.Insert("m" + std::to_string(i), i);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = zset.Scan(cursor, [&](std::string_view m, double) { seen.emplace(m); });
    ++steps;
  } while (cursor != 0 && steps < 100000);
  EXPECT_EQ(seen.size(), 300u);
  std::unique_ptr<Object> copy = zset.Clone();
  auto* z2 = static_cast<ZSetObject*>(copy.get());
  zset.Remove("m1");
  EXPECT_EQ(z2->Length(), 300u);
  double s;
  EXPECT_TRUE(z2->Score("m1", &s));
  EXPECT_EQ(z2->Encoding(), "skiplist");
  EXPECT_EQ(z2->MemoryUsage(), copy->MemoryUsage());
}

TEST_P(ZSetObjectTest, ReleaseInSlicesShrinksMemoryToNothing) {
  for (int i = 0; i < 3000; ++i) zset.Insert("member:" + std::to_string(i), i);
  EXPECT_EQ(zset.FreeEffort(), 3000u);
  size_t before = zset.MemoryUsage();
  int calls = 0;
  while (!zset.ReleaseSome(1024)) {
    ++calls;
    EXPECT_LT(zset.MemoryUsage(), before);
    before = zset.MemoryUsage();
  }
  EXPECT_EQ(calls, 2);
}

INSTANTIATE_TEST_SUITE_P(Encodings, ZSetObjectTest, ::testing::Bool());

// Past 1024 slots the member index moves to its new table a few slots per write: lookups, ranks
// and removals see members in either table, and a scan that runs while the set grows and then
// shrinks returns every member present throughout.
TEST(ZSetObjectIndexTest, GrowsAndShrinksIncrementallyWithoutLosingMembers) {
  ZSetObject z;
  const int kStable = 3000;
  for (int i = 0; i < kStable; ++i) z.Insert("s" + std::to_string(i), i);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int next = 0;
  int steps = 0;
  do {
    cursor = z.Scan(cursor, [&](std::string_view m, double) { seen.emplace(m); });
    // Between scan calls: add temporary members (the index doubles four times, each move spread
    // over several scan calls), then remove them all again (it halves twice).
    if (steps < 600) {
      for (int k = 0; k < 50; ++k) z.Insert("t" + std::to_string(next++), -1);
    } else {
      for (int k = 0; k < 100 && next > 0; ++k) {
        ASSERT_TRUE(z.Remove("t" + std::to_string(--next)));
      }
    }
    double s;
    for (int i = 0; i < kStable; i += 97) ASSERT_TRUE(z.Score("s" + std::to_string(i), &s)) << i;
    ++steps;
  } while (cursor != 0 && steps < 1000000);
  EXPECT_GT(steps, 1000);
  for (int i = 0; i < kStable; ++i) EXPECT_EQ(seen.count("s" + std::to_string(i)), 1u) << i;
  for (int i = 0; i < kStable; i += 2) ASSERT_TRUE(z.Remove("s" + std::to_string(i)));
  EXPECT_EQ(z.Length(), static_cast<size_t>(kStable / 2) + static_cast<size_t>(next));
  size_t rank;
  ASSERT_TRUE(z.Rank("s2999", &rank));
  EXPECT_EQ(rank, z.Length() - 1);
  double s;
  EXPECT_FALSE(z.Score("s0", &s));
  EXPECT_TRUE(z.Score("s1", &s));
}

TEST(ZSetObjectConvertTest, ConvertsAtTheListpackLimitsAndNegativeZeroIsZeroWhenPacked) {
  ZSetObject z;
  for (int i = 0; i < 128; ++i) z.Insert("m" + std::to_string(i), i);
  EXPECT_EQ(z.Encoding(), "listpack");
  const size_t packed = z.MemoryUsage();
  z.Insert("m128", -1);
  EXPECT_EQ(z.Encoding(), "skiplist");
  EXPECT_GT(z.MemoryUsage(), packed);
  size_t r;
  ASSERT_TRUE(z.Rank("m128", &r));
  EXPECT_EQ(r, 0u);
  ZSetObject small;
  small.Insert("z", -0.0);
  double s;
  ASSERT_TRUE(small.Score("z", &s));
  EXPECT_FALSE(std::signbit(s));
}

}  // namespace
}  // namespace kv::server
