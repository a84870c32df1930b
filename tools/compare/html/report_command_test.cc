// Tests of `kv-compare report`: each input kind builds its sections, several inputs compare runs,
// and bad input (malformed, unknown, mixed kinds, unreadable) is a clear error with exit 2 and no
// file written.
#include "tools/compare/html/report_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/compare/cli.h"
#include "tools/compare/gate.h"
#include "tools/compare/report.h"
#include "tools/compare/test_util.h"

namespace kv::compare::html {
namespace {

namespace fs = std::filesystem;
using testing::LoadTestdata;
using testing::Occurrences;
using testing::ReadTestdata;

// The gate JSON `kv-compare --format json gate` prints for a run where kv-server got slower.
std::string SlowGateJson() {
  const Policy policy = DefaultPolicy();
  GateReport gate =
      RunGate(LoadTestdata("baseline.json"), LoadTestdata("current_kv_slow.json"), policy, {});
  return RenderGate(gate, {.format = OutputFormat::kJson, .color = false}, policy);
}

// A kv-load document with one closed-loop test: a real histogram and per-second series.
std::string LoadJson(const std::string& title, double rps) {
  return R"({"schema": "kv-load/1", "schema_version": 1, "tool": "kv-load",
    "config": {"host": "127.0.0.1", "port": 6379, "clients": 4},
    "tests": [{"title": ")" +
         title + R"(", "mode": "closed", "requests": 3, "errors": 0, "duration_s": 2,
      "rps": )" +
         std::to_string(rps) +
         R"(, "target_rps": null,
      "histogram": {"unit": "ns", "significant_digits": 3, "count": 3, "clamped": 0,
                    "min": 1000, "max": 2000, "mean": 1500, "m2": 500000,
                    "buckets": [[1000, 1], [1500, 1], [2000, 1]]},
      "corrected_histogram": null,
      "per_second": {"interval_s": 1, "latency": "uncorrected", "t_s": [0, 1],
                     "duration_s": [1, 1], "requests": [2, 1], "rps": [2, 1],
                     "latency_ms": {"avg": [0.0015, 0.003], "p50": [0.001, 0.003],
                                    "p90": [0.002, 0.003], "p99": [0.002, 0.003],
                                    "max": [0.002, 0.003]}}}]})";
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("kv_report_test-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  size_t Entries() const {
    return static_cast<size_t>(
        std::distance(fs::directory_iterator(path_), fs::directory_iterator()));
  }

 private:
  fs::path path_;
};

TEST(HtmlReportTest, BenchRunHasHeaderBarsSpectraAndScaling) {
  auto report = BuildReport({{"bench_run.json", ReadTestdata("bench_run.json")}}, "");
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->kind, InputKind::kBench);
  const std::string& html = report->html;
  EXPECT_NE(html.find("<title>kvbench report: kv_bench run</title>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"lead\">kv-server vs reference redis-server, same run, "),
            std::string::npos)
      << html;
  // Per command (SET, GET): throughput bars and one spectrum per case.
  EXPECT_NE(html.find("<h3>SET</h3>"), std::string::npos);
  EXPECT_NE(html.find("<h3>GET</h3>"), std::string::npos);
  EXPECT_EQ(report->charts, static_cast<int>(Occurrences(html, "<svg ")));
  EXPECT_EQ(Occurrences(html, "<figure>"), Occurrences(html, "<figcaption>"));
  EXPECT_GE(report->charts, 4);
  EXPECT_NE(html.find("latency by percentile"), std::string::npos);
}

TEST(HtmlReportTest, SeveralBenchRunsAreComparedFirst) {
  auto report = BuildReport({{"baseline.json", ReadTestdata("baseline.json")},
                             {"current_kv_slow.json", ReadTestdata("current_kv_slow.json")}},
                            "");
  ASSERT_TRUE(report.ok()) << report.error();
  const std::string& html = report->html;
  const size_t compared = html.find("<h2>Runs compared: kv ÷ redis throughput</h2>");
  const size_t first = html.find("<h2>run 1 (baseline.json): ");
  const size_t second = html.find("<h2>run 2 (current_kv_slow.json): ");
  ASSERT_NE(compared, std::string::npos);
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(compared, first);
  EXPECT_LT(first, second);
  EXPECT_NE(html.find("<nav>"), std::string::npos);
}

TEST(HtmlReportTest, GateShowsTheDecisionAndFailingRowsFirst) {
  auto report = BuildReport({{"gate.json", SlowGateJson()}}, "");
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->kind, InputKind::kGate);
  const std::string& html = report->html;
  EXPECT_NE(html.find("<p class=\"lead\">Gate: FAIL (regression). 1 of "), std::string::npos)
      << html;
  // The interval chart's first row is the failing one, flagged.
  const size_t first_label = html.find("class=\"label");
  ASSERT_NE(first_label, std::string::npos);
  EXPECT_EQ(html.find("class=\"label flagged\""), first_label);
  EXPECT_NE(html.find("class=\"threshold\""), std::string::npos);
  // The numbers table starts with the FAIL row.
  const size_t tbody = html.find("<tbody>\n<tr><td>");
  ASSERT_NE(tbody, std::string::npos);
  EXPECT_EQ(html.substr(tbody + 16, 4), "FAIL");
  EXPECT_NE(html.find("Rows reported but not gated"), std::string::npos);
}

TEST(HtmlReportTest, LoadRunHasSpectrumAndPerSecondCharts) {
  auto report = BuildReport({{"a.json", LoadJson("GET", 1000)}}, "My title");
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->kind, InputKind::kLoad);
  EXPECT_NE(report->html.find("<title>My title</title>"), std::string::npos);
  EXPECT_EQ(report->charts, 3);  // spectrum, throughput per second, latency per second
  EXPECT_NE(report->html.find("GET: throughput per second"), std::string::npos);

  auto two = BuildReport({{"a.json", LoadJson("GET", 1000)}, {"b.json", LoadJson("GET", 900)}}, "");
  ASSERT_TRUE(two.ok()) << two.error();
  EXPECT_NE(two->html.find("<h2>Runs compared</h2>"), std::string::npos);
  EXPECT_EQ(two->charts, 2 + 2 * 3);  // throughput bars, one overlaid spectrum, then each run
}

TEST(HtmlReportTest, SearchHasTheLatencyThroughputCurve) {
  auto report = BuildReport({{"kv.json", ReadTestdata("search_kv.json")}}, "");
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->kind, InputKind::kSearch);
  EXPECT_EQ(report->charts, 1);
  const std::string& html = report->html;
  EXPECT_NE(html.find("<title>kvbench report: saturation search</title>"), std::string::npos);
  EXPECT_NE(html.find("GET: latency against throughput, search steps"), std::string::npos);
  // Four lines (corrected p50, p99, p99.9; uncorrected p99), the objective and the answer.
  EXPECT_EQ(Occurrences(html, "<g class=\"series\">"), 4u);
  EXPECT_EQ(Occurrences(html, "class=\"reference\""), 2u);
  EXPECT_NE(html.find(">objective p99&lt;=1ms<"), std::string::npos);
  EXPECT_NE(html.find(">answer 41k/s<"), std::string::npos);
  EXPECT_NE(html.find("limited by objective"), std::string::npos);
  // The numbers behind it: one row per step.
  EXPECT_NE(html.find("Numbers behind the chart (9 rows)"), std::string::npos);
  EXPECT_NE(html.find("broke: p99&lt;=1ms: 1.700 ms"), std::string::npos);

  // A lower bound says so, on the answer line too.
  auto client = BuildReport({{"c.json", ReadTestdata("search_kv_client.json")}}, "");
  ASSERT_TRUE(client.ok()) << client.error();
  EXPECT_NE(client->html.find(">answer ≥ 30k/s<"), std::string::npos);
  EXPECT_NE(client->html.find("the answer is only a lower bound"), std::string::npos);

  auto two = BuildReport({{"kv.json", ReadTestdata("search_kv.json")},
                          {"redis.json", ReadTestdata("search_redis.json")}},
                         "");
  ASSERT_TRUE(two.ok()) << two.error();
  EXPECT_EQ(two->charts, 1 + 2);  // the p99 curves together, then each search
  EXPECT_NE(two->html.find("<h2>Searches compared</h2>"), std::string::npos);
  EXPECT_NE(two->html.find(">1: answer 41k/s<"), std::string::npos);
  EXPECT_NE(two->html.find(">2: answer 36k/s<"), std::string::npos);
  // 2 lines compared + 4 per search; one objective line on each chart, one answer per search.
  EXPECT_EQ(Occurrences(two->html, "<g class=\"series\">"), 2u + 2 * 4);
  EXPECT_EQ(Occurrences(two->html, "class=\"reference\""), (1u + 2) + 2 * 2);
}

TEST(HtmlReportTest, BadSearchInputIsAClearError) {
  auto mixed = BuildReport(
      {{"kv.json", ReadTestdata("search_kv.json")}, {"l.json", LoadJson("GET", 1)}}, "");
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.error().find("kv.json is search JSON, l.json is kv-load JSON"), std::string::npos)
      << mixed.error();
  std::string text = ReadTestdata("search_kv.json");
  const std::string field = "\"limited_by\":\"objective\"";
  ASSERT_NE(text.find(field), std::string::npos);
  text.replace(text.find(field), field.size(), "\"limited_by\":\"luck\"");
  auto bad = BuildReport({{"bad.json", text}}, "");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("bad.json: search \"GET\": unknown \"limited_by\" \"luck\""),
            std::string::npos)
      << bad.error();
}

TEST(HtmlReportTest, BadInputIsAClearError) {
  struct Case {
    std::vector<ReportInput> inputs;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{{"m.json", "{\"benchmarks\": [ "}}, "m.json: malformed JSON"},
      {{{"u.json", "{\"schema\": \"other\"}"}}, "u.json: unknown schema"},
      {{{"e.json", "[]"}}, "e.json: malformed input: not a JSON object"},
      {{{"b.json", ReadTestdata("bench_run.json")}, {"l.json", LoadJson("GET", 1)}},
       "cannot mix input kinds in one report: b.json is kv_bench JSON, l.json is kv-load JSON"},
      {{{"g.json", "{\"schema\": \"kv-compare-gate\", \"schema_version\": 2}"}},
       "g.json: gate JSON schema_version must be 1"},
      {{{"g.json",
         "{\"schema\": \"kv-compare-gate\", \"schema_version\": 1, \"baseline\": \"b\","
         " \"current\": \"c\", \"result\": \"pass\", \"rows\": [{\"benchmark\": 1}]}"}},
       "g.json: rows[0]: no string \"benchmark\""},
      {{{"t.json", R"({"schema": "kv-load/1", "schema_version": 1, "tests": [{"title": "SET",
          "mode": 1}]})"}},
       "t.json: a field has an unexpected type"},
      {{{"r.json",
         "{\"schema\": \"kv-compare-gate\", \"schema_version\": 1, \"baseline\": \"b\","
         " \"current\": \"c\", \"result\": \"pass\", \"rows\": [{\"benchmark\": \"x\","
         " \"metric\": \"m\", \"verdict\": \"v\", \"gated\": true, \"fails\": false,"
         " \"mode\": 5}]}"}},
       "r.json: a field has an unexpected type"},
      {{{"h.json", R"({"schema": "kv-load/1", "schema_version": 1, "tests": [{"title": "SET",
          "histogram": {"unit": "ms"}}]})"}},
       "h.json: test \"SET\": \"histogram\": "},
  };
  for (const Case& c : cases) {
    auto report = BuildReport(c.inputs, "");
    ASSERT_FALSE(report.ok()) << c.message;
    EXPECT_NE(report.error().find(c.message), std::string::npos) << report.error();
  }
}

TEST(HtmlReportTest, CommandWritesTheFileAndPrintsItsPath) {
  TempDir dir;
  const std::string input = dir.Write("run.json", ReadTestdata("bench_run.json"));
  const std::string output = (dir.path() / "report.html").string();
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"report", input, "-o", output}, out, err, {}), 0) << err.str();
  EXPECT_TRUE(out.str().starts_with("kv-compare: report " + output + " (kv_bench JSON, 1 input, "))
      << out.str();
  EXPECT_TRUE(fs::exists(output));
  EXPECT_EQ(fs::status(output).permissions() & fs::perms::others_read, fs::perms::others_read);
  EXPECT_EQ(dir.Entries(), 2u);  // the input and the report: no temporary file left
}

TEST(HtmlReportTest, CommandFailsWithExit2AndWritesNothing) {
  TempDir dir;
  const std::string good = dir.Write("run.json", ReadTestdata("bench_run.json"));
  const std::string bad = dir.Write("bad.json", "{ not json");
  const std::string output = (dir.path() / "report.html").string();
  const std::vector<std::vector<std::string>> calls = {
      {"report", bad, "-o", output},
      {"report", good, bad, "-o", output},
      {"report", (dir.path() / "missing.json").string(), "-o", output},
      {"report", good},          // no -o
      {"report", "-o", output},  // no input
      {"report", good, "-o"},    // -o without a value
      {"report", good, "-o", output, "--bogus"},
      {"report", good, "-o", (dir.path() / "no/such/dir/r.html").string()},
  };
  for (const std::vector<std::string>& args : calls) {
    std::ostringstream out, err;
    EXPECT_EQ(RunCli(args, out, err, {}), 2) << args.back();
    EXPECT_TRUE(err.str().starts_with("kv-compare: report: ")) << err.str();
    EXPECT_FALSE(fs::exists(output)) << err.str();
    EXPECT_EQ(dir.Entries(), 2u) << err.str();  // the two inputs only
  }
}

TEST(HtmlReportTest, AnExistingReportIsReplacedOnlyBySuccess) {
  TempDir dir;
  const std::string output = dir.Write("report.html", "old");
  const std::string bad = dir.Write("bad.json", "{");
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"report", bad, "-o", output}, out, err, {}), 2);
  auto text = ReadTextFile(output);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "old");
}

}  // namespace
}  // namespace kv::compare::html
