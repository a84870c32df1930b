// vs-redis: kv-server and redis-server from one result file, paired per case.
#include "tools/compare/vs_redis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "stats/summary.h"
#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using testing::LoadTestdata;

double MedianOf(const ResultSet& set, const std::string& name, const std::string& metric) {
  return stats::Median(set.Find(name)->Values(metric));
}

TEST(CompareVsRedisTest, RatiosPerCaseAndGeometricMean) {
  ResultSet set = LoadTestdata("baseline.json");
  auto report = VsRedis(set);
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_EQ(report->rows.size(), 3u);
  EXPECT_EQ(report->paired, 3u);
  const VsRedisRow& set_row = report->rows[0];
  EXPECT_EQ(set_row.case_name, "SET/clients:1/pipeline:1");
  double kv_ops = MedianOf(set, "kv/SET/clients:1/pipeline:1", "items_per_second");
  double redis_ops = MedianOf(set, "redis/SET/clients:1/pipeline:1", "items_per_second");
  EXPECT_DOUBLE_EQ(*set_row.kv_ops, kv_ops);
  EXPECT_DOUBLE_EQ(*set_row.redis_ops, redis_ops);
  EXPECT_DOUBLE_EQ(*set_row.ops_ratio, kv_ops / redis_ops);
  double kv_p99 = MedianOf(set, "kv/SET/clients:1/pipeline:1", "p99_us");
  double redis_p99 = MedianOf(set, "redis/SET/clients:1/pipeline:1", "p99_us");
  EXPECT_DOUBLE_EQ(*set_row.p99_ratio, redis_p99 / kv_p99);  // > 1: kv's tail is lower
  EXPECT_GT(*set_row.p99_ratio, 1.0);
  double product = 1;
  for (const VsRedisRow& r : report->rows) product *= *r.ops_ratio;
  EXPECT_NEAR(*report->geomean_ops_ratio, std::cbrt(product), 1e-12);
}

TEST(CompareVsRedisTest, CasesWithoutACounterpartAreListedLast) {
  ResultSet set = LoadTestdata("baseline.json");
  Series lone;
  lone.name = "kv/MSET/clients:1/pipeline:1";
  lone.repetitions.push_back({0, {{"items_per_second", 5000}}});
  set.series.insert(set.series.begin(), lone);
  Series redis_only;
  redis_only.name = "redis/LOCK/clients:10/pipeline:1";
  redis_only.repetitions.push_back({0, {{"items_per_second", 900}}});
  set.series.push_back(redis_only);
  auto report = VsRedis(set);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->rows.size(), 5u);
  EXPECT_EQ(report->paired, 3u);
  EXPECT_EQ(report->rows[3].case_name, "MSET/clients:1/pipeline:1");
  EXPECT_TRUE(report->rows[3].has_kv);
  EXPECT_FALSE(report->rows[3].has_redis);
  EXPECT_FALSE(report->rows[3].ops_ratio.has_value());
  EXPECT_EQ(report->rows[4].case_name, "LOCK/clients:10/pipeline:1");
  EXPECT_FALSE(report->rows[4].has_kv);
  EXPECT_TRUE(report->rows[4].has_redis);
}

TEST(CompareVsRedisTest, NoKvOrRedisCaseIsAnError) {
  auto report = VsRedis(LoadTestdata("kvload_baseline.json"));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().find("no kv/<case> or redis/<case> results"), std::string::npos);
}

// What scripts/bench.sh's run gives (aggregates only): the median aggregate, p50 and p99 of each
// target, the failed runs' messages and the run's context (as the former kv_bench_summary was
// tested).
TEST(CompareVsRedisTest, BenchRunUsesMediansAndKeepsFailuresAndContext) {
  auto report = VsRedis(LoadTestdata("bench_run.json"));
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_EQ(report->rows.size(), 2u);
  EXPECT_EQ(report->paired, 2u);
  EXPECT_TRUE(report->has_kv);
  EXPECT_TRUE(report->has_redis);
  const VsRedisRow& set_row = report->rows[0];
  EXPECT_EQ(set_row.case_name, "SET/clients:1/pipeline:1");
  EXPECT_DOUBLE_EQ(*set_row.kv_ops, 20000);  // the median aggregate, not the mean
  EXPECT_DOUBLE_EQ(*set_row.kv_p50_us, 45.5);
  EXPECT_DOUBLE_EQ(*set_row.redis_p50_us, 90);
  EXPECT_DOUBLE_EQ(*set_row.redis_p99_us, 250);
  EXPECT_DOUBLE_EQ(*set_row.ops_ratio, 2.0);
  EXPECT_TRUE(set_row.kv_errors.empty());
  const VsRedisRow& get_row = report->rows[1];
  EXPECT_EQ(get_row.case_name, "GET/clients:10/pipeline:16/threads:10");
  EXPECT_DOUBLE_EQ(*get_row.kv_ops, 300000);
  EXPECT_DOUBLE_EQ(*get_row.kv_p99_us, 900);
  EXPECT_TRUE(get_row.has_redis);
  EXPECT_FALSE(get_row.redis_ops.has_value());
  EXPECT_FALSE(get_row.ops_ratio.has_value());  // no ratio when one side failed
  // Both repetitions failed with the same message: listed once.
  EXPECT_EQ(get_row.redis_errors,
            std::vector<std::string>{"server died: redis-server exited with status 1"});
  EXPECT_DOUBLE_EQ(*report->geomean_ops_ratio, 2.0);
  using Field = std::pair<std::string, std::string>;
  EXPECT_EQ(report->context, (std::vector<Field>{{"host", "box (2 cpus)"},
                                                 {"build_type", "Release"},
                                                 {"kv_version", "0.1.0"},
                                                 {"kv_git_commit", "98cf81a"},
                                                 {"kv_server_version", "0.1.0"},
                                                 {"redis_version", "7.0.15"},
                                                 {"grid", "clients=1,10;pipeline=1,16"}}));
}

// redis-server not installed (or --kv_targets=kv): kv's values, no ratios, not an error.
TEST(CompareVsRedisTest, OneTargetOnlyHasNoRatios) {
  auto report = VsRedis(LoadTestdata("bench_run_kv_only.json"));
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->paired, 0u);
  EXPECT_TRUE(report->has_kv);
  EXPECT_FALSE(report->has_redis);
  ASSERT_EQ(report->rows.size(), 1u);
  EXPECT_DOUBLE_EQ(*report->rows[0].kv_ops, 1000);  // median of the three repetitions
  EXPECT_DOUBLE_EQ(*report->rows[0].kv_p50_us, 11);
  EXPECT_DOUBLE_EQ(*report->rows[0].kv_p99_us, 22.5);  // the NaN repetition is left out
  EXPECT_FALSE(report->rows[0].ops_ratio.has_value());
  EXPECT_FALSE(report->geomean_ops_ratio.has_value());
}

TEST(CompareVsRedisTest, GeometricMean) {
  EXPECT_NEAR(*GeometricMean({2.0, 8.0}), 4.0, 1e-12);
  EXPECT_NEAR(*GeometricMean({1.5}), 1.5, 1e-12);
  EXPECT_FALSE(GeometricMean({}).has_value());
  EXPECT_FALSE(GeometricMean({1.0, 0.0}).has_value());
  EXPECT_FALSE(GeometricMean({1.0, -2.0}).has_value());
}

// bench_run_conditions.json (generate_conditions.py): other processes used 0.30 cores of 2, INCR's
// client threads were saturated.
TEST(CompareVsRedisTest, RunConditionsAndClientBoundCases) {
  auto report = VsRedis(LoadTestdata("bench_run_conditions.json"));
  ASSERT_TRUE(report.ok()) << report.error();
  const RunConditions& c = report->conditions;
  ASSERT_TRUE(c.cpus && c.other_cpu_cores && c.load_before);
  EXPECT_EQ(*c.cpus, 2);
  EXPECT_NEAR(*c.other_cpu_cores, 0.30, 1e-12);
  EXPECT_NEAR(*c.load_before, 0.52, 1e-12);
  EXPECT_TRUE(c.disturbed);  // 0.30 >= 0.1 × 2 (and 0.52 < 0.5 × 2 alone would not be)
  EXPECT_NE(c.summary.find("machine disturbed: other processes used 0.30 cores"),
            std::string::npos);
  ASSERT_EQ(report->rows.size(), 3u);
  EXPECT_EQ(report->rows[0].ops_verdict, VsRedisVerdict::kFaster);
  EXPECT_FALSE(report->rows[0].client_bound);
  const VsRedisRow& incr = report->rows[2];
  EXPECT_TRUE(incr.client_bound);
  EXPECT_EQ(incr.ops_verdict, VsRedisVerdict::kClientBound);  // never faster/slower
  EXPECT_EQ(incr.pairs, 6u);
  EXPECT_EQ(report->geomean_cases, 2u);  // the interval leaves the client-bound case out
  bool shows_governor = false;
  for (const auto& [key, value] : report->context) {
    if (key == "kv_cpu_governor" && value == "performance") shows_governor = true;
  }
  EXPECT_TRUE(shows_governor);
  // Without the fields nothing is judged.
  auto plain = VsRedis(LoadTestdata("baseline.json"));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->conditions.disturbed);
  EXPECT_TRUE(plain->conditions.summary.empty());
}

TEST(CompareVsRedisTest, ParseCpuCount) {
  EXPECT_EQ(ParseCpuCount("2"), 2);
  EXPECT_EQ(ParseCpuCount("0-3"), 4);
  EXPECT_EQ(ParseCpuCount("0,2-3"), 3);
  EXPECT_FALSE(ParseCpuCount("two").has_value());
  EXPECT_FALSE(ParseCpuCount("3-1").has_value());
  EXPECT_FALSE(ParseCpuCount("").has_value());
}

}  // namespace
}  // namespace kv::compare
