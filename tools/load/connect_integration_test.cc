// kv-load against what users run: a TLS redis-server (certificates made with the openssl CLI in a
// temp dir), RESP3, and a 6-node Redis Cluster (3 masters, 3 replicas) including a live reshard.
// Skipped when redis-server, redis-cli or openssl is not installed.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fixtures/child_process.h"
#include "fixtures/server_process.h"
#include "tools/load/load_process_test_util.h"

namespace kv::load {
namespace {

bool HaveTools() {
  return HaveRedis() && !fixtures::FindExecutable("redis-cli").empty() &&
         !fixtures::FindExecutable("openssl").empty();
}

// Runs a tool to its exit (30 s at most) and returns its stdout; a failure is a test failure.
std::string Tool(std::vector<std::string> argv) {
  fixtures::RunOptions options;
  options.argv = std::move(argv);
  options.argv[0] = fixtures::FindExecutable(options.argv[0]);
  options.timeout = std::chrono::seconds(30);
  options.merge_stderr = true;
  Result<fixtures::RunResult> r = fixtures::RunToExit(options);
  EXPECT_TRUE(r.ok()) << options.argv[0] << ": " << (r.ok() ? "" : r.error());
  if (!r.ok()) return "";
  EXPECT_TRUE(r->exit.clean()) << options.argv[0] << " " << r->exit.Describe() << ": " << r->out;
  return r->out;
}

std::string RedisCli(int port, std::vector<std::string> args) {
  std::vector<std::string> argv = {"redis-cli", "-p", std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  return Tool(std::move(argv));
}

// ---------------------------------------------------------------------------------------------
// TLS and RESP3 against one redis-server with a plain and a TLS port.

class LoadTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HaveTools()) return;
    dir_ = std::make_unique<TempDir>();
    const std::string d = dir_->path().string();
    auto ssl = [&](const std::vector<std::string>& args) {
      std::vector<std::string> argv = {"openssl"};
      argv.insert(argv.end(), args.begin(), args.end());
      Tool(std::move(argv));
    };
    ssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key", "-out",
         d + "/ca.crt", "-days", "2", "-subj", "/CN=kv-load-test-ca"});
    ssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/server.key", "-out",
         d + "/server.csr", "-subj", "/CN=localhost"});
    ssl({"x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
         "-CAcreateserial", "-out", d + "/server.crt", "-days", "2"});
    ssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/other.key", "-out",
         d + "/other.crt", "-days", "2", "-subj", "/CN=some-other-ca"});
    Result<int> tls_port = fixtures::PickFreePort();
    if (!tls_port.ok()) {
      start_error_ = tls_port.error();
      return;
    }
    tls_port_ = *tls_port;
    fixtures::ServerOptions options =
        ServerOptions(fixtures::ServerKind::kRedis, RedisServerPath(), "tls");
    options.extra_args = {"--tls-port",         std::to_string(tls_port_),
                          "--tls-cert-file",    d + "/server.crt",
                          "--tls-key-file",     d + "/server.key",
                          "--tls-ca-cert-file", d + "/ca.crt",
                          "--tls-auth-clients", "no"};
    auto started = fixtures::ServerProcess::Start(options);
    if (!started.ok()) {
      start_error_ = started.error();
      return;
    }
    server_ = std::move(*started);
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }
  void SetUp() override {
    if (!HaveTools()) GTEST_SKIP() << "redis-server, redis-cli or openssl is not installed";
    ASSERT_NE(server_, nullptr) << "redis-server with TLS did not start: " << start_error_;
  }
  static std::string Ca() { return (dir_->path() / "ca.crt").string(); }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<fixtures::ServerProcess> server_;
  static inline int tls_port_ = 0;
  static inline std::string start_error_;
};

void ExpectCleanRun(const RunOutput& r, int64_t requests_per_test) {
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(r.json.is_object()) << r.out << r.err;
  for (const auto& t : r.json["tests"]) {
    EXPECT_EQ(t["errors"], 0) << t.dump();
    EXPECT_EQ(t["lost_connections"], 0) << t.dump();
    EXPECT_EQ(t["requests"], requests_per_test) << t.dump();
  }
}

TEST_F(LoadTlsTest, TlsWithCacert) {
  RunOutput r =
      RunKvLoad({"-p", std::to_string(tls_port_), "--tls", "--cacert", Ca(), "-t", "set,get", "-n",
                 "2000", "-c", "10", "-P", "4", "-r", "1000", "--json", "{json}", "-q"});
  ExpectCleanRun(r, 2000);
  EXPECT_EQ(r.json["config"]["tls"], true);
}

TEST_F(LoadTlsTest, RedissUriWithThreads) {
  RunOutput r = RunKvLoad({"-u", "rediss://127.0.0.1:" + std::to_string(tls_port_) + "/0",
                           "--cacert", Ca(), "-t", "get", "-n", "3000", "-c", "20", "--threads",
                           "2", "--json", "{json}", "-q"});
  ExpectCleanRun(r, 3000);
}

TEST_F(LoadTlsTest, WrongCaFailsClearly) {
  RunOutput r = RunKvLoad({"-p", std::to_string(tls_port_), "--tls", "--cacert",
                           (dir_->path() / "other.crt").string(), "-t", "get", "-n", "10", "-q"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("certificate verify failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:" + std::to_string(tls_port_)), std::string::npos) << r.err;
}

TEST_F(LoadTlsTest, MissingCaFileFailsClearly) {
  RunOutput r = RunKvLoad({"-p", std::to_string(tls_port_), "--tls", "--cacert",
                           (dir_->path() / "missing.crt").string(), "-n", "10", "-q"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--cacert"), std::string::npos) << r.err;
}

TEST_F(LoadTlsTest, Resp3OnThePlainPort) {
  RunOutput r = RunKvLoad({"-p", std::to_string(server_->endpoint().port), "-3", "-t",
                           "set,get,lpush,lrange_100,hset", "-n", "1000", "-c", "5", "-P", "8",
                           "--json", "{json}", "-q"});
  ExpectCleanRun(r, 1000);
  EXPECT_EQ(r.json["config"]["resp3"], true);
  // HELLO 3 really switched the protocol: the server lists the clients' resp field.
  EXPECT_NE(RedisCli(server_->endpoint().port, {"HELLO", "3"}).find("proto"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// A 6-node cluster (3 masters, 3 replicas), created once for the suite.

class LoadClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HaveTools()) return;
    dir_ = std::make_unique<TempDir>();
    std::vector<std::string> create = {"redis-cli", "--cluster", "create"};
    for (int i = 0; i < 6; ++i) {
      fixtures::ServerOptions options = ServerOptions(
          fixtures::ServerKind::kRedis, RedisServerPath(), "cluster" + std::to_string(i));
      options.extra_args = {"--cluster-enabled",
                            "yes",
                            "--cluster-config-file",
                            (dir_->path() / ("nodes-" + std::to_string(i) + ".conf")).string(),
                            "--cluster-node-timeout",
                            "5000",
                            "--dir",
                            dir_->path().string()};
      // The cluster bus listens on port + 10000: a free port above 55535 is refused (retried).
      auto started = fixtures::ServerProcess::Start(options);
      for (int retry = 0; retry < 20 && !started.ok() &&
                          started.error().find("port number too high") != std::string::npos;
           ++retry) {
        started = fixtures::ServerProcess::Start(options);
      }
      if (!started.ok()) {
        start_error_ = started.error();
        return;
      }
      create.push_back("127.0.0.1:" + std::to_string((*started)->endpoint().port));
      nodes_.push_back(std::move(*started));
    }
    create.insert(create.end(), {"--cluster-replicas", "1", "--cluster-yes"});
    Tool(create);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      int ok = 0;
      for (const auto& n : nodes_) {
        ok += RedisCli(n->endpoint().port, {"CLUSTER", "INFO"}).find("cluster_state:ok") !=
              std::string::npos;
      }
      if (ok == 6) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    start_error_ = "cluster_state is not ok after 30 s";
  }
  static void TearDownTestSuite() {
    nodes_.clear();
    dir_.reset();
  }
  void SetUp() override {
    if (!HaveTools()) GTEST_SKIP() << "redis-server, redis-cli or openssl is not installed";
    ASSERT_EQ(nodes_.size(), 6u) << "cluster did not start: " << start_error_;
    ASSERT_EQ(start_error_, "");
  }
  static int SeedPort() { return nodes_[0]->endpoint().port; }
  // The masters that serve slots (id and port), from CLUSTER NODES: "<id> <ip:port@bus> <flags>
  // <master> <ping> <pong> <epoch> <link> <slot>...".
  static std::vector<std::pair<std::string, int>> Masters() {
    std::vector<std::pair<std::string, int>> out;
    std::istringstream text(RedisCli(SeedPort(), {"CLUSTER", "NODES"}));
    for (std::string line; std::getline(text, line);) {
      std::istringstream fields(line);
      std::vector<std::string> f;
      for (std::string w; fields >> w;) f.push_back(w);
      if (f.size() < 9 || f[2].find("master") == std::string::npos) continue;
      const size_t colon = f[1].find(':');
      out.emplace_back(f[0], std::stoi(f[1].substr(colon + 1)));
    }
    return out;
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::vector<std::unique_ptr<fixtures::ServerProcess>> nodes_;
  static inline std::string start_error_;
};

TEST_F(LoadClusterTest, SetGetAcrossTheClusterWithoutErrors) {
  // -3: the topology comes as RESP3 maps (the reshard test reads RESP2 arrays).
  RunOutput r = RunKvLoad({"-p", std::to_string(SeedPort()), "--cluster", "-3", "-t", "set,get",
                           "-n", "20000", "-c", "20", "-P", "4", "-r", "100000", "--threads", "2",
                           "--json", "{json}", "-q"});
  ExpectCleanRun(r, 20000);
  for (const auto& t : r.json["tests"]) {
    ASSERT_TRUE(t["cluster"].is_object()) << t.dump();
    ASSERT_EQ(t["cluster"]["nodes"].size(), 3u) << t.dump();
    int64_t sum = 0;
    for (const auto& n : t["cluster"]["nodes"]) {
      // Uniform keys: every master gets about a third (each serves ~5461 slots).
      EXPECT_GT(n["requests"].get<int64_t>(), 20000 / 6) << t.dump();
      sum += n["requests"].get<int64_t>();
    }
    EXPECT_EQ(sum, 20000);
    EXPECT_EQ(t["cluster"]["moved"], 0);
  }
  // The keys really were spread: every master holds some.
  for (const auto& [id, port] : Masters()) {
    EXPECT_GT(std::stoi(RedisCli(port, {"DBSIZE"})), 0) << port;
  }
}

TEST_F(LoadClusterTest, MultiKeyTestIsRefused) {
  RunOutput r =
      RunKvLoad({"-p", std::to_string(SeedPort()), "--cluster", "-t", "mset", "-n", "10", "-q"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot run with --cluster"), std::string::npos) << r.err;
}

TEST_F(LoadClusterTest, NotAClusterIsAClearError) {
  fixtures::ServerOptions options =
      ServerOptions(fixtures::ServerKind::kRedis, RedisServerPath(), "plain");
  auto plain = fixtures::ServerProcess::Start(options);
  ASSERT_TRUE(plain.ok()) << plain.error();
  RunOutput r = RunKvLoad({"-p", std::to_string((*plain)->endpoint().port), "--cluster", "-t",
                           "get", "-n", "10", "-q"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not in cluster mode"), std::string::npos) << r.err;
}

// Moves 1,000 slots between two masters while kv-load runs: every request must succeed, and the
// redirections it followed are counted.
TEST_F(LoadClusterTest, LiveReshardHasNoFailedRequests) {
  const auto masters = Masters();
  ASSERT_EQ(masters.size(), 3u);
  RunOutput load;
  std::thread runner([&] {
    load = RunKvLoad({"-p", std::to_string(SeedPort()), "--cluster", "-t", "set", "--duration",
                      "12", "-c", "20", "-r", "200000", "--json", "{json}", "-q"},
                     /*timeout_s=*/90);
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  fixtures::RunOptions reshard;
  reshard.argv = {fixtures::FindExecutable("redis-cli"),
                  "--cluster",
                  "reshard",
                  "127.0.0.1:" + std::to_string(masters[0].second),
                  "--cluster-from",
                  masters[0].first,
                  "--cluster-to",
                  masters[1].first,
                  "--cluster-slots",
                  "1000",
                  "--cluster-yes"};
  reshard.timeout = std::chrono::seconds(60);
  reshard.merge_stderr = true;
  Result<fixtures::RunResult> moved = fixtures::RunToExit(reshard);
  runner.join();
  ASSERT_TRUE(moved.ok()) << moved.error();
  EXPECT_TRUE(moved->exit.clean()) << moved->exit.Describe() << moved->out.substr(0, 2000);
  ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
  ASSERT_TRUE(load.json.is_object());
  const auto& t = load.json["tests"][0];
  EXPECT_EQ(t["errors"], 0) << t["error_types"].dump();
  EXPECT_EQ(t["lost_connections"], 0);
  EXPECT_GT(t["requests"].get<int64_t>(), 0);
  const int64_t redirections =
      t["cluster"]["moved"].get<int64_t>() + t["cluster"]["ask"].get<int64_t>();
  EXPECT_GT(redirections, 0) << t["cluster"].dump();
  std::printf("reshard of 1000 slots under load: %s\n", t["cluster"].dump().c_str());
}

}  // namespace
}  // namespace kv::load
