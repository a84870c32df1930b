#include "tools/compare/gate.h"

#include <gtest/gtest.h>

#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using testing::LoadTestdata;

GateReport Gate(const std::string& baseline, const std::string& current, GateOptions options = {},
                Policy policy = DefaultPolicy()) {
  return RunGate(LoadTestdata(baseline), LoadTestdata(current), policy, options);
}

bool Contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& line : lines) {
    if (line.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(CompareGateTest, UnchangedCodePasses) {
  GateReport r = Gate("baseline.json", "current_same.json");
  EXPECT_EQ(r.exit_code, kExitPass);
  EXPECT_TRUE(r.reasons.empty());
  size_t gated = 0;
  for (const GateRow& row : r.rows) {
    EXPECT_FALSE(row.fails);
    if (row.gated) {
      ++gated;
      EXPECT_EQ(row.comparison.mode, GateMode::kRatio);  // default: ratio gates, raw reported
    }
  }
  // The aggregate rows: items_per_second per command (SET, GET) and over all cases; bytes_per_key
  // (SET cases only: one command) over all cases. Single cases are reported, not gated.
  EXPECT_EQ(gated, 4u);
}

TEST(CompareGateTest, SlowerKvServerFails) {
  GateReport r = Gate("baseline.json", "current_kv_slow.json");
  EXPECT_EQ(r.exit_code, kExitRegression);
  ASSERT_EQ(r.reasons.size(), 1u);
  // One of SET's two cases is 20 % slower: SET's per-command row moves by sqrt(0.8) = -10.6 %,
  // beyond the 10 % threshold, while the all-cases mean (-7.2 %) is not.
  EXPECT_NE(r.reasons[0].find("regressed: kv÷redis SET/* (geometric mean) items_per_second"),
            std::string::npos)
      << r.reasons[0];
  EXPECT_NE(r.reasons[0].find("-10.6%"), std::string::npos);
  EXPECT_NE(r.reasons[0].find("alpha/3"), std::string::npos);  // Bonferroni over 3 gated rows
  size_t failing = 0;
  for (const GateRow& row : r.rows) failing += row.fails ? 1 : 0;
  EXPECT_EQ(failing, 1u);
}

TEST(CompareGateTest, SlowerMachineIsNotARegressionOfTheRatio) {
  GateReport ratio = Gate("baseline.json", "current_slow_machine.json");
  EXPECT_EQ(ratio.exit_code, kExitPass);
  // Gating raw values instead fails: the machine got 30 % slower for both servers.
  GateReport raw = Gate("baseline.json", "current_slow_machine.json",
                        GateOptions{.force = false, .modes = std::vector{GateMode::kRaw}});
  EXPECT_EQ(raw.exit_code, kExitRegression);
  EXPECT_EQ(raw.reasons.size(), 6u);  // items_per_second of 6 benchmarks
  GateReport both =
      Gate("baseline.json", "current_slow_machine.json",
           GateOptions{.force = false, .modes = std::vector{GateMode::kRaw, GateMode::kRatio}});
  EXPECT_EQ(both.exit_code, kExitRegression);
}

TEST(CompareGateTest, NoisySeriesAreReportedNotFailed) {
  Policy tolerant = DefaultPolicy();
  tolerant.max_noisy_fraction = 1.0;
  tolerant.gate_single_cases = true;
  GateReport r = Gate("baseline.json", "current_noisy.json", {}, tolerant);
  EXPECT_EQ(r.exit_code, kExitPass);
  EXPECT_TRUE(
      Contains(r.warnings, "too noisy to tell, not judged: kv÷redis SET/clients:1/pipeline:1"));
  bool saw_noisy_drop = false;
  for (const GateRow& row : r.rows) {
    const Comparison& c = row.comparison;
    if (row.gated && c.verdict == Verdict::kTooNoisy && c.change && *c.change < -0.10) {
      saw_noisy_drop = true;  // beyond the threshold, yet not failed
    }
  }
  EXPECT_TRUE(saw_noisy_drop);
}

TEST(CompareGateTest, CleanRegressionFailsEvenWhenTheRunIsMostlyNoisy) {
  Policy strict = DefaultPolicy();
  strict.gate_single_cases = true;  // the clean regression is in one case
  strict.max_noisy_fraction = 0.3;  // 6 of 9 gated too noisy is "too noisy" under this policy
  GateReport r = Gate("baseline.json", "current_noisy_one_slow.json", {}, strict);
  EXPECT_EQ(r.exit_code, kExitRegression);
  // The clean case, and SET's per-command row that contains it.
  ASSERT_EQ(r.reasons.size(), 2u);
  EXPECT_TRUE(Contains(r.reasons, "regressed: kv÷redis SET/clients:10/pipeline:16"));
  EXPECT_TRUE(Contains(r.reasons, "regressed: kv÷redis SET/* (geometric mean)"));
  EXPECT_TRUE(
      Contains(r.warnings, "too noisy to judge: 6 of 9 gated comparisons are too noisy to tell"));
  // The same noise without the regression is inconclusive.
  GateReport noisy = Gate("baseline.json", "current_noisy.json", {}, strict);
  EXPECT_EQ(noisy.exit_code, kExitCannotCompare);
}

TEST(CompareGateTest, MostlyNoisyCannotCompareUnlessForced) {
  // All 4 gated comparisons (throughput per command and over all cases; bytes_per_key over all
  // cases, which kv's noise moves too) are too noisy to tell.
  GateReport r = Gate("baseline.json", "current_noisy.json");
  EXPECT_EQ(r.exit_code, kExitCannotCompare);
  EXPECT_TRUE(
      Contains(r.reasons, "too noisy to judge: 4 of 4 gated comparisons are too noisy to tell"));
  GateReport forced = Gate("baseline.json", "current_noisy.json",
                           GateOptions{.force = true, .modes = std::nullopt});
  EXPECT_EQ(forced.exit_code, kExitPass);
  EXPECT_TRUE(Contains(forced.warnings, "forced: too noisy to judge"));
}

TEST(CompareGateTest, DifferentGridCannotCompareUnlessForced) {
  GateReport r = Gate("baseline.json", "current_other_grid.json");
  EXPECT_EQ(r.exit_code, kExitCannotCompare);
  EXPECT_TRUE(Contains(r.reasons, "grid"));
  GateReport forced = Gate("baseline.json", "current_other_grid.json",
                           GateOptions{.force = true, .modes = std::nullopt});
  EXPECT_EQ(forced.exit_code, kExitPass);
  EXPECT_TRUE(Contains(forced.warnings, "forced: results were measured with different settings"));
}

TEST(CompareGateTest, TooFewRepetitionsCannotCompare) {
  GateReport r = Gate("single_run.json", "single_run_kv_slow.json");
  EXPECT_EQ(r.exit_code, kExitCannotCompare);
  EXPECT_TRUE(Contains(r.reasons, "fewer than 5 repetitions"));
  // Forced, the 20 % drop is reported (change) but one repetition a side is too noisy to tell,
  // and cannot fail.
  GateReport forced = Gate("single_run.json", "single_run_kv_slow.json",
                           GateOptions{.force = true, .modes = std::nullopt});
  EXPECT_EQ(forced.exit_code, kExitPass);
  bool dropped_row = false;
  for (const GateRow& row : forced.rows) {
    const Comparison& c = row.comparison;
    if (row.gated && c.change && *c.change < -0.05) {
      dropped_row = true;
      EXPECT_EQ(c.verdict, Verdict::kTooNoisy);
    }
    EXPECT_FALSE(row.fails);
  }
  EXPECT_TRUE(dropped_row);
}

TEST(CompareGateTest, PolicyMinRepetitionsIsHonoured) {
  Policy p = DefaultPolicy();
  p.min_repetitions = 6;
  GateReport r = Gate("baseline.json", "current_kv_slow.json", {}, p);
  EXPECT_EQ(r.exit_code, kExitCannotCompare);
}

TEST(CompareGateTest, RatioModeWithoutRedisCannotCompare) {
  GateReport r = Gate("kvload_baseline.json", "kvload_current.json");
  EXPECT_EQ(r.exit_code, kExitCannotCompare);
  EXPECT_TRUE(Contains(r.reasons, "nothing to gate in mode ratio"));
}

TEST(CompareGateTest, NothingInCommonCannotCompare) {
  ResultSet baseline = LoadTestdata("baseline.json");
  ResultSet current = LoadTestdata("current_same.json");
  for (Series& s : current.series) s.name += "/value_size:1024";
  GateReport r = RunGate(baseline, current, DefaultPolicy(),
                         GateOptions{.force = true, .modes = std::nullopt});
  EXPECT_EQ(r.exit_code, kExitCannotCompare);
  EXPECT_TRUE(Contains(r.reasons, "no benchmarks in common"));
}

TEST(CompareGateTest, FailedBenchmarkInCurrentCannotCompare) {
  ResultSet baseline = LoadTestdata("baseline.json");
  ResultSet current = LoadTestdata("current_same.json");
  current.series[2].errors.push_back("server replied: -ERR boom");
  GateReport r = RunGate(baseline, current, DefaultPolicy(), {});
  EXPECT_EQ(r.exit_code, kExitCannotCompare);
  EXPECT_TRUE(Contains(r.reasons, "kv/GET/clients:1/pipeline:1 failed"));
}

TEST(CompareGateTest, GatingTargetFails) {
  Policy p = DefaultPolicy();
  p.targets = {{"single client > 18000", "^kv/SET/clients:1/pipeline:1$", "items_per_second",
                TargetOp::kGreater, 18000, true},
               {"kv beats redis", "^kv/", "kv_redis_ratio", TargetOp::kGreater, 1.0, false}};
  GateReport r = Gate("baseline.json", "current_same.json", {}, p);
  EXPECT_EQ(r.exit_code, kExitPass);
  GateReport slow = Gate("baseline.json", "current_kv_slow.json", {}, p);
  EXPECT_EQ(slow.exit_code, kExitRegression);
  EXPECT_TRUE(Contains(slow.reasons, "target missed: single client > 18000"));
  // The reported-only target misses too (kv slower than redis on SET) but is only a warning.
  EXPECT_TRUE(Contains(slow.warnings, "target missed: kv beats redis"));
  EXPECT_FALSE(Contains(slow.reasons, "kv beats redis"));
}

TEST(CompareGateTest, UngatedMetricsNeverFail) {
  Policy p = DefaultPolicy();
  for (MetricPolicy& m : p.metrics) m.gate = false;
  GateReport r = Gate("baseline.json", "current_kv_slow.json", {}, p);
  EXPECT_EQ(r.exit_code, kExitCannotCompare);  // nothing left to gate
}

}  // namespace
}  // namespace kv::compare
