// The count of cases a --benchmark_filter selects, which must agree with Google Benchmark's own
// selection (checked end to end by output_test.cc).
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
  EXPECT_EQ(CountSelected(names, "SET"), 3);      // searched anywhere in the name
  EXPECT_EQ(CountSelected(names, "^kv/SET"), 1);  // anchored
  EXPECT_EQ(CountSelected(names, "-SET"), 1);     // negative
  EXPECT_EQ(CountSelected(names, "threads:10$"), 2);
  EXPECT_EQ(CountSelected(names, "/(GET|SET)/"), 3);  // extended syntax
  EXPECT_EQ(CountSelected(names, "nothing"), 0);
  EXPECT_EQ(CountSelected(names, "("), -1);
}

// Collects what reaches the display reporter.
class Recorder : public benchmark::BenchmarkReporter {
 public:
  explicit Recorder(std::vector<std::string>* names) : names_(names) {}
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) names_->push_back(r.benchmark_name());
  }

 private:
  std::vector<std::string>* names_;
};

benchmark::BenchmarkReporter::Run MakeRun(const std::string& name, const std::string& error) {
  benchmark::BenchmarkReporter::Run run;
  run.run_name.function_name = name;
  run.error_occurred = !error.empty();
  run.error_message = error;
  return run;
}

TEST(BenchReporterTest, SkippedRunsAreNotFailures) {
  std::vector<std::string> shown;
  RunReporter reporter(std::make_unique<Recorder>(&shown));
  reporter.ReportRuns({MakeRun("kv/SET", ""), MakeRun("x/EVALSHA", "skipped: x cannot load it"),
                       MakeRun("kv/GET", "GET replied: ERR boom")});
  EXPECT_EQ(shown, (std::vector<std::string>{"kv/SET", "x/EVALSHA", "kv/GET"}));  // all shown
  EXPECT_EQ(reporter.failures(), (std::vector<std::string>{"kv/GET: GET replied: ERR boom"}));
  EXPECT_EQ(reporter.skipped(), (std::vector<std::string>{"x/EVALSHA: x cannot load it"}));
}

}  // namespace
}  // namespace kv::bench
