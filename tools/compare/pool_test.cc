// Pooling: repetitions renumbered per file (pairs stay within a file), comparability checked,
// comma lists loaded, bad lists refused.
#include "tools/compare/pool.h"

#include <gtest/gtest.h>

#include "tools/compare/compare.h"
#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using testing::LoadTestdata;
using testing::TestdataPath;

TEST(ComparePoolTest, RepetitionsFromEveryFileKeepTheirPairs) {
  ResultSet a = LoadTestdata("baseline.json");
  ResultSet b = LoadTestdata("current_same.json");
  const std::vector<double> ratios_a =
      TargetRatios(a, "SET/clients:1/pipeline:1", "items_per_second");
  const std::vector<double> ratios_b =
      TargetRatios(b, "SET/clients:1/pipeline:1", "items_per_second");
  ASSERT_EQ(ratios_a.size(), 5u);
  ASSERT_EQ(ratios_b.size(), 5u);
  auto pooled = PoolResults({a, b});
  ASSERT_TRUE(pooled.ok()) << pooled.error();
  EXPECT_EQ(pooled->source, "baseline.json+current_same.json");
  EXPECT_EQ(pooled->series.size(), a.series.size());
  const Series* set = pooled->Find("kv/SET/clients:1/pipeline:1");
  ASSERT_NE(set, nullptr);
  ASSERT_EQ(set->repetitions.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(set->repetitions[i].index, static_cast<int>(i));
  // The pooled kv÷redis ratios are exactly the two files' own, in order: nothing paired across.
  std::vector<double> expected = ratios_a;
  expected.insert(expected.end(), ratios_b.begin(), ratios_b.end());
  EXPECT_EQ(TargetRatios(*pooled, "SET/clients:1/pipeline:1", "items_per_second"), expected);
}

TEST(ComparePoolTest, APartialSecondFileAddsOnlyItsSeries) {
  // A second look reruns some commands only: the others keep the first file's repetitions.
  ResultSet a = LoadTestdata("baseline.json");
  ResultSet b = LoadTestdata("current_same.json");
  std::erase_if(b.series,
                [](const Series& s) { return s.name.find("/GET/") != std::string::npos; });
  auto pooled = PoolResults({a, b});
  ASSERT_TRUE(pooled.ok()) << pooled.error();
  EXPECT_EQ(pooled->Find("kv/GET/clients:1/pipeline:1")->repetitions.size(), 5u);
  EXPECT_EQ(pooled->Find("kv/SET/clients:1/pipeline:1")->repetitions.size(), 10u);
}

TEST(ComparePoolTest, IncomparableFilesAreRefused) {
  auto pooled =
      PoolResults({LoadTestdata("baseline.json"), LoadTestdata("current_other_grid.json")});
  ASSERT_FALSE(pooled.ok());
  EXPECT_NE(pooled.error().find("cannot pool current_other_grid.json with baseline.json"),
            std::string::npos)
      << pooled.error();
  EXPECT_FALSE(PoolResults({}).ok());
}

TEST(ComparePoolTest, LoadsACommaList) {
  auto one = LoadPooled(TestdataPath("baseline.json"));
  ASSERT_TRUE(one.ok()) << one.error();
  EXPECT_EQ(one->Find("kv/SET/clients:1/pipeline:1")->repetitions.size(), 5u);
  auto two = LoadPooled(TestdataPath("baseline.json") + "," + TestdataPath("current_same.json"));
  ASSERT_TRUE(two.ok()) << two.error();
  EXPECT_EQ(two->Find("kv/SET/clients:1/pipeline:1")->repetitions.size(), 10u);
  EXPECT_FALSE(LoadPooled(TestdataPath("baseline.json") + ",").ok());
  EXPECT_FALSE(LoadPooled("," + TestdataPath("baseline.json")).ok());
  auto missing = LoadPooled(TestdataPath("baseline.json") + ",/nonexistent.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("/nonexistent.json"), std::string::npos) << missing.error();
}

}  // namespace
}  // namespace kv::compare
