// Comparing saturation searches: pairing, the bracket, Hodges–Lehmann over several searches,
// lower bounds, noise, incomparable inputs and the --max-drop decision.
#include "tools/compare/search_compare.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using nlohmann::json;
using testing::Contains;

json Config() {
  return {{"clients", 50},
          {"data_size", 3},
          {"pipeline", 1},
          {"keepalive", 1},
          {"dbnum", 0},
          {"keyspace", 1000},
          {"distribution", "uniform"},
          {"zipf_theta", nullptr},
          {"ratio", nullptr},
          {"command", json::array()},
          {"resp3", false},
          {"tls", false},
          {"cluster", false},
          {"threads", 1},
          {"port", 6379}};
}

// A document with one search of "GET" for p99<=1ms.
SearchRun Doc(const std::string& source, std::optional<double> answer, std::optional<double> broken,
              bool lower_bound = false) {
  Search s;
  s.title = "GET";
  s.objectives = {{.text = "p99<=1ms", .percentile = 99, .limit_ms = 1}};
  s.settings = {{"tolerance", 0.05}};
  s.answer_rps = answer;
  s.answer_achieved_rps = answer;
  if (broken) s.first_broken = FirstBroken{.offered_rps = *broken, .reasons = {}};
  s.lower_bound = lower_bound;
  s.limited_by = lower_bound ? LimitedBy::kClient : LimitedBy::kObjective;
  SearchRun run;
  run.source = source;
  run.config = Config();
  run.searches = {s};
  return run;
}

std::vector<SearchRun> Runs(const std::string& name, const std::vector<double>& answers) {
  std::vector<SearchRun> runs;
  for (size_t i = 0; i < answers.size(); ++i) {
    runs.push_back(Doc(name + std::to_string(i + 1), answers[i], answers[i] * 1.05));
  }
  return runs;
}

SearchRow Only(const Result<SearchComparison>& c) {
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error());
  if (!c.ok() || c->rows.size() != 1) return {};
  return c->rows.front();
}

bool AnyNote(const SearchRow& row, const std::string& part) {
  return std::any_of(row.notes.begin(), row.notes.end(),
                     [&](const std::string& n) { return Contains(n, part); });
}

TEST(SearchCompareTest, OneSearchASideGivesTheBracket) {
  const SearchRow row =
      Only(CompareSearches({Doc("kv", 41000, 43000)}, {Doc("redis", 36000, 38000)}));
  EXPECT_EQ(row.title, "GET");
  EXPECT_EQ(row.objectives, "p99<=1ms");
  EXPECT_EQ(row.method, RatioMethod::kBracket);
  ASSERT_TRUE(row.ratio.has_value());
  EXPECT_DOUBLE_EQ(*row.ratio, 41000.0 / 36000);
  ASSERT_TRUE(row.has_interval);
  EXPECT_DOUBLE_EQ(row.low, 41000.0 / 38000);  // A.answer ÷ B.first_broken
  ASSERT_TRUE(row.high.has_value());
  EXPECT_DOUBLE_EQ(*row.high, 43000.0 / 36000);  // A.first_broken ÷ B.answer
  EXPECT_FALSE(row.confidence.has_value());      // not a confidence interval
  EXPECT_EQ(row.bound, RatioBound::kEstimate);
  EXPECT_EQ(row.verdict, SearchVerdict::kHigher);
  EXPECT_FALSE(row.a.spread.has_value());

  const SearchRow lower =
      Only(CompareSearches({Doc("redis", 36000, 38000)}, {Doc("kv", 41000, 43000)}));
  EXPECT_EQ(lower.verdict, SearchVerdict::kLower);
  EXPECT_DOUBLE_EQ(*lower.high, 38000.0 / 41000);

  // Overlapping brackets: the searches' resolution cannot tell.
  const SearchRow overlap =
      Only(CompareSearches({Doc("a", 40000, 42000)}, {Doc("b", 41000, 43000)}));
  EXPECT_EQ(overlap.verdict, SearchVerdict::kNotResolved);
  EXPECT_LT(overlap.low, 1);
  EXPECT_GT(*overlap.high, 1);
}

TEST(SearchCompareTest, LowerBoundsMakeTheRatioABound) {
  // A client-limited: A ÷ B is at least its value; the interval has no upper end.
  SearchRow row =
      Only(CompareSearches({Doc("kv", 45000, 47000, true)}, {Doc("redis", 36000, 38000)}));
  EXPECT_EQ(row.bound, RatioBound::kAtLeast);
  EXPECT_DOUBLE_EQ(*row.ratio, 45000.0 / 36000);
  EXPECT_DOUBLE_EQ(row.low, 45000.0 / 38000);
  EXPECT_FALSE(row.high.has_value());
  EXPECT_EQ(row.verdict, SearchVerdict::kHigher);  // even its low end is above 1
  EXPECT_TRUE(AnyNote(row, "A's answer is only a lower bound")) << row.notes.front();

  // B client-limited: at most; no lower end. Below 1 everywhere: A lower.
  row = Only(CompareSearches({Doc("kv", 30000, 32000)}, {Doc("redis", 36000, 38000, true)}));
  EXPECT_EQ(row.bound, RatioBound::kAtMost);
  EXPECT_EQ(row.low, 0);
  EXPECT_DOUBLE_EQ(*row.high, 32000.0 / 36000);
  EXPECT_EQ(row.verdict, SearchVerdict::kLower);

  // A lower bound below B: the ratio's upper end is unknown, so nothing is resolved.
  row = Only(CompareSearches({Doc("kv", 30000, 32000, true)}, {Doc("redis", 36000, 38000)}));
  EXPECT_EQ(row.bound, RatioBound::kAtLeast);
  EXPECT_EQ(row.verdict, SearchVerdict::kNotResolved);

  row = Only(CompareSearches({Doc("kv", 30000, 32000, true)}, {Doc("redis", 36000, 38000, true)}));
  EXPECT_EQ(row.bound, RatioBound::kUnbounded);
  EXPECT_EQ(row.low, 0);
  EXPECT_FALSE(row.high.has_value());
  EXPECT_EQ(row.verdict, SearchVerdict::kNotResolved);
}

TEST(SearchCompareTest, NoAnswerOrNothingBroken) {
  // A met nothing (its rate is below 1000): no ratio, but an upper end.
  SearchRow row = Only(CompareSearches({Doc("a", std::nullopt, 1000)}, {Doc("b", 36000, 38000)}));
  EXPECT_FALSE(row.ratio.has_value());
  EXPECT_EQ(row.low, 0);
  EXPECT_DOUBLE_EQ(*row.high, 1000.0 / 36000);
  EXPECT_EQ(row.verdict, SearchVerdict::kLower);
  EXPECT_TRUE(AnyNote(row, "A met no objective"));
  // B never broke (and is not marked a lower bound): no upper end for B, so no lower end for
  // A ÷ B.
  row = Only(CompareSearches({Doc("a", 36000, 38000)}, {Doc("b", 80000, std::nullopt)}));
  EXPECT_EQ(row.low, 0);
  EXPECT_DOUBLE_EQ(*row.high, 38000.0 / 80000);
}

TEST(SearchCompareTest, SeveralSearchesGiveHodgesLehmann) {
  const std::vector<double> kv = {40000, 41000, 42000, 40500, 41500};
  const std::vector<double> redis = {36000, 35000, 37000, 36500, 35500};
  const SearchRow row = Only(CompareSearches(Runs("kv", kv), Runs("redis", redis)));
  EXPECT_EQ(row.method, RatioMethod::kHodgesLehmann);
  // Independently: the 25 pairwise ratios; the estimate is their median and, for 5 vs 5 at 95 %
  // (P(U <= 2) = 4/252 <= 0.025 < P(U <= 3) = 7/252), the interval is [r(3), r(23)].
  std::vector<double> ratios;
  for (double a : kv) {
    for (double b : redis) ratios.push_back(a / b);
  }
  std::sort(ratios.begin(), ratios.end());
  ASSERT_TRUE(row.ratio.has_value());
  EXPECT_NEAR(*row.ratio, ratios[12], 1e-12);
  ASSERT_TRUE(row.has_interval);
  EXPECT_NEAR(row.low, ratios[2], 1e-12);
  EXPECT_NEAR(*row.high, ratios[22], 1e-12);
  ASSERT_TRUE(row.confidence.has_value());
  EXPECT_NEAR(*row.confidence, 1 - 2 * 4.0 / 252, 1e-12);
  EXPECT_EQ(row.verdict, SearchVerdict::kHigher);
  // Spread: (max − min) ÷ median per side.
  EXPECT_DOUBLE_EQ(*row.a.median, 41000);
  EXPECT_DOUBLE_EQ(*row.a.spread, 2000.0 / 41000);
  EXPECT_DOUBLE_EQ(*row.b.spread, 2000.0 / 36000);
  EXPECT_FALSE(row.a.noisy);
  EXPECT_EQ(row.a.sources.size(), 5u);
}

TEST(SearchCompareTest, NoisySidesAreFlagged) {
  const SearchRow row = Only(CompareSearches(Runs("kv", {40000, 46000, 41000, 39000, 43000}),
                                             Runs("redis", {36000, 35000, 37000, 36500, 35500})));
  EXPECT_TRUE(row.a.noisy);
  EXPECT_DOUBLE_EQ(*row.a.spread, 7000.0 / 41000);
  EXPECT_FALSE(row.b.noisy);
  EXPECT_TRUE(AnyNote(row, "A is noisy: its answers spread 17.1 %")) << row.notes.front();
}

TEST(SearchCompareTest, TooFewSearchesForAnInterval) {
  // 2 vs 2: the smallest two-sided Mann–Whitney tail is 1/3; no 95 % interval.
  const SearchRow row =
      Only(CompareSearches(Runs("kv", {40000, 42000}), Runs("redis", {36000, 37000})));
  EXPECT_EQ(row.method, RatioMethod::kHodgesLehmann);
  EXPECT_FALSE(row.has_interval);
  ASSERT_TRUE(row.ratio.has_value());
  EXPECT_DOUBLE_EQ(*row.ratio, 41000.0 / 36500);  // of the medians
  EXPECT_EQ(row.verdict, SearchVerdict::kTooNoisy);
  EXPECT_TRUE(AnyNote(row, "2 vs 2 searches are too few"));
  // One search against several is Hodges–Lehmann too (and too few here).
  const SearchRow mixed = Only(CompareSearches({Doc("kv", 41000, 43000)}, Runs("redis", {1, 2})));
  EXPECT_EQ(mixed.method, RatioMethod::kHodgesLehmann);
}

TEST(SearchCompareTest, ALowerBoundAmongSeveralSearches) {
  std::vector<SearchRun> kv = Runs("kv", {40000, 41000, 42000, 40500, 41500});
  kv[2] = Doc("kv3", 42000, 44000, true);
  const SearchRow row =
      Only(CompareSearches(kv, Runs("redis", {36000, 35000, 37000, 36500, 35500})));
  EXPECT_TRUE(row.a.lower_bound);
  EXPECT_EQ(row.bound, RatioBound::kAtLeast);
  EXPECT_GT(row.low, 1);
  EXPECT_FALSE(row.high.has_value());
  EXPECT_EQ(row.verdict, SearchVerdict::kHigher);
}

TEST(SearchCompareTest, NoClearDifference) {
  const SearchRow row =
      Only(CompareSearches(Runs("a", {40000, 40100, 40200, 40300, 40400, 40500}),
                           Runs("b", {40050, 40150, 40250, 40350, 40450, 40550})));
  EXPECT_EQ(row.verdict, SearchVerdict::kNoClearDifference);
}

TEST(SearchCompareTest, DifferentObjectivesOrWorkloadsDoNotCompare) {
  SearchRun other = Doc("b", 36000, 38000);
  other.searches[0].objectives = {{.text = "p99<=2ms", .percentile = 99, .limit_ms = 2}};
  Result<SearchComparison> c = CompareSearches({Doc("a", 41000, 43000)}, {other});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Contains(c.error(), "different objectives for GET: p99<=1ms in a, p99<=2ms in b"))
      << c.error();

  // The same objective spelled differently compares.
  SearchRun spelled = Doc("b", 36000, 38000);
  spelled.searches[0].objectives[0].text = "p99<=1000us";
  EXPECT_TRUE(CompareSearches({Doc("a", 41000, 43000)}, {spelled}).ok());

  for (const auto& [key, value, flag] :
       {std::tuple{"data_size", json(100), "-d"}, std::tuple{"pipeline", json(16), "-P"},
        std::tuple{"clients", json(10), "-c"}, std::tuple{"keyspace", json(nullptr), "-r"},
        std::tuple{"ratio", json{{"get", 9}, {"set", 1}}, "--ratio"},
        std::tuple{"resp3", json(true), "-3"}}) {
    SearchRun b = Doc("b", 36000, 38000);
    b.config[key] = value;
    c = CompareSearches({Doc("a", 41000, 43000)}, {b});
    ASSERT_FALSE(c.ok()) << key;
    EXPECT_TRUE(Contains(c.error(), std::string("different workloads in a and b: ") + flag))
        << c.error();
  }
  // Within one side too.
  SearchRun a2 = Doc("a2", 41000, 43000);
  a2.config["data_size"] = 100;
  c = CompareSearches({Doc("a1", 41000, 43000), a2}, {Doc("b", 36000, 38000)});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Contains(c.error(), "a1 and a2: -d")) << c.error();

  // Different tests (-t).
  SearchRun two = Doc("b", 36000, 38000);
  two.searches.insert(two.searches.begin(), two.searches.front());
  two.searches.front().title = "SET";
  c = CompareSearches({Doc("a", 41000, 43000)}, {two});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Contains(c.error(), "different tests (-t): GET in a, SET,GET in b")) << c.error();

  EXPECT_FALSE(CompareSearches({}, {Doc("b", 1, 2)}).ok());
}

TEST(SearchCompareTest, ClientThreadsAndSearchSettingsAreWarnings) {
  SearchRun b = Doc("b", 36000, 38000);
  b.config["threads"] = 2;
  b.config["port"] = 6380;  // where the server listened does not matter at all
  b.searches[0].settings = {{"tolerance", 0.02}};
  Result<SearchComparison> c = CompareSearches({Doc("a", 41000, 43000)}, {b});
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_EQ(c->warnings.size(), 2u);
  EXPECT_TRUE(Contains(c->warnings[0], "client threads (--threads) differ: 1 in a, 2 in b"));
  EXPECT_TRUE(Contains(c->warnings[1], "GET: the search settings differ"));
}

TEST(SearchCompareTest, MaxDrop) {
  const SearchCompareOptions gate{.confidence = 0.95, .equal_band = 0.05, .max_drop = 0.10};
  const std::vector<double> base = {40000, 41000, 42000, 40500, 41500};
  // 25 % slower: even the upper end of the interval is below 0.9.
  Result<SearchComparison> slow =
      CompareSearches(Runs("cur", {30000, 31000, 29500, 30500, 31500}), Runs("base", base), gate);
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->regressions, 1);
  EXPECT_TRUE(slow->rows[0].regressed);
  // 5 % slower: within the allowed drop.
  Result<SearchComparison> same =
      CompareSearches(Runs("cur", {38000, 39000, 40000, 38500, 39500}), Runs("base", base), gate);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->regressions, 0);
  EXPECT_EQ(same->undecided, 0);
  // 2 vs 2: no interval, no decision.
  Result<SearchComparison> few =
      CompareSearches(Runs("cur", {30000, 31000}), Runs("base", {40000, 41000}), gate);
  ASSERT_TRUE(few.ok());
  EXPECT_EQ(few->regressions, 0);
  EXPECT_EQ(few->undecided, 1);
  EXPECT_TRUE(few->rows[0].undecided);
  // A bracket entirely below 0.9 fails; a lower-bound current never does (no upper end).
  Result<SearchComparison> bracket =
      CompareSearches({Doc("cur", 30000, 32000)}, {Doc("base", 40000, 42000)}, gate);
  ASSERT_TRUE(bracket.ok());
  EXPECT_EQ(bracket->regressions, 1);
  Result<SearchComparison> bound =
      CompareSearches({Doc("cur", 30000, 32000, true)}, {Doc("base", 40000, 42000)}, gate);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->regressions, 0);
}

}  // namespace
}  // namespace kv::compare
