// Busy scripts over real sockets: while `while true do end` runs past busy-reply-threshold, a
// second connection gets -BUSY, SCRIPT KILL stops the script (its caller gets Redis's error), and a
// script that wrote is UNKILLABLE but ends with SHUTDOWN NOSAVE.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/raw_client.h"
#include "tests/support/test_server.h"

namespace kv::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kLoop = "while true do end";
// redis-cli EVAL "return redis.sha1hex(ARGV[1])" 0 "while true do end" on redis-server 7.0.15.
constexpr std::string_view kLoopSha = "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7";

// Both I/O backends ($KV_TEST_IO): with one loop, the loop that runs the script serves its other
// clients itself (ServeWhileBusy); with two, the second client is on the other loop.
std::vector<std::string> ServerArgs(int threads) {
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
  // A client that connects while the script runs is answered too (loop 0, which runs the script
  // with one loop, accepts it during the script).
  auto late = Connect((*server)->port());
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(Show(late->Call({"PING"})).substr(0, 5), "-BUSY");
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

// What arrives during the script on its own connection (a pipelined PING) waits and is answered
// after it; a client that resets its connection during the script is closed after it.
TEST(ServerScriptingTest, ScriptCallersInputAndResetsDuringTheScriptAreHandledAfterIt) {
  auto server = TestServer::Start(ServerArgs(1));
  ASSERT_TRUE(server.ok()) << server.error();
  auto a = RawClient::Connect((*server)->port());
  auto b = Connect((*server)->port());
  auto gone = RawClient::Connect((*server)->port());
  ASSERT_TRUE(a.ok() && b.ok() && gone.ok());
  ASSERT_TRUE(
      a->Send("*3\r\n$4\r\nEVAL\r\n$17\r\nwhile true do end\r\n$1\r\n0\r\n", After(5s)).ok());
  EXPECT_EQ(WaitForBusy(*b).substr(0, 5), "-BUSY");
  ASSERT_TRUE(a->Send("PING\r\n", After(5s)).ok());
  ASSERT_TRUE(gone->Send("PING\r\n", After(5s)).ok());
  EXPECT_EQ(gone->ReadAtLeast(5, After(5s)).data.substr(0, 5), "-BUSY");
  gone->CloseWithReset();
  std::this_thread::sleep_for(200ms);  // the server sees the PING and the reset during the script
  EXPECT_EQ(Show(b->Call({"SCRIPT", "KILL"})), "+OK");
  const std::string killed =
      "-ERR Script killed by user with SCRIPT KILL... script: " + std::string(kLoopSha) +
      ", on @user_script:1.\r\n";
  EXPECT_EQ(a->ReadAtLeast(killed.size() + 7, After(5s)).data, killed + "+PONG\r\n");
  EXPECT_EQ(Show(b->Call({"PING"})), "+PONG");
  auto list = b->Call({"CLIENT", "LIST"});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(std::count(list->str.begin(), list->str.end(), '\n'), 2) << list->str;
}

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
