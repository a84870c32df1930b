// kv-server over TCP with blocking list commands: a blocked client's pipelined requests wait
// behind it, a push from another connection (on another event loop with --threads 2) serves it,
// timeouts answer on the tick, a blocked client is not closed as idle, and blocked clients that
// disconnect leave nothing behind. Every wait is bounded by a deadline; no timing is asserted
// except that a reply does not come before it may.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "resp/request_encoder.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_server.h"

namespace kv::test {
namespace {

using resp::EncodeRequest;

// INFO clients' blocked_clients, or -1.
int BlockedClients(fixtures::Client& c) {
  Result<fixtures::Reply> info = c.Call({"INFO", "clients"});
  if (!info.ok()) return -1;
  const std::string& text = info->str;
  const size_t at = text.find("blocked_clients:");
  if (at == std::string::npos) return -1;
  return std::stoi(text.substr(at + 16));
}

// Polls until blocked_clients is `want` (the server sees connections and closes a little later
// than the client acts); false after 10 s.
bool WaitBlockedClients(fixtures::Client& c, int want) {
  const auto deadline = std::chrono::steady_clock::now() + kIo;
  while (std::chrono::steady_clock::now() < deadline) {
    if (BlockedClients(c) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void PipelineWaitsBehindBlpop(const std::vector<std::string>& server_args) {
  auto server = TestServer::Start(server_args);
  ASSERT_TRUE(server.ok()) << server.error();
  auto waiter = RawClient::Connect((*server)->port());
  ASSERT_TRUE(waiter.ok()) << waiter.error();
  auto pusher = Connect((*server)->port());  // with --threads 2: dealt to the other loop
  ASSERT_TRUE(pusher.ok()) << pusher.error();
  ASSERT_TRUE(waiter
                  ->Send(EncodeRequest({"BLPOP", "k", "0"}) + EncodeRequest({"PING"}) +
                             EncodeRequest({"GET", "nothing"}),
                         After(kIo))
                  .ok());
  ASSERT_TRUE(WaitBlockedClients(*pusher, 1));
  // Nothing yet: not even PING's reply, which waits behind BLPOP's.
  const ReadOutcome early = waiter->ReadAtLeast(1, After(std::chrono::milliseconds(100)));
  EXPECT_EQ(early.data, "");
  EXPECT_EQ(Show(pusher->Call({"RPUSH", "k", "v", "w"})), ":2");
  const std::string expected = "*2\r\n$1\r\nk\r\n$1\r\nv\r\n+PONG\r\n$-1\r\n";
  EXPECT_EQ(waiter->ReadExactly(expected.size(), After(kIo)).data, expected);
  EXPECT_EQ(Show(pusher->Call({"LLEN", "k"})), ":1");
  EXPECT_EQ(BlockedClients(*pusher), 0);
}

TEST(ServerBlockingTest, PipelinedRequestsWaitBehindABlockedCommand) {
  PipelineWaitsBehindBlpop({});
}

TEST(ServerBlockingTest, APushOnAnotherLoopServesTheWaiter) {
  PipelineWaitsBehindBlpop({"--threads", "2"});
}

TEST(ServerBlockingTest, TimeoutAnswersNullAndTheClientGoesOn) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server.ok()) << server.error();
  auto waiter = RawClient::Connect((*server)->port());
  ASSERT_TRUE(waiter.ok()) << waiter.error();
  ASSERT_TRUE(
      waiter->Send(EncodeRequest({"BLPOP", "k", "0.3"}) + EncodeRequest({"PING"}), After(kIo))
          .ok());
  EXPECT_EQ(waiter->ReadAtLeast(1, After(std::chrono::milliseconds(100))).data, "");
  const std::string expected = "*-1\r\n+PONG\r\n";
  EXPECT_EQ(waiter->ReadExactly(expected.size(), After(kIo)).data, expected);
}

TEST(ServerBlockingTest, ABlockedClientIsNotClosedAsIdle) {
  auto server = TestServer::Start({"--timeout", "1"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto waiter = RawClient::Connect((*server)->port());
  ASSERT_TRUE(waiter.ok()) << waiter.error();
  ASSERT_TRUE(waiter->Send(EncodeRequest({"BLPOP", "k", "0"}), After(kIo)).ok());
  // Idle clients are closed after 1 s; two ticks past that, the blocked one is still there.
  const ReadOutcome waited = waiter->ReadAtLeast(1, After(std::chrono::milliseconds(2500)));
  EXPECT_EQ(waited.end, ReadEnd::kDeadline) << ReadEndName(waited.end);
  auto pusher = Connect((*server)->port());
  ASSERT_TRUE(pusher.ok()) << pusher.error();
  EXPECT_EQ(Show(pusher->Call({"RPUSH", "k", "v"})), ":1");
  const std::string expected = "*2\r\n$1\r\nk\r\n$1\r\nv\r\n";
  EXPECT_EQ(waiter->ReadExactly(expected.size(), After(kIo)).data, expected);
}

TEST(ServerBlockingTest, DisconnectedWaitersLeaveNothingBehind) {
  auto server = TestServer::Start({"--threads", "2"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto admin = Connect((*server)->port());
  ASSERT_TRUE(admin.ok()) << admin.error();
  {
    std::vector<RawClient> waiters;
    for (int i = 0; i < 50; ++i) {
      auto w = RawClient::Connect((*server)->port());
      ASSERT_TRUE(w.ok()) << w.error();
      ASSERT_TRUE(w->Send(EncodeRequest({"BLPOP", "k" + std::to_string(i % 5), "q", "0"}),
                          After(kIo))
                      .ok());
      waiters.push_back(std::move(*w));
    }
    ASSERT_TRUE(WaitBlockedClients(*admin, 50));
    for (size_t i = 0; i < waiters.size(); i += 2) waiters[i].CloseWithReset();
  }  // the rest closed normally
  ASSERT_TRUE(WaitBlockedClients(*admin, 0));
  // Pushes now reach nobody: every element stays.
  EXPECT_EQ(Show(admin->Call({"RPUSH", "q", "1", "2"})), ":2");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Show(admin->Call({"RPUSH", "k" + std::to_string(i), "x"})), ":1");
  }
  EXPECT_EQ(Show(admin->Call({"LLEN", "q"})), ":2");
  EXPECT_EQ(Show(admin->Call({"PING"})), "+PONG");
}

}  // namespace
}  // namespace kv::test
