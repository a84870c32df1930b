// kv-compare merge end to end on loopback: one kv-server, two kv-load processes of -c 25 at the
// same time, then one of -c 50 with the same total load, merged and compared.
//
// The load is open loop at a fixed, modest rate (2 × 1000 rps vs 2000 rps, far below what the
// server can do on this machine), so both setups send exactly the same requests on the same
// schedule. Every assertion is exact arithmetic on the files, never a timing comparison (ctest
// runs this beside other tests on a shared machine, where latency and start skew are noise):
//  - the merged histograms are the bucket-by-bucket sums of the two processes' (so each merged
//    percentile is within the histogram's precision, 1/1024, of the exact percentile of all
//    their requests);
//  - the merged counts are the sums and, at a fixed rate, equal the single run's (rate × time);
//  - the merged window is the union of the two windows, rps is total ÷ that span, the overlap
//    fraction is the windows' intersection ÷ span, and the overlap warning appears exactly when
//    that fraction is below 80 %.
// The latencies of the merged and the single run are printed side by side, not asserted.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures/child_process.h"
#include "fixtures/server_process.h"
#include "stats/histogram.h"
#include "tools/load/json_report.h"

namespace kv::compare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kRate = 2000;  // requests per second in total
constexpr int kDurationS = 3;
constexpr char kWarmupS[] = "0.5";

// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kv-merge-it-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// kv-load open loop against port: -t get -P 1, `clients` connections at `rate` rps.
std::vector<std::string> KvLoadArgs(int port, int clients, int rate, const std::string& json_path) {
  return {KV_LOAD_BINARY,
          "-p",
          std::to_string(port),
          "-t",
          "get",
          "-P",
          "1",
          "-r",
          "10000",
          "-c",
          std::to_string(clients),
          "-n",
          std::to_string(static_cast<int64_t>(rate) * kDurationS),
          "--rps",
          std::to_string(rate),
          "--duration",
          std::to_string(kDurationS),
          "--warmup",
          kWarmupS,
          "-q",
          "--json",
          json_path};
}

// Starts every command at once and waits for all (each bounded by 60 s, then killed).
std::vector<fixtures::ExitStatus> RunTogether(const std::vector<std::vector<std::string>>& argvs) {
  std::vector<std::unique_ptr<fixtures::ChildProcess>> children;
  for (const auto& argv : argvs) {
    auto child = fixtures::ChildProcess::Spawn({.argv = argv, .stdout_fd = -1, .stderr_fd = -1});
    EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error());
    if (child.ok()) children.push_back(std::move(*child));
  }
  std::vector<fixtures::ExitStatus> out;
  for (auto& child : children) {
    std::optional<fixtures::ExitStatus> exit = child->WaitExit(std::chrono::seconds(60));
    out.push_back(exit ? *exit : child->Stop(std::chrono::seconds(1)));
  }
  return out;
}

stats::Histogram Histogram(const json& test, const char* key) {
  Result<stats::Histogram> h = stats::Histogram::FromJson(test[key]);
  EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error());
  return h.ok() ? std::move(*h) : stats::Histogram();
}

TEST(MergeIntegrationTest, TwoHalfLoadsMergeIntoTheFullLoad) {
  if (!fs::exists(KV_SERVER_BINARY)) GTEST_SKIP() << "kv-server not built: " << KV_SERVER_BINARY;
  fixtures::ServerOptions options;
  options.kind = fixtures::ServerKind::kKvServer;
  options.binary = KV_SERVER_BINARY;
  options.log_path = "merge-test-kv-" + std::to_string(::getpid()) + ".log";
  auto server = fixtures::ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.error();
  const int port = (*server)->endpoint().port;
  TempDir dir;
  const std::string a = dir.File("a.json"), b = dir.File("b.json");
  const std::string single = dir.File("single.json"), merged = dir.File("merged.json");

  // Two processes of -c 25 at half the rate each, at the same time.
  for (const fixtures::ExitStatus& exit :
       RunTogether({KvLoadArgs(port, 25, kRate / 2, a), KvLoadArgs(port, 25, kRate / 2, b)})) {
    ASSERT_TRUE(exit.clean()) << exit.Describe();
  }
  // One process of -c 50 at the full rate.
  auto one = RunTogether({KvLoadArgs(port, 50, kRate, single)});
  ASSERT_EQ(one.size(), 1u);
  ASSERT_TRUE(one[0].clean()) << one[0].Describe();

  fixtures::RunOptions merge;
  merge.argv = {KV_COMPARE_BINARY, "merge", a, b, "-o", merged};
  merge.timeout = std::chrono::seconds(60);
  Result<fixtures::RunResult> run = fixtures::RunToExit(merge);
  ASSERT_TRUE(run.ok()) << run.error();
  ASSERT_TRUE(run->exit.clean()) << run->exit.Describe() << "\n" << run->err;
  std::printf("%s", run->out.c_str());

  const json ja = ReadJson(a), jb = ReadJson(b), js = ReadJson(single), jm = ReadJson(merged);
  for (const json* j : {&ja, &jb, &js, &jm}) ASSERT_TRUE(j->is_object());
  const json &ta = ja["tests"][0], &tb = jb["tests"][0], &ts = js["tests"][0], &tm = jm["tests"][0];

  // Counts: exact sums; at a fixed rate, also exactly the single run's count (rate × duration).
  EXPECT_EQ(ta["errors"], 0);
  EXPECT_EQ(tb["errors"], 0);
  EXPECT_EQ(ts["errors"], 0);
  EXPECT_EQ(tm["errors"], 0);
  EXPECT_EQ(tm["requests"].get<int64_t>(),
            ta["requests"].get<int64_t>() + tb["requests"].get<int64_t>());
  EXPECT_EQ(tm["requests"].get<int64_t>(), static_cast<int64_t>(kRate) * kDurationS);
  EXPECT_EQ(tm["requests"], ts["requests"]);
  EXPECT_EQ(jm["config"]["clients"], 50);
  EXPECT_EQ(tm["merge"]["processes"], 2);

  // Histograms: the merged ones are exactly the sums of the two processes'.
  for (const char* key : {"histogram", "corrected_histogram"}) {
    stats::Histogram sum = Histogram(ta, key);
    sum.Merge(Histogram(tb, key));
    const stats::Histogram m = Histogram(tm, key);
    EXPECT_EQ(m.ToJson()["buckets"], sum.ToJson()["buckets"]) << key;
    EXPECT_EQ(m.count(), tm["requests"].get<int64_t>()) << key;
  }
  stats::Histogram corrected_sum = Histogram(ta, "corrected_histogram");
  corrected_sum.Merge(Histogram(tb, "corrected_histogram"));
  const json expected = load::LatencyJson(corrected_sum);
  for (const char* p : {"p50", "p90", "p99", "p99_9", "max"}) {
    EXPECT_EQ(tm["latency_ms"][p], expected[p]) << p;
  }

  // Window, rps and overlap: the union of the two windows, total ÷ span, intersection ÷ span.
  const double a_start = ta["window"]["start_unix_s"].get<double>();
  const double a_end = ta["window"]["end_unix_s"].get<double>();
  const double b_start = tb["window"]["start_unix_s"].get<double>();
  const double b_end = tb["window"]["end_unix_s"].get<double>();
  const double start = std::min(a_start, b_start), end = std::max(a_end, b_end);
  ASSERT_GT(end, start);
  EXPECT_NEAR(tm["window"]["start_unix_s"].get<double>(), start, 1e-6);
  EXPECT_NEAR(tm["window"]["end_unix_s"].get<double>(), end, 1e-6);
  EXPECT_NEAR(tm["rps"].get<double>(), tm["requests"].get<double>() / (end - start),
              1e-3 * tm["rps"].get<double>());
  const double overlap =
      std::max(0.0, std::min(a_end, b_end) - std::max(a_start, b_start)) / (end - start);
  EXPECT_NEAR(tm["merge"]["overlap_fraction"].get<double>(), overlap, 1e-6);
  if (overlap >= 0.8) {
    EXPECT_EQ(run->err, "");
  } else {
    EXPECT_NE(run->err.find("overlap"), std::string::npos) << run->err;
  }

  std::printf("corrected latency ms      p50      p99    p99.9   rps\n");
  for (const auto& [name, t] : {std::pair{"merged 2 x c25", &tm}, std::pair{"single c50", &ts}}) {
    std::printf("%-20s %8.3f %8.3f %8.3f %8.1f\n", name, (*t)["latency_ms"]["p50"].get<double>(),
                (*t)["latency_ms"]["p99"].get<double>(), (*t)["latency_ms"]["p99_9"].get<double>(),
                (*t)["rps"].get<double>());
  }
}

}  // namespace
}  // namespace kv::compare
