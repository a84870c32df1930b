// kv-compare's HTML report in a real browser (Debian's chromium, headless): reports built from
// the checked-in samples (samples/: a kv_bench run, a gate result, a kv-load run, two saturation
// searches) load offline,
// paint a screenshot of the expected size that is not blank and shows the charts' colours, hold
// the expected number of charts (<svg>) and tables in the DOM, and request nothing outside their
// file — no page request in the net log, no Content-Security-Policy violation on the console. Two
// control pages prove those two detectors work. Every process the browser starts is gone
// afterwards, also when it is killed at its timeout.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures/child_process.h"
#include "fixtures/server_process.h"
#include "tests/report/chromium_test_util.h"

namespace kv::report_test {
namespace {

namespace fs = std::filesystem;

constexpr int kWidth = 1280;
constexpr int kHeight = 2000;

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "  " + l + "\n";
  return out;
}

class ReportBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = fixtures::FindExecutable("chromium");
    ASSERT_FALSE(chromium_.empty())
        << "chromium is not installed: scripts/setup.sh installs Debian's chromium";
    // Short: chromium's singleton socket lives under TMPDIR (here) and a socket path is limited
    // to 107 bytes.
    static int tests = 0;
    dir_ = fs::temp_directory_path() /
           ("kvrb-" + std::to_string(::getpid()) + "-" + std::to_string(++tests));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  void TearDown() override {
    // Helpers that left the browser's process group (crashpad's handler) exit on their own once
    // the browser is gone; whatever is left after 10 s is killed. Then nothing of this test runs.
    reaper_.ReapAll(std::chrono::seconds(10));
    EXPECT_TRUE(ChildrenOf(::getpid()).empty());
    if (!dir_.empty()) {
      EXPECT_TRUE(ProcessesWithArgument(dir_.string()).empty())
          << "a process of this test's browser outlived it";
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  // kv-compare report <samples> -o <dir>/report.html; returns the report's path.
  std::string BuildReport(const std::vector<std::string>& samples) {
    fixtures::RunOptions run;
    run.argv = {KV_COMPARE_BINARY, "report"};
    for (const std::string& s : samples)
      run.argv.push_back(std::string(KV_REPORT_SAMPLES) + "/" + s);
    const std::string out = (dir_ / "report.html").string();
    run.argv.insert(run.argv.end(), {"-o", out});
    run.timeout = std::chrono::seconds(60);
    Result<fixtures::RunResult> r = fixtures::RunToExit(run);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    if (r.ok()) {
      EXPECT_TRUE(r->exit.clean()) << r->exit.Describe() << "\n" << r->err;
    }
    return out;
  }

  BrowserResult Load(const std::string& page,
                     std::chrono::milliseconds timeout = std::chrono::seconds(90)) {
    const fs::path work = dir_ / ("b" + std::to_string(++runs_));
    fs::create_directories(work);
    Result<BrowserResult> r = RunHeadless({.chromium = chromium_,
                                           .page = page,
                                           .work_dir = work.string(),
                                           .width = kWidth,
                                           .height = kHeight,
                                           .timeout = timeout});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
    return r.ok() ? std::move(*r) : BrowserResult{};
  }

  // The checks every report passes in the browser.
  void ExpectRendered(const std::string& report, size_t charts, size_t tables) {
    const BrowserResult b = Load(report);
    ASSERT_FALSE(b.run.timed_out) << b.run.err;
    ASSERT_TRUE(b.run.exit.clean()) << b.run.exit.Describe() << "\n" << b.run.err;

    // The screenshot: the window's size, mostly not blank, with kv-server's blue painted (bars,
    // lines and markers of style 0 appear in every report's first screen).
    Result<PngStats> png = ReadPng(b.screenshot, 0x00, 0x72, 0xb2);
    ASSERT_TRUE(png.ok()) << png.error();
    EXPECT_EQ(png->width, kWidth);
    EXPECT_EQ(png->height, kHeight);
    EXPECT_GT(png->non_white_fraction, 0.01) << "the page looks blank";
    EXPECT_GT(png->near_color, 30u) << "no chart colour on the first screen";

    // The DOM after load: the charts and tables the file holds, each chart with its caption.
    const std::string& dom = b.run.out;
    const std::string source = ReadFile(report);
    EXPECT_EQ(Occurrences(dom, "<svg "), charts) << dom.substr(0, 2000);
    EXPECT_EQ(Occurrences(source, "<svg "), charts);
    EXPECT_EQ(Occurrences(dom, "<table>"), tables);
    EXPECT_EQ(Occurrences(source, "<table>"), tables);
    EXPECT_EQ(Occurrences(dom, "<figcaption>"), charts);
    EXPECT_NE(dom.find("Content-Security-Policy"), std::string::npos);

    // Nothing was requested from outside the file, and nothing was refused.
    Result<std::vector<std::string>> outside = OutsideRequests(ReadFile(b.net_log));
    ASSERT_TRUE(outside.ok()) << outside.error();
    EXPECT_TRUE(outside->empty()) << "the page requested:\n" << Lines(*outside);
    const std::vector<std::string> violations = CspViolations(b.run.err);
    EXPECT_TRUE(violations.empty()) << Lines(violations);
  }

  OrphanReaper reaper_;
  std::string chromium_;
  fs::path dir_;
  int runs_ = 0;
};

// Charts: per command (GET, SET) the throughput bars, throughput against clients and against
// pipeline depth, one spectrum per case (4), then memory per key: 2 × 7 + 1. Tables: one per chart.
TEST_F(ReportBrowserTest, KvBenchRun) { ExpectRendered(BuildReport({"kv_bench.json"}), 15, 15); }

// One interval chart of the gated rows; tables: its numbers, the rows not gated, the targets.
TEST_F(ReportBrowserTest, GateResult) { ExpectRendered(BuildReport({"gate.json"}), 1, 3); }

// Per test (SET, GET): the spectra, throughput per second, latency per second.
TEST_F(ReportBrowserTest, KvLoadRun) { ExpectRendered(BuildReport({"kv_load.json"}), 6, 6); }

// Two saturation searches (kv-server, redis-server): their corrected p99 curves together, then
// each search's p50 / p99 / p99.9 / uncorrected p99 curve; a table behind each chart. In the
// browser's DOM every line is there (2 + 2 × 4 series), with the objective and answer lines, and
// the page wrote nothing to its console.
TEST_F(ReportBrowserTest, SaturationSearches) {
  const std::string report = BuildReport({"search_kv.json", "search_redis.json"});
  ExpectRendered(report, 3, 3);
  const BrowserResult b = Load(report);
  ASSERT_TRUE(b.run.exit.clean()) << b.run.exit.Describe() << "\n" << b.run.err;
  const std::string& dom = b.run.out;
  EXPECT_EQ(Occurrences(dom, "<g class=\"series\">"), 2u + 2 * 4) << dom.substr(0, 2000);
  // Each series: its legend sample and its line.
  EXPECT_EQ(Occurrences(dom, "stroke-width=\"2\""), 2 * (2u + 2 * 4)) << "a series without a line";
  EXPECT_NE(dom.find(">objective p99&lt;="), std::string::npos);
  EXPECT_NE(dom.find(">1: answer "), std::string::npos);
  EXPECT_NE(dom.find(">2: answer "), std::string::npos);
  const std::vector<std::string> console = ConsoleMessages(b.run.err);
  EXPECT_TRUE(console.empty()) << Lines(console);
}

// The console detector: a page whose script logs an error and throws shows both.
TEST_F(ReportBrowserTest, ConsoleMessagesAreDetected) {
  const std::string page = (dir_ / "console.html").string();
  std::ofstream(page) << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>c</title>"
                         "</head><body><p>control</p><script>console.error('kvbench-boom'); "
                         "kvbenchUndefined();</script></body></html>\n";
  const BrowserResult b = Load(page);
  ASSERT_TRUE(b.run.exit.clean()) << b.run.exit.Describe() << "\n" << b.run.err;
  const std::vector<std::string> console = ConsoleMessages(b.run.err);
  ASSERT_EQ(console.size(), 2u) << b.run.err;
  EXPECT_NE(console[0].find("kvbench-boom"), std::string::npos);
  EXPECT_NE(console[1].find("kvbenchUndefined"), std::string::npos);
}

// The detectors: a page without the CSP that loads an outside image shows up in the net log as a
// page request; with the CSP the browser refuses the load and says so on the console.
TEST_F(ReportBrowserTest, OutsideLoadsAreDetected) {
  const std::string image = "<img src=\"http://127.0.0.1:9/kvbench-control.png\" alt=\"x\">";
  const std::string open = (dir_ / "open.html").string();
  std::ofstream(open) << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>c</title>"
                         "</head><body><p>control</p>"
                      << image << "</body></html>\n";
  const std::string guarded = (dir_ / "guarded.html").string();
  std::ofstream(guarded) << "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                            "'none'; style-src 'unsafe-inline'; img-src data:\"><title>c</title>"
                            "</head><body><p>control</p>"
                         << image << "</body></html>\n";

  const BrowserResult a = Load(open);
  ASSERT_TRUE(a.run.exit.clean()) << a.run.exit.Describe() << "\n" << a.run.err;
  Result<std::vector<std::string>> requests = OutsideRequests(ReadFile(a.net_log));
  ASSERT_TRUE(requests.ok()) << requests.error();
  ASSERT_EQ(requests->size(), 1u) << Lines(*requests);
  EXPECT_TRUE(requests->front().starts_with("http://127.0.0.1:9/kvbench-control.png"));

  const BrowserResult b = Load(guarded);
  ASSERT_TRUE(b.run.exit.clean()) << b.run.exit.Describe() << "\n" << b.run.err;
  const std::vector<std::string> violations = CspViolations(b.run.err);
  ASSERT_EQ(violations.size(), 1u) << b.run.err;
  EXPECT_NE(violations.front().find("kvbench-control.png"), std::string::npos);
  Result<std::vector<std::string>> none = OutsideRequests(ReadFile(b.net_log));
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_TRUE(none->empty()) << Lines(*none);
}

// Killed at its timeout, the browser leaves nothing behind: its process group gets SIGKILL, and
// helpers outside the group (reparented to this process) are reaped in TearDown, which checks
// that no process of this test remains.
TEST_F(ReportBrowserTest, TimeoutKillsTheBrowserAndItsHelpers) {
  const std::string page = BuildReport({"kv_load.json"});
  const BrowserResult b = Load(page, std::chrono::milliseconds(300));
  EXPECT_TRUE(b.run.timed_out);
  EXPECT_EQ(b.run.exit.signal, SIGKILL);
}

}  // namespace
}  // namespace kv::report_test
