// The progress line's pieces (durations, ETA) and the count of cases a --benchmark_filter selects,
// which must agree with Google Benchmark's own selection (checked end to end by output_test.cc).
#include "bench/reporter.h"

#include <gtest/gtest.h>

namespace kv::bench {
namespace {

TEST(BenchReporterTest, DurationsReadLikeAClock) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(-3), "0s");
  EXPECT_EQ(FormatDuration(59.9), "59s");
  EXPECT_EQ(FormatDuration(72), "1m12s");
  EXPECT_EQ(FormatDuration(220), "3m40s");
  EXPECT_EQ(FormatDuration(3600 + 3 * 60 + 59), "1h03m");
}

TEST(BenchReporterTest, EtaIsTheMeanTimePerCaseTimesTheCasesLeft) {
  // 3 cases in 36 s: 12 s each, 7 left.
  EXPECT_EQ(ProgressLine(3, 10, "kv/SET/clients:1/pipeline:1", 36),
            "[3/10] kv/SET/clients:1/pipeline:1  elapsed 36s  ETA 1m24s");
  EXPECT_EQ(ProgressLine(10, 10, "redis/GET/clients:1/pipeline:16", 130),
            "[10/10] redis/GET/clients:1/pipeline:16  elapsed 2m10s  ETA 0s");
  // More cases than predicted: the total follows, never "[5/4]".
  EXPECT_EQ(ProgressLine(5, 4, "x", 5), "[5/5] x  elapsed 5s  ETA 0s");
}

TEST(BenchReporterTest, CountSelectedFollowsGoogleBenchmarkFilterRules) {
  const std::vector<std::string> names = {
      "kv/SET/clients:1/pipeline:1/real_time/threads:1",
      "redis/SET/clients:1/pipeline:1/real_time/threads:1",
      "kv/GET/clients:10/pipeline:16/real_time/threads:10",
      "kv/POOL_SET/clients:1/pipeline:1/real_time/threads:10",
  };
  EXPECT_EQ(CountSelected(names, ""), 4);
  EXPECT_EQ(CountSelected(names, "all"), 4);
  EXPECT_EQ(CountSelected(names, "SET"), 3);       // searched anywhere in the name
  EXPECT_EQ(CountSelected(names, "^kv/SET"), 1);   // anchored
  EXPECT_EQ(CountSelected(names, "-SET"), 1);      // negative
  EXPECT_EQ(CountSelected(names, "threads:10$"), 2);
  EXPECT_EQ(CountSelected(names, "/(GET|SET)/"), 3);  // extended syntax
  EXPECT_EQ(CountSelected(names, "nothing"), 0);
  EXPECT_EQ(CountSelected(names, "("), -1);
}

}  // namespace
}  // namespace kv::bench
