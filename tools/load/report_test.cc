// Tests of kv-load's reporters: golden files for the default, -q and --csv formats (from a fixed
// synthetic result), the HdrHistogram iterator emulation, and the JSON schema.
// Regenerate the golden files with KV_LOAD_UPDATE_GOLDEN=1 after checking the diff by eye.
#include "tools/load/report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tools/load/cli.h"
#include "tools/load/json_report.h"

namespace kv::load {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(KV_LOAD_TESTDATA) + "/" + name;
  if (std::getenv("KV_LOAD_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::trunc) << actual;
  }
  EXPECT_EQ(ReadFile(path), actual) << "golden file " << path;
}

// A fixed closed-loop result: 2000 latencies spread over 50 us .. 2.05 ms plus three outliers.
TestResult Synthetic() {
  TestResult r;
  r.title = "SET";
  for (int64_t i = 0; i < 2000; ++i) r.latency.Record(50'000 + (i * 7919 % 2000) * 1'000);
  r.latency.Record(5'000'000);
  r.latency.Record(12'500'000);
  r.latency.Record(250'000'000);
  r.requests_ok = r.latency.count();
  r.duration_s = 0.25;
  r.rps = static_cast<double>(r.requests_ok) / r.duration_s;
  SetWallClockWindow(r, 1'764'680'000'123'456);
  r.thread_busy = {0.42};
  r.client_cpu_s = 0.105;
  return r;
}

// An open-loop result with errors, a lost connection and a busy client thread.
TestResult SyntheticOpenLoop() {
  TestResult r;
  r.title = "GET";
  r.open_loop = true;
  r.target_rps = 1000;
  for (int64_t i = 0; i < 1000; ++i) {
    r.latency.Record(100'000 + i * 100);
    r.corrected.Record(i < 980 ? 100'000 + i * 100 : 200'000'000 - (i - 980) * 5'000'000);
  }
  r.requests_ok = 1000;
  r.errors.Add("ERR unknown command 'FOO', with args beginning with: ", 3);
  r.errors.AddTyped(kErrConnectionLost, "connection lost: closed by server", 1);
  r.lost_connections = 1;
  r.reconnects = 1;
  r.duration_s = 1.0;
  r.rps = 1000;
  r.threads = 2;
  r.thread_busy = {0.95, 0.5};
  r.client_cpu_s = 1.45;
  r.client_bound = true;
  return r;
}

ReportContext Context() {
  ReportContext ctx;
  ctx.clients = 50;
  ctx.payload_bytes = 3;
  ctx.keepalive = 1;
  ctx.server = ServerConfig{"", "no"};
  return ctx;
}

TEST(LoadReportTest, DefaultFormatGolden) {
  ExpectGolden("default.golden", FormatDefault(Synthetic(), Context()));
}

TEST(LoadReportTest, DefaultFormatWithThreadsAndNoServerConfig) {
  ReportContext ctx = Context();
  ctx.threads = 4;
  ctx.server.reset();
  const std::string out = FormatDefault(Synthetic(), ctx);
  EXPECT_NE(out.find("  keep alive: 1\n  multi-thread: yes\n  threads: 4\n\nLatency by"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("host configuration"), std::string::npos);
}

TEST(LoadReportTest, OpenLoopGolden) {
  ExpectGolden("open_loop.golden", FormatDefault(SyntheticOpenLoop(), Context()));
}

TEST(LoadReportTest, QuietGolden) {
  ExpectGolden("quiet.golden", FormatQuiet(Synthetic()) + FormatQuiet(SyntheticOpenLoop()));
}

TEST(LoadReportTest, CsvGolden) {
  ExpectGolden("csv.golden",
               CsvHeader() + FormatCsvRow(Synthetic()) + FormatCsvRow(SyntheticOpenLoop()));
}

TEST(LoadReportTest, CsvHeaderIsRedisBenchmarks) {
  // Copied from redis-benchmark 7.0.15's --csv output.
  EXPECT_EQ(CsvHeader(),
            "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
            "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n");
}

TEST(LoadReportTest, QuietLineFormat) {
  TestResult r;
  r.title = "SET";
  r.rps = 65487.891;
  r.latency.Record(383'000);
  EXPECT_EQ(FormatQuiet(r), "SET: 65487.89 requests per second, p50=0.383 msec\n");
}

TEST(LoadReportTest, NotesOnlyWhenThereIsSomethingToSay) {
  EXPECT_EQ(FormatNotes(Synthetic()), "");
  const std::string notes = FormatNotes(SyntheticOpenLoop());
  EXPECT_NE(notes.find("GET: errors: 4 (not counted as throughput)\n"), std::string::npos);
  EXPECT_NE(notes.find("GET: client-bound: this measures kv-load, not the server\n"),
            std::string::npos);
}

// Four values, one per bucket: HdrHistogram's percentile iterator (one tick per half distance)
// reports 0%, 50%, 75%, 87.5% and the final 100% line.
TEST(LoadReportTest, PercentileIteratorFollowsHdrHistogram) {
  stats::Histogram h;
  for (int64_t ms = 1; ms <= 4; ++ms) h.Record(ms * 1'000'000);
  char expected[512];
  std::snprintf(expected, sizeof(expected),
                "0.000%% <= %.3f milliseconds (cumulative count 1)\n"
                "50.000%% <= %.3f milliseconds (cumulative count 2)\n"
                "75.000%% <= %.3f milliseconds (cumulative count 3)\n"
                "87.500%% <= 4.000 milliseconds (cumulative count 4)\n"
                "100.000%% <= 4.000 milliseconds (cumulative count 4)\n",
                h.HighestEquivalent(1'000'000) / 1e6, h.HighestEquivalent(2'000'000) / 1e6,
                h.HighestEquivalent(3'000'000) / 1e6);
  EXPECT_EQ(FormatPercentileDistribution(h), expected);
}

// Same values through the linear iterator: 100 us steps, 1 ms steps once a value exceeded 2 ms
// (the 100 us step already scheduled is kept), a line only when the count changes.
TEST(LoadReportTest, CumulativeIteratorFollowsRedisBenchmark) {
  stats::Histogram h;
  for (int64_t ms = 1; ms <= 4; ++ms) h.Record(ms * 1'000'000);
  auto ms = [&](int64_t level) { return h.HighestEquivalent(level) / 1e6; };
  char expected[512];
  std::snprintf(expected, sizeof(expected),
                "0.000%% <= %.3f milliseconds (cumulative count 0)\n"
                "25.000%% <= %.3f milliseconds (cumulative count 1)\n"
                "50.000%% <= %.3f milliseconds (cumulative count 2)\n"
                "75.000%% <= %.3f milliseconds (cumulative count 3)\n"
                "100.000%% <= %.3f milliseconds (cumulative count 4)\n",
                ms(100'000), ms(1'000'000), ms(2'000'000), ms(3'100'000), ms(4'100'000));
  EXPECT_EQ(FormatCumulativeDistribution(h), expected);
}

TEST(LoadReportTest, EmptyHistogramPrintsNoDistribution) {
  stats::Histogram h;
  EXPECT_EQ(FormatPercentileDistribution(h), "");
  EXPECT_EQ(FormatCumulativeDistribution(h), "");
}

void ExpectAllNumbersFinite(const nlohmann::json& j) {
  if (j.is_number_float()) {
    EXPECT_TRUE(std::isfinite(j.get<double>()));
  }
  if (j.is_structured()) {
    for (const auto& e : j) ExpectAllNumbersFinite(e);
  }
}

TEST(LoadJsonReportTest, SchemaFields) {
  std::vector<std::string_view> args = {"-c", "8", "-n", "100", "-P", "4"};
  Options o = *ParseArgs(args);
  nlohmann::json j = ReportJson(o, ServerConfig{"", "no"}, {Synthetic(), SyntheticOpenLoop()});
  EXPECT_EQ(j["schema"], "kv-load/2");
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["tool"], "kv-load");
  EXPECT_EQ(j["config"]["clients"], 8);
  EXPECT_EQ(j["config"]["pipeline"], 4);
  EXPECT_EQ(j["server"]["appendonly"], "no");
  ASSERT_EQ(j["tests"].size(), 2u);
  const nlohmann::json& t = j["tests"][0];
  EXPECT_EQ(t["title"], "SET");
  EXPECT_EQ(t["mode"], "closed");
  EXPECT_EQ(t["requests"], 2003);
  EXPECT_EQ(t["errors"], 0);
  EXPECT_DOUBLE_EQ(t["rps"].get<double>(), 2003 / 0.25);
  for (const char* k : {"avg", "min", "p50", "p90", "p95", "p99", "p99_9", "p99_99", "max"}) {
    EXPECT_TRUE(t["latency_ms"].contains(k)) << k;
  }
  EXPECT_DOUBLE_EQ(t["latency_ms"]["max"].get<double>(), 250.0);
  EXPECT_TRUE(t["corrected_latency_ms"].is_null());
  // The wall-clock window: epoch seconds that round-trip to the microsecond.
  EXPECT_EQ(std::llround(t["window"]["start_unix_s"].get<double>() * 1e6), 1'764'680'000'123'456);
  EXPECT_EQ(std::llround(t["window"]["end_unix_s"].get<double>() * 1e6), 1'764'680'000'373'456);
  Result<stats::Histogram> h = stats::Histogram::FromJson(t["histogram"]);
  ASSERT_TRUE(h.ok()) << h.error();
  EXPECT_EQ(h->count(), 2003);
  EXPECT_FALSE(t["client"]["client_bound"].get<bool>());

  const nlohmann::json& open = j["tests"][1];
  EXPECT_EQ(open["mode"], "open");
  EXPECT_DOUBLE_EQ(open["target_rps"].get<double>(), 1000);
  EXPECT_GT(open["corrected_latency_ms"]["p99"].get<double>(),
            open["uncorrected_latency_ms"]["p99"].get<double>());
  EXPECT_EQ(open["errors"], 4);
  EXPECT_EQ(open["error_types"][0]["type"], "ERR");
  EXPECT_EQ(open["error_types"][0]["count"], 3);
  EXPECT_EQ(open["error_types"][1]["type"], "CONNECTION_LOST");
  EXPECT_TRUE(open["client"]["client_bound"].get<bool>());
  EXPECT_EQ(open["client"]["note"], "client-bound: this measures kv-load, not the server");
  ExpectAllNumbersFinite(j);
}

TEST(LoadJsonReportTest, EmptyResultHasNoNaN) {
  std::vector<std::string_view> args;
  Options o = *ParseArgs(args);
  TestResult empty;
  empty.title = "X";
  const std::string text = ReportJson(o, std::nullopt, {empty}).dump();
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("Infinity"), std::string::npos);
  ExpectAllNumbersFinite(nlohmann::json::parse(text));
}

}  // namespace
}  // namespace kv::load
