// kv_bench_summary: reads Google Benchmark JSON (with NaN), picks medians, pairs kv with redis.
#include "bench/summary.h"

#include <gtest/gtest.h>

namespace kv::bench {
namespace {

constexpr std::string_view kJson = R"json({
  "context": {"host": "box (2 cpus)", "redis_version": "7.0.15", "build_type": "Release",
              "note": "a \"NaN\" inside a string stays"},
  "benchmarks": [
    {"name": "kv/SET/clients:1/pipeline:1/real_time/threads:1",
     "run_name": "kv/SET/clients:1/pipeline:1/real_time/threads:1", "run_type": "iteration",
     "items_per_second": 20000.0, "p50_us": 45.5, "p99_us": 120.0, "server_cpu_us_per_op": NaN},
    {"name": "redis/SET/clients:1/pipeline:1/real_time/threads:1",
     "run_name": "redis/SET/clients:1/pipeline:1/real_time/threads:1", "run_type": "iteration",
     "items_per_second": 10000.0, "p50_us": 90.0, "p99_us": 250.0, "max_us": Infinity},
    {"name": "kv/GET/clients:10/pipeline:16/real_time/threads:10",
     "run_name": "kv/GET/clients:10/pipeline:16/real_time/threads:10", "run_type": "iteration",
     "items_per_second": 1.0},
    {"name": "kv/GET/clients:10/pipeline:16/real_time/threads:10_median",
     "run_name": "kv/GET/clients:10/pipeline:16/real_time/threads:10", "run_type": "aggregate",
     "aggregate_name": "median", "items_per_second": 300000.0, "p50_us": 400.0, "p99_us": 900.0},
    {"name": "kv/GET/clients:10/pipeline:16/real_time/threads:10_mean",
     "run_name": "kv/GET/clients:10/pipeline:16/real_time/threads:10", "run_type": "aggregate",
     "aggregate_name": "mean", "items_per_second": 2.0},
    {"name": "redis/GET/clients:10/pipeline:16/real_time/threads:10",
     "run_name": "redis/GET/clients:10/pipeline:16/real_time/threads:10", "run_type": "iteration",
     "error_occurred": true, "error_message": "server died: redis-server exited with status 1"}
  ]
})json";

TEST(BenchSummaryTest, SplitsTargetAndDropsGoogleBenchmarkSuffixes) {
  EXPECT_EQ(SplitRunName("kv/SET/clients:1/pipeline:1/real_time/threads:1"),
            (std::pair<std::string, std::string>{"kv", "SET/clients:1/pipeline:1"}));
  EXPECT_EQ(
      SplitRunName("redis/LOCK/clients:10/pipeline:1/rtt_us:200/real_time/threads:10"),
      (std::pair<std::string, std::string>{"redis", "LOCK/clients:10/pipeline:1/rtt_us:200"}));
}

TEST(BenchSummaryTest, ParsesNonFiniteNumbersAsNull) {
  Result<nlohmann::json> doc = ParseBenchmarkJson(kJson);
  ASSERT_TRUE(doc.ok()) << doc.error();
  EXPECT_TRUE((*doc)["benchmarks"][0]["server_cpu_us_per_op"].is_null());
  EXPECT_TRUE((*doc)["benchmarks"][1]["max_us"].is_null());
  EXPECT_EQ((*doc)["context"]["note"], "a \"NaN\" inside a string stays");
  EXPECT_FALSE(ParseBenchmarkJson("{\"benchmarks\": 3}").ok());
  EXPECT_FALSE(ParseBenchmarkJson("not json").ok());
}

TEST(BenchSummaryTest, UsesTheMedianAggregateWhenThereIsOne) {
  Result<SummaryInput> in = ExtractResults(*ParseBenchmarkJson(kJson));
  ASSERT_TRUE(in.ok()) << in.error();
  ASSERT_EQ(in->results.size(), 4u);
  const CaseResult& kv_get = in->results[2];
  EXPECT_EQ(kv_get.target, "kv");
  EXPECT_EQ(kv_get.case_key, "GET/clients:10/pipeline:16");
  EXPECT_DOUBLE_EQ(kv_get.items_per_second, 300000.0);
  EXPECT_DOUBLE_EQ(kv_get.p99_us, 900.0);
  EXPECT_TRUE(in->results[3].error);
  EXPECT_EQ(in->context.at("redis_version"), "7.0.15");
}

TEST(BenchSummaryTest, TableShowsBothTargetsAndTheRatio) {
  const std::string table = FormatSummary(*ExtractResults(*ParseBenchmarkJson(kJson)));
  EXPECT_NE(table.find("host: box (2 cpus)"), std::string::npos) << table;
  EXPECT_NE(table.find("kv ops/s"), std::string::npos) << table;
  EXPECT_NE(table.find("redis ops/s"), std::string::npos) << table;
  // SET: 20000 vs 10000 -> 2.00x, with p50/p99 of each.
  const size_t set = table.find("SET/clients:1/pipeline:1 ");
  ASSERT_NE(set, std::string::npos) << table;
  const std::string set_line = table.substr(set, table.find('\n', set) - set);
  EXPECT_NE(set_line.find("20.0k"), std::string::npos) << set_line;
  EXPECT_NE(set_line.find("45.5"), std::string::npos) << set_line;
  EXPECT_NE(set_line.find("250"), std::string::npos) << set_line;
  EXPECT_NE(set_line.find("2.00x"), std::string::npos) << set_line;
  // GET: redis failed -> ERROR cell, no ratio, and the message listed below the table.
  const size_t get = table.find("GET/clients:10/pipeline:16 ");
  const std::string get_line = table.substr(get, table.find('\n', get) - get);
  EXPECT_NE(get_line.find("300.0k"), std::string::npos) << get_line;
  EXPECT_NE(get_line.find("ERROR"), std::string::npos) << get_line;
  EXPECT_EQ(get_line.back(), '-') << get_line;  // no ratio when one side failed
  EXPECT_NE(table.find("ERROR redis/GET/clients:10/pipeline:16: server died"), std::string::npos)
      << table;
}

TEST(BenchSummaryTest, SingleTargetHasNoRatioColumn) {
  SummaryInput in;
  in.results.push_back({"kv", "SET/clients:1/pipeline:1", 1000, 10, 20, false, ""});
  const std::string table = FormatSummary(in);
  EXPECT_EQ(table.find("kv/redis"), std::string::npos) << table;
  EXPECT_NE(table.find("1.0k"), std::string::npos) << table;
}

}  // namespace
}  // namespace kv::bench
