#include "tools/compare/names.h"

#include <gtest/gtest.h>

namespace kv::compare {
namespace {

TEST(CompareNamesTest, NormalizeStripsRunOptions) {
  EXPECT_EQ(NormalizeName("kv/SET/clients:10/pipeline:16"), "kv/SET/clients:10/pipeline:16");
  EXPECT_EQ(NormalizeName("kv/SET/clients:10/pipeline:16/real_time"),
            "kv/SET/clients:10/pipeline:16");
  EXPECT_EQ(NormalizeName("kv/SET/clients:1/pipeline:1/repeats:5/real_time/threads:1"),
            "kv/SET/clients:1/pipeline:1");
  EXPECT_EQ(NormalizeName("kv/GET/clients:1/pipeline:1/min_time:0.010/min_warmup_time:0.5/"
                          "iterations:100/manual_time"),
            "kv/GET/clients:1/pipeline:1");
  EXPECT_EQ(NormalizeName("redis/SET/clients:1/pipeline:1/value_size:1024/process_time"),
            "redis/SET/clients:1/pipeline:1/value_size:1024");
}

TEST(CompareNamesTest, NormalizeKeepsWhatChangesTheMeasurement) {
  EXPECT_EQ(NormalizeName("kv/SET/clients:1/pipeline:1/threads:4"),
            "kv/SET/clients:1/pipeline:1/threads:4");
  EXPECT_EQ(NormalizeName("kv/SET/clients:1/pipeline:1/rtt_us:200/real_time"),
            "kv/SET/clients:1/pipeline:1/rtt_us:200");
  EXPECT_EQ(NormalizeName("SET"), "SET");
  // "real_time" as a case name component prefix is not the option.
  EXPECT_EQ(NormalizeName("kv/real_timeX/clients:1"), "kv/real_timeX/clients:1");
}

// kv_bench's names (one Google Benchmark thread per client): threads:1 goes, threads:N stays and
// is matched as-is between kv and redis (as the former kv_bench_summary was tested).
TEST(CompareNamesTest, KvBenchNamesSplitIntoTargetAndCase) {
  TargetAndCase set = SplitTarget(NormalizeName("kv/SET/clients:1/pipeline:1/real_time/threads:1"));
  EXPECT_EQ(set.target, "kv");
  EXPECT_EQ(set.case_name, "SET/clients:1/pipeline:1");
  TargetAndCase lock = SplitTarget(
      NormalizeName("redis/LOCK/clients:10/pipeline:1/rtt_us:200/real_time/threads:10"));
  EXPECT_EQ(lock.target, "redis");
  EXPECT_EQ(lock.case_name, "LOCK/clients:10/pipeline:1/rtt_us:200/threads:10");
}

TEST(CompareNamesTest, StripAggregateSuffix) {
  EXPECT_EQ(StripAggregateSuffix("kv/SET/clients:1/real_time_median", "median"),
            "kv/SET/clients:1/real_time");
  EXPECT_EQ(StripAggregateSuffix("kv/SET_cv", "cv"), "kv/SET");
  EXPECT_EQ(StripAggregateSuffix("kv/SETmean", "mean"), "kv/SETmean");
  EXPECT_EQ(StripAggregateSuffix("kv/SET", ""), "kv/SET");
  EXPECT_EQ(StripAggregateSuffix("_mean", "mean"), "_mean");  // nothing would be left
}

TEST(CompareNamesTest, SplitTarget) {
  TargetAndCase tc = SplitTarget("kv/SET/clients:10/pipeline:16");
  EXPECT_EQ(tc.target, "kv");
  EXPECT_EQ(tc.case_name, "SET/clients:10/pipeline:16");
  tc = SplitTarget("SET");
  EXPECT_EQ(tc.target, "SET");
  EXPECT_EQ(tc.case_name, "");
}

TEST(CompareNamesTest, NameParameter) {
  EXPECT_EQ(NameParameter("kv/SET/clients:10/pipeline:16", "clients"), 10);
  EXPECT_EQ(NameParameter("kv/SET/clients:10/pipeline:16", "pipeline"), 16);
  EXPECT_EQ(NameParameter("kv/SET/clients:10/pipeline:16", "rtt_us"), std::nullopt);
  EXPECT_EQ(NameParameter("kv/SET/clients:x", "clients"), std::nullopt);
  EXPECT_EQ(NameParameter("kv/SET/clients:", "clients"), std::nullopt);
  EXPECT_EQ(NameParameter("kv/SET/xclients:3", "clients"), std::nullopt);
}

}  // namespace
}  // namespace kv::compare
