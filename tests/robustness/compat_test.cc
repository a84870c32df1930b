// Compatibility with stock Redis tools: redis-cli and redis-benchmark (Debian's 7.0.15) against
// kv-server. Skipped when the tools are not installed.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "fixtures/child_process.h"
#include "tests/robustness/kv_server_suite.h"
#include "tests/robustness/stream_model.h"
#include "tools/load/cli.h"
#include "tools/load/workload.h"

namespace kv::robustness {
namespace {

constexpr auto kToolTimeout = std::chrono::seconds(60);

// Runs a tool (argv[0] its path) to its exit, stdout and stderr interleaved in `out`; killed
// after kToolTimeout.
Result<fixtures::RunResult> RunTool(const std::vector<std::string>& argv) {
  fixtures::RunOptions options;
  options.argv = argv;
  options.timeout = kToolTimeout;
  options.merge_stderr = true;
  return fixtures::RunToExit(options);
}

class CompatibilityTest : public KvServerSuite {
 protected:
  // Runs redis-cli -p <port> args... and returns its output (fails the test on a bad exit).
  std::string RedisCli(const std::vector<std::string>& args) {
    const std::string cli = fixtures::FindExecutable("redis-cli", "/usr/bin/redis-cli");
    std::vector<std::string> argv = {cli, "-h", "127.0.0.1", "-p", std::to_string(port())};
    argv.insert(argv.end(), args.begin(), args.end());
    auto run = RunTool(argv);
    if (!run.ok()) {
      ADD_FAILURE() << "redis-cli: " << run.error();
      return "";
    }
    EXPECT_EQ(run->exit, fixtures::ExitStatus{.code = 0})
        << "redis-cli " << run->exit.Describe() << "; output: " << run->out;
    return run->out;
  }
};

// The test names of redis-benchmark -q's result lines ("SET: 65487.89 requests per second,
// p50=0.383 msec"), in order; a line of another form fails the test.
std::vector<std::string> QuietResultNames(const std::string& out) {
  std::vector<std::string> tests;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    // Progress updates end in '\r' and precede the final text on the same line.
    const size_t cr = line.rfind('\r');
    if (cr != std::string::npos) line = line.substr(cr + 1);
    if (line.empty()) continue;
    const size_t colon = line.find(": ");
    if (colon == std::string::npos) {
      ADD_FAILURE() << "unexpected line: " << Printable(line);
      continue;
    }
    EXPECT_NE(line.find(" requests per second, p50="), std::string::npos)
        << "unexpected line: " << Printable(line);
    tests.push_back(line.substr(0, colon));
  }
  return tests;
}

#define SKIP_WITHOUT(tool)                                        \
  if (fixtures::FindExecutable(tool, "/usr/bin/" tool).empty()) { \
    GTEST_SKIP() << tool " is not installed";                     \
  }

TEST_F(CompatibilityTest, RedisCliPing) {
  SKIP_WITHOUT("redis-cli");
  EXPECT_EQ(RedisCli({"ping"}), "PONG\n");
}

TEST_F(CompatibilityTest, RedisCliSetGet) {
  SKIP_WITHOUT("redis-cli");
  EXPECT_EQ(RedisCli({"set", "compat:k", "v"}), "OK\n");
  EXPECT_EQ(RedisCli({"get", "compat:k"}), "v\n");
  EXPECT_EQ(RedisCli({"get", "compat:missing"}), "\n");
}

TEST_F(CompatibilityTest, RedisCliInfoServer) {
  SKIP_WITHOUT("redis-cli");
  const std::string info = RedisCli({"info", "server"});
  EXPECT_NE(info.find("# Server"), std::string::npos) << info;
  EXPECT_NE(info.find("redis_version:"), std::string::npos) << info;
}

TEST_F(CompatibilityTest, RedisCliNoRawRoundTripWithSpaces) {
  SKIP_WITHOUT("redis-cli");
  EXPECT_EQ(RedisCli({"--no-raw", "set", "compat:spaced key", "a value with  spaces"}), "OK\n");
  EXPECT_EQ(RedisCli({"--no-raw", "get", "compat:spaced key"}), "\"a value with  spaces\"\n");
  EXPECT_EQ(RedisCli({"--no-raw", "incr", "compat:counter"}), "(integer) 1\n");
  EXPECT_EQ(RedisCli({"--no-raw", "get", "compat:nothing"}), "(nil)\n");
  EXPECT_EQ(RedisCli({"--no-raw", "mget", "compat:spaced key", "compat:nothing"}),
            "1) \"a value with  spaces\"\n2) (nil)\n");
  EXPECT_EQ(RedisCli({"--no-raw", "incr", "compat:spaced key"}),
            "(error) ERR value is not an integer or out of range\n");
}

TEST_F(CompatibilityTest, RedisBenchmarkQuiet) {
  SKIP_WITHOUT("redis-benchmark");
  const std::string bench = fixtures::FindExecutable("redis-benchmark", "/usr/bin/redis-benchmark");
  auto run = RunTool({bench, "-h", "127.0.0.1", "-p", std::to_string(port()), "-t",
                      "ping,set,get,incr,mset", "-n", "20000", "-q"});
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_FALSE(run->timed_out) << run->out;
  EXPECT_EQ(run->exit, fixtures::ExitStatus{.code = 0})
      << run->exit.Describe() << "; output: " << run->out;
  // "-t ping" runs PING_INLINE and PING_MBULK, so five test names give six result lines.
  EXPECT_EQ(QuietResultNames(run->out),
            (std::vector<std::string>{"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR",
                                      "MSET (10 keys)"}))
      << run->out;
  EXPECT_EQ(run->out.find("rror"), std::string::npos) << run->out;
}

// redis-benchmark with no -t: its whole default list, collections included, completes against
// kv-server (an unanswered or wrong reply would stall it or print an error). Small -n and -c keep
// it to a few seconds.
TEST_F(CompatibilityTest, RedisBenchmarkDefaultTestsAllComplete) {
  SKIP_WITHOUT("redis-benchmark");
  const std::string bench = fixtures::FindExecutable("redis-benchmark", "/usr/bin/redis-benchmark");
  auto run = RunTool(
      {bench, "-h", "127.0.0.1", "-p", std::to_string(port()), "-n", "2000", "-c", "10", "-q"});
  ASSERT_TRUE(run.ok()) << run.error();
  EXPECT_FALSE(run->timed_out) << run->out;
  EXPECT_EQ(run->exit, fixtures::ExitStatus{.code = 0})
      << run->exit.Describe() << "; output: " << run->out;
  // kv-load's default suite is redis-benchmark's (its own test pins the titles); the stock tool's
  // output must name the same tests in the same order.
  Result<load::Options> defaults = load::ParseArgs({});
  ASSERT_TRUE(defaults.ok()) << defaults.error();
  Result<std::vector<load::Workload>> suite = load::BuildWorkloads(*defaults);
  ASSERT_TRUE(suite.ok()) << suite.error();
  std::vector<std::string> titles;
  for (const load::Workload& w : *suite) titles.push_back(w.title);
  EXPECT_EQ(QuietResultNames(run->out), titles) << run->out;
  EXPECT_EQ(run->out.find("rror"), std::string::npos) << run->out;
}

}  // namespace
}  // namespace kv::robustness
