// kv-server limits and multi-threading over TCP: AUTH and pre-auth limits, query buffer limit,
// maxclients, idle timeout, clients that never read, --threads 2.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "resp/request_encoder.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_server.h"

namespace kv::test {
namespace {

using fixtures::Reply;
using resp::EncodeRequest;

constexpr int64_t kKiB = 1024;

TEST(ServerLimitsTest, AuthFlow) {
  auto server = StartOrFail({"--requirepass", "s3cret"});
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(Show(c->Call({"GET", "k"})), "-NOAUTH Authentication required.");
  EXPECT_EQ(Show(c->Call({"AUTH", "wrong"})),
            "-WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(Show(c->Call({"AUTH", "s3cret"})), "+OK");
  EXPECT_EQ(Show(c->Call({"SET", "k", "v"})), "+OK");
  EXPECT_EQ(Show(c->Call({"GET", "k"})), "$v");
}

TEST(ServerLimitsTest, PreAuthLimitsCloseOnTooManyArgs) {
  auto server = StartOrFail({"--requirepass", "s3cret"});
  ASSERT_NE(server, nullptr);
  std::vector<std::string> del_eleven = {"DEL"};
  for (int i = 0; i < 10; ++i) del_eleven.push_back("k" + std::to_string(i));
  {
    auto raw = RawClient::Connect(server->port());
    ASSERT_TRUE(raw.ok()) << raw.error();
    ASSERT_TRUE(raw->Send(EncodeRequest(del_eleven), After(kIo)).ok());
    const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
    EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
    EXPECT_EQ(got.data, "-ERR Protocol error: unauthenticated multibulk length\r\n");
  }
  {
    auto raw = RawClient::Connect(server->port());
    ASSERT_TRUE(raw.ok()) << raw.error();
    // Hand-written: only the header of an AUTH whose password is announced too long for pre-auth.
    ASSERT_TRUE(raw->Send("*2\r\n$4\r\nAUTH\r\n$16385\r\n", After(kIo)).ok());
    const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
    EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
    EXPECT_EQ(got.data, "-ERR Protocol error: unauthenticated bulk length\r\n");
  }
  {
    // After AUTH the normal limits apply on the same connection.
    auto raw = RawClient::Connect(server->port());
    ASSERT_TRUE(raw.ok()) << raw.error();
    std::string big(20000, 'v');
    ASSERT_TRUE(raw->Send(EncodeRequest({"AUTH", "s3cret"}) + EncodeRequest(del_eleven) +
                              EncodeRequest({"SET", "big", big}) + EncodeRequest({"STRLEN", "big"}),
                          After(kIo))
                    .ok());
    const std::string expected = "+OK\r\n:0\r\n+OK\r\n:20000\r\n";
    EXPECT_EQ(raw->ReadExactly(expected.size(), After(std::chrono::milliseconds(10000))).data,
              expected);
  }
}

TEST(ServerLimitsTest, QueryBufferLimitClosesTheClient) {
  auto server = StartOrFail({"--client-query-buffer-limit", "1mb"});
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  // A 4 MB argument is fine for proto-max-bulk-len but not for a 1 MB query buffer. Hand-written:
  // only 2 MB of the announced 4 MB follow (the server must close before the request completes).
  std::string request = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4194304\r\n" + std::string(2 << 20, 'x');
  (void)raw->Send(request, After(kIo));  // may fail part-way once the server has closed
  const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  EXPECT_EQ(got.data, "");
  EXPECT_NE(server->Log().find("max query buffer"), std::string::npos) << server->Log();
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(Show(c->Call({"PING"})), "+PONG");
}

TEST(ServerLimitsTest, MaxClientsRejectsTheExtraClient) {
  auto server = StartOrFail({"--maxclients", "2"});
  ASSERT_NE(server, nullptr);
  auto a = Connect(server->port());
  auto b = Connect(server->port());
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  ASSERT_EQ(Show(a->Call({"PING"})), "+PONG");
  ASSERT_EQ(Show(b->Call({"PING"})), "+PONG");
  auto third = RawClient::Connect(server->port());
  ASSERT_TRUE(third.ok()) << third.error();
  const ReadOutcome got = third->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  EXPECT_EQ(got.data, "-ERR max number of clients reached\r\n");
  // A slot frees up when a client leaves.
  { fixtures::Client leaving = std::move(*a); }  // a's connection closes
  bool accepted = false;
  for (int i = 0; i < 200 && !accepted; ++i) {
    auto c = Connect(server->port());
    accepted = c.ok() && Show(c->Call({"PING"})) == "+PONG";
    if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(accepted);
}

TEST(ServerLimitsTest, IdleClientsAreClosedAfterTimeout) {
  auto server = StartOrFail({"--timeout", "1"});
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send("PING\r\n", After(kIo)).ok());
  ASSERT_EQ(raw->ReadExactly(7, After(std::chrono::milliseconds(10000))).data, "+PONG\r\n");
  const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(15000)));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  EXPECT_EQ(got.data, "");
}

TEST(ServerLimitsTest, ClientThatNeverReadsDoesNotGrowTheServerOrStallOthers) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_EQ(Show(c->Call({"SET", "big", std::string(1 << 20, 'x')})), "+OK");
  const int64_t rss_before = server->RssBytes();
  ASSERT_GT(rss_before, 0);

  // 20 000 GETs of a 1 MB value: 20 GB of replies if the server buffered them all.
  auto hog = RawClient::Connect(server->port());
  ASSERT_TRUE(hog.ok()) << hog.error();
  const std::string get = EncodeRequest({"GET", "big"});
  std::string gets;
  for (int i = 0; i < 20000; ++i) gets += get;
  std::string_view left = gets;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    // What the socket takes right now (no stall allowed).
    auto n = hog->SendUntilStalled(left, deadline, std::chrono::milliseconds(0));
    ASSERT_TRUE(n.ok()) << n.error();
    left.remove_prefix(*n);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Others are served meanwhile.
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Show(c->Call({"SET", "k", std::to_string(i)})), "+OK");
    ASSERT_EQ(Show(c->Call({"GET", "k"})), "$" + std::to_string(i));
  }
  auto other = Connect(server->port());
  ASSERT_TRUE(other.ok()) << other.error();
  EXPECT_EQ(Show(other->Call({"PING"})), "+PONG");
  const int64_t rss_after = server->RssBytes();
  // Generous bound (sanitizer builds, allocator slack): far below the 20 GB of replies.
  EXPECT_LT(rss_after - rss_before, 64 * 1024 * kKiB)
      << "RSS grew from " << rss_before / kKiB << " KiB to " << rss_after / kKiB << " KiB";
}

TEST(ServerLimitsTest, TwoThreadsShareOneKeyspaceExactly) {
  auto server = StartOrFail({"--threads", "2"});
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 8;
  constexpr int kIncrs = 250;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = Connect(server->port());
      if (!c.ok()) {
        failures++;
        return;
      }
      for (int i = 0; i < kIncrs; ++i) {
        auto r = c->Call({"INCR", "shared"});
        if (!r.ok() || r->type != Reply::Type::kInteger) failures++;
        std::string key = "own" + std::to_string(t);
        if (Show(c->Call({"SET", key, std::to_string(i)})) != "+OK") failures++;
        if (Show(c->Call({"GET", key})) != "$" + std::to_string(i)) failures++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(Show(c->Call({"GET", "shared"})), "$" + std::to_string(kClients * kIncrs));
}

TEST(ServerLimitsTest, ClientKillAcrossLoops) {
  auto server = StartOrFail({"--threads", "2"});
  ASSERT_NE(server, nullptr);
  // Clients are dealt round-robin, so consecutive clients live on different loops.
  auto killer = Connect(server->port());
  auto victim = Connect(server->port());
  ASSERT_TRUE(killer.ok()) << killer.error();
  ASSERT_TRUE(victim.ok()) << victim.error();
  auto id = victim->Call({"CLIENT", "ID"});
  ASSERT_TRUE(id.ok()) << id.error();
  ASSERT_EQ(id->type, Reply::Type::kInteger);
  EXPECT_EQ(Show(killer->Call({"CLIENT", "KILL", "ID", std::to_string(id->integer)})), ":1");
  EXPECT_FALSE(victim->Call({"PING"}).ok());  // connection gone
  EXPECT_EQ(Show(killer->Call({"PING"})), "+PONG");
  // Killing itself (SKIPME no; the new form skips the caller by default): answered, then closed.
  auto self = killer->Call({"CLIENT", "ID"});
  ASSERT_TRUE(self.ok()) << self.error();
  EXPECT_EQ(
      Show(killer->Call({"CLIENT", "KILL", "ID", std::to_string(self->integer), "SKIPME", "no"})),
      ":1");
  EXPECT_FALSE(killer->Call({"PING"}).ok());
}

}  // namespace
}  // namespace kv::test
