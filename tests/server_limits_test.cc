// kv-server limits and multi-threading over TCP: AUTH and pre-auth limits, query buffer limit,
// maxclients, idle timeout, clients that never read, --threads 2.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/server_process.h"

namespace kv::test {
namespace {

std::unique_ptr<ServerProcess> StartOrDie(const std::vector<std::string>& args = {}) {
  auto server = ServerProcess::Start(args);
  if (!server) {
    ADD_FAILURE() << server.error();
    return nullptr;
  }
  return std::move(*server);
}

std::string Request(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

TEST(ServerLimitsTest, AuthFlow) {
  auto server = StartOrDie({"--requirepass", "s3cret"});
  ASSERT_NE(server, nullptr);
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Show(Command(c.get(), {"GET", "k"})), "-NOAUTH Authentication required.");
  EXPECT_EQ(Show(Command(c.get(), {"AUTH", "wrong"})),
            "-WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(Show(Command(c.get(), {"AUTH", "s3cret"})), "+OK");
  EXPECT_EQ(Show(Command(c.get(), {"SET", "k", "v"})), "+OK");
  EXPECT_EQ(Show(Command(c.get(), {"GET", "k"})), "$v");
}

TEST(ServerLimitsTest, PreAuthLimitsCloseOnTooManyArgs) {
  auto server = StartOrDie({"--requirepass", "s3cret"});
  ASSERT_NE(server, nullptr);
  std::vector<std::string> del_eleven = {"DEL"};
  for (int i = 0; i < 10; ++i) del_eleven.push_back("k" + std::to_string(i));
  {
    auto raw = RawClient::Connect(server->port());
    ASSERT_TRUE(raw.ok()) << raw.error();
    ASSERT_TRUE(raw->Send(Request(del_eleven)));
    std::string got;
    EXPECT_TRUE(raw->ReadUntilClosed(&got, 10000));
    EXPECT_EQ(got, "-ERR Protocol error: unauthenticated multibulk length\r\n");
  }
  {
    auto raw = RawClient::Connect(server->port());
    ASSERT_TRUE(raw.ok()) << raw.error();
    ASSERT_TRUE(raw->Send("*2\r\n$4\r\nAUTH\r\n$16385\r\n"));
    std::string got;
    EXPECT_TRUE(raw->ReadUntilClosed(&got, 10000));
    EXPECT_EQ(got, "-ERR Protocol error: unauthenticated bulk length\r\n");
  }
  {
    // After AUTH the normal limits apply on the same connection.
    auto raw = RawClient::Connect(server->port());
    ASSERT_TRUE(raw.ok()) << raw.error();
    std::string big(20000, 'v');
    ASSERT_TRUE(raw->Send(Request({"AUTH", "s3cret"}) + Request(del_eleven) +
                          Request({"SET", "big", big}) + Request({"STRLEN", "big"})));
    const std::string expected = "+OK\r\n:0\r\n+OK\r\n:20000\r\n";
    EXPECT_EQ(raw->Read(expected.size(), 10000), expected);
  }
}

TEST(ServerLimitsTest, QueryBufferLimitClosesTheClient) {
  auto server = StartOrDie({"--client-query-buffer-limit", "1mb"});
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  // A 4 MB argument is fine for proto-max-bulk-len but not for a 1 MB query buffer.
  std::string request = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4194304\r\n" + std::string(2 << 20, 'x');
  raw->Send(request);  // may fail part-way once the server has closed
  std::string got;
  EXPECT_TRUE(raw->ReadUntilClosed(&got, 10000));
  EXPECT_EQ(got, "");
  EXPECT_NE(server->Log().find("max query buffer"), std::string::npos) << server->Log();
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Show(Command(c.get(), {"PING"})), "+PONG");
}

TEST(ServerLimitsTest, MaxClientsRejectsTheExtraClient) {
  auto server = StartOrDie({"--maxclients", "2"});
  ASSERT_NE(server, nullptr);
  auto a = ConnectRedis(server->port());
  auto b = ConnectRedis(server->port());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(Show(Command(a.get(), {"PING"})), "+PONG");
  ASSERT_EQ(Show(Command(b.get(), {"PING"})), "+PONG");
  auto third = RawClient::Connect(server->port());
  ASSERT_TRUE(third.ok()) << third.error();
  std::string got;
  EXPECT_TRUE(third->ReadUntilClosed(&got, 10000));
  EXPECT_EQ(got, "-ERR max number of clients reached\r\n");
  // A slot frees up when a client leaves.
  a.reset();
  bool accepted = false;
  for (int i = 0; i < 200 && !accepted; ++i) {
    auto c = ConnectRedis(server->port());
    accepted = c && Show(Command(c.get(), {"PING"})) == "+PONG";
    if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(accepted);
}

TEST(ServerLimitsTest, IdleClientsAreClosedAfterTimeout) {
  auto server = StartOrDie({"--timeout", "1"});
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send("PING\r\n"));
  ASSERT_EQ(raw->Read(7, 10000), "+PONG\r\n");
  std::string got;
  EXPECT_TRUE(raw->ReadUntilClosed(&got, 15000));
  EXPECT_EQ(got, "");
}

TEST(ServerLimitsTest, ClientThatNeverReadsDoesNotGrowTheServerOrStallOthers) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(Show(Command(c.get(), {"SET", "big", std::string(1 << 20, 'x')})), "+OK");
  long rss_before = server->RssKb();
  ASSERT_GT(rss_before, 0);

  // 20 000 GETs of a 1 MB value: 20 GB of replies if the server buffered them all.
  auto hog = RawClient::Connect(server->port());
  ASSERT_TRUE(hog.ok()) << hog.error();
  std::string gets;
  for (int i = 0; i < 20000; ++i) gets += "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n";
  std::string_view left = gets;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    long n = hog->SendSome(left);
    ASSERT_GE(n, 0);
    left.remove_prefix(static_cast<size_t>(n));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Others are served meanwhile.
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Show(Command(c.get(), {"SET", "k", std::to_string(i)})), "+OK");
    ASSERT_EQ(Show(Command(c.get(), {"GET", "k"})), "$" + std::to_string(i));
  }
  auto other = ConnectRedis(server->port());
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Show(Command(other.get(), {"PING"})), "+PONG");
  long rss_after = server->RssKb();
  // Generous bound (sanitizer builds, allocator slack): far below the 20 GB of replies.
  EXPECT_LT(rss_after - rss_before, 64 * 1024)
      << "RSS grew from " << rss_before << " KiB to " << rss_after << " KiB";
}

TEST(ServerLimitsTest, TwoThreadsShareOneKeyspaceExactly) {
  auto server = StartOrDie({"--threads", "2"});
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 8;
  constexpr int kIncrs = 250;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = ConnectRedis(server->port());
      if (!c) {
        failures++;
        return;
      }
      for (int i = 0; i < kIncrs; ++i) {
        auto r = Command(c.get(), {"INCR", "shared"});
        if (!r || r->type != REDIS_REPLY_INTEGER) failures++;
        std::string key = "own" + std::to_string(t);
        if (Show(Command(c.get(), {"SET", key, std::to_string(i)})) != "+OK") failures++;
        if (Show(Command(c.get(), {"GET", key})) != "$" + std::to_string(i)) failures++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Show(Command(c.get(), {"GET", "shared"})), "$" + std::to_string(kClients * kIncrs));
}

TEST(ServerLimitsTest, ClientKillAcrossLoops) {
  auto server = StartOrDie({"--threads", "2"});
  ASSERT_NE(server, nullptr);
  // Clients are dealt round-robin, so consecutive clients live on different loops.
  auto killer = ConnectRedis(server->port());
  auto victim = ConnectRedis(server->port());
  ASSERT_NE(killer, nullptr);
  ASSERT_NE(victim, nullptr);
  auto id = Command(victim.get(), {"CLIENT", "ID"});
  ASSERT_NE(id, nullptr);
  ASSERT_EQ(id->type, REDIS_REPLY_INTEGER);
  EXPECT_EQ(Show(Command(killer.get(), {"CLIENT", "KILL", "ID", std::to_string(id->integer)})),
            ":1");
  EXPECT_EQ(Command(victim.get(), {"PING"}), nullptr);  // connection gone
  EXPECT_EQ(Show(Command(killer.get(), {"PING"})), "+PONG");
  // Killing itself (SKIPME no; the new form skips the caller by default): answered, then closed.
  auto self = Command(killer.get(), {"CLIENT", "ID"});
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(Show(Command(killer.get(),
                         {"CLIENT", "KILL", "ID", std::to_string(self->integer), "SKIPME", "no"})),
            ":1");
  EXPECT_EQ(Command(killer.get(), {"PING"}), nullptr);
}

}  // namespace
}  // namespace kv::test
