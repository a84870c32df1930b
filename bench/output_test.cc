// kv_bench as a process: stdout carries Google Benchmark's output only (the list of cases, JSON
// that parses, the console with its context), kv_bench's messages and progress go to stderr, and a
// tiny real run records the run conditions (per-run counters and context strings) in range and the
// latency spectrum (p50 ... p99.99, max) in order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "bench/bench_test_util.h"
#include "fixtures/child_process.h"

namespace kv::bench {
namespace {

// The one case per target every test runs: kv/SET/clients:1/pipeline:1 (and redis/...).
constexpr const char* kFilter = "--benchmark_filter=/SET/clients:1/pipeline:1/";

class KvBenchOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    targets_ = FindTargets();
    if (targets_.count() == 0) GTEST_SKIP() << "neither kv-server nor redis-server is available";
    log_dir_ = std::filesystem::temp_directory_path() /
               ("kv_bench_output_test-" + std::to_string(getpid()));
  }
  void TearDown() override {
    std::error_code ec;
    if (!log_dir_.empty()) std::filesystem::remove_all(log_dir_, ec);
  }

  // kv_bench --kv_quick <targets> <filter> <args>, stdout and stderr apart.
  fixtures::RunResult Run(const std::vector<std::string>& args) {
    fixtures::RunOptions options;
    options.argv = {KV_BENCH_PATH, "--kv_quick", "--kv_log_dir=" + log_dir_.string(), kFilter};
    for (const std::string& f : targets_.Flags()) options.argv.push_back(f);
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.timeout = std::chrono::seconds(60);
    Result<fixtures::RunResult> r = fixtures::RunToExit(options);
    EXPECT_TRUE(r.ok()) << r.error();
    if (!r.ok()) return {};
    EXPECT_FALSE(r->timed_out);
    EXPECT_TRUE(r->exit.clean()) << r->exit.Describe() << "\nstderr:\n" << r->err;
    return *r;
  }

  // The cases the filter selects, in the order kv_bench registers them (targets innermost).
  std::vector<std::string> ExpectedCases() const {
    std::vector<std::string> out;
    if (!targets_.kv.empty()) out.push_back("kv/SET/clients:1/pipeline:1/real_time/threads:1");
    if (!targets_.redis.empty())
      out.push_back("redis/SET/clients:1/pipeline:1/real_time/threads:1");
    return out;
  }

  AvailableTargets targets_;
  std::filesystem::path log_dir_;
};

TEST_F(KvBenchOutputTest, ListTestsPrintsExactlyTheCaseNames) {
  const fixtures::RunResult r = Run({"--benchmark_list_tests"});
  std::string expected;
  for (const std::string& name : ExpectedCases()) expected += name + "\n";
  EXPECT_EQ(r.out, expected) << "stderr:\n" << r.err;
  EXPECT_NE(r.err.find("kv_bench: target "), std::string::npos) << r.err;  // messages: stderr
}

TEST_F(KvBenchOutputTest, JsonOnStdoutParsesAndRecordsTheRunConditions) {
  const fixtures::RunResult r =
      Run({"--benchmark_format=json", "--benchmark_min_time=0.2", "--kv_progress"});
  nlohmann::json doc;
  ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << "stdout:\n" << r.out;

  const nlohmann::json& context = doc.at("context");
  for (const char* key : {"kv_load_avg_before", "kv_cpu_governor", "kv_thp", "kv_kernel",
                          "kv_compiler", "kv_server_args", "redis_args", "kv_cpus"}) {
    ASSERT_TRUE(context.contains(key)) << key << "\n" << context.dump(2);
    EXPECT_FALSE(context.at(key).get<std::string>().empty()) << key;
  }
  EXPECT_TRUE(std::regex_match(context.at("kv_load_avg_before").get<std::string>(),
                               std::regex(R"([0-9.]+ [0-9.]+ [0-9.]+)")))
      << context.at("kv_load_avg_before");
  EXPECT_TRUE(context.at("kv_thp").get<std::string>().starts_with("enabled="));
  const int cpus = std::stoi(context.at("kv_cpus").get<std::string>());
  EXPECT_GE(cpus, 1);
  const std::string kv_args = context.at("kv_server_args").get<std::string>();
  const std::string redis_args = context.at("redis_args").get<std::string>();
  if (!targets_.kv.empty()) {
    EXPECT_TRUE(kv_args.starts_with(targets_.kv + " --port 0")) << kv_args;
  } else {
    EXPECT_EQ(kv_args, "not started");
  }
  if (!targets_.redis.empty()) {
    EXPECT_TRUE(redis_args.starts_with(targets_.redis + " --port ")) << redis_args;
    EXPECT_NE(redis_args.find("--save ''"), std::string::npos) << redis_args;
  } else {
    EXPECT_EQ(redis_args, "not started");
  }

  const nlohmann::json& benchmarks = doc.at("benchmarks");
  const std::vector<std::string> expected = ExpectedCases();
  ASSERT_EQ(benchmarks.size(), expected.size()) << benchmarks.dump(2);
  for (size_t i = 0; i < expected.size(); ++i) {
    const nlohmann::json& b = benchmarks[i];
    EXPECT_EQ(b.at("name"), expected[i]);
    ASSERT_TRUE(b.contains("client_cpu_util")) << b.dump(2);
    ASSERT_TRUE(b.contains("other_cpu_cores")) << b.dump(2);
    const double util = b.at("client_cpu_util").get<double>();
    const double other = b.at("other_cpu_cores").get<double>();
    // One client thread: its CPU over its wall time (a little over 1 is timer granularity).
    EXPECT_GE(util, 0.0) << expected[i];
    EXPECT_LE(util, 1.5) << expected[i];
    // Tick counts (10 ms) over a ~0.2 s window: allow half a core per CPU of rounding.
    EXPECT_GE(other, 0.0) << expected[i];
    EXPECT_LE(other, 1.5 * cpus) << expected[i];
    // The latency spectrum the HTML report draws: every percentile, in order, up to the maximum.
    double previous = 0;
    for (const char* key :
         {"p50_us", "p75_us", "p90_us", "p95_us", "p99_us", "p999_us", "p9999_us", "max_us"}) {
      ASSERT_TRUE(b.contains(key)) << key << "\n" << b.dump(2);
      const double value = b.at(key).get<double>();
      EXPECT_GT(value, 0.0) << expected[i] << " " << key;
      EXPECT_GE(value, previous) << expected[i] << " " << key;
      previous = value;
    }
  }

  // Progress on stderr (not a terminal here): the first run's line and the last one, "[N/N]"
  // (one repetition per case, not interleaved: the last case).
  const std::string n = std::to_string(expected.size());
  EXPECT_NE(r.err.find("[" + n + "/" + n + "] " +
                       expected.back().substr(0, expected.back().find("/real_time"))),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("[1/" + n + "] "), std::string::npos) << r.err;
}

TEST_F(KvBenchOutputTest, ConsoleContextGoesToStdoutWithTheTable) {
  const fixtures::RunResult r = Run({"--benchmark_min_time=0.01"});
  // Google Benchmark's console context ("Run on (N X ... CPU s)", load average and, with Debian's
  // library, the DEBUG banner) is part of the console on stdout, not of kv_bench's stderr.
  EXPECT_NE(r.out.find("Run on ("), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Run on ("), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("***WARNING*** Library was built as DEBUG"), std::string::npos) << r.err;
  for (const std::string& name : ExpectedCases()) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("kv_bench:"), std::string::npos) << r.out;
  EXPECT_FALSE(std::regex_search(r.err, std::regex(R"(\[[0-9]+/[0-9]+\] )")))
      << "no progress without --kv_progress:\n"
      << r.err;
}

}  // namespace
}  // namespace kv::bench
