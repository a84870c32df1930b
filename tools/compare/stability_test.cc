// Stability over hand-made runs (testdata/generate_stability.py) whose CVs are known exactly.
#include "tools/compare/stability.h"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>
#include <utility>

#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using testing::LoadTestdata;

constexpr double kEps = 1e-12;
constexpr const char* kSet = "SET/clients:1/pipeline:1";
constexpr const char* kGet = "GET/clients:1/pipeline:1";
constexpr const char* kIncr = "INCR/clients:1/pipeline:1";
constexpr const char* kDel = "DEL/clients:1/pipeline:1";

std::vector<ResultSet> Load(const std::vector<std::string>& names) {
  std::vector<ResultSet> runs;
  for (const std::string& name : names) runs.push_back(LoadTestdata(name));
  return runs;
}

std::vector<ResultSet> ThreeRuns() {
  return Load({"stability_run1.json", "stability_run2.json", "stability_run3.json"});
}

const StabilityRow* FindRow(const StabilityReport& report, const std::string& case_name) {
  for (const StabilityRow& row : report.rows) {
    if (row.case_name == case_name) return &row;
  }
  return nullptr;
}

// Sample CV of two values: |a - b| / sqrt(2) / ((a + b) / 2).
double TwoValueCv(double a, double b) { return std::sqrt(2.0) * std::fabs(a - b) / (a + b); }

TEST(CompareStabilityTest, ThreeRunsGiveTheExactMediansAndCvs) {
  std::vector<ResultSet> runs = ThreeRuns();
  auto report = Stability(runs);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->metric, "items_per_second");
  EXPECT_EQ(report->sources, (std::vector<std::string>{"stability_run1.json", "stability_run2.json",
                                                       "stability_run3.json"}));
  ASSERT_EQ(report->rows.size(), 2u);
  EXPECT_EQ(report->rows[0].case_name, kSet);  // first run's order
  EXPECT_EQ(report->rows[1].case_name, kGet);

  // SET: kv and redis move together by ±10% between runs; every ratio is exactly 1.25.
  const StabilityRow& set = report->rows[0];
  ASSERT_EQ(set.runs.size(), 3u);
  const double kv_set[] = {18000, 20000, 22000};
  const double redis_set[] = {14400, 16000, 17600};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(set.runs[i].kv_median, kv_set[i]);
    EXPECT_EQ(set.runs[i].redis_median, redis_set[i]);
    EXPECT_EQ(set.runs[i].ratio_median, 1.25);
    EXPECT_EQ(set.runs[i].ratios, 3u);
  }
  EXPECT_NEAR(set.kv_cv, 0.1, kEps);  // stddev 2000 / mean 20000
  EXPECT_NEAR(set.redis_cv, 0.1, kEps);
  EXPECT_EQ(set.ratio_cv, 0.0);

  // GET: kv steady at 20000, redis 20000/16000/25000, ratio medians 1.0/1.5/0.8.
  const StabilityRow& get = report->rows[1];
  EXPECT_EQ(get.kv_cv, 0.0);
  EXPECT_NEAR(get.redis_cv, std::sqrt(183.0) / 61, kEps);
  EXPECT_NEAR(get.ratio_cv, std::sqrt(0.13) / 1.1, kEps);

  EXPECT_NEAR(report->median_kv_cv, 0.05, kEps);
  EXPECT_NEAR(report->median_redis_cv, (0.1 + std::sqrt(183.0) / 61) / 2, kEps);
  EXPECT_NEAR(report->median_ratio_cv, std::sqrt(0.13) / 2.2, kEps);
  EXPECT_EQ(report->ratio_steadier, 1u);  // SET only: GET's ratio moved more than kv did
  EXPECT_TRUE(report->warnings.empty());
}

TEST(CompareStabilityTest, RatioIsTheMedianOfPerRepetitionRatiosNotTheRatioOfMedians) {
  std::vector<ResultSet> runs = ThreeRuns();
  auto report = Stability(runs);
  ASSERT_TRUE(report.ok()) << report.error();
  const StabilityRow* get = FindRow(*report, kGet);
  ASSERT_NE(get, nullptr);
  // Run 2: kv 20000/24000/15000, redis 12800/16000/20000 -> ratios 1.5625/1.5/0.75.
  const StabilityRun& run2 = get->runs[1];
  EXPECT_EQ(run2.kv_median, 20000);
  EXPECT_EQ(run2.redis_median, 16000);
  EXPECT_EQ(run2.ratio_median, 1.5);  // 20000 / 16000 would be 1.25
  EXPECT_EQ(get->runs[0].ratio_median, 1.0);
  EXPECT_NEAR(get->runs[2].ratio_median, 0.8, kEps);
}

TEST(CompareStabilityTest, CasesNotUsableInEveryRunAreSkippedWithTheReason) {
  std::vector<ResultSet> runs = ThreeRuns();
  auto report = Stability(runs);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(FindRow(*report, kIncr), nullptr);
  EXPECT_EQ(FindRow(*report, "MSET/clients:1/pipeline:1"), nullptr);  // kv only: not a pair
  ASSERT_EQ(report->skipped.size(), 2u);
  EXPECT_EQ(report->skipped[0].case_name, kIncr);
  EXPECT_EQ(report->skipped[0].reason,
            "no items_per_second kv÷redis ratio in stability_run3.json (redis failed: ERR server "
            "closed the connection)");
  EXPECT_EQ(report->skipped[1].case_name, kDel);
  EXPECT_EQ(report->skipped[1].reason,
            "paired (kv and redis) in 1 of 3 runs; not in stability_run2.json, "
            "stability_run3.json");
}

TEST(CompareStabilityTest, TwoRuns) {
  std::vector<ResultSet> runs = Load({"stability_run1.json", "stability_run2.json"});
  auto report = Stability(runs);
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_EQ(report->rows.size(), 3u);  // INCR is fine in runs 1 and 2
  const StabilityRow* incr = FindRow(*report, kIncr);
  ASSERT_NE(incr, nullptr);
  EXPECT_EQ(incr->kv_cv, 0.0);
  EXPECT_NEAR(incr->redis_cv, TwoValueCv(25000, 24000), kEps);
  EXPECT_NEAR(incr->ratio_cv, TwoValueCv(1.2, 1.25), kEps);
  const StabilityRow* set = FindRow(*report, kSet);
  ASSERT_NE(set, nullptr);
  EXPECT_NEAR(set->kv_cv, TwoValueCv(18000, 20000), kEps);
  // Three rows: the medians are the middle CVs. kv: SET 0.0743, GET 0, INCR 0.
  EXPECT_EQ(report->median_kv_cv, 0.0);
  EXPECT_EQ(report->ratio_steadier, 1u);  // SET (0 < 0.0743); GET and INCR have kv CV 0
  ASSERT_EQ(report->skipped.size(), 1u);
  EXPECT_EQ(report->skipped[0].case_name, kDel);
  EXPECT_NE(report->skipped[0].reason.find("in 1 of 2 runs; not in stability_run2.json"),
            std::string::npos);
}

TEST(CompareStabilityTest, OrderOfRunsChangesNoCv) {
  std::vector<ResultSet> forward = ThreeRuns();
  std::vector<ResultSet> shuffled =
      Load({"stability_run3.json", "stability_run1.json", "stability_run2.json"});
  auto a = Stability(forward);
  auto b = Stability(shuffled);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->rows.size(), b->rows.size());
  for (const StabilityRow& row : a->rows) {
    const StabilityRow* other = FindRow(*b, row.case_name);
    ASSERT_NE(other, nullptr) << row.case_name;
    EXPECT_NEAR(row.kv_cv, other->kv_cv, kEps);
    EXPECT_NEAR(row.redis_cv, other->redis_cv, kEps);
    EXPECT_NEAR(row.ratio_cv, other->ratio_cv, kEps);
    EXPECT_EQ(row.runs[0].kv_median, other->runs[1].kv_median);  // per-run values in input order
  }
}

TEST(CompareStabilityTest, FewerThanTwoRunsIsAnError) {
  std::vector<ResultSet> none;
  auto zero = Stability(none);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error(), "stability needs at least 2 runs, got 0");
  std::vector<ResultSet> one = Load({"stability_run1.json"});
  auto single = Stability(one);
  ASSERT_FALSE(single.ok());
  EXPECT_EQ(single.error(), "stability needs at least 2 runs, got 1");
}

TEST(CompareStabilityTest, NothingPairedInAllRunsIsAnError) {
  std::vector<ResultSet> disjoint = Load({"stability_run1.json", "stability_disjoint.json"});
  auto report = Stability(disjoint);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().find("no case has kv/<case> and redis/<case> items_per_second results "
                                "in all 2 runs"),
            std::string::npos)
      << report.error();
  EXPECT_NE(report.error().find("first: SET/clients:1/pipeline:1: paired (kv and redis) in 1 of 2"),
            std::string::npos)
      << report.error();
  // kv-load results name tests "SET", "GET": nothing is a kv/redis pair.
  std::vector<ResultSet> kvload = Load({"kvload_baseline.json", "kvload_current.json"});
  EXPECT_FALSE(Stability(kvload).ok());
}

// A run made in code: case -> (kv values, redis values), repetition i paired with i.
ResultSet MakeRun(const std::string& source,
                  const std::vector<std::tuple<std::string, double, double>>& cases) {
  ResultSet set;
  set.source = source;
  for (const auto& [case_name, kv, redis] : cases) {
    for (const auto& [target, value] : {std::pair{"kv", kv}, std::pair{"redis", redis}}) {
      Series s;
      s.name = std::string(target) + "/" + case_name;
      s.repetitions.push_back({0, {{"items_per_second", value}}});
      set.series.push_back(std::move(s));
    }
  }
  return set;
}

TEST(CompareStabilityTest, NonFiniteResultsAreSkippedNotReported) {
  std::vector<ResultSet> runs = {
      MakeRun("a.json", {{"OK", 100, 50}, {"HUGE_RATIO", 1e308, 1e-308}, {"HUGE", 1.7e308, 1e300}}),
      MakeRun("b.json", {{"OK", 110, 50}, {"HUGE_RATIO", 1e308, 1e-308}, {"HUGE", 1.0e308, 1e300}}),
  };
  auto report = Stability(runs);
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_EQ(report->rows.size(), 1u);
  EXPECT_EQ(report->rows[0].case_name, "OK");
  EXPECT_NEAR(report->rows[0].ratio_cv, TwoValueCv(2.0, 2.2), kEps);
  ASSERT_EQ(report->skipped.size(), 2u);
  EXPECT_EQ(report->skipped[0].case_name, "HUGE_RATIO");
  EXPECT_EQ(report->skipped[0].reason, "non-finite kv÷redis ratio in a.json");
  EXPECT_EQ(report->skipped[1].case_name, "HUGE");  // the mean of the kv medians overflows
  EXPECT_NE(report->skipped[1].reason.find("coefficient of variation"), std::string::npos);
}

TEST(CompareStabilityTest, AnotherMetric) {
  std::vector<ResultSet> runs = {MakeRun("a.json", {{"X", 100, 50}}),
                                 MakeRun("b.json", {{"X", 100, 50}})};
  auto report = Stability(runs, "p99_us");
  ASSERT_FALSE(report.ok());  // the runs have items_per_second only
  EXPECT_NE(report.error().find("no p99_us kv÷redis ratio in a.json"), std::string::npos)
      << report.error();
}

}  // namespace
}  // namespace kv::compare
