// Busy scripts over real sockets: while `while true do end` runs past busy-reply-threshold, a
// second connection gets -BUSY, SCRIPT KILL stops the script (its caller gets Redis's error), and a
// script that wrote is UNKILLABLE but ends with SHUTDOWN NOSAVE.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_server.h"

namespace kv::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kLoop = "while true do end";
// redis-cli EVAL "return redis.sha1hex(ARGV[1])" 0 "while true do end" on redis-server 7.0.15.
constexpr std::string_view kLoopSha = "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7";

// Under io_uring the loop that runs a script cannot serve its other clients (see
// docs/server-scripting.md), so the uring runs use three loops: clients are dealt round-robin, so
// the two other clients land on the other loops.
bool Uring() {
  const char* io = std::getenv("KV_TEST_IO");
  return io != nullptr && std::string(io) == "uring";
}

std::vector<std::string> ServerArgs(int threads) {
  if (Uring()) threads = 3;
  return {"--busy-reply-threshold", "100", "--threads", std::to_string(threads)};
}

// Sends GET on c until the reply is -BUSY (bounded: 5 s).
std::string WaitForBusy(fixtures::Client& c) {
  std::string last;
  for (int i = 0; i < 100; ++i) {
    last = Show(c.Call({"GET", "k"}));
    if (last.rfind("-BUSY", 0) == 0) break;
    std::this_thread::sleep_for(50ms);
  }
  return last;
}

void KillLoopFromSecondConnection(int threads) {
  auto server = TestServer::Start(ServerArgs(threads));
  ASSERT_TRUE(server.ok()) << server.error();
  auto a = Connect((*server)->port());
  auto b = Connect((*server)->port());
  ASSERT_TRUE(a.ok() && b.ok());
  std::string script_reply;
  std::thread runner([&] { script_reply = Show(a->Call({"EVAL", kLoop, "0"})); });
  EXPECT_EQ(WaitForBusy(*b),
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN "
            "NOSAVE.");
  // A client that connects while the script runs is answered too (epoll: loop 0, which runs the
  // script here, accepts it during the script; under io_uring it waits for the script's end).
  if (!Uring()) {
    auto late = Connect((*server)->port());
    ASSERT_TRUE(late.ok());
    EXPECT_EQ(Show(late->Call({"PING"})).substr(0, 5), "-BUSY");
  }
  EXPECT_EQ(Show(b->Call({"SCRIPT", "KILL"})), "+OK");
  runner.join();
  EXPECT_EQ(script_reply, "-ERR Script killed by user with SCRIPT KILL... script: " +
                              std::string(kLoopSha) + ", on @user_script:1.");
  EXPECT_EQ(Show(b->Call({"PING"})), "+PONG");
  EXPECT_EQ(Show(b->Call({"SCRIPT", "KILL"})), "-NOTBUSY No scripts in execution right now.");
  EXPECT_EQ(Show(a->Call({"EVAL", "return 7", "0"})), ":7");
}

TEST(ServerScriptingTest, ScriptKillFromSecondConnection) { KillLoopFromSecondConnection(1); }

TEST(ServerScriptingTest, ScriptKillFromAnotherLoop) { KillLoopFromSecondConnection(2); }

TEST(ServerScriptingTest, ScriptThatWroteIsUnkillableButShutdownNosaveEndsIt) {
  auto server = TestServer::Start(ServerArgs(1));
  ASSERT_TRUE(server.ok()) << server.error();
  auto a = Connect((*server)->port());
  auto b = Connect((*server)->port());
  ASSERT_TRUE(a.ok() && b.ok());
  std::string script_reply;
  std::thread runner([&] {
    script_reply = Show(a->Call({"EVAL", "redis.call('set', 'w', '1') while true do end", "0"}));
  });
  EXPECT_EQ(WaitForBusy(*b).substr(0, 5), "-BUSY");
  EXPECT_EQ(Show(b->Call({"SCRIPT", "KILL"})).substr(0, 11), "-UNKILLABLE");
  b->Append(std::vector<std::string_view>{"SHUTDOWN", "NOSAVE"});
  (void)b->ReadReply();  // no reply: the server goes away
  auto exit = (*server)->WaitExit(10s);
  runner.join();
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->clean()) << exit->Describe();
  EXPECT_EQ(script_reply.substr(0, 46), "-ERR Script killed by user with SCRIPT KILL...");
}

}  // namespace
}  // namespace kv::test
