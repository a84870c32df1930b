// kv-compare merge on synthetic kv-load JSON written by kv-load's own reporter: associativity,
// throughput over the span, the overlap warning, the errors, and that the rest of kv-compare
// accepts the result.
#include "tools/compare/merge.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "stats/histogram.h"
#include "tools/compare/cli.h"
#include "tools/compare/compare.h"
#include "tools/compare/gate.h"
#include "tools/compare/html/report_command.h"
#include "tools/compare/result_set.h"
#include "tools/compare/test_util.h"
#include "tools/load/cli.h"
#include "tools/load/json_report.h"

namespace kv::compare {
namespace {

using nlohmann::json;
using testing::Cli;
using testing::CliRun;

constexpr int64_t kT0 = 1'764'680'000'000'000;  // µs since the epoch
constexpr int64_t kSecond = 1'000'000;

int64_t Micros(double seconds) { return std::llround(seconds * 1e6); }

// Latencies (ns) of process `k`: spread over 50 µs .. ~1 ms, different for every k, plus one
// slow outlier so that the tails differ too.
std::vector<int64_t> Latencies(int k, int n) {
  std::vector<int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(50'000 + (i * 7919 + k * 104'729) % 100'000 * 10);
  out.push_back(5'000'000 * (k + 1));
  return out;
}

// One test of one process: its latencies, window [start_us, start_us + duration_s], errors.
load::TestResult OneTest(const std::string& title, bool open, const std::vector<int64_t>& values,
                         int64_t start_us, double duration_s, double target_rps = 0) {
  load::TestResult r;
  r.title = title;
  r.open_loop = open;
  r.target_rps = target_rps;
  for (int64_t v : values) {
    r.latency.Record(v);
    if (open) r.corrected.Record(v + 300'000);
  }
  r.requests_ok = static_cast<int64_t>(values.size());
  r.duration_s = duration_s;
  r.rps = static_cast<double>(r.requests_ok) / duration_s;
  load::SetWallClockWindow(r, start_us);
  r.threads = 1;
  r.thread_busy = {0.1 * static_cast<double>(values.size() % 7)};
  r.client_cpu_s = 0.01 * static_cast<double>(values.size() % 13);
  return r;
}

std::string Doc(std::vector<std::string_view> args, const std::vector<load::TestResult>& tests) {
  Result<load::Options> o = load::ParseArgs(args);
  EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error());
  return load::ReportJson(*o, load::ServerConfig{"", "no"}, tests).dump();
}

// Three processes of one closed-loop workload (SET, GET) with errors and windows that overlap.
struct ThreeProcessRuns {
  std::string a, b, c;
};
ThreeProcessRuns MakeThreeProcessRuns() {
  load::TestResult a_set = OneTest("SET", false, Latencies(0, 1000), kT0, 5.0);
  a_set.errors.AddTyped("ERR", "ERR out of memory", 2);
  load::TestResult b_set = OneTest("SET", false, Latencies(1, 2000), kT0 + kSecond / 10, 5.1);
  b_set.errors.AddTyped("WRONGTYPE", "WRONGTYPE Operation", 1);
  b_set.errors.AddTyped("ERR", "ERR other", 3);
  b_set.lost_connections = 1;
  load::TestResult c_set = OneTest("SET", false, Latencies(2, 500), kT0 + kSecond / 20, 4.85);
  return {Doc({"-c", "10", "-n", "1000", "-t", "set,get"},
              {a_set, OneTest("GET", false, Latencies(3, 1000), kT0 + 6 * kSecond, 4.0)}),
          Doc({"-c", "20", "-n", "2000", "-t", "set,get"},
              {b_set, OneTest("GET", false, Latencies(4, 2000), kT0 + 6 * kSecond, 4.2)}),
          Doc({"-c", "5", "-n", "500", "-t", "set,get"},
              {c_set, OneTest("GET", false, Latencies(5, 500), kT0 + 6 * kSecond + 2000, 3.9)})};
}

MergedRuns Merge(const std::vector<MergeInput>& inputs) {
  Result<MergedRuns> merged = MergeLoadRuns(inputs);
  EXPECT_TRUE(merged.ok()) << (merged.ok() ? "" : merged.error());
  return merged.ok() ? std::move(*merged) : MergedRuns{};
}

// The document with every floating-point number at 12 significant digits: sums of doubles
// (means, CPU seconds) may differ in their last bits with the order of the merge.
json Canonical(const json& j) {
  if (j.is_number_float()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", j.get<double>());
    return json::parse(buf);
  }
  if (j.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : j.items()) out[k] = Canonical(v);
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const json& v : j) out.push_back(Canonical(v));
    return out;
  }
  return j;
}

TEST(MergeTest, IsAssociative) {
  const ThreeProcessRuns runs = MakeThreeProcessRuns();
  const MergedRuns all = Merge({{"a.json", runs.a}, {"b.json", runs.b}, {"c.json", runs.c}});
  const MergedRuns ab = Merge({{"a.json", runs.a}, {"b.json", runs.b}});
  const MergedRuns bc = Merge({{"b.json", runs.b}, {"c.json", runs.c}});
  const MergedRuns ab_c = Merge({{"ab.json", ab.doc.dump()}, {"c.json", runs.c}});
  const MergedRuns a_bc = Merge({{"a.json", runs.a}, {"bc.json", bc.doc.dump()}});
  // Histograms (bucket by bucket), counts, errors, windows, configs, sources: all equal.
  EXPECT_EQ(Canonical(ab_c.doc), Canonical(all.doc));
  EXPECT_EQ(Canonical(a_bc.doc), Canonical(all.doc));
  for (const MergedRuns* m : {&ab_c, &a_bc}) {
    for (size_t t = 0; t < 2; ++t) {
      EXPECT_EQ(m->doc["tests"][t]["histogram"]["buckets"],
                all.doc["tests"][t]["histogram"]["buckets"]);
      EXPECT_EQ(m->doc["tests"][t]["requests"], all.doc["tests"][t]["requests"]);
    }
  }
  EXPECT_EQ(all.doc["merge"]["sources"], json({"a.json", "b.json", "c.json"}));
  EXPECT_EQ(ab_c.doc["merge"]["sources"], json({"a.json", "b.json", "c.json"}));
  EXPECT_EQ(all.doc["merge"]["processes"], 3);
}

TEST(MergeTest, SumsCountsAndMergesHistogramsLosslessly) {
  const ThreeProcessRuns runs = MakeThreeProcessRuns();
  const json doc = Merge({{"a.json", runs.a}, {"b.json", runs.b}, {"c.json", runs.c}}).doc;
  const json& set = doc["tests"][0];
  EXPECT_EQ(set["title"], "SET");
  EXPECT_EQ(set["requests"], 1001 + 2001 + 501);
  EXPECT_EQ(set["errors"], 6);
  EXPECT_EQ(set["error_types"],
            json::parse(R"([{"type": "ERR", "count": 5, "first_message": "ERR out of memory"},
                            {"type": "WRONGTYPE", "count": 1,
                             "first_message": "WRONGTYPE Operation"}])"));
  EXPECT_EQ(set["lost_connections"], 1);
  // The merged histogram is the histogram of all the latencies recorded at once; the
  // percentiles come from it (never averaged).
  stats::Histogram direct;
  for (int k : {0, 1, 2}) {
    for (int64_t v : Latencies(k, k == 0 ? 1000 : k == 1 ? 2000 : 500)) direct.Record(v);
  }
  Result<stats::Histogram> merged = stats::Histogram::FromJson(set["histogram"]);
  ASSERT_TRUE(merged.ok()) << merged.error();
  EXPECT_EQ(merged->ToJson()["buckets"], direct.ToJson()["buckets"]);
  EXPECT_EQ(merged->count(), direct.count());
  EXPECT_EQ(merged->max(), direct.max());
  EXPECT_NEAR(merged->mean(), direct.mean(), 1e-6 * direct.mean());
  const json expected = load::LatencyJson(direct);
  for (const char* p : {"min", "p50", "p90", "p99", "p99_9", "p99_99", "max"}) {
    EXPECT_EQ(set["latency_ms"][p], expected[p]) << p;
  }
  EXPECT_TRUE(set["corrected_histogram"].is_null());
  EXPECT_TRUE(set["per_second"].is_null());
  // Client figures: summed, concatenated.
  EXPECT_EQ(set["client"]["threads"], 3);
  EXPECT_EQ(set["client"]["busy_fraction"].size(), 3u);
  // Config: the load-splitting settings summed, the others kept.
  EXPECT_EQ(doc["config"]["clients"], 35);
  EXPECT_EQ(doc["config"]["requests"], 3500);
  EXPECT_EQ(doc["config"]["threads"], 3);
  EXPECT_EQ(doc["config"]["data_size"], 3);
  EXPECT_EQ(doc["config"]["host"], "127.0.0.1");
  EXPECT_EQ(doc["schema"], "kv-load/2");
  EXPECT_EQ(doc["schema_version"], 2);
}

// rps = total requests over the span [earliest start, latest end]; the sum of the processes'
// rates is kept beside it.
TEST(MergeTest, ThroughputIsTotalRequestsOverTheSpan) {
  const ThreeProcessRuns runs = MakeThreeProcessRuns();
  const json doc = Merge({{"a.json", runs.a}, {"b.json", runs.b}, {"c.json", runs.c}}).doc;
  const json& set = doc["tests"][0];
  // a [0, 5.0], b [0.1, 5.2], c [0.05, 4.9]: span 5.2 s, overlap [0.1, 4.9] = 4.8 s.
  EXPECT_DOUBLE_EQ(set["duration_s"].get<double>(), 5.2);
  EXPECT_DOUBLE_EQ(set["rps"].get<double>(), 3503 / 5.2);
  EXPECT_EQ(std::llround(set["window"]["start_unix_s"].get<double>() * 1e6), kT0);
  EXPECT_EQ(std::llround(set["window"]["end_unix_s"].get<double>() * 1e6), kT0 + 52 * kSecond / 10);
  EXPECT_NEAR(set["merge"]["sum_of_rates_rps"].get<double>(), 1001 / 5.0 + 2001 / 5.1 + 501 / 4.85,
              1e-9);
  EXPECT_DOUBLE_EQ(set["merge"]["overlap_s"].get<double>(), 4.8);
  EXPECT_DOUBLE_EQ(set["merge"]["overlap_fraction"].get<double>(), 4.8 / 5.2);
  EXPECT_TRUE(set["merge"]["warning"].is_null());
  EXPECT_EQ(set["merge"]["processes"], 3);
}

TEST(MergeTest, OpenLoopMergesBothHistogramsAndTargets) {
  const std::string a = Doc({"-c", "25", "-t", "get", "--rps", "1000", "--duration", "5"},
                            {OneTest("GET", true, Latencies(0, 5000), kT0, 5.0, 1000)});
  const std::string b = Doc({"-c", "25", "-t", "get", "--rps", "1000", "--duration", "5"},
                            {OneTest("GET", true, Latencies(1, 5000), kT0 + 3000, 5.0, 1000)});
  const json doc = Merge({{"a.json", a}, {"b.json", b}}).doc;
  const json& t = doc["tests"][0];
  EXPECT_EQ(t["mode"], "open");
  EXPECT_DOUBLE_EQ(t["target_rps"].get<double>(), 2000);
  EXPECT_DOUBLE_EQ(doc["config"]["rps"].get<double>(), 2000);
  Result<stats::Histogram> corrected = stats::Histogram::FromJson(t["corrected_histogram"]);
  ASSERT_TRUE(corrected.ok()) << corrected.error();
  EXPECT_EQ(corrected->count(), 10002);
  EXPECT_EQ(t["latency_ms"], load::LatencyJson(*corrected));
  EXPECT_NE(t["latency_ms"], t["uncorrected_latency_ms"]);
  EXPECT_EQ(doc["config"]["duration_s"], 5.0);
}

// Windows [0, 5] and [start, start + 5] (seconds).
MergedRuns MergeShifted(double start_s) {
  const std::string a =
      Doc({"-c", "5", "-t", "get"}, {OneTest("GET", false, Latencies(0, 100), kT0, 5.0)});
  const std::string b = Doc({"-c", "5", "-t", "get"},
                            {OneTest("GET", false, Latencies(1, 100), kT0 + Micros(start_s), 5.0)});
  return Merge({{"a.json", a}, {"b.json", b}});
}

TEST(MergeTest, WarnsWhenTheWindowsBarelyOverlap) {
  const MergedRuns close = MergeShifted(0.5);  // overlap 4.5 of 5.5 s: 82 %
  EXPECT_TRUE(close.warnings.empty());
  EXPECT_TRUE(close.doc["tests"][0]["merge"]["warning"].is_null());
  EXPECT_TRUE(close.doc["merge"]["warnings"].empty());

  const MergedRuns apart = MergeShifted(2.5);  // overlap 2.5 of 7.5 s: 33 %
  ASSERT_EQ(apart.warnings.size(), 1u);
  EXPECT_NE(apart.warnings[0].find("overlap for 2.500 s of the 7.500 s they span (33.3 %"),
            std::string::npos)
      << apart.warnings[0];
  EXPECT_EQ(apart.doc["tests"][0]["merge"]["warning"], apart.warnings[0]);
  EXPECT_EQ(apart.doc["merge"]["warnings"], json({apart.warnings[0]}));
  EXPECT_NEAR(apart.doc["tests"][0]["merge"]["overlap_fraction"].get<double>(), 1.0 / 3, 1e-9);

  const MergedRuns disjoint = MergeShifted(6);  // no overlap at all
  ASSERT_EQ(disjoint.warnings.size(), 1u);
  EXPECT_TRUE(disjoint.doc["tests"][0]["merge"]["overlap"].is_null());
  EXPECT_EQ(disjoint.doc["tests"][0]["merge"]["overlap_fraction"], 0.0);
  // An empty intersection stays empty when merged with a third run.
  const std::string c =
      Doc({"-c", "5", "-t", "get"}, {OneTest("GET", false, Latencies(2, 100), kT0, 5.0)});
  const MergedRuns again = Merge({{"ab.json", disjoint.doc.dump()}, {"c.json", c}});
  EXPECT_TRUE(again.doc["tests"][0]["merge"]["overlap"].is_null());
  EXPECT_EQ(again.warnings.size(), 1u);
}

std::string MergeError(const std::vector<MergeInput>& inputs) {
  Result<MergedRuns> merged = MergeLoadRuns(inputs);
  EXPECT_FALSE(merged.ok());
  return merged.ok() ? "" : merged.error();
}

// A valid one-test document, changed by `edit`.
template <typename Edit>
std::string Edited(Edit edit) {
  json doc = json::parse(
      Doc({"-c", "5", "-t", "get"}, {OneTest("GET", false, Latencies(0, 100), kT0, 5.0)}));
  edit(doc);
  return doc.dump();
}

TEST(MergeTest, ErrorsNameTheFileAndTheProblem) {
  const std::string good =
      Doc({"-c", "5", "-t", "get"}, {OneTest("GET", false, Latencies(1, 100), kT0, 5.0)});
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"not json", "x.json: malformed JSON, not kv-load JSON"},
      {R"({"benchmarks": []})", "x.json: not kv-load JSON"},
      {R"({"schema": "memtier", "tests": []})", "x.json: schema \"memtier\": not kv-load JSON"},
      {Edited([](json& d) { d["schema_version"] = 1; }),
       "x.json: kv-load schema_version 1 has no wall-clock window per test"},
      {Edited([](json& d) { d["schema_version"] = 3; }),
       "x.json: kv-load schema_version 3 is newer"},
      {Edited([](json& d) { d["tests"][0].erase("histogram"); }),
       "x.json: test \"GET\" has no \"histogram\": merge needs the full latency histograms"},
      {Edited([](json& d) { d["tests"][0]["histogram"] = nullptr; }),
       "x.json: test \"GET\" has no \"histogram\""},
      {Edited([](json& d) { d["tests"][0]["histogram"]["significant_digits"] = 2; }),
       "x.json: test \"GET\": \"histogram\" has 2 significant digits, this kv-compare's "
       "histograms 3: incompatible histogram precision"},
      {Edited([](json& d) { d["tests"][0]["histogram"]["unit"] = "us"; }),
       "incompatible histogram precision"},
      {Edited([](json& d) { d["tests"][0].erase("window"); }),
       "x.json: test \"GET\" has no wall-clock \"window\""},
      {Edited([](json& d) { d["tests"][0]["errors"] = 7; }),
       "x.json: test \"GET\": \"errors\" (7) is not the sum of \"error_types\" (0)"},
      {Edited([](json& d) { d["tests"][0]["histogram"]["buckets"][0][1] = 0; }),
       "x.json: test \"GET\": \"histogram\": "},
      {Edited([](json& d) { d["tests"] = json::array(); }), "x.json: kv-load JSON without tests"},
      // Different workloads: which setting, with both values.
      {Doc({"-c", "5", "-t", "set"}, {OneTest("SET", false, Latencies(0, 100), kT0, 5.0)}),
       "different tests (-t): g.json has GET, x.json has SET"},
      {Doc({"-c", "5", "-t", "get", "-d", "100"},
           {OneTest("GET", false, Latencies(0, 100), kT0, 5.0)}),
       "-d (config \"data_size\": 3 in g.json, 100 in x.json)"},
      {Doc({"-c", "5", "-t", "get", "-P", "16"},
           {OneTest("GET", false, Latencies(0, 100), kT0, 5.0)}),
       "-P (config \"pipeline\": 1 in g.json, 16 in x.json)"},
      {Doc({"-c", "5", "-t", "get", "-r", "1000"},
           {OneTest("GET", false, Latencies(0, 100), kT0, 5.0)}),
       "-r (config \"keyspace\": null in g.json, 1000 in x.json)"},
      {Doc({"-c", "5", "-t", "get", "--rps", "100"},
           {OneTest("GET", true, Latencies(0, 100), kT0, 5.0, 100)}),
       "test \"GET\" runs in closed loop in g.json but in open loop in x.json (--rps)"},
  };
  for (const Case& c : cases) {
    const std::string error = MergeError({{"g.json", good}, {"x.json", c.text}});
    EXPECT_NE(error.find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\ngot: " << error;
  }
  EXPECT_NE(MergeError({{"g.json", good}}).find("at least two"), std::string::npos);
}

// The merged file reads as kv-load JSON everywhere kv-compare takes one: the result reader, the
// comparability check against a single process of the same total load, and the HTML report.
TEST(MergeTest, MergedFileIsAcceptedAsKvLoadJson) {
  const ThreeProcessRuns runs = MakeThreeProcessRuns();
  const std::string merged =
      Merge({{"a.json", runs.a}, {"b.json", runs.b}, {"c.json", runs.c}}).doc.dump();
  Result<ResultSet> set = ParseResults(merged, "m.json");
  ASSERT_TRUE(set.ok()) << set.error();
  ASSERT_NE(set->Find("SET"), nullptr);
  EXPECT_DOUBLE_EQ(set->Find("SET")->Values("items_per_second").at(0), 3503 / 5.2);

  const std::string single =
      Doc({"-c", "35", "-n", "3500", "-t", "set,get", "--threads", "3"},
          {OneTest("SET", false, Latencies(0, 3500), kT0, 5.0),
           OneTest("GET", false, Latencies(1, 3500), kT0 + 6 * kSecond, 4.0)});
  Result<ResultSet> one = ParseResults(single, "one.json");
  ASSERT_TRUE(one.ok()) << one.error();
  Status comparable = CheckComparable(*one, *set);
  EXPECT_TRUE(comparable.ok()) << comparable.error();

  Result<html::BuiltReport> report = html::BuildReport({{"m.json", merged}}, "");
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->kind, html::InputKind::kLoad);
  EXPECT_GE(report->charts, 2);
  EXPECT_NE(report->html.find("SET: latency by percentile"), std::string::npos);
}

// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kv-merge-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name, const std::string& text = "") const {
    const std::string p = (path_ / name).string();
    if (!text.empty()) std::ofstream(p) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

TEST(MergeCliTest, WritesTheFileAndExitCodes) {
  TempDir dir;
  const ThreeProcessRuns runs = MakeThreeProcessRuns();
  const std::string a = dir.File("a.json", runs.a), b = dir.File("b.json", runs.b);
  const std::string out = dir.File("all.json");
  CliRun ok = Cli({"merge", a, b, "-o", out});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("wrote " + out + " (2 kv-load processes)"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("SET: 2 processes, 3002 requests, 6 errors, "), std::string::npos)
      << ok.out;
  std::ifstream written(out);
  const json doc = json::parse(written, nullptr, false);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["tests"][0]["requests"], 3002);

  // Windows far apart: a warning on stderr, the file still written, exit 0.
  const std::string late = dir.File(
      "late.json", Doc({"-c", "5", "-n", "1000", "-t", "set,get"},
                       {OneTest("SET", false, Latencies(0, 10), kT0 + 60 * kSecond, 5.0),
                        OneTest("GET", false, Latencies(1, 10), kT0 + 66 * kSecond, 4.0)}));
  CliRun warned = Cli({"merge", a, late, "-o", dir.File("warned.json")});
  EXPECT_EQ(warned.code, 0) << warned.err;
  EXPECT_NE(warned.err.find("kv-compare: merge: warning: SET: the 2 processes' windows overlap"),
            std::string::npos)
      << warned.err;

  const std::string bad_out = dir.File("bad.json");
  const std::string other =
      dir.File("other.json", Doc({"-c", "5", "-t", "set,get", "-d", "64"},
                                 {OneTest("SET", false, Latencies(0, 10), kT0, 5.0),
                                  OneTest("GET", false, Latencies(1, 10), kT0, 5.0)}));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"merge", a, "-o", bad_out},
        std::vector<std::string>{"merge", a, b}, std::vector<std::string>{"merge", a, b, "-o"},
        std::vector<std::string>{"merge", a, b, "--bogus", "-o", bad_out},
        std::vector<std::string>{"merge", a, dir.File("missing.json"), "-o", bad_out},
        std::vector<std::string>{"merge", a, other, "-o", bad_out}}) {
    CliRun bad = Cli(args);
    EXPECT_EQ(bad.code, kExitCannotCompare) << args.back();
    EXPECT_NE(bad.err.find("kv-compare: merge: "), std::string::npos) << bad.err;
    EXPECT_FALSE(std::filesystem::exists(bad_out)) << args.back();
  }
  EXPECT_NE(Cli({"merge", a, other, "-o", bad_out}).err.find("-d (config \"data_size\""),
            std::string::npos);
  EXPECT_EQ(Cli({"merge", "--help"}).code, 0);
}

}  // namespace
}  // namespace kv::compare
