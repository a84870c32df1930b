// Tests of the saturation search's reports: the verdict sentence in each ending, the table, the
// progress line, the exit status and the kv-load-search/1 JSON document.
#include "tools/load/slo_report.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tools/load/json_report.h"

namespace kv::load {
namespace {

SearchSettings Settings(const char* slo = "p99<=1ms") {
  SearchSettings s;
  s.objectives = ParseSloObjectives(slo).value();
  return s;
}

// A judged step; with_test attaches a TestResult whose corrected p99 is about values[0].
SearchStep Step(const SearchSettings& s, int index, SearchPhase phase, double offered,
                double achieved, std::vector<double> values, int64_t errors = 0,
                double busy = 0.2) {
  StepPlan plan;
  plan.index = index;
  plan.phase = phase;
  plan.offered_rps = offered;
  plan.duration_s = 2;
  plan.warmup_s = 0.5;
  StepMeasurement m;
  m.achieved_rps = achieved;
  m.requests = static_cast<int64_t>(achieved * 2);
  m.errors = errors;
  m.busiest_thread = busy;
  m.objective_ms = values;
  m.wall_s = 2.6;
  auto t = std::make_shared<TestResult>();
  t->title = "GET";
  t->open_loop = true;
  t->target_rps = offered;
  t->rps = achieved;
  t->requests_ok = m.requests;
  t->duration_s = 2;
  t->threads = 1;
  t->thread_busy = {busy};
  t->client_cpu_s = busy * 2;
  for (int i = 0; i < 100; ++i) {
    t->corrected.Record(static_cast<int64_t>(values[0] * 1e6));
    t->latency.Record(static_cast<int64_t>(values[0] * 0.5e6));
  }
  m.test = t;
  return JudgeStep(s, plan, m);
}

SearchReport Found(const SearchSettings& s) {
  SearchReport r;
  r.title = "GET";
  SearchOutcome& o = r.outcome;
  o.steps.push_back(Step(s, 0, SearchPhase::kRaise, 32'000, 32'000, {0.4}));
  o.steps.push_back(Step(s, 1, SearchPhase::kRaise, 64'000, 52'000, {1.73}));
  o.steps.push_back(Step(s, 2, SearchPhase::kBisect, 45'255, 45'200, {0.95}));
  o.steps.push_back(Step(s, 3, SearchPhase::kBisect, 47'000, 46'990, {1.2}));
  o.steps.push_back(Step(s, 4, SearchPhase::kRecheck, 45'255, 45'250, {0.82}));
  o.answer = 4;
  o.first_broken = 3;
  o.rechecked = true;
  o.elapsed_s = 13;
  return r;
}

TEST(SloReportTest, FormatRate) {
  EXPECT_EQ(FormatRate(0), "0");
  EXPECT_EQ(FormatRate(999.4), "999");
  EXPECT_EQ(FormatRate(1000), "1,000");
  EXPECT_EQ(FormatRate(41'000), "41,000");
  EXPECT_EQ(FormatRate(1'234'567), "1,234,567");
  EXPECT_EQ(FormatRate(NAN), "0");
}

TEST(SloReportTest, VerdictOfAFoundRate) {
  SearchSettings s = Settings();
  EXPECT_EQ(SearchVerdict(s, Found(s)),
            "GET: 45,255 rps meets p99<=1ms (p99 0.820 ms); 47,000 rps broke it (p99 1.200 ms); "
            "bracket +3.9 %, re-checked");
}

TEST(SloReportTest, VerdictNamesEveryReasonAndObjective) {
  SearchSettings s = Settings("p50<=0.3ms,p99.9<=5ms");
  SearchReport r;
  r.title = "SET";
  r.outcome.steps.push_back(Step(s, 0, SearchPhase::kRaise, 1000, 1000, {0.1, 1}));
  r.outcome.steps.push_back(Step(s, 1, SearchPhase::kRaise, 2000, 1500, {0.1, 6}, 12));
  r.outcome.answer = 0;
  r.outcome.first_broken = 1;
  r.outcome.limited_by = SearchLimit::kObjective;
  EXPECT_EQ(SearchVerdict(s, r),
            "SET: 1,000 rps meets p50<=0.3ms,p99.9<=5ms (p50 0.100 ms, p99.9 1.000 ms); 2,000 rps "
            "broke it (p99.9 6.000 ms, achieved 1,500 rps, 12 errors); bracket +100.0 %");
}

TEST(SloReportTest, VerdictOfAFailedRecheck) {
  SearchSettings s = Settings();
  SearchReport r = Found(s);
  r.outcome.rechecked = false;
  r.outcome.recheck_failed = true;
  r.outcome.answer = 0;
  r.outcome.first_broken = 4;
  r.outcome.steps[4] = Step(s, 4, SearchPhase::kRecheck, 45'255, 45'250, {1.1});
  EXPECT_EQ(SearchVerdict(s, r),
            "GET: 32,000 rps meets p99<=1ms (p99 0.400 ms); 45,255 rps broke it (p99 1.100 ms); "
            "bracket +41.4 %, moved down: the re-check at 45,255 rps broke");
}

TEST(SloReportTest, VerdictOfLowerBounds) {
  SearchSettings s = Settings();
  SearchReport r = Found(s);
  r.outcome.limited_by = SearchLimit::kClient;
  r.outcome.lower_bound = true;
  const std::string client = SearchVerdict(s, r);
  EXPECT_EQ(client.rfind("GET: at least 45,255 rps meets p99<=1ms", 0), 0u) << client;
  EXPECT_NE(client.find("lower bound: the client limited the search; use --threads, --tick or "
                        "more machines (kv-compare merge)"),
            std::string::npos)
      << client;
  // The lowest break came from a saturated client (a ceiling): the verdict says so.
  r.outcome.steps[3].client_saturated = true;
  const std::string ceiling = SearchVerdict(s, r);
  EXPECT_NE(ceiling.find("; 47,000 rps broke it with the client saturated (p99 1.200 ms"),
            std::string::npos)
      << ceiling;
  r.outcome.steps[3].client_saturated = false;
  r.outcome.limited_by = SearchLimit::kMaxTime;
  EXPECT_NE(SearchVerdict(s, r).find("lower bound: --slo-max-time (120 s) ran out"),
            std::string::npos);
  r.outcome.limited_by = SearchLimit::kMaxRate;
  EXPECT_EQ(SearchVerdict(s, r),
            "GET: at least 45,255 rps meets p99<=1ms (p99 0.820 ms); lower bound: --slo-max-rate "
            "reached");
  r.outcome.limited_by = SearchLimit::kServerFailed;
  r.outcome.failure = "connect: Connection refused";
  EXPECT_EQ(SearchVerdict(s, r).rfind(
                "GET: the server failed during the search (connect: Connection refused); at least "
                "45,255 rps meets",
                0),
            0u);
}

TEST(SloReportTest, VerdictWhenNoRateMeets) {
  SearchSettings s = Settings("p99<=0.01ms");
  SearchReport r;
  r.title = "GET";
  r.outcome.steps.push_back(Step(s, 0, SearchPhase::kRaise, 1000, 1000, {0.05}));
  r.outcome.steps.push_back(Step(s, 1, SearchPhase::kBisect, 100, 100, {0.045}));
  r.outcome.first_broken = 1;
  r.outcome.low_probe = true;
  EXPECT_EQ(SearchVerdict(s, r),
            "GET: p99<=0.01ms cannot be met even at 100 rps: measured p99 0.045 ms (network "
            "floor)");
  r.outcome.steps[1] = Step(s, 1, SearchPhase::kBisect, 100, 100, {0.001}, 7);
  r.outcome.limited_by = SearchLimit::kErrors;
  EXPECT_EQ(SearchVerdict(s, r), "GET: no rate met p99<=0.01ms: even 100 rps broke it (7 errors)");
  r.outcome.steps.pop_back();
  r.outcome.first_broken = 0;
  r.outcome.low_probe = false;
  r.outcome.limited_by = SearchLimit::kMaxTime;
  EXPECT_EQ(SearchVerdict(s, r),
            "GET: no rate met p99<=0.01ms before --slo-max-time (120 s) ran out: 1,000 rps broke "
            "it (p99 0.050 ms)");
  SearchReport dead;
  dead.title = "GET";
  dead.outcome.limited_by = SearchLimit::kServerFailed;
  dead.outcome.failure = "connect: Connection refused";
  dead.outcome.lower_bound = true;
  EXPECT_EQ(SearchVerdict(s, dead),
            "GET: the server failed during the search (connect: Connection refused); no step met "
            "p99<=0.01ms");
}

TEST(SloReportTest, TextHasTheVerdictFirstThenEveryStep) {
  SearchSettings s = Settings();
  SearchReport r = Found(s);
  const std::string text = FormatSearch(s, r);
  EXPECT_EQ(text.rfind(SearchVerdict(s, r) + "\n\nstep  phase", 0), 0u) << text;
  EXPECT_NE(text.find("   1  raise       64,000     52,000     1.730     1.730      1.730     "
                      "0.865     0.865      0.865       0   0.40  20.0 %  broke: p99 1.730 ms, "
                      "achieved 52,000 rps\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("   4  recheck     45,255     45,250"), std::string::npos) << text;
  EXPECT_NE(text.find("  met\n"), std::string::npos);
  EXPECT_NE(text.find("5 steps in 13.0 s"), std::string::npos) << text;
}

TEST(SloReportTest, ProgressLine) {
  SearchSettings s = Settings();
  SearchStep st = Step(s, 3, SearchPhase::kBisect, 47'000, 46'990, {1.2}, 0, 0.95);
  EXPECT_EQ(FormatStepProgress(s, "GET", st),
            "GET step 3 (bisect) 47,000 rps: achieved 46,990 rps, p99 1.200 ms, busiest thread "
            "95.0 % - broke (p99 1.200 ms) [client saturated]");
}

TEST(SloReportTest, ExitStatus) {
  SearchSettings s = Settings();
  SearchReport ok = Found(s);
  SearchReport none;
  none.outcome.first_broken = std::nullopt;
  SearchReport dead = Found(s);
  dead.outcome.limited_by = SearchLimit::kServerFailed;
  SearchReport bound = Found(s);
  bound.outcome.limited_by = SearchLimit::kClient;
  bound.outcome.lower_bound = true;
  EXPECT_EQ(SearchExitStatus({ok}), 0);
  EXPECT_EQ(SearchExitStatus({ok, bound}), 0);
  EXPECT_EQ(SearchExitStatus({ok, none}), kExitSearchNoRate);
  EXPECT_EQ(SearchExitStatus({none, dead}), kExitSearchServerFailed);
}

TEST(SloReportTest, JsonFollowsTheSchema) {
  SearchSettings s = Settings();
  Options o;
  o.slo = s.objectives;
  SearchReport r = Found(s);
  nlohmann::json doc = SearchReportJson(o, ServerConfig{"", "no"}, s, {r});
  EXPECT_EQ(doc["schema"], "kv-load-search/1");
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["tool"], "kv-load");
  EXPECT_EQ(doc["config"], ConfigJson(o));
  EXPECT_EQ(doc["server"]["appendonly"], "no");
  ASSERT_EQ(doc["searches"].size(), 1u);
  const nlohmann::json& j = doc["searches"][0];
  EXPECT_EQ(j["title"], "GET");
  EXPECT_EQ(j["objectives"],
            nlohmann::json::parse(R"([{"text":"p99<=1ms","percentile":99.0,"limit_ms":1.0}])"));
  EXPECT_EQ(j["settings"], nlohmann::json::parse(R"({"tolerance":0.05,"start_rps":1000.0,
            "growth":2.0,"step_s":2.0,"warmup_s":0.5,"min_requests":5000,"max_time_s":120.0,
            "confirm_breaks":true})"));
  EXPECT_EQ(j["answer_rps"], 45'255.0);
  EXPECT_EQ(j["answer_achieved_rps"], 45'250.0);
  EXPECT_EQ(j["first_broken"]["offered_rps"], 47'000.0);
  EXPECT_EQ(
      j["first_broken"]["reasons"],
      nlohmann::json::parse(R"([{"kind":"objective","objective":"p99<=1ms","value_ms":1.2}])"));
  EXPECT_EQ(j["limited_by"], "objective");
  EXPECT_EQ(j["lower_bound"], false);
  EXPECT_EQ(j["verdict"], SearchVerdict(s, r));
  EXPECT_EQ(j["elapsed_s"], 13.0);
  ASSERT_EQ(j["steps"].size(), 5u);
  const nlohmann::json& step = j["steps"][1];
  EXPECT_EQ(step["index"], 1);
  EXPECT_EQ(step["phase"], "raise");
  EXPECT_EQ(step["offered_rps"], 64'000.0);
  EXPECT_EQ(step["met"], false);
  EXPECT_EQ(step["reasons"][1],
            nlohmann::json::parse(R"({"kind":"shortfall","achieved_rps":52000.0})"));
  EXPECT_EQ(step["client_saturated"], false);
  EXPECT_EQ(step["test"], TestJson(*r.outcome.steps[1].measured.test));
  EXPECT_EQ(j["steps"][4]["phase"], "recheck");
  EXPECT_TRUE(j["steps"][0]["reasons"].empty());
  // Every key of the contract, and no other.
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"answer_achieved_rps", "answer_rps", "elapsed_s",
                                      "first_broken", "limited_by", "lower_bound", "objectives",
                                      "settings", "steps", "title", "verdict"}));
}

TEST(SloReportTest, JsonWithoutAnAnswerHasNulls) {
  SearchSettings s = Settings();
  SearchReport r;
  r.title = "GET";
  r.outcome.limited_by = SearchLimit::kServerFailed;
  r.outcome.failure = "connect: Connection refused";
  nlohmann::json j = SearchJson(s, r);
  EXPECT_TRUE(j["answer_rps"].is_null());
  EXPECT_TRUE(j["answer_achieved_rps"].is_null());
  EXPECT_TRUE(j["first_broken"].is_null());
  EXPECT_EQ(j["limited_by"], "server_failed");
  EXPECT_TRUE(j["steps"].empty());
}

}  // namespace
}  // namespace kv::load
