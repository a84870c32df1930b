// Process-level tests of the kv-load binary: against redis-server (skipped when it is not
// installed), against kv-server (when built in the same build directory), and against an
// in-test stub server that stalls or drops a connection on purpose.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/load/stub_server_test_util.h"
#include "tools/load/workload.h"

namespace kv::load {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kv-load-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct RunOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json json;  // parsed --json file, when one was requested with "{json}"
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs kv-load with args (bounded by timeout(1)); an argument "{json}" becomes a temp file
// whose contents are parsed into RunOutput::json.
RunOutput RunKvLoad(std::vector<std::string> args, int timeout_s = 120) {
  TempDir dir;
  const fs::path json = dir.path() / "out.json";
  std::string cmd = "timeout -s KILL " + std::to_string(timeout_s) + " " + Quote(KV_LOAD_BINARY);
  bool wants_json = false;
  for (std::string& a : args) {
    if (a == "{json}") {
      a = json.string();
      wants_json = true;
    }
    cmd += " " + Quote(a);
  }
  cmd += " </dev/null >" + Quote((dir.path() / "out").string()) + " 2>" +
         Quote((dir.path() / "err").string());
  RunOutput r;
  int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(dir.path() / "out");
  r.err = ReadFile(dir.path() / "err");
  if (wants_json && fs::exists(json)) {
    r.json = nlohmann::json::parse(ReadFile(json), nullptr, /*allow_exceptions=*/false);
  }
  return r;
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool Pings(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    timeval tv{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[16] = {};
    ok = ::write(fd, "PING\r\n", 6) == 6 && ::read(fd, buf, sizeof(buf)) > 0 &&
         std::string(buf).starts_with("+PONG");
  }
  ::close(fd);
  return ok;
}

// A server child process in its own process group, killed (and reaped) on destruction.
class ServerChild {
 public:
  ServerChild() = default;
  ServerChild(const ServerChild&) = delete;
  ServerChild& operator=(const ServerChild&) = delete;
  ~ServerChild() { Stop(); }

  // Starts argv; when ready_prefix is non-empty, reads stdout until a line starting with it.
  bool Start(const std::vector<std::string>& argv, std::string* first_line) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return false;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(pipefd[1], STDOUT_FILENO);
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, STDERR_FILENO);
      std::vector<char*> cargv;
      for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
      cargv.push_back(nullptr);
      ::execvp(cargv[0], cargv.data());
      ::_exit(127);
    }
    ::close(pipefd[1]);
    out_fd_ = pipefd[0];
    if (first_line != nullptr) {
      std::string line;
      char c;
      while (::read(out_fd_, &c, 1) == 1 && c != '\n') line += c;
      *first_line = line;
    }
    return pid_ > 0;
  }

  void Stop() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGTERM);
      for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
      }
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
};

bool HaveRedis() { return std::system("command -v redis-server >/dev/null 2>&1") == 0; }

// One redis-server for the whole suite (servers start once, not per test).
class LoadRedisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HaveRedis()) return;
    port_ = FreePort();
    server_ = new ServerChild();
    server_->Start({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--maxclients", "10000"},
                   nullptr);
    for (int i = 0; i < 100 && !Pings(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!HaveRedis()) GTEST_SKIP() << "redis-server is not installed";
    ASSERT_TRUE(Pings(port_)) << "redis-server did not start";
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
  static inline ServerChild* server_ = nullptr;
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
  EXPECT_EQ(r.json["schema"], "kv-load/1");
  EXPECT_EQ(r.json["schema_version"], 1);
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
  RunOutput r = RunKvLoad({"-p", std::to_string(FreePort()), "-t", "ping", "-n", "10"});
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
  ServerChild server;
  std::string ready;
  ASSERT_TRUE(server.Start({KV_SERVER_BINARY, "--port", "0"}, &ready));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(ready, m, std::regex("port=([0-9]+)"))) << ready;
  const std::string port = m[1];
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
