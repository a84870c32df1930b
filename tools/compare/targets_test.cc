#include "tools/compare/targets.h"

#include <gtest/gtest.h>

#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using testing::LoadTestdata;

Series MakeSeries(const std::string& name, std::map<std::string, double> metrics) {
  Series s;
  s.name = name;
  s.repetitions.push_back({0, std::move(metrics)});
  return s;
}

TEST(CompareTargetsTest, AverageLatencyFromCounterOrLittlesLaw) {
  ResultSet set;
  set.series = {MakeSeries("kv/LATENCY_SET/clients:1/pipeline:1", {{"items_per_second", 8000}}),
                MakeSeries("kv/X/clients:10/pipeline:16", {{"items_per_second", 400000}}),
                MakeSeries("kv/Y/clients:4/pipeline:1", {{"avg_us", 123}}),
                MakeSeries("kv/Z", {{"items_per_second", 1000}}),
                MakeSeries("kv/LATENCY_GET/clients:1/pipeline:1", {{"mean_us", 99}})};
  EXPECT_DOUBLE_EQ(*TargetMetricValue(set, set.series[0], "avg_us"), 125);    // 1 / 8000 s
  EXPECT_DOUBLE_EQ(*TargetMetricValue(set, set.series[1], "avg_us"), 400);    // 160 / 400000 s
  EXPECT_DOUBLE_EQ(*TargetMetricValue(set, set.series[2], "avg_us"), 123);    // measured wins
  EXPECT_FALSE(TargetMetricValue(set, set.series[3], "avg_us").has_value());  // no clients:N
  EXPECT_DOUBLE_EQ(*TargetMetricValue(set, set.series[4], "avg_us"), 99);     // kv_bench's mean_us
}

TEST(CompareTargetsTest, KvRedisRatio) {
  ResultSet set = LoadTestdata("baseline.json");
  const Series* kv = set.Find("kv/SET/clients:1/pipeline:1");
  const Series* redis = set.Find("redis/SET/clients:1/pipeline:1");
  auto ratio = TargetMetricValue(set, *kv, "kv_redis_ratio");
  ASSERT_TRUE(ratio.has_value());
  EXPECT_NEAR(*ratio, 20000.0 / 17910.0, 0.01);
  EXPECT_FALSE(TargetMetricValue(set, *redis, "kv_redis_ratio").has_value());
}

TEST(CompareTargetsTest, MetMissedAndNotMeasured) {
  ResultSet set = LoadTestdata("current_kv_slow.json");
  std::vector<Target> targets = {
      {"fast single", "^kv/(SET|GET)/clients:1/pipeline:1$", "items_per_second", TargetOp::kGreater,
       18000, true},
      {"low p99", "^kv/", "p99_us", TargetOp::kLess, 5000, true},
      {"pool", "^kv/POOL", "items_per_second", TargetOp::kGreater, 1, true},
  };
  std::vector<TargetResult> results = CheckTargets(set, targets);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, TargetStatus::kMissed);  // SET is 20 % slower: ~15700 ops/s
  ASSERT_EQ(results[0].checks.size(), 2u);
  EXPECT_EQ(results[0].checks[0].benchmark, "kv/SET/clients:1/pipeline:1");
  EXPECT_FALSE(results[0].checks[0].met);
  EXPECT_TRUE(results[0].checks[1].met);
  EXPECT_EQ(results[1].status, TargetStatus::kMet);
  EXPECT_EQ(results[1].checks.size(), 3u);
  EXPECT_EQ(results[2].status, TargetStatus::kNotMeasured);
  EXPECT_TRUE(results[2].checks.empty());
  EXPECT_EQ(TargetStatusName(TargetStatus::kNotMeasured), "not measured");
}

TEST(CompareTargetsTest, BadPatternIsNotMeasuredWithTheError) {
  std::vector<TargetResult> results =
      CheckTargets(LoadTestdata("baseline.json"),
                   {{"broken", "(", "items_per_second", TargetOp::kGreater, 1, true}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, TargetStatus::kNotMeasured);
  EXPECT_NE(results[0].error.find("bad regular expression"), std::string::npos);
}

}  // namespace
}  // namespace kv::compare
