// KvServerSuite: one kv-server per test suite (see kv_server_suite.h).
#include "tests/robustness/kv_server_suite.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "tests/support/test_server.h"

namespace kv::robustness {

std::unique_ptr<fixtures::ServerProcess>& KvServerSuite::ServerSlot() {
  // The suite's server: set up in SetUpTestSuite, gone after TearDownTestSuite.
  static std::unique_ptr<fixtures::ServerProcess> server;
  return server;
}

void KvServerSuite::StartServer(const std::vector<std::string>& extra_args) {
  const ::testing::TestSuite* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
  const std::string log_path = std::string("robustness-") + (suite ? suite->name() : "suite") +
                               "-" + std::to_string(getpid()) + ".log";
  const fixtures::ServerOptions options = test::KvServerOptions(extra_args, log_path);
  auto started = fixtures::ServerProcess::Start(options);
  if (!started.ok()) {
    ADD_FAILURE() << "cannot start kv-server: " << started.error();
    return;
  }
  ServerSlot() = std::move(*started);
  // The per-backend copies must really exercise that backend: INFO names the one in use.
  const std::vector<std::string> io = IoBackendArgs();
  if (io.empty() || io[1] == "auto") return;
  const std::string expected = io[1] == "uring" ? "io_backend:io_uring" : "io_backend:" + io[1];
  auto client = fixtures::Client::Connect(ServerSlot()->endpoint());
  ASSERT_TRUE(client.ok()) << client.error();
  auto info = client->Call({"INFO", "server"});
  ASSERT_TRUE(info.ok()) << info.error();
  EXPECT_NE(info->str.find(expected + "\r\n"), std::string::npos) << info->str;
}

void KvServerSuite::TearDownTestSuite() {
  std::unique_ptr<fixtures::ServerProcess>& server = ServerSlot();
  if (!server) return;
  const Status alive = server->CheckAlive();
  const std::string log = server->LogTail(30);
  const fixtures::ExitStatus exit = server->Stop(std::chrono::seconds(20));
  // SIGTERM must end kv-server cleanly: status 0 (a sanitizer report would make it non-zero).
  EXPECT_TRUE(alive.ok()) << alive.error();
  EXPECT_EQ(exit, fixtures::ExitStatus{.code = 0}) << "kv-server " << exit.Describe() << "; log:\n"
                                                   << log;
  server.reset();
}

void KvServerSuite::SetUp() {
  if (!ServerSlot()) GTEST_FAIL() << "kv-server did not start (see the suite's first failure)";
}

void KvServerSuite::TearDown() {
  if (!ServerSlot()) return;
  const Status healthy = ServerHealthy();
  EXPECT_TRUE(healthy.ok()) << healthy.error() << "\nkv-server log:\n" << server().LogTail(30);
}

int KvServerSuite::port() { return ServerSlot()->endpoint().port; }

fixtures::ServerProcess& KvServerSuite::server() { return *ServerSlot(); }

Status KvServerSuite::ServerHealthy() {
  Status alive = ServerSlot()->CheckAlive();
  if (!alive.ok()) return alive;
  fixtures::ClientOptions options;
  options.io_timeout = IoTimeout();
  auto client = fixtures::Client::Connect(ServerSlot()->endpoint(), options);
  if (!client.ok()) return Error{"cannot connect for PING: " + client.error()};
  return client->Ping();
}

int64_t KvServerSuite::ServerRss() {
  auto stats = ServerSlot()->Stats();
  return stats.ok() ? stats->rss_bytes : 0;
}

std::chrono::milliseconds KvServerSuite::IoTimeout() {
  return UnderSanitizer() ? std::chrono::milliseconds(20000) : std::chrono::milliseconds(5000);
}

}  // namespace kv::robustness
