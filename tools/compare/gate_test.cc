#include "tools/compare/gate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "tools/compare/pool.h"
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
  strict.max_noisy_fraction = 0.3;  // 4 of 9 gated too noisy is "too noisy" under this policy
  GateReport r = Gate("baseline.json", "current_noisy_one_slow.json", {}, strict);
  EXPECT_EQ(r.exit_code, kExitRegression);
  // The clean case, and SET's per-command row that contains it.
  ASSERT_EQ(r.reasons.size(), 2u);
  EXPECT_TRUE(Contains(r.reasons, "regressed: kv÷redis SET/clients:10/pipeline:16"));
  EXPECT_TRUE(Contains(r.reasons, "regressed: kv÷redis SET/* (geometric mean)"));
  EXPECT_TRUE(
      Contains(r.warnings, "too noisy to judge: 4 of 9 gated comparisons are too noisy to tell"));
  // The same noise without the regression is inconclusive.
  GateReport noisy = Gate("baseline.json", "current_noisy.json", {}, strict);
  EXPECT_EQ(noisy.exit_code, kExitCannotCompare);
}

TEST(CompareGateTest, MostlyNoisyCannotCompareUnlessForced) {
  // 3 of the 4 gated comparisons (throughput per command and over all cases) have intervals that
  // reach a 10 % regression; bytes_per_key's all-cases row rules it out.
  GateReport r = Gate("baseline.json", "current_noisy.json");
  EXPECT_EQ(r.exit_code, kExitCannotCompare);
  EXPECT_TRUE(
      Contains(r.reasons, "too noisy to judge: 3 of 4 gated comparisons are too noisy to tell"));
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

// A gate-grid-shaped run: 4 commands × 4 cells, 5 repetitions, kv and redis interleaved (a machine
// factor per repetition shared by both) plus each server's own lognormal noise of 7 %, so a
// cell's kv÷redis ratio spreads by ~10 % (CV) like a busy 2-core box. `incr` scales kv on INCR;
// `commands` limits the run to those (a second look reruns only some).
ResultSet SyntheticRun(uint64_t seed, double incr, int reps = 5,
                       const std::vector<std::string>& commands = {"SET", "GET", "INCR", "MIXED"}) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> own(0, 0.07);
  std::normal_distribution<double> machine(0, 0.10);
  ResultSet set;
  set.source = "synthetic-" + std::to_string(seed);
  set.context = {{"grid", "clients=1,10;pipeline=1,16"}, {"build_type", "Release"}};
  for (const std::string& command : commands) {
    for (const char* cell : {"clients:1/pipeline:1", "clients:1/pipeline:16",
                             "clients:10/pipeline:1", "clients:10/pipeline:16"}) {
      Series kv;
      kv.name = std::string("kv/") + command + "/" + cell;
      Series redis;
      redis.name = std::string("redis/") + command + "/" + cell;
      const double scale = command == "INCR" ? incr : 1.0;
      for (int rep = 0; rep < reps; ++rep) {
        const double m = std::exp(machine(rng));
        kv.repetitions.push_back(
            {rep, {{"items_per_second", 1e5 * m * scale * std::exp(own(rng))}}});
        redis.repetitions.push_back({rep, {{"items_per_second", 1e5 * m * std::exp(own(rng))}}});
      }
      set.series.push_back(std::move(kv));
      set.series.push_back(std::move(redis));
    }
  }
  return set;
}

// The case: a regression confined to one command (INCR 15 % slower, the all-cases mean
// moves by only 4 %) must fail; unchanged code must not. 20 seeds each; per seed the outcome is
// deterministic. Measured with this policy: every unchanged run passes or is inconclusive, and
// at least 15 of 20 slowed runs fail on the INCR row.
TEST(CompareGateTest, RegressionConfinedToOneCommandFails) {
  int detected = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    ResultSet baseline = SyntheticRun(seed, 1.0);
    GateReport same = RunGate(baseline, SyntheticRun(seed + 1000, 1.0), DefaultPolicy(), {});
    EXPECT_NE(same.exit_code, kExitRegression)
        << "false alarm, seed " << seed << ": " << (same.reasons.empty() ? "" : same.reasons[0]);
    GateReport slow = RunGate(baseline, SyntheticRun(seed + 1000, 0.85), DefaultPolicy(), {});
    if (slow.exit_code == kExitRegression) {
      ++detected;
      EXPECT_TRUE(Contains(slow.reasons, "regressed: kv÷redis INCR/* (geometric mean)"))
          << slow.reasons[0];
    }
  }
  EXPECT_GE(detected, 15);
}

// What scripts/gate.sh does: a baseline pooled from 5 runs (25 repetitions), look 1 of 2 with 5
// repetitions, and when a row is inconclusive 5 more repetitions of the commands it names, pooled,
// at look 2. Same noise as above; 20 seeds: no false alarm, at least 19 of 20 INCR slowdowns
// caught.
TEST(CompareGateTest, SequentialLooksWithAPooledBaselineSeeOneCommand) {
  int detected = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<ResultSet> runs;
    for (uint64_t r = 0; r < 5; ++r) runs.push_back(SyntheticRun(seed * 100 + r, 1.0));
    auto baseline = PoolResults(runs);
    ASSERT_TRUE(baseline.ok()) << baseline.error();
    for (double incr : {1.0, 0.85}) {
      ResultSet first = SyntheticRun(seed + 1000, incr);
      GateReport look1 = RunGate(*baseline, first, DefaultPolicy(),
                                 {.force = false, .modes = std::nullopt, .look = 1, .looks = 2});
      GateReport final_look = look1;
      if (look1.exit_code == kExitMoreRepetitions) {
        EXPECT_EQ(look1.rerun_filter, RerunFilter(look1.rerun_commands));
        std::vector<std::string> commands = look1.rerun_commands;
        if (commands.empty()) commands = {"SET", "GET", "INCR", "MIXED"};
        auto pooled = PoolResults({first, SyntheticRun(seed + 2000, incr, 5, commands)});
        ASSERT_TRUE(pooled.ok()) << pooled.error();
        final_look = RunGate(*baseline, *pooled, DefaultPolicy(),
                             {.force = false, .modes = std::nullopt, .look = 2, .looks = 2});
        EXPECT_NE(final_look.exit_code, kExitMoreRepetitions);  // the last look decides
      }
      if (incr == 1.0) {
        EXPECT_NE(final_look.exit_code, kExitRegression)
            << "false alarm, seed " << seed << ": " << final_look.reasons[0];
      } else if (final_look.exit_code == kExitRegression) {
        ++detected;
        EXPECT_TRUE(Contains(final_look.reasons, "regressed: kv÷redis INCR/* (geometric mean)"))
            << final_look.reasons[0];
      }
    }
  }
  EXPECT_GE(detected, 19);
}

TEST(CompareGateTest, LooksSplitAlphaAndAnInconclusiveFirstLookAsksForMore) {
  // Every gated row is tested at alpha / (m * looks): half the one-look level with 2 looks.
  GateReport one = Gate("baseline.json", "current_kv_slow.json");
  GateReport two = Gate("baseline.json", "current_kv_slow.json",
                        {.force = false, .modes = std::nullopt, .look = 2, .looks = 2});
  ASSERT_EQ(one.rows.size(), two.rows.size());
  size_t gated = 0;
  for (size_t i = 0; i < one.rows.size(); ++i) {
    ASSERT_EQ(one.rows[i].level.has_value(), two.rows[i].level.has_value());
    if (!one.rows[i].level) continue;
    ++gated;
    EXPECT_DOUBLE_EQ(*two.rows[i].level, *one.rows[i].level / 2);
  }
  EXPECT_GT(gated, 0u);
  // Inconclusive at look 1 of 2: exit 3 and the commands to rerun, not "too noisy".
  GateReport noisy = Gate("baseline.json", "current_noisy.json",
                          {.force = false, .modes = std::nullopt, .look = 1, .looks = 2});
  EXPECT_EQ(noisy.exit_code, kExitMoreRepetitions);
  EXPECT_TRUE(noisy.rerun_commands.empty());  // the all-cases row was inconclusive: everything
  EXPECT_EQ(noisy.rerun_filter, "");
  GateReport last = Gate("baseline.json", "current_noisy.json",
                         {.force = false, .modes = std::nullopt, .look = 2, .looks = 2});
  EXPECT_EQ(last.exit_code, kExitCannotCompare);
  EXPECT_EQ(RerunFilter({"INCR", "SET"}), "^(kv|redis)/(INCR|SET)/");
  EXPECT_EQ(RerunFilter({}), "");
}

}  // namespace
}  // namespace kv::compare
