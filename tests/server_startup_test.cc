// kv-server start-up failures and informational flags: one clear message, the right exit code.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/test_server.h"

namespace kv::test {
namespace {

using fixtures::ExitStatus;

constexpr std::chrono::milliseconds kTimeout(20000);

size_t Lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

TEST(ServerStartupTest, PortInUseExitsOneWithAMessage) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::string port = std::to_string(ntohs(addr.sin_port));

  auto result = RunKvServer({"--port", port}, kTimeout);
  close(fd);
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->exit, ExitStatus{.code = 1}) << result->exit.Describe();
  EXPECT_EQ(result->out, "");
  EXPECT_NE(result->err.find("127.0.0.1:" + port), std::string::npos) << result->err;
  EXPECT_NE(result->err.find("Address already in use"), std::string::npos) << result->err;
}

TEST(ServerStartupTest, BadFlagsExitOneNamingFlagAndValue) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> mentions;
  };
  std::vector<Case> cases = {
      {{"--nope"}, {"--nope"}},
      {{"--port", "abc"}, {"--port", "abc"}},
      {{"--maxmemory", "12parsecs"}, {"--maxmemory", "12parsecs"}},
      {{"--threads", "0"}, {"--threads", "0"}},
      {{"--io", "kqueue"}, {"--io", "kqueue"}},
      {{"--hugepages", "maybe"}, {"--hugepages", "maybe"}},
  };
  for (const Case& c : cases) {
    auto result = RunKvServer(c.args, kTimeout);
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result->exit, ExitStatus{.code = 1}) << c.args[0] << ": " << result->exit.Describe();
    EXPECT_EQ(result->out, "") << c.args[0];
    EXPECT_EQ(Lines(result->err), 1u) << result->err;
    for (const std::string& m : c.mentions) {
      EXPECT_NE(result->err.find(m), std::string::npos) << result->err << " lacks " << m;
    }
  }
}

TEST(ServerStartupTest, HelpAndVersionGoToStdout) {
  auto help = RunKvServer({"--help"}, kTimeout);
  ASSERT_TRUE(help.ok()) << help.error();
  EXPECT_EQ(help->exit, ExitStatus{.code = 0}) << help->exit.Describe();
  EXPECT_NE(help->out.find("--maxclients"), std::string::npos);
  auto version = RunKvServer({"--version"}, kTimeout);
  ASSERT_TRUE(version.ok()) << version.error();
  EXPECT_EQ(version->exit, ExitStatus{.code = 0}) << version->exit.Describe();
  EXPECT_EQ(version->out.rfind("kv-server v=", 0), 0u) << version->out;
}

TEST(ServerStartupTest, LogfileAndLoglevel) {
  char path[] = "/tmp/kv-server-log-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    auto server = TestServer::Start({"--logfile", path, "--loglevel", "notice"});
    ASSERT_TRUE(server.ok()) << server.error();
    // Nothing on stderr: the server's log (stderr and stdout) holds just its stdout.
    EXPECT_EQ((*server)->Log(), (*server)->Stdout());
    const ExitStatus exit = (*server)->Stop(SIGTERM, kTimeout);
    EXPECT_TRUE(exit.clean()) << exit.Describe();
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("listening on port"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("Received SIGTERM"), std::string::npos) << text.str();
  unlink(path);
  // --loglevel warning drops the notice lines.
  auto quiet = TestServer::Start({"--loglevel", "warning"});
  ASSERT_TRUE(quiet.ok()) << quiet.error();
  EXPECT_EQ((*quiet)->Log().find("listening on port"), std::string::npos);
}

}  // namespace
}  // namespace kv::test
