// kv_bench with targets beyond the built-in two: Debian's redis-server started through
// --kv_target=NAME=COMMAND under another name, an already running redis-server used through
// NAME@127.0.0.1:PORT (left running), a server without scripting (its EVALSHA case skipped, not
// failed), and the errors users hit: a command that exits at once, a closed port, a port that does
// not speak RESP, unknown names. Every server kv_bench started is gone when it returns.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.h"
#include "fixtures/child_process.h"
#include "fixtures/server_process.h"

namespace kv::bench {
namespace {

bool Gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

class KvBenchTargetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = fixtures::FindExecutable("redis-server", "/usr/bin/redis-server");
    if (redis_.empty()) GTEST_SKIP() << "redis-server is not installed";
    log_dir_ = std::filesystem::temp_directory_path() /
               ("kv_bench_targets_test-" + std::to_string(getpid()));
  }
  void TearDown() override {
    std::error_code ec;
    if (!log_dir_.empty()) std::filesystem::remove_all(log_dir_, ec);
  }

  // kv_bench --kv_quick, one tiny case per target, JSON on stdout.
  fixtures::RunResult Run(const std::vector<std::string>& args) {
    fixtures::RunOptions options;
    options.argv = {KV_BENCH_PATH,
                    "--kv_quick",
                    "--kv_clients=1",
                    "--kv_pipeline=1",
                    "--benchmark_min_time=0.05",
                    "--benchmark_format=json",
                    "--kv_log_dir=" + log_dir_.string()};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.timeout = std::chrono::seconds(60);
    Result<fixtures::RunResult> r = fixtures::RunToExit(options);
    EXPECT_TRUE(r.ok()) << r.error();
    if (!r.ok()) return {};
    EXPECT_FALSE(r->timed_out);
    return *r;
  }

  // Run(args) must exit cleanly having skipped `skipped` cases and failed none; its JSON.
  nlohmann::json RunSkipping(const std::vector<std::string>& args, int skipped) {
    const fixtures::RunResult r = Run(args);
    EXPECT_TRUE(r.exit.clean()) << r.exit.Describe() << "\nstderr:\n" << r.err;
    EXPECT_NE(r.err.find(std::to_string(skipped) + " case(s) skipped"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("failed"), std::string::npos) << r.err;
    const nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.out;
    return doc;
  }

  // The pids kv_bench announced on stderr ("kv_bench: target NAME: ... pid=N ... (started ...").
  static std::vector<pid_t> StartedPids(const std::string& err) {
    std::vector<pid_t> pids;
    const std::regex line(R"(kv_bench: target \S+: .* pid=(\d+) port=\d+ \(started by kv_bench\))");
    for (auto it = std::sregex_iterator(err.begin(), err.end(), line); it != std::sregex_iterator();
         ++it) {
      pids.push_back(static_cast<pid_t>(std::stol((*it)[1].str())));
    }
    return pids;
  }

  std::string redis_;
  std::filesystem::path log_dir_;
};

const nlohmann::json* FindBenchmark(const nlohmann::json& doc, const std::string& prefix) {
  for (const nlohmann::json& b : doc.at("benchmarks")) {
    if (b.at("name").get<std::string>().starts_with(prefix)) return &b;
  }
  return nullptr;
}

TEST_F(KvBenchTargetsTest, CommandTargetRunsUnderItsOwnNameBesideTheReference) {
  const fixtures::RunResult r =
      Run({"--kv_target=redis2=redis-server --port {port} --save \"\" --appendonly no --dir {dir}",
           "--kv_targets=redis,redis2", "--benchmark_filter=/GET/"});
  ASSERT_TRUE(r.exit.clean()) << r.exit.Describe() << "\nstderr:\n" << r.err;
  nlohmann::json doc;
  ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << r.out;
  const nlohmann::json& context = doc.at("context");
  EXPECT_EQ(context.at("kv_targets"), "redis,redis2");
  EXPECT_EQ(context.at("kv_reference"), "redis");
  EXPECT_EQ(context.at("kv_server_stats"), "redis: measured; redis2: measured");
  const std::string redis2 = context.at("kv_target_redis2").get<std::string>();
  EXPECT_NE(redis2.find("redis-server 7"), std::string::npos) << redis2;
  EXPECT_NE(redis2.find("--dir /"), std::string::npos) << redis2;  // {dir} filled in
  EXPECT_NE(context.at("grid").get<std::string>().find("targets=redis,redis2 "), std::string::npos);
  for (const char* name : {"redis/GET/clients:1/pipeline:1", "redis2/GET/clients:1/pipeline:1"}) {
    const nlohmann::json* b = FindBenchmark(doc, name);
    ASSERT_NE(b, nullptr) << name << "\n" << r.out;
    EXPECT_FALSE(b->value("error_occurred", false)) << b->dump(2);
    EXPECT_GT(b->at("items_per_second").get<double>(), 0) << name;
    EXPECT_GT(b->at("server_cpu_us_per_op").get<double>(), 0) << name;  // a local process
  }
  const std::vector<pid_t> pids = StartedPids(r.err);
  ASSERT_EQ(pids.size(), 2u) << r.err;
  for (pid_t pid : pids) EXPECT_TRUE(Gone(pid)) << pid;
  // The scratch directory went with the server.
  const std::smatch dir = [&] {
    std::smatch m;
    std::regex_search(redis2, m, std::regex(R"(--dir (\S+))"));
    return m;
  }();
  ASSERT_EQ(dir.size(), 2u) << redis2;
  EXPECT_FALSE(std::filesystem::exists(dir[1].str())) << dir[1];
}

TEST_F(KvBenchTargetsTest, RunningServerIsMeasuredAndLeftRunning) {
  fixtures::ServerOptions options;
  options.kind = fixtures::ServerKind::kRedis;
  options.binary = redis_;
  options.log_path = (log_dir_.string() + "-external.log");
  Result<std::unique_ptr<fixtures::ServerProcess>> server = fixtures::ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.error();
  const fixtures::Endpoint at = (*server)->endpoint();
  const fixtures::RunResult r = Run({"--kv_target=ext@127.0.0.1:" + std::to_string(at.port),
                                     "--kv_targets=ext", "--kv_reference=ext",
                                     // LATENCY_GET runs last and leaves its keys behind.
                                     "--benchmark_filter=/(GET|EVALSHA|LATENCY_GET)/"});
  ASSERT_TRUE(r.exit.clean()) << r.exit.Describe() << "\nstderr:\n" << r.err;
  nlohmann::json doc;
  ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << r.out;
  const nlohmann::json& context = doc.at("context");
  EXPECT_EQ(context.at("kv_reference"), "ext");
  EXPECT_EQ(context.at("kv_server_stats"), "ext: measured");  // loopback, its pid is here
  const std::string ext = context.at("kv_target_ext").get<std::string>();
  EXPECT_NE(ext.find("already running, local pid=" + std::to_string((*server)->pid())),
            std::string::npos)
      << ext;
  for (const char* name : {"ext/GET/clients:1/pipeline:1", "ext/EVALSHA/clients:1/pipeline:1"}) {
    const nlohmann::json* b = FindBenchmark(doc, name);
    ASSERT_NE(b, nullptr) << name << "\n" << r.out;
    EXPECT_FALSE(b->value("error_occurred", false)) << b->dump(2);
    EXPECT_GT(b->at("items_per_second").get<double>(), 0) << name;
    EXPECT_TRUE(b->contains("server_cpu_us_per_op")) << name;
  }
  EXPECT_NE(FindBenchmark(doc, "ext/LATENCY_GET/"), nullptr) << r.out;
  // Not kv_bench's to stop: it still answers, and kv_bench left it empty as it found it.
  EXPECT_FALSE((*server)->Exited().has_value());
  Result<fixtures::Client> client = fixtures::Client::Connect(at);
  ASSERT_TRUE(client.ok()) << client.error();
  Result<fixtures::Reply> size = client->Call({"DBSIZE"});
  ASSERT_TRUE(size.ok()) << size.error();
  EXPECT_EQ(size->integer, 0);

  // A server holding keys is refused: kv_bench would FLUSHALL them.
  ASSERT_TRUE(client->Call({"SET", "precious", "1"}).ok());
  const fixtures::RunResult refused = Run({"--kv_target=ext@127.0.0.1:" + std::to_string(at.port),
                                           "--kv_targets=ext", "--benchmark_filter=/GET/"});
  EXPECT_EQ(refused.exit.code, 1) << refused.err;
  EXPECT_NE(refused.err.find("the server holds keys (db0:keys=1"), std::string::npos)
      << refused.err;
  EXPECT_EQ(client->Call({"EXISTS", "precious"})->integer, 1);
}

TEST_F(KvBenchTargetsTest, CasesATargetCannotRunAreSkippedNotFailed) {
  const nlohmann::json doc = RunSkipping(
      {"--kv_target=noscript=redis-server --port {port} --save '' --rename-command SCRIPT ''",
       "--kv_targets=noscript", "--benchmark_filter=/(GET|EVALSHA|LOCK)/"},
      2);
  ASSERT_FALSE(doc.is_discarded());
  for (const char* name :
       {"noscript/EVALSHA/clients:1/pipeline:1", "noscript/LOCK/clients:1/pipeline:1"}) {
    const nlohmann::json* b = FindBenchmark(doc, name);
    ASSERT_NE(b, nullptr) << name << "\n" << doc.dump();
    EXPECT_TRUE(b->value("error_occurred", false)) << b->dump(2);
    const std::string message = b->value("error_message", "");
    EXPECT_TRUE(message.starts_with("skipped: noscript ")) << message;
    EXPECT_NE(message.find("SCRIPT LOAD"), std::string::npos) << message;
  }
  const nlohmann::json* get = FindBenchmark(doc, "noscript/GET/clients:1/pipeline:1");
  ASSERT_NE(get, nullptr) << doc.dump();
  EXPECT_FALSE(get->value("error_occurred", false)) << get->dump(2);
}

// A server without a collection command (SADD renamed away) skips the cases that need it (SADD,
// and SPOP, which fills its set with SADD) and runs the others.
TEST_F(KvBenchTargetsTest, CollectionCasesWithoutTheirCommandAreSkipped) {
  const nlohmann::json doc = RunSkipping(
      {"--kv_target=nosadd=redis-server --port {port} --save '' --rename-command SADD ''",
       "--kv_targets=nosadd", "--benchmark_filter=/(SADD|SPOP|LPUSH)/"},
      2);
  ASSERT_FALSE(doc.is_discarded());
  for (const char* name :
       {"nosadd/SADD/clients:1/pipeline:1", "nosadd/SPOP/clients:1/pipeline:1"}) {
    const nlohmann::json* b = FindBenchmark(doc, name);
    ASSERT_NE(b, nullptr) << name << "\n" << doc.dump();
    EXPECT_TRUE(b->value("error_occurred", false)) << b->dump(2);
    EXPECT_EQ(b->value("error_message", ""),
              "skipped: nosadd does not know SADD (COMMAND INFO SADD answers nil)");
  }
  const nlohmann::json* lpush = FindBenchmark(doc, "nosadd/LPUSH/clients:1/pipeline:1");
  ASSERT_NE(lpush, nullptr) << doc.dump();
  EXPECT_FALSE(lpush->value("error_occurred", false)) << lpush->dump(2);
}

// The collection cases are redis-benchmark's, in its names: every one the collection-types issue
// names, one grid instance each here.
TEST_F(KvBenchTargetsTest, CollectionCasesAreRedisBenchmarksTests) {
  const fixtures::RunResult r =
      Run({"--kv_targets=redis", "--benchmark_list_tests",
           "--benchmark_filter=/(LPUSH|LPOP|HSET|SADD|SPOP|ZADD|ZPOPMIN|LRANGE_100)/"});
  ASSERT_TRUE(r.exit.clean()) << r.exit.Describe() << "\nstderr:\n" << r.err;
  std::string expected;
  for (const char* name :
       {"LPUSH", "LPOP", "HSET", "SADD", "SPOP", "ZADD", "ZPOPMIN", "LRANGE_100"})
    expected += std::string("redis/") + name + "/clients:1/pipeline:1/real_time/threads:1\n";
  EXPECT_EQ(r.out, expected) << r.err;
}

// ZADD and ZPOPMIN run (ZPOPMIN's zset is filled first: no misses), and a server without ZADD
// skips both (ZPOPMIN's zset is filled with ZADD).
TEST_F(KvBenchTargetsTest, ZsetCasesRunAndNeedZadd) {
  const nlohmann::json doc = RunSkipping(
      {"--kv_target=nozadd=redis-server --port {port} --save '' --rename-command ZADD ''",
       "--kv_targets=redis,nozadd", "--benchmark_filter=/(ZADD|ZPOPMIN)/"},
      2);
  ASSERT_FALSE(doc.is_discarded());
  for (const char* name :
       {"redis/ZADD/clients:1/pipeline:1", "redis/ZPOPMIN/clients:1/pipeline:1"}) {
    const nlohmann::json* b = FindBenchmark(doc, name);
    ASSERT_NE(b, nullptr) << name << "\n" << doc.dump();
    EXPECT_FALSE(b->value("error_occurred", false)) << b->dump(2);
    EXPECT_GT(b->value("items_per_second", 0.0), 0.0) << b->dump(2);
  }
  const nlohmann::json* zpopmin = FindBenchmark(doc, "redis/ZPOPMIN/clients:1/pipeline:1");
  ASSERT_NE(zpopmin, nullptr);
  EXPECT_EQ(zpopmin->value("misses", -1.0), 0.0) << zpopmin->dump(2);
  for (const char* name :
       {"nozadd/ZADD/clients:1/pipeline:1", "nozadd/ZPOPMIN/clients:1/pipeline:1"}) {
    const nlohmann::json* b = FindBenchmark(doc, name);
    ASSERT_NE(b, nullptr) << name << "\n" << doc.dump();
    EXPECT_EQ(b->value("error_message", ""),
              "skipped: nozadd does not know ZADD (COMMAND INFO ZADD answers nil)");
  }
}

TEST_F(KvBenchTargetsTest, CommandExitingAtOnceShowsItsLogTail) {
  const fixtures::RunResult r =
      Run({"--kv_target=bad=sh -c 'echo \"bad: unknown option\" >&2; exit 3' {port}",
           "--kv_targets=redis,bad"});
  EXPECT_EQ(r.exit.code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot start target bad"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exited with status 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad: unknown option"), std::string::npos) << r.err;
  const std::vector<pid_t> pids = StartedPids(r.err);  // redis started before bad failed
  ASSERT_EQ(pids.size(), 1u) << r.err;
  EXPECT_TRUE(Gone(pids[0]));
}

TEST_F(KvBenchTargetsTest, ClosedPortAndNonRedisServerAreClearErrors) {
  Result<int> closed = fixtures::PickFreePort();
  ASSERT_TRUE(closed.ok()) << closed.error();
  fixtures::RunResult r =
      Run({"--kv_target=gone@127.0.0.1:" + std::to_string(*closed), "--kv_targets=gone"});
  EXPECT_EQ(r.exit.code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot use target gone: gone@127.0.0.1:" + std::to_string(*closed) +
                       ": cannot connect"),
            std::string::npos)
      << r.err;

  // An HTTP server: answers anything with a 400 and closes.
  UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(listener.valid());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ASSERT_EQ(listen(listener.get(), 4), 0);
  std::atomic<bool> stop{false};
  std::thread http([&] {
    while (!stop.load()) {
      pollfd p{listener.get(), POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      UniqueFd conn(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!conn.valid()) continue;
      char buf[256];
      pollfd c{conn.get(), POLLIN, 0};
      if (poll(&c, 1, 1000) > 0) (void)!read(conn.get(), buf, sizeof(buf));
      const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
      (void)!write(conn.get(), reply, sizeof(reply) - 1);
    }
  });
  r = Run(
      {"--kv_target=web@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)), "--kv_targets=web"});
  stop.store(true);
  http.join();
  EXPECT_EQ(r.exit.code, 1) << r.err;
  EXPECT_NE(r.err.find("does not answer PING like a Redis-protocol server"), std::string::npos)
      << r.err;
}

TEST_F(KvBenchTargetsTest, UnknownDuplicateAndMalformedNamesAreUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"--kv_targets=kv,valkey"}, "--kv_targets: unknown target 'valkey' (defined: kv, redis"},
      {{"--kv_reference=valkey"}, "--kv_reference: unknown target 'valkey'"},
      {{"--kv_target=a=x {port}", "--kv_target=a@127.0.0.1:1"}, "'a' is given twice"},
      {{"--kv_target=redis=redis-server --port {port}"}, "built-in"},
      {{"--kv_target=v=valkey-server"}, "{port}"},
      {{"--kv_target=v@127.0.0.1"}, "NAME@HOST:PORT"},
  };
  for (const Case& c : cases) {
    const fixtures::RunResult r = Run(c.args);
    EXPECT_EQ(r.exit.code, 2) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace kv::bench
