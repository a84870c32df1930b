// Process-level tests of the kv-load binary: against redis-server (skipped when it is not
// installed), against kv-server (when built in the same build directory), and against an
// in-test stub server that stalls or drops a connection on purpose.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures/child_process.h"
#include "fixtures/client.h"
#include "fixtures/server_process.h"
#include "tools/load/load_process_test_util.h"
#include "tools/load/stub_server_test_util.h"
#include "tools/load/workload.h"

namespace kv::load {
namespace {

namespace fs = std::filesystem;

// One redis-server for the whole suite (servers start once, not per test).
class LoadRedisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HaveRedis()) return;
    fixtures::ServerOptions options =
        ServerOptions(fixtures::ServerKind::kRedis, RedisServerPath(), "redis");
    options.extra_args = {"--maxclients", "10000"};
    auto started = fixtures::ServerProcess::Start(options);
    if (!started.ok()) {
      start_error_ = started.error();
      return;
    }
    server_ = std::move(*started);
    port_ = server_->endpoint().port;
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    if (!HaveRedis()) GTEST_SKIP() << "redis-server is not installed";
    ASSERT_NE(server_, nullptr) << "redis-server did not start: " << start_error_;
    auto client = fixtures::Client::Connect(server_->endpoint());
    ASSERT_TRUE(client.ok() && client->Ping().ok())
        << "redis-server does not answer PING: " << server_->CheckAlive().error();
  }
  std::string Redis(const std::string& cli_args) {
    std::string cmd = "redis-cli -p " + std::to_string(port_) + " " + cli_args;
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[4096];
    for (size_t n; p && (n = std::fread(buf, 1, sizeof(buf), p)) > 0;) out.append(buf, n);
    if (p) ::pclose(p);
    return out;
  }
  std::string Port() const { return std::to_string(port_); }

  static inline int port_ = 0;
  static inline std::unique_ptr<fixtures::ServerProcess> server_;
  static inline std::string start_error_;
};

TEST_F(LoadRedisTest, DefaultReportHasRedisBenchmarksSections) {
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "set,get", "-n", "2000", "-c", "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s :
       {"====== SET ======\n  2000 requests completed in ", "====== GET ======\n",
        "  10 parallel clients\n  3 bytes payload\n  keep alive: 1\n"
        "  host configuration \"save\": \n  host configuration \"appendonly\": no\n"
        "  multi-thread: no\n\nLatency by percentile distribution:\n0.000% <= ",
        "\nCumulative distribution of latencies:\n", "\nSummary:\n  throughput summary: ",
        "  latency summary (msec):\n          avg       min       p50       p95       p99       "
        "max\n"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << "no progress line when stdout is a file";
  EXPECT_TRUE(r.out.ends_with("\n\n"));
}

TEST_F(LoadRedisTest, QuietLines) {
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "ping", "-n", "1000", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::regex line(
      R"(^(PING_INLINE|PING_MBULK): [0-9]+\.[0-9]{2} requests per second, p50=[0-9]+\.[0-9]{3} msec$)");
  std::istringstream in(r.out);
  std::string l;
  int lines = 0;
  while (std::getline(in, l)) {
    if (l.empty()) continue;
    EXPECT_TRUE(std::regex_match(l, line)) << l;
    ++lines;
  }
  EXPECT_EQ(lines, 2);
}

TEST_F(LoadRedisTest, CsvParses) {
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "set,get,incr", "-n", "1000", "--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string l;
  std::getline(in, l);
  EXPECT_EQ(l,
            "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
            "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"");
  std::regex row(R"re(^"([A-Z]+)","([0-9]+\.[0-9]{2})"(,"[0-9]+\.[0-9]{3}"){6}$)re");
  std::vector<std::string> titles;
  while (std::getline(in, l)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, row)) << l;
    titles.push_back(m[1]);
    EXPECT_GT(std::stod(m[2]), 0);
  }
  EXPECT_EQ(titles, (std::vector<std::string>{"SET", "GET", "INCR"}));
}

TEST_F(LoadRedisTest, PipelineRecordsEveryRequest) {
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "set", "-n", "1600", "-c", "4", "-P", "16", "-r",
                           "1000", "--json", "{json}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.json.is_object()) << r.out;
  const auto& t = r.json["tests"][0];
  EXPECT_EQ(t["requests"], 1600);
  EXPECT_EQ(t["errors"], 0);
  EXPECT_EQ(t["histogram"]["count"], 1600);
  EXPECT_EQ(r.json["config"]["pipeline"], 16);
}

TEST_F(LoadRedisTest, JsonSchemaFields) {
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "get", "-n", "500", "--json", "{json}", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.json.is_object());
  EXPECT_EQ(r.json["schema"], "kv-load/2");
  EXPECT_EQ(r.json["schema_version"], 2);
  EXPECT_EQ(r.json["server"]["appendonly"], "no");
  const auto& t = r.json["tests"][0];
  EXPECT_EQ(t["title"], "GET");
  EXPECT_EQ(t["mode"], "closed");
  for (const char* k : {"requests", "errors", "error_types", "lost_connections", "duration_s",
                        "rps", "latency_ms", "histogram", "client"}) {
    EXPECT_TRUE(t.contains(k)) << k;
  }
  for (const char* k : {"p50", "p90", "p99", "p99_9", "p99_99", "max"}) {
    EXPECT_TRUE(t["latency_ms"].contains(k)) << k;
  }
  EXPECT_GT(t["rps"].get<double>(), 0);
  // The wall-clock window: now-ish, as long as the run.
  const double start = t["window"]["start_unix_s"].get<double>();
  const double end = t["window"]["end_unix_s"].get<double>();
  const double now = static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count()) /
                     1e6;
  EXPECT_LT(start, now);
  EXPECT_GT(start, now - 120);
  EXPECT_NEAR(end - start, t["duration_s"].get<double>(), 2e-6);
  EXPECT_GT(t["client"]["cpu_s"].get<double>(), 0);
  EXPECT_EQ(t["client"]["busy_fraction"].size(), 1u);
}

TEST_F(LoadRedisTest, ArbitraryCommandSubstitutesKeysAndData) {
  Redis("FLUSHALL");
  RunOutput r = RunKvLoad({"-p", Port(), "-n", "300", "-r", "50", "-d", "7", "-q", "SET",
                           "k:__rand_int__", "__data__"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("SET k:__rand_int__ __data__: ")) << r.out;
  const std::string keys = Redis("--scan --pattern 'k:*'");
  std::istringstream in(keys);
  std::string key, last;
  int n = 0;
  while (std::getline(in, key)) {
    EXPECT_TRUE(std::regex_match(key, std::regex("k:0000000000[0-4][0-9]"))) << key;
    last = key;
    ++n;
  }
  EXPECT_GT(n, 10);
  EXPECT_LE(n, 50);
  EXPECT_EQ(Redis("GET " + last), BenchmarkData(7) + "\n");
}

TEST_F(LoadRedisTest, SequentialDistributionFillsEveryKeyOnce) {
  Redis("FLUSHALL");
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "set", "-n", "100", "-r", "100", "-c", "5",
                           "--threads", "2", "--distribution", "sequential", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Redis("DBSIZE"), "100\n");
}

TEST_F(LoadRedisTest, ManyConnections) {
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "get", "-n", "4000", "-c", "2000", "--threads", "2",
                           "--json", "{json}", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.json.is_object());
  EXPECT_EQ(r.json["tests"][0]["requests"], 4000);
  EXPECT_EQ(r.json["tests"][0]["errors"], 0);
  EXPECT_EQ(r.json["tests"][0]["lost_connections"], 0);
}

TEST_F(LoadRedisTest, ThreadsMergeExactly) {
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "set,get", "-n", "10007", "-c", "7", "-P", "3",
                           "--threads", "3", "-r", "100", "--json", "{json}", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.json.is_object());
  for (const auto& t : r.json["tests"]) {
    EXPECT_EQ(t["requests"], 10007);
    EXPECT_EQ(t["histogram"]["count"], 10007);
    EXPECT_EQ(t["client"]["threads"], 3);
    EXPECT_EQ(t["client"]["busy_fraction"].size(), 3u);
    // The three threads' per-second series merge exactly too.
    int64_t per_second = 0;
    for (const auto& n : t["per_second"]["requests"]) per_second += n.get<int64_t>();
    EXPECT_EQ(per_second, 10007);
    EXPECT_EQ(t["per_second"]["latency"], "uncorrected");
  }
}

TEST_F(LoadRedisTest, ErrorRepliesAreCountedNotFatal) {
  RunOutput r =
      RunKvLoad({"-p", Port(), "-n", "100", "-c", "2", "--json", "{json}", "-q", "NOSUCHCMD", "x"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto& t = r.json["tests"][0];
  EXPECT_EQ(t["requests"], 0);
  EXPECT_EQ(t["errors"], 100);
  EXPECT_EQ(t["error_types"][0]["type"], "ERR");
  EXPECT_NE(t["error_types"][0]["first_message"].get<std::string>().find("unknown command"),
            std::string::npos);
  EXPECT_DOUBLE_EQ(t["rps"].get<double>(), 0);
  EXPECT_NE(r.err.find("errors: 100"), std::string::npos) << r.err;
}

TEST_F(LoadRedisTest, MixedRatio) {
  RunOutput r = RunKvLoad(
      {"-p", Port(), "--ratio", "3:1", "-r", "10", "-n", "1000", "--json", "{json}", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json["tests"][0]["title"], "MIXED (GET:SET 3:1)");
  EXPECT_EQ(r.json["tests"][0]["requests"], 1000);
}

TEST_F(LoadRedisTest, ProgressLineOnlyWhenAsked) {
  RunOutput r = RunKvLoad({"-p", Port(), "-t", "get", "--duration", "0.7", "--progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("GET: rps="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\r====== GET ======"), std::string::npos);
}

TEST(LoadCliProcessTest, BadFlagExitsNonZero) {
  RunOutput r = RunKvLoad({"-c", "abc"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "kv-load: -c: 'abc' is not a number\nTry 'kv-load --help' for more information.\n");
  EXPECT_EQ(r.out, "");
  RunOutput help = RunKvLoad({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(help.out.starts_with("Usage: kv-load [OPTIONS] [COMMAND ARGS...]\n"));
}

TEST(LoadCliProcessTest, ConnectionRefusedIsAnError) {
  Result<int> free_port = fixtures::PickFreePort();
  ASSERT_TRUE(free_port.ok()) << free_port.error();
  RunOutput r = RunKvLoad({"-p", std::to_string(*free_port), "-t", "ping", "-n", "10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Could not connect to Redis at 127.0.0.1:"), std::string::npos) << r.err;
}

// ---- against the stub server ----

TEST(LoadStubServerTest, OpenLoopChargesAStallToEveryDelayedRequest) {
  StubServer::Config cfg;
  cfg.stall_after = 1000;  // 0.5 s after the start: 0.25 s into the recorded window
  cfg.stall_ms = 400;
  auto stub = StubServer::Start(cfg);
  ASSERT_TRUE(stub.ok()) << stub.error();
  RunOutput r = RunKvLoad({"-p", std::to_string((*stub)->port()), "-t", "get", "-c", "4", "--rps",
                           "2000", "--duration", "2", "--warmup", "0.25", "--json", "{json}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.json.is_object()) << r.out;
  const auto& t = r.json["tests"][0];
  EXPECT_EQ(t["mode"], "open");
  // The schedule is exact: 2000/s for 2 s recorded, plus 500 warmup requests sent unrecorded.
  EXPECT_EQ(t["requests"], 4000);
  EXPECT_EQ(t["errors"], 0);
  EXPECT_EQ((*stub)->requests(), 4500);
  const double corrected_p99 = t["corrected_latency_ms"]["p99"];
  const double uncorrected_p99 = t["uncorrected_latency_ms"]["p99"];
  const double uncorrected_max = t["uncorrected_latency_ms"]["max"];
  // ~800 requests were due during the 400 ms stall: > 1% of them waited more than 200 ms.
  EXPECT_GE(corrected_p99, 200.0);
  // Only the 4 requests in flight saw the stall from their actual send time.
  EXPECT_GE(uncorrected_max, 300.0);
  EXPECT_LT(uncorrected_p99, 200.0);
  EXPECT_NE(r.out.find("    corrected "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  uncorrected "), std::string::npos) << r.out;

  // The per-second series: every recorded request once, the stall in the first second.
  const auto& series = t["per_second"];
  EXPECT_EQ(series["latency"], "corrected");
  const size_t n = series["t_s"].size();
  ASSERT_GE(n, 2u) << series.dump();
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_DOUBLE_EQ(series["t_s"][i].get<double>(), static_cast<double>(i));
    total += series["requests"][i].get<int64_t>();
  }
  EXPECT_EQ(total, 4000);
  for (const char* column : {"duration_s", "requests", "rps"}) {
    EXPECT_EQ(series[column].size(), n) << column;
  }
  for (const char* column : {"avg", "p50", "p90", "p99", "max"}) {
    EXPECT_EQ(series["latency_ms"][column].size(), n) << column;
  }
  EXPECT_GE(series["latency_ms"]["max"][0].get<double>(), 300.0) << series.dump();
}

// --tick: the requests due within a tick arrive together; the schedule still sends exactly the
// rate (schedule_test.cc checks the due times), the run says so and the JSON records it.
TEST(LoadStubServerTest, TickedOpenLoopKeepsTheExactSchedule) {
  auto stub = StubServer::Start(StubServer::Config{});
  ASSERT_TRUE(stub.ok()) << stub.error();
  RunOutput r = RunKvLoad({"-p", std::to_string((*stub)->port()), "-t", "get", "-c", "4", "-P",
                           "16", "--rps", "2000", "--tick", "20000", "--duration", "1", "--warmup",
                           "0.25", "--json", "{json}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.json.is_object()) << r.out;
  const auto& t = r.json["tests"][0];
  EXPECT_EQ(t["mode"], "open");
  EXPECT_EQ(t["requests"], 2000);
  EXPECT_EQ(t["errors"], 0);
  EXPECT_EQ((*stub)->requests(), 2500);
  EXPECT_EQ(r.json["config"]["tick_us"], 20000.0);
  EXPECT_NE(r.out.find("  arrivals: in bursts every 20000 usec (--tick)\n"), std::string::npos)
      << r.out;
}

TEST(LoadStubServerTest, LostConnectionIsReported) {
  StubServer::Config cfg;
  cfg.close_after = 50;
  auto stub = StubServer::Start(cfg);
  ASSERT_TRUE(stub.ok());
  RunOutput r = RunKvLoad({"-p", std::to_string((*stub)->port()), "-t", "get", "-c", "4", "-n",
                           "400", "--json", "{json}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto& t = r.json["tests"][0];
  EXPECT_EQ(t["lost_connections"], 1);
  EXPECT_EQ(t["reconnects"], 0);
  EXPECT_EQ(t["requests"], 399);
  EXPECT_EQ(t["errors"], 1);
  EXPECT_EQ(t["error_types"][0]["type"], "CONNECTION_LOST");
  EXPECT_NE(r.out.find("  lost connections: 1, reconnected: 0\n"), std::string::npos) << r.out;
}

TEST(LoadStubServerTest, ReconnectKeepsGoing) {
  StubServer::Config cfg;
  cfg.close_after = 50;
  auto stub = StubServer::Start(cfg);
  ASSERT_TRUE(stub.ok());
  RunOutput r = RunKvLoad({"-p", std::to_string((*stub)->port()), "-t", "get", "-c", "1", "-n",
                           "400", "--reconnect", "--json", "{json}", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto& t = r.json["tests"][0];
  EXPECT_EQ(t["lost_connections"], 1);
  EXPECT_EQ(t["reconnects"], 1);
  EXPECT_EQ(t["requests"], 399);  // the one in flight is lost; the rest go over the new connection
  EXPECT_EQ(t["errors"], 1);
}

TEST(LoadStubServerTest, KeepaliveZeroReconnectsEveryRequest) {
  auto stub = StubServer::Start({});
  ASSERT_TRUE(stub.ok());
  RunOutput r = RunKvLoad({"-p", std::to_string((*stub)->port()), "-t", "set", "-c", "2", "-n",
                           "50", "-k", "0", "--json", "{json}", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json["tests"][0]["requests"], 50);
  EXPECT_EQ(r.json["tests"][0]["lost_connections"], 0);
}

// ---- against kv-server, when it was built alongside ----

TEST(LoadKvServerTest, SmallRunsAndPipelines) {
  if (!fs::exists(KV_SERVER_BINARY)) GTEST_SKIP() << "kv-server not built: " << KV_SERVER_BINARY;
  auto server = fixtures::ServerProcess::Start(
      ServerOptions(fixtures::ServerKind::kKvServer, KV_SERVER_BINARY, "kv"));
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string port = std::to_string((*server)->endpoint().port);
  for (const char* pipeline : {"1", "16"}) {
    RunOutput r = RunKvLoad({"-p", port, "-t", "ping,set,get,incr,mset", "-n", "2000", "-r", "1000",
                             "-P", pipeline, "--json", "{json}", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(r.json.is_object());
    for (const auto& t : r.json["tests"]) {
      EXPECT_EQ(t["requests"], 2000) << t["title"];
      EXPECT_EQ(t["errors"], 0) << t["title"] << " " << t["error_types"].dump();
    }
  }
  RunOutput cmd = RunKvLoad(
      {"-p", port, "-n", "500", "-r", "100", "--csv", "SET", "k:__rand_int__", "__data__"});
  ASSERT_EQ(cmd.exit_code, 0) << cmd.err;
  EXPECT_NE(cmd.out.find("\"SET k:__rand_int__ __data__\",\""), std::string::npos) << cmd.out;
}

}  // namespace
}  // namespace kv::load
