// Tests of the search's real-step glue: settings from the flags, each step's options, and what a
// step's TestResult tells the search.
#include "tools/load/slo_step.h"

#include <gtest/gtest.h>

#include <vector>

#include "tools/load/cli.h"

namespace kv::load {
namespace {

Options Parsed(std::vector<std::string_view> args) {
  Result<Options> r = ParseArgs(args);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? *r : Options{};
}

TEST(SloStepTest, SettingsComeFromTheFlags) {
  Options o =
      Parsed({"--slo", "p50<=1ms,p99.9<=5ms", "--slo-tolerance", "0.02", "--slo-max-time", "60",
              "--slo-step", "3", "--slo-start", "2000", "--slo-max-rate", "8000", "--warmup", "1"});
  SearchSettings s = SearchSettingsFor(o);
  ASSERT_EQ(s.objectives.size(), 2u);
  EXPECT_EQ(s.objectives[1].text, "p99.9<=5ms");
  EXPECT_DOUBLE_EQ(s.tolerance, 0.02);
  EXPECT_DOUBLE_EQ(s.max_time_s, 60);
  EXPECT_DOUBLE_EQ(s.step_s, 3);
  EXPECT_DOUBLE_EQ(s.start_rps, 2000);
  EXPECT_DOUBLE_EQ(s.max_rate, 8000);
  EXPECT_DOUBLE_EQ(s.warmup_s, 1);
  EXPECT_EQ(s.min_requests(), 50'000);
}

TEST(SloStepTest, StepOptionsAreAnOpenLoopRunAtThePlan) {
  Options o = Parsed({"--slo", "p99<=1ms", "-c", "7", "-t", "get", "-r", "100"});
  StepPlan plan;
  plan.offered_rps = 12'000;
  plan.duration_s = 2.5;
  plan.warmup_s = 0.25;
  Options step = StepOptions(o, plan);
  EXPECT_TRUE(step.open_loop());
  EXPECT_DOUBLE_EQ(step.rps, 12'000);
  EXPECT_DOUBLE_EQ(step.duration_s, 2.5);
  EXPECT_DOUBLE_EQ(step.warmup_s, 0.25);
  EXPECT_EQ(step.clients, 7);
  EXPECT_EQ(step.keyspace, 100);
  EXPECT_EQ(step.tests, std::vector<std::string>{"get"});
}

TEST(SloStepTest, MeasureReadsTheCorrectedLatencyAndTheClient) {
  auto objectives = ParseSloObjectives("p50<=1ms,p99<=2ms");
  ASSERT_TRUE(objectives.ok());
  TestResult r;
  r.title = "GET";
  r.open_loop = true;
  r.rps = 9'876;
  r.requests_ok = 19'752;
  for (int i = 1; i <= 100; ++i) {
    r.corrected.Record(i * 100'000);  // 0.1 ms .. 10 ms
    r.latency.Record(50'000);         // uncorrected: must not be used
  }
  r.errors.Add("ERR wrong", 2);
  r.thread_busy = {0.3, 0.8};
  StepMeasurement m = MeasureStep(r, *objectives, 3.25);
  EXPECT_DOUBLE_EQ(m.achieved_rps, 9'876);
  EXPECT_EQ(m.requests, 19'752);
  EXPECT_EQ(m.errors, 2);
  EXPECT_FALSE(m.connection_lost);
  EXPECT_DOUBLE_EQ(m.busiest_thread, 0.8);
  EXPECT_DOUBLE_EQ(m.wall_s, 3.25);
  ASSERT_EQ(m.objective_ms.size(), 2u);
  EXPECT_NEAR(m.objective_ms[0], 5.0, 0.01);
  EXPECT_NEAR(m.objective_ms[1], 9.9, 0.01);
  ASSERT_NE(m.test, nullptr);
  EXPECT_EQ(m.test->title, "GET");
  r.lost_connections = 1;
  EXPECT_TRUE(MeasureStep(r, *objectives, 1).connection_lost);
}

}  // namespace
}  // namespace kv::load
