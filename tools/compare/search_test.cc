// Reading saturation-search documents: the fields, and a clear error for every kind of bad input.
#include "tools/compare/search.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using nlohmann::json;
using testing::Contains;
using testing::ReadTestdata;

json Doc() { return json::parse(ReadTestdata("search_kv.json")); }

// The error reading `doc`, or "" when it reads.
std::string ErrorOf(const json& doc) {
  Result<SearchRun> run = ReadSearchDocument(doc, "x.json");
  return run.ok() ? "" : run.error();
}

TEST(SearchReadTest, ReadsTheContract) {
  Result<SearchRun> run = ParseSearchRun(ReadTestdata("search_kv.json"), "search_kv.json");
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_EQ(run->version, "0.1.0");
  EXPECT_EQ(run->config["clients"], 50);
  ASSERT_EQ(run->searches.size(), 1u);
  const Search& s = run->searches.front();
  EXPECT_EQ(s.title, "GET");
  ASSERT_EQ(s.objectives.size(), 1u);
  EXPECT_EQ(s.objectives[0].text, "p99<=1ms");
  EXPECT_DOUBLE_EQ(s.objectives[0].percentile, 99.0);
  EXPECT_DOUBLE_EQ(s.objectives[0].limit_ms, 1.0);
  EXPECT_EQ(s.ObjectivesText(), "p99<=1ms");
  EXPECT_EQ(s.answer_rps, 41000.0);
  ASSERT_TRUE(s.first_broken.has_value());
  EXPECT_DOUBLE_EQ(s.first_broken->offered_rps, 43000.0);
  ASSERT_EQ(s.first_broken->reasons.size(), 1u);
  EXPECT_EQ(s.first_broken->reasons[0].kind, BreakKind::kObjective);
  EXPECT_EQ(s.first_broken->reasons[0].Describe(), "p99<=1ms: 1.700 ms");
  EXPECT_EQ(s.UpperBound(), 43000.0);
  EXPECT_EQ(s.limited_by, LimitedBy::kObjective);
  EXPECT_FALSE(s.lower_bound);
  EXPECT_EQ(s.settings["tolerance"], 0.05);
  // 1000 .. 32000 doubling, the answer, the broken rate, the re-check.
  ASSERT_EQ(s.steps.size(), 9u);
  const SearchStep& broken = s.steps[7];
  EXPECT_EQ(broken.phase, "bisect");
  EXPECT_FALSE(broken.met);
  EXPECT_DOUBLE_EQ(broken.offered_rps, 43000);
  EXPECT_DOUBLE_EQ(broken.corrected.p99, 1.7);
  EXPECT_NEAR(broken.corrected.p99_9, 1.7 * 1.6, 1e-12);
  EXPECT_NEAR(broken.uncorrected.p99, 1.7 * 0.6, 1e-12);
  EXPECT_NEAR(broken.achieved_rps, 43000 * 0.998, 1e-6);
  EXPECT_EQ(s.steps.back().phase, "recheck");
  EXPECT_TRUE(s.steps.back().met);
}

TEST(SearchReadTest, ALowerBoundHasNoUpperEnd) {
  Result<SearchRun> run =
      ParseSearchRun(ReadTestdata("search_kv_client.json"), "search_kv_client.json");
  ASSERT_TRUE(run.ok()) << run.error();
  const Search& s = run->searches.front();
  EXPECT_TRUE(s.lower_bound);
  EXPECT_EQ(s.limited_by, LimitedBy::kClient);
  EXPECT_TRUE(s.first_broken.has_value());
  EXPECT_FALSE(s.UpperBound().has_value());  // what broke was the client
  EXPECT_TRUE(s.steps[s.steps.size() - 2].client_saturated);
}

TEST(SearchReadTest, NullAnswerAndNullFirstBroken) {
  json none_met = Doc();
  none_met["searches"][0]["answer_rps"] = nullptr;
  none_met["searches"][0]["answer_achieved_rps"] = nullptr;
  Result<SearchRun> run = ReadSearchDocument(none_met, "x.json");
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_FALSE(run->searches[0].answer_rps.has_value());

  json none_broke = Doc();
  none_broke["searches"][0]["first_broken"] = nullptr;
  none_broke["searches"][0]["limited_by"] = "max_rate";
  run = ReadSearchDocument(none_broke, "x.json");
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_EQ(run->searches[0].limited_by, LimitedBy::kMaxRate);
  EXPECT_FALSE(run->searches[0].UpperBound().has_value());

  json neither = none_met;
  neither["searches"][0]["first_broken"] = nullptr;
  EXPECT_TRUE(Contains(ErrorOf(neither), "neither an answer nor a first broken rate"));
}

TEST(SearchReadTest, AKvLoadRunWhereASearchIsExpected) {
  Result<SearchRun> run =
      ParseSearchRun(ReadTestdata("kvload_baseline.json"), "kvload_baseline.json");
  ASSERT_FALSE(run.ok());
  EXPECT_TRUE(Contains(run.error(), "kvload_baseline.json: a kv-load run")) << run.error();
  EXPECT_TRUE(Contains(run.error(), "not a saturation search")) << run.error();
  EXPECT_TRUE(Contains(run.error(), "kv-load --slo")) << run.error();

  run = ParseSearchRun(ReadTestdata("baseline.json"), "baseline.json");  // Google Benchmark
  ASSERT_FALSE(run.ok());
  EXPECT_TRUE(Contains(run.error(), "baseline.json: no \"schema\"")) << run.error();

  json gate = {{"schema", "kv-compare-gate"}};
  EXPECT_TRUE(Contains(ErrorOf(gate), "schema \"kv-compare-gate\"")) << ErrorOf(gate);
  EXPECT_TRUE(Contains(ErrorOf(json::array()), "not a JSON object"));
}

TEST(SearchReadTest, OtherVersions) {
  json doc = Doc();
  doc["schema_version"] = 2;
  EXPECT_TRUE(Contains(ErrorOf(doc), "version 2; this kv-compare reads \"kv-load-search/1\""))
      << ErrorOf(doc);
  doc = Doc();
  doc["schema"] = "kv-load-search/2";
  EXPECT_TRUE(Contains(ErrorOf(doc), "search schema \"kv-load-search/2\"")) << ErrorOf(doc);
  doc = Doc();
  doc.erase("schema_version");
  EXPECT_TRUE(Contains(ErrorOf(doc), "no integer \"schema_version\"")) << ErrorOf(doc);
}

TEST(SearchReadTest, MissingAndMistypedFields) {
  struct Case {
    const char* pointer;  // JSON pointer of the field to remove
    const char* message;
  };
  for (const Case& c : {
           Case{"/config", "x.json: \"config\" is not an object"},
           Case{"/searches", "x.json: \"searches\" is not an array"},
           Case{"/searches/0/title", "x.json: searches[0]: \"title\" is not a string"},
           Case{"/searches/0/answer_rps", "search \"GET\": no \"answer_rps\" (a number, or null)"},
           Case{"/searches/0/first_broken", "search \"GET\": no \"first_broken\""},
           Case{"/searches/0/lower_bound", "search \"GET\": \"lower_bound\" is not a boolean"},
           Case{"/searches/0/objectives/0/limit_ms", "objectives[0]: no \"limit_ms\""},
           Case{"/searches/0/steps/3/test/corrected_latency_ms",
                "steps[3]: test: \"corrected_latency_ms\" is not an object"},
           Case{"/searches/0/steps/3/test/rps", "steps[3]: test: no \"rps\""},
           Case{"/searches/0/steps/2/offered_rps", "steps[2]: no \"offered_rps\""},
           Case{"/searches/0/first_broken/reasons/0/value_ms",
                "first_broken: reasons[0]: no \"value_ms\""},
       }) {
    json doc = Doc();
    const json::json_pointer pointer(c.pointer);
    doc[pointer.parent_pointer()].erase(pointer.back());
    EXPECT_TRUE(Contains(ErrorOf(doc), c.message)) << c.pointer << ": " << ErrorOf(doc);
  }
  json doc = Doc();
  doc["searches"][0]["answer_rps"] = "41000";
  EXPECT_TRUE(Contains(ErrorOf(doc), "\"answer_rps\" is not a number")) << ErrorOf(doc);
  doc = Doc();
  doc["searches"][0]["answer_achieved_rps"] = nullptr;
  EXPECT_TRUE(Contains(ErrorOf(doc), "must both be null or both numbers")) << ErrorOf(doc);
  doc = Doc();
  doc["searches"][0]["objectives"] = json::array();
  EXPECT_TRUE(Contains(ErrorOf(doc), "\"objectives\" is empty")) << ErrorOf(doc);
  doc = Doc();
  doc["searches"] = json::array();
  EXPECT_TRUE(Contains(ErrorOf(doc), "\"searches\" is empty")) << ErrorOf(doc);
  doc = Doc();
  doc["searches"].push_back(doc["searches"][0]);
  EXPECT_TRUE(Contains(ErrorOf(doc), "search \"GET\" appears twice")) << ErrorOf(doc);
}

TEST(SearchReadTest, UnknownWordsAndInconsistencies) {
  json doc = Doc();
  doc["searches"][0]["limited_by"] = "patience";
  EXPECT_TRUE(Contains(ErrorOf(doc), "unknown \"limited_by\" \"patience\"")) << ErrorOf(doc);
  doc = Doc();
  doc["searches"][0]["steps"][0]["phase"] = "guess";
  EXPECT_TRUE(Contains(ErrorOf(doc), "steps[0]: unknown \"phase\" \"guess\"")) << ErrorOf(doc);
  doc = Doc();
  doc["searches"][0]["first_broken"]["reasons"][0]["kind"] = "weather";
  EXPECT_TRUE(Contains(ErrorOf(doc), "unknown \"kind\" \"weather\"")) << ErrorOf(doc);
  doc = Doc();
  doc["searches"][0]["steps"][0]["met"] = false;
  EXPECT_TRUE(Contains(ErrorOf(doc), "steps[0]: not met, yet it has no reason why"))
      << ErrorOf(doc);
  doc = Doc();
  doc["searches"][0]["first_broken"]["offered_rps"] = 40000.0;
  EXPECT_TRUE(Contains(ErrorOf(doc), "\"first_broken\" rate 40000 is below the answer 41000"))
      << ErrorOf(doc);
  doc = Doc();
  doc["searches"][0]["first_broken"]["offered_rps"] = 41000.0;  // the re-check broke: allowed
  EXPECT_EQ(ErrorOf(doc), "");
  doc = Doc();
  doc["searches"][0]["answer_rps"] = -5.0;
  EXPECT_TRUE(Contains(ErrorOf(doc), "\"answer_rps\" is not positive")) << ErrorOf(doc);
}

TEST(SearchReadTest, NonFiniteNumbers) {
  std::string text = ReadTestdata("search_kv.json");
  const std::string field = "\"answer_rps\":41000.0";
  ASSERT_NE(text.find(field), std::string::npos);
  for (const char* bad : {"NaN", "Infinity", "-Infinity"}) {
    std::string nan = text;
    nan.replace(nan.find(field), field.size(), std::string("\"answer_rps\":") + bad);
    Result<SearchRun> run = ParseSearchRun(nan, "nan.json");
    ASSERT_FALSE(run.ok()) << bad;
    EXPECT_TRUE(Contains(run.error(), "nan.json: holds a non-finite number")) << run.error();
  }
  std::string huge = text;
  huge.replace(huge.find(field), field.size(), "\"answer_rps\":1e999");
  Result<SearchRun> run = ParseSearchRun(huge, "huge.json");
  ASSERT_FALSE(run.ok());
  EXPECT_TRUE(Contains(run.error(), "huge.json: malformed JSON")) << run.error();
  run = ParseSearchRun("{\"schema\": ", "cut.json");
  ASSERT_FALSE(run.ok());
  EXPECT_TRUE(Contains(run.error(), "cut.json: malformed JSON")) << run.error();
}

TEST(SearchReadTest, IsSearchDocument) {
  EXPECT_TRUE(IsSearchDocument(Doc()));
  EXPECT_TRUE(IsSearchDocument(json{{"schema", "kv-load-search/7"}}));
  EXPECT_FALSE(IsSearchDocument(json{{"schema", "kv-load/2"}}));
  EXPECT_FALSE(IsSearchDocument(json::array()));
}

TEST(SearchReadTest, LoadSearchRunNamesAMissingFile) {
  Result<SearchRun> run = LoadSearchRun("/nonexistent/search.json");
  ASSERT_FALSE(run.ok());
  EXPECT_TRUE(Contains(run.error(), "/nonexistent/search.json")) << run.error();
}

}  // namespace
}  // namespace kv::compare
