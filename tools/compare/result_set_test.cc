#include "tools/compare/result_set.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stats/summary.h"
#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using testing::LoadTestdata;
using testing::ReadTestdata;

// The "<name>_<aggregate>" value of `metric` as written in a Google Benchmark file.
double AggregateInFile(const std::string& file, const std::string& run_name,
                       const std::string& aggregate, const std::string& metric) {
  auto doc = nlohmann::json::parse(ReadTestdata(file));
  for (const auto& run : doc["benchmarks"]) {
    if (run["run_name"] == run_name && run.value("aggregate_name", "") == aggregate) {
      return run[metric].get<double>();
    }
  }
  ADD_FAILURE() << "no " << aggregate << " aggregate for " << run_name;
  return 0;
}

TEST(CompareResultSetTest, ParsesRepetitionsAndIgnoresAggregates) {
  ResultSet set = LoadTestdata("baseline.json");
  EXPECT_EQ(set.format, SourceFormat::kGoogleBenchmark);
  ASSERT_EQ(set.series.size(), 6u);
  EXPECT_EQ(set.series[0].name, "kv/SET/clients:1/pipeline:1");
  EXPECT_EQ(set.series[1].name, "redis/SET/clients:1/pipeline:1");
  for (const Series& s : set.series) {
    ASSERT_EQ(s.repetitions.size(), 5u) << s.name;
    EXPECT_FALSE(s.from_aggregates);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(s.repetitions[i].index, i);
    // Structural fields are not metrics.
    EXPECT_FALSE(s.repetitions[0].metrics.contains("repetition_index"));
    EXPECT_FALSE(s.repetitions[0].metrics.contains("iterations"));
  }
  const Series* kv = set.Find("kv/SET/clients:1/pipeline:1");
  ASSERT_NE(kv, nullptr);
  std::vector<double> ips = kv->Values("items_per_second");
  ASSERT_EQ(ips.size(), 5u);
  // The file's own median/mean aggregates agree with our reading of the repetitions.
  const std::string run_name = "kv/SET/clients:1/pipeline:1/real_time";
  EXPECT_DOUBLE_EQ(stats::Median(ips),
                   AggregateInFile("baseline.json", run_name, "median", "items_per_second"));
  EXPECT_NEAR(stats::Mean(kv->Values("p99_us")),
              AggregateInFile("baseline.json", run_name, "mean", "p99_us"), 1e-9);
  EXPECT_EQ(kv->Values("no_such_metric").size(), 0u);
  EXPECT_EQ(set.context.at("grid"), "clients=1,10;pipeline=1,16");
  EXPECT_EQ(set.context.at("build_type"), "Release");
  EXPECT_EQ(set.context.at("num_cpus"), "2");  // numbers kept as JSON text
  EXPECT_EQ(set.Find("kv/SET/clients:1/pipeline:1/real_time"), nullptr);
}

TEST(CompareResultSetTest, ParsesASingleRunWithoutRepetitions) {
  ResultSet set = LoadTestdata("single_run.json");
  ASSERT_EQ(set.series.size(), 6u);
  for (const Series& s : set.series) EXPECT_EQ(s.repetitions.size(), 1u);
  EXPECT_DOUBLE_EQ(set.series[0].Values("items_per_second").at(0), 20000);
}

TEST(CompareResultSetTest, AggregatesOnlyUsesTheMedian) {
  ResultSet set = LoadTestdata("aggregates_only.json");
  ASSERT_EQ(set.series.size(), 6u);
  const Series* kv = set.Find("kv/GET/clients:1/pipeline:1");
  ASSERT_NE(kv, nullptr);
  EXPECT_TRUE(kv->from_aggregates);
  ASSERT_EQ(kv->repetitions.size(), 1u);
  EXPECT_DOUBLE_EQ(kv->Values("items_per_second").at(0),
                   AggregateInFile("aggregates_only.json", "kv/GET/clients:1/pipeline:1/real_time",
                                   "median", "items_per_second"));
}

TEST(CompareResultSetTest, AggregatesFallBackToTheMean) {
  auto set = ParseResults(R"({"benchmarks": [
      {"name": "kv/A_mean", "run_name": "kv/A", "run_type": "aggregate", "aggregate_name": "mean",
       "items_per_second": 7},
      {"name": "kv/A_stddev", "run_name": "kv/A", "run_type": "aggregate",
       "aggregate_name": "stddev", "items_per_second": 1},
      {"name": "kv/B_cv", "run_name": "kv/B", "run_type": "aggregate", "aggregate_name": "cv",
       "items_per_second": 0.1}]})",
                          "t");
  ASSERT_TRUE(set.ok()) << set.error();
  ASSERT_EQ(set->series.size(), 1u);  // kv/B has no level, only a spread
  EXPECT_DOUBLE_EQ(set->series[0].Values("items_per_second").at(0), 7);
}

TEST(CompareResultSetTest, NonFiniteValuesAreMissingAndErrorsAreKept) {
  ResultSet set = LoadTestdata("nan_tokens.json");
  ASSERT_EQ(set.series.size(), 2u);
  const Series& ok = set.series[0];
  EXPECT_EQ(ok.name, "kv/SET/clients:1/pipeline:1");
  EXPECT_DOUBLE_EQ(ok.Values("items_per_second").at(0), 20000);
  EXPECT_TRUE(ok.Values("p50_us").empty());
  EXPECT_TRUE(ok.Values("p99_us").empty());
  EXPECT_TRUE(ok.Values("server_cpu_us_per_op").empty());
  EXPECT_TRUE(ok.Values("bytes_per_key").empty());
  const Series& failed = set.series[1];
  EXPECT_EQ(failed.name, "kv/GET_NaN/clients:1/pipeline:1");
  EXPECT_TRUE(failed.repetitions.empty());
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0], "server replied: -ERR unknown command 'GET_NaN'");
  EXPECT_EQ(set.context.at("note"),
            "a string with NaN and Infinity and \"-Infinity\" stays as it is");
}

TEST(CompareResultSetTest, ParsesKvLoadJson) {
  ResultSet set = LoadTestdata("kvload_baseline.json");
  EXPECT_EQ(set.format, SourceFormat::kKvLoad);
  ASSERT_EQ(set.series.size(), 2u);
  const Series& s = set.series[0];
  EXPECT_EQ(s.name, "SET");
  ASSERT_EQ(s.repetitions.size(), 1u);
  const auto& m = s.repetitions[0].metrics;
  // kv-load writes milliseconds; metrics are microseconds.
  EXPECT_DOUBLE_EQ(m.at("items_per_second"), 80000);
  EXPECT_DOUBLE_EQ(m.at("p50_us"), 580);
  EXPECT_DOUBLE_EQ(m.at("p99_us"), 1200);
  EXPECT_DOUBLE_EQ(m.at("p999_us"), 1800);
  EXPECT_DOUBLE_EQ(m.at("max_us"), 3000);
  EXPECT_DOUBLE_EQ(m.at("avg_us"), 600);
  EXPECT_DOUBLE_EQ(m.at("requests"), 100000);
  EXPECT_TRUE(s.errors.empty());
  EXPECT_EQ(set.context.at("clients"), "50");
  EXPECT_EQ(set.context.at("host"), "127.0.0.1");
}

TEST(CompareResultSetTest, KvLoadRepeatedTestsAreRepetitionsAndErrorsAreReported) {
  // Also the tolerated variants: "name" for "title", microseconds in "latency_us", "p99.9".
  auto set = ParseResults(R"({"schema": "kv-load", "schema_version": 1, "tests": [
      {"name": "SET", "rps": 10, "errors": 0, "latency_us": {"p50": 1, "p99.9": 7}},
      {"name": "SET", "rps": 12, "errors": 3, "extra": {"anything": [1, 2]}}]})",
                          "t");
  ASSERT_TRUE(set.ok()) << set.error();
  ASSERT_EQ(set->series.size(), 1u);
  EXPECT_EQ(set->series[0].Values("items_per_second"), (std::vector<double>{10, 12}));
  EXPECT_EQ(set->series[0].repetitions[1].index, 1);
  EXPECT_DOUBLE_EQ(set->series[0].repetitions[0].metrics.at("p50_us"), 1);
  EXPECT_DOUBLE_EQ(set->series[0].repetitions[0].metrics.at("p999_us"), 7);
  ASSERT_EQ(set->series[0].errors.size(), 1u);
  EXPECT_EQ(set->series[0].errors[0], "3 error replies");
}

TEST(CompareResultSetTest, RejectsBadInput) {
  auto malformed = ParseResults(ReadTestdata("malformed.json"), "malformed.json");
  ASSERT_FALSE(malformed.ok());
  EXPECT_NE(malformed.error().find("malformed.json: malformed JSON"), std::string::npos);

  auto unknown = ParseResults(ReadTestdata("unknown_schema.json"), "u.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("unknown schema \"memtier\""), std::string::npos);

  auto v3 = ParseResults(ReadTestdata("kvload_v3.json"), "v3.json");
  ASSERT_FALSE(v3.ok());
  EXPECT_NE(v3.error().find("schema_version 3 is not supported"), std::string::npos);

  for (const char* text :
       {"[1, 2]", "{}", R"({"benchmarks": []})", R"({"benchmarks": [{}]})", R"({"benchmarks": 3})",
        "not json", R"({"schema": "kv-load", "schema_version": 1})", ""}) {
    EXPECT_FALSE(ParseResults(text, "t").ok()) << text;
  }
  auto not_array = ParseResults(R"({"benchmarks": 3})", "t.json");
  ASSERT_FALSE(not_array.ok());
  EXPECT_NE(not_array.error().find("t.json: unknown schema"), std::string::npos);
}

// kv_bench's context and aggregates-only output with bare NaN/Infinity (as the former
// kv_bench_summary was tested): non-finite values are missing, strings with those words stay.
TEST(CompareResultSetTest, KvBenchAggregatesWithNonFiniteValues) {
  ResultSet set = LoadTestdata("bench_run.json");
  ASSERT_EQ(set.series.size(), 4u);
  // The file's order, aggregates-only and failed benchmarks alike.
  EXPECT_EQ(set.series[0].name, "kv/SET/clients:1/pipeline:1");
  EXPECT_EQ(set.series[1].name, "redis/SET/clients:1/pipeline:1");
  EXPECT_EQ(set.series[2].name, "kv/GET/clients:10/pipeline:16/threads:10");
  EXPECT_EQ(set.series[3].name, "redis/GET/clients:10/pipeline:16/threads:10");
  const Series* kv_set = set.Find("kv/SET/clients:1/pipeline:1");
  ASSERT_NE(kv_set, nullptr);
  EXPECT_TRUE(kv_set->from_aggregates);
  EXPECT_EQ(kv_set->Values("items_per_second"), std::vector<double>{20000});
  EXPECT_TRUE(kv_set->Values("server_cpu_us_per_op").empty());
  const Series* redis_set = set.Find("redis/SET/clients:1/pipeline:1");
  ASSERT_NE(redis_set, nullptr);
  EXPECT_TRUE(redis_set->Values("max_us").empty());
  const Series* redis_get = set.Find("redis/GET/clients:10/pipeline:16/threads:10");
  ASSERT_NE(redis_get, nullptr);
  EXPECT_TRUE(redis_get->repetitions.empty());
  EXPECT_EQ(redis_get->errors.size(), 2u);
  EXPECT_EQ(set.context.at("note"), "a \"NaN\" inside a string stays");
  EXPECT_EQ(set.context.at("redis_version"), "7.0.15");
}

TEST(CompareResultSetTest, LoadReportsMissingFiles) {
  auto set = LoadResults("/nonexistent/kv-compare/results.json");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace kv::compare
