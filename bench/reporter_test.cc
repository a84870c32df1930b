// The count of cases a --benchmark_filter selects, which must agree with Google Benchmark's own selection (checked end to end by output_test.cc).
#include "bench/reporter.h"

#include <gtest/gtest.h>

namespace kv::bench {
namespace {

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
