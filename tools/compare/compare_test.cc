#include "tools/compare/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using testing::LoadTestdata;

const std::vector<double> kBase = {100, 101, 99, 100.5, 99.5};

MetricPolicy Higher() { return {"items_per_second", Direction::kHigherIsBetter, 0.10, true}; }
MetricPolicy Lower() { return {"p99_us", Direction::kLowerIsBetter, 0.10, true}; }

std::vector<double> Scaled(const std::vector<double>& xs, double f) {
  std::vector<double> out;
  for (double x : xs) out.push_back(x * f);
  return out;
}

TEST(CompareSamplesTest, Improved) {
  Comparison c = CompareSamples(kBase, Scaled(kBase, 1.2), Higher(), DefaultPolicy());
  EXPECT_EQ(c.verdict, Verdict::kImproved);
  EXPECT_DOUBLE_EQ(*c.baseline, 100);
  EXPECT_DOUBLE_EQ(*c.current, 120);
  EXPECT_NEAR(*c.change, 0.2, 1e-12);
  ASSERT_TRUE(c.p_value.has_value());
  EXPECT_NEAR(*c.p_value, 2.0 / 252, 1e-9);  // complete separation of 5 vs 5, exact
  EXPECT_EQ(c.n_baseline, 5u);
  EXPECT_EQ(c.n_current, 5u);
}

TEST(CompareSamplesTest, Regressed) {
  Comparison c = CompareSamples(kBase, Scaled(kBase, 0.8), Higher(), DefaultPolicy());
  EXPECT_EQ(c.verdict, Verdict::kRegressed);
  EXPECT_NEAR(*c.change, -0.2, 1e-12);
}

TEST(CompareSamplesTest, DirectionLowerIsBetter) {
  EXPECT_EQ(CompareSamples(kBase, Scaled(kBase, 0.8), Lower(), DefaultPolicy()).verdict,
            Verdict::kImproved);
  EXPECT_EQ(CompareSamples(kBase, Scaled(kBase, 1.2), Lower(), DefaultPolicy()).verdict,
            Verdict::kRegressed);
}

TEST(CompareSamplesTest, SmallButClearChangeIsNamedButNotBeyondThreshold) {
  // Complete separation, 5 % lower: the interval lies below 1 (regressed), but its estimate is
  // within the 10 % threshold, so it could not fail the gate.
  Comparison c = CompareSamples(kBase, Scaled(kBase, 0.95), Higher(), DefaultPolicy());
  EXPECT_EQ(c.verdict, Verdict::kRegressed);
  EXPECT_LT(*c.p_value, 0.01);
  ASSERT_TRUE(c.ratio.has_value());
  EXPECT_NEAR(c.ratio->estimate, 0.95, 1e-12);
  EXPECT_LT(c.ratio->high, 1);
}

TEST(CompareSamplesTest, IntervalInsideTheBandIsNoClearDifference) {
  // current = baseline in another order: the HL estimate is 1 and the interval lies inside
  // [0.95, 1.05].
  std::vector<double> shuffled = {99.5, 100, 101, 99, 100.5};
  Comparison c = CompareSamples(kBase, shuffled, Higher(), DefaultPolicy());
  EXPECT_EQ(c.verdict, Verdict::kNoClearDifference);
  ASSERT_TRUE(c.ratio.has_value());
  EXPECT_DOUBLE_EQ(c.ratio->estimate, 1);
  EXPECT_GE(c.ratio->low, 0.95);
  EXPECT_LE(c.ratio->high, 1.05);
}

TEST(CompareSamplesTest, TooNoisyWhenNotSignificant) {
  // Median +15 % but the samples overlap: p is far above alpha, the interval contains 1 and
  // reaches beyond the equal band.
  std::vector<double> current = {115, 99.8, 116, 100.2, 117};
  Comparison c = CompareSamples(kBase, current, Higher(), DefaultPolicy());
  EXPECT_EQ(c.verdict, Verdict::kTooNoisy);
  EXPECT_NEAR(*c.change, 0.15, 1e-12);
  EXPECT_GT(*c.p_value, 0.05);
  EXPECT_NE(c.note.find("not significant"), std::string::npos);
}

TEST(CompareSamplesTest, NoisyDataIsTooNoisyToTell) {
  std::vector<double> noisy = {48, 112, 80, 64, 96};  // median -20 %, CV ~ 30 %
  Comparison c = CompareSamples(kBase, noisy, Higher(), DefaultPolicy());
  EXPECT_EQ(c.verdict, Verdict::kTooNoisy);
  EXPECT_GT(*c.cv_current, 0.10);
  ASSERT_TRUE(c.ratio.has_value());
  EXPECT_LT(c.ratio->low, 1);
  EXPECT_GT(c.ratio->high, 1);
  // The same data at a lower confidence level is judged on its merits: 4 of 5 below baseline.
  Policy loose = DefaultPolicy();
  loose.confidence = 0.5;
  EXPECT_EQ(CompareSamples(kBase, noisy, Higher(), loose).verdict, Verdict::kRegressed);
}

TEST(CompareSamplesTest, NewAndMissing) {
  Comparison added = CompareSamples({}, kBase, Higher(), DefaultPolicy());
  EXPECT_EQ(added.verdict, Verdict::kNew);
  EXPECT_FALSE(added.baseline.has_value());
  EXPECT_DOUBLE_EQ(*added.current, 100);
  Comparison gone = CompareSamples(kBase, {}, Higher(), DefaultPolicy());
  EXPECT_EQ(gone.verdict, Verdict::kMissing);
  EXPECT_FALSE(gone.current.has_value());
}

TEST(CompareSamplesTest, WithoutRepetitionsTooNoisyToTell) {
  std::vector<double> b = {100};
  std::vector<double> c = {80};
  Comparison row = CompareSamples(b, c, Higher(), DefaultPolicy());
  EXPECT_EQ(row.verdict, Verdict::kTooNoisy);
  EXPECT_NEAR(*row.change, -0.2, 1e-12);  // still reported
  EXPECT_FALSE(row.p_value.has_value());
  EXPECT_FALSE(row.cv_baseline.has_value());
  EXPECT_NE(row.note.find("fewer than 3 repetitions"), std::string::npos);
  std::vector<double> same = {100};
  EXPECT_EQ(CompareSamples(b, same, Higher(), DefaultPolicy()).verdict, Verdict::kTooNoisy);
}

TEST(CompareSamplesTest, ZeroBaseline) {
  std::vector<double> zeros = {0, 0, 0};
  std::vector<double> ones = {1, 1, 1};
  Comparison c = CompareSamples(zeros, ones, Lower(), DefaultPolicy());
  EXPECT_EQ(c.verdict, Verdict::kTooNoisy);  // no ratio interval with a 0
  EXPECT_FALSE(c.ratio.has_value());
  EXPECT_FALSE(c.change.has_value());
  EXPECT_EQ(CompareSamples(zeros, zeros, Lower(), DefaultPolicy()).change, 0.0);
}

TEST(CompareRawTest, NewAndMissingBenchmarks) {
  ResultSet baseline = LoadTestdata("baseline.json");
  ResultSet current = LoadTestdata("current_reshaped.json");
  std::vector<Comparison> rows = CompareRaw(baseline, current, DefaultPolicy());
  int missing = 0;
  int added = 0;
  for (const Comparison& c : rows) {
    EXPECT_EQ(c.mode, GateMode::kRaw);
    if (c.benchmark.find("/GET/") != std::string::npos) {
      EXPECT_EQ(c.verdict, Verdict::kMissing) << c.benchmark << " " << c.metric;
      ++missing;
    } else if (c.benchmark.find("/INCR/") != std::string::npos) {
      EXPECT_EQ(c.verdict, Verdict::kNew) << c.benchmark << " " << c.metric;
      ++added;
    } else {
      EXPECT_NE(c.verdict, Verdict::kMissing);
      EXPECT_NE(c.verdict, Verdict::kNew);
    }
  }
  EXPECT_EQ(missing, 8);  // kv and redis GET × 4 metrics (GET has no bytes_per_key)
  EXPECT_EQ(added, 6);    // kv and redis INCR × 3 metrics
  EXPECT_EQ(CountOverlap(baseline, current), 4u);
}

TEST(CompareRawTest, FailedBenchmarkIsMissingWithItsError) {
  ResultSet baseline = LoadTestdata("nan_tokens.json");
  ResultSet current = baseline;
  current.series[0].errors = {"server died"};
  current.series[0].repetitions.clear();
  std::vector<Comparison> rows = CompareRaw(baseline, current, DefaultPolicy());
  ASSERT_EQ(rows.size(), 1u);  // only items_per_second is finite in that file
  EXPECT_EQ(rows[0].verdict, Verdict::kMissing);
  EXPECT_EQ(rows[0].note, "failed: server died");
}

TEST(CompareRatioTest, PairsRepetitionsByIndex) {
  ResultSet set = LoadTestdata("baseline.json");
  std::vector<double> ratios = TargetRatios(set, "SET/clients:1/pipeline:1", "items_per_second");
  ASSERT_EQ(ratios.size(), 5u);
  const Series* kv = set.Find("kv/SET/clients:1/pipeline:1");
  const Series* redis = set.Find("redis/SET/clients:1/pipeline:1");
  for (int i = 0; i < 5; ++i) {
    EXPECT_DOUBLE_EQ(ratios[i], kv->repetitions[i].metrics.at("items_per_second") /
                                    redis->repetitions[i].metrics.at("items_per_second"));
  }
  EXPECT_TRUE(TargetRatios(set, "SET/clients:1/pipeline:1", "nope").empty());
  EXPECT_TRUE(TargetRatios(set, "MSET/clients:1/pipeline:1", "items_per_second").empty());
  EXPECT_EQ(PairedCases(set),
            (std::vector<std::string>{"SET/clients:1/pipeline:1", "GET/clients:1/pipeline:1",
                                      "SET/clients:10/pipeline:16"}));
}

TEST(CompareRatioTest, UnmatchedRepetitionIndicesAreSkipped) {
  ResultSet set;
  Series kv;
  kv.name = "kv/A";
  Series redis;
  redis.name = "redis/A";
  for (int i : {0, 1, 2}) kv.repetitions.push_back({i, {{"items_per_second", 10.0 * (i + 1)}}});
  for (int i : {1, 2, 3}) redis.repetitions.push_back({i, {{"items_per_second", 5.0}}});
  set.series = {kv, redis};
  EXPECT_EQ(TargetRatios(set, "A", "items_per_second"), (std::vector<double>{4.0, 6.0}));
}

TEST(CompareRatioTest, RatioRowsCancelTheMachine) {
  // Every value 30 % slower (a slower machine): raw rows regress, ratio rows do not.
  ResultSet baseline = LoadTestdata("baseline.json");
  ResultSet current = LoadTestdata("current_slow_machine.json");
  for (const Comparison& c : CompareRaw(baseline, current, DefaultPolicy())) {
    if (c.metric == "items_per_second") {
      EXPECT_EQ(c.verdict, Verdict::kRegressed) << c.benchmark;
    }
  }
  std::vector<Comparison> ratios = CompareRatios(baseline, current, DefaultPolicy());
  // 3 cases × their metrics (GET has no bytes_per_key), then per metric the per-command rows
  // (SET and GET; none for bytes_per_key, which only SET has) and one all-cases row.
  EXPECT_EQ(ratios.size(), 27u);
  EXPECT_EQ(ratios.back().benchmark, kAllCasesRow);
  for (const Comparison& c : ratios) {
    EXPECT_EQ(c.mode, GateMode::kRatio);
    EXPECT_NE(c.verdict, Verdict::kRegressed) << c.benchmark << " " << c.metric;
  }
}

TEST(CompareRatioTest, AllCasesRowIsTheGeometricMeanPerRepetition) {
  // current_kv_slow: SET/clients:1/pipeline:1 is 20 % slower in every repetition, the other two
  // cases are unchanged, so each repetition's mean over 3 cases moves by exactly 0.8^(1/3).
  ResultSet baseline = LoadTestdata("baseline.json");
  ResultSet current = LoadTestdata("current_kv_slow.json");
  const std::vector<std::string> cases = PairedCases(baseline);
  ASSERT_EQ(cases.size(), 3u);
  std::vector<double> before = GeomeanRatios(baseline, cases, "items_per_second");
  std::vector<double> after = GeomeanRatios(current, cases, "items_per_second");
  ASSERT_EQ(before.size(), 5u);
  ASSERT_EQ(after.size(), 5u);
  for (size_t i = 0; i < before.size(); ++i) {
    double product = 1;
    for (const std::string& c : cases) product *= TargetRatios(baseline, c, "items_per_second")[i];
    EXPECT_NEAR(before[i], std::cbrt(product), 1e-12);
    EXPECT_NEAR(after[i] / before[i], std::cbrt(0.8), 1e-12);
  }
  const Comparison* row = nullptr;
  std::vector<Comparison> rows = CompareRatios(baseline, current, DefaultPolicy());
  for (const Comparison& c : rows) {
    if (c.benchmark == kAllCasesRow && c.metric == "items_per_second") row = &c;
  }
  ASSERT_NE(row, nullptr);
  ASSERT_TRUE(row->change.has_value());
  EXPECT_NEAR(*row->change, std::cbrt(0.8) - 1, 1e-9);  // -7.2 %: below the 10 % threshold
  // The same shift in every repetition: the interval is that shift alone, clearly below 1.
  EXPECT_EQ(row->verdict, Verdict::kRegressed);
  ASSERT_TRUE(row->ratio.has_value());
  EXPECT_NEAR(row->ratio->estimate, std::cbrt(0.8), 1e-9);
  EXPECT_TRUE(row->aggregate);
  // A case missing from one run leaves the mean undefined rather than biased.
  EXPECT_TRUE(GeomeanRatios(baseline, {cases[0], "NOPE/clients:1"}, "items_per_second").empty());
}

TEST(CompareRatioTest, PerCommandRowsAreGeometricMeansOfTheirCases) {
  // current_kv_slow: one of SET's two cases is 20 % slower: SET's row moves by sqrt(0.8), GET's
  // not at all.
  ResultSet baseline = LoadTestdata("baseline.json");
  ResultSet current = LoadTestdata("current_kv_slow.json");
  EXPECT_EQ(CommandOf("INCR/clients:10/pipeline:16"), "INCR");
  EXPECT_EQ(CommandRowName("INCR"), "INCR/* (geometric mean)");
  std::map<std::string, const Comparison*> rows;
  std::vector<Comparison> all = CompareRatios(baseline, current, DefaultPolicy());
  for (const Comparison& c : all) {
    if (c.metric == "items_per_second" && c.aggregate) rows[c.benchmark] = &c;
  }
  ASSERT_EQ(rows.size(), 3u);
  const Comparison& set = *rows.at(CommandRowName("SET"));
  EXPECT_NEAR(*set.change, std::sqrt(0.8) - 1, 1e-9);
  EXPECT_EQ(set.verdict, Verdict::kRegressed);
  EXPECT_EQ(set.note, "2 cases");
  const Comparison& get = *rows.at(CommandRowName("GET"));
  EXPECT_NEAR(*get.change, 0, 1e-9);
  EXPECT_EQ(get.verdict, Verdict::kNoClearDifference);
  EXPECT_TRUE(rows.contains(std::string(kAllCasesRow)));
}

TEST(CompareCheckComparableTest, SameSettingsCompare) {
  EXPECT_TRUE(
      CheckComparable(LoadTestdata("baseline.json"), LoadTestdata("current_same.json")).ok());
  // kv-load: host and port differ, but they say where, not what, was measured.
  EXPECT_TRUE(
      CheckComparable(LoadTestdata("kvload_baseline.json"), LoadTestdata("kvload_current.json"))
          .ok());
}

TEST(CompareCheckComparableTest, DifferentSettingsDoNot) {
  Status grid =
      CheckComparable(LoadTestdata("baseline.json"), LoadTestdata("current_other_grid.json"));
  ASSERT_FALSE(grid.ok());
  EXPECT_NE(grid.error().find("grid: baseline clients=1,10;pipeline=1,16, current "
                              "clients=1,10,50;pipeline=1,16"),
            std::string::npos);

  ResultSet debug = LoadTestdata("current_same.json");
  debug.context["build_type"] = "Debug";
  Status build = CheckComparable(LoadTestdata("baseline.json"), debug);
  ASSERT_FALSE(build.ok());
  EXPECT_NE(build.error().find("build_type"), std::string::npos);

  Status format =
      CheckComparable(LoadTestdata("baseline.json"), LoadTestdata("kvload_current.json"));
  ASSERT_FALSE(format.ok());
  EXPECT_NE(format.error().find("kv-load JSON"), std::string::npos);

  Status pipeline =
      CheckComparable(LoadTestdata("kvload_baseline.json"), LoadTestdata("kvload_pipeline16.json"));
  ASSERT_FALSE(pipeline.ok());
  EXPECT_NE(pipeline.error().find("pipeline: baseline 1, current 16"), std::string::npos);
}

TEST(CompareVerdictNameTest, Names) {
  EXPECT_EQ(VerdictName(Verdict::kImproved), "improved");
  EXPECT_EQ(VerdictName(Verdict::kRegressed), "regressed");
  EXPECT_EQ(VerdictName(Verdict::kNoClearDifference), "no clear difference");
  EXPECT_EQ(VerdictName(Verdict::kTooNoisy), "too noisy to tell");
  EXPECT_EQ(VerdictName(Verdict::kNew), "new");
  EXPECT_EQ(VerdictName(Verdict::kMissing), "missing");
}

}  // namespace
}  // namespace kv::compare
