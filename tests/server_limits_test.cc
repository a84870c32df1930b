// kv-server limits and multi-threading over TCP: AUTH and pre-auth limits, query buffer limit,
// maxclients, idle timeout, clients that never read, client-output-buffer-limit normal,
// --threads 2.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
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
constexpr std::string_view kOutputLimitLog =
    "scheduled to be closed ASAP for overcoming of output buffer limits.";

// Fills big (a list), bighash and bigset with n elements each (element:000000 ...), 1000 a call:
// a reply of the whole of one is about n x 21 bytes (the hash's twice that).
void FillCollections(fixtures::Client& c, int n) {
  for (int start = 0; start < n; start += 1000) {
    std::vector<std::string> list = {"RPUSH", "big"};
    std::vector<std::string> hash = {"HSET", "bighash"};
    std::vector<std::string> set = {"SADD", "bigset"};
    for (int i = start; i < start + 1000 && i < n; ++i) {
      char element[32];
      std::snprintf(element, sizeof(element), "element:%06d", i);
      list.emplace_back(element);
      hash.emplace_back(element);
      hash.emplace_back(element);
      set.emplace_back(element);
    }
    for (const auto* args : {&list, &hash, &set}) {
      std::vector<std::string_view> views(args->begin(), args->end());
      auto r = c.Call(views);
      ASSERT_TRUE(r.ok() && r->type == Reply::Type::kInteger) << Show(r);
    }
  }
}

size_t CountOf(const std::string& text, std::string_view what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

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

// Redis 7's default, client-output-buffer-limit normal 0 0 0: a huge reply to a client that reads
// late arrives whole.
TEST(ServerLimitsTest, HugeRepliesArriveWholeWithoutANormalOutputLimit) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  constexpr int kElements = 100000;
  FillCollections(*c, kElements);
  std::string lrange = "*" + std::to_string(kElements) + "\r\n";
  for (int i = 0; i < kElements; ++i) {
    char element[32];
    std::snprintf(element, sizeof(element), "$14\r\nelement:%06d\r\n", i);
    lrange += element;
  }
  auto late = RawClient::Connect(server->port());
  ASSERT_TRUE(late.ok()) << late.error();
  const std::string lrange_request = EncodeRequest({"LRANGE", "big", "0", "-1"});
  ASSERT_TRUE(late->Send(lrange_request + lrange_request + lrange_request + EncodeRequest({"PING"}),
                         After(kIo))
                  .ok());
  // Read only once the server has had the requests a while: other clients' round trips.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Show(c->Call({"PING"})), "+PONG");
  const std::string expected = lrange + lrange + lrange + "+PONG\r\n";
  const ReadOutcome got = late->ReadExactly(expected.size(), After(std::chrono::seconds(30)));
  EXPECT_EQ(got.data.size(), expected.size()) << ReadEndName(got.end);
  EXPECT_TRUE(got.data == expected);
  EXPECT_EQ(server->Log().find(kOutputLimitLog), std::string::npos) << server->Log();
}

// The requirement: with CONFIG SET client-output-buffer-limit "normal 1mb 0 0", huge
// LRANGE / HGETALL / SMEMBERS replies to a client that never reads cut it off; others are served
// and the server does not keep the replies.
TEST(ServerLimitsTest, NormalHardOutputLimitCutsOffHugeRepliesToAClientThatNeverReads) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  FillCollections(*c, 100000);  // replies of about 2 MB (HGETALL: 4 MB)
  ASSERT_EQ(Show(c->Call({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"})),
            "+OK");
  auto limits =
      c->Call({"CONFIG", "GET", "client-output-buffer-limit"}, fixtures::ReplyDetail::kFull);
  ASSERT_TRUE(limits.ok() && limits->elements.size() == 2u) << Show(limits);
  EXPECT_EQ(limits->elements[1].str.substr(0, 16), "normal 1048576 0");
  const int64_t rss_before = server->RssBytes();
  ASSERT_GT(rss_before, 0);
  const std::vector<std::vector<std::string_view>> commands = {
      {"LRANGE", "big", "0", "-1"}, {"HGETALL", "bighash"}, {"SMEMBERS", "bigset"}};
  for (size_t k = 0; k < commands.size(); ++k) {
    SCOPED_TRACE(std::string(commands[k][0]));
    auto hog = RawClient::Connect(server->port());
    ASSERT_TRUE(hog.ok()) << hog.error();
    std::string requests;
    for (int i = 0; i < 200; ++i) requests += EncodeRequest(commands[k]);
    // Sends what the socket takes; fails part-way once the server has closed the connection.
    (void)hog->SendUntilStalled(requests, After(kIo), std::chrono::milliseconds(200));
    // Closed as soon as the first reply passed the limit, before it was written.
    const ReadOutcome got = hog->ReadUntilClosed(After(kIo));
    EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
    EXPECT_LT(got.data.size(), size_t{1} << 20);
    EXPECT_EQ(CountOf(server->Log(), kOutputLimitLog), k + 1) << server->Log();
    // Another client is served, and sees the data intact.
    EXPECT_EQ(Show(c->Call({"LLEN", "big"})), ":100000");
    EXPECT_EQ(Show(c->Call({"SCARD", "bigset"})), ":100000");
  }
  if (!UnderSanitizer()) {
    // 600 replies of 2-4 MB were asked for; at most one at a time is built.
    EXPECT_LT(server->RssBytes() - rss_before, 64 * 1024 * kKiB);
  }
  auto other = Connect(server->port());
  ASSERT_TRUE(other.ok()) << other.error();
  EXPECT_EQ(Show(other->Call({"LRANGE", "big", "0", "0"})), "*1");
}

// INFO's field `name` as an integer, or -1.
int64_t InfoField(fixtures::Client& c, std::string_view section, const std::string& name) {
  Result<Reply> info = c.Call({"INFO", section});
  if (!info.ok()) return -1;
  const size_t at = info->str.find("\r\n" + name + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(info->str.substr(at + name.size() + 3));
}

// Lazy free: collections DEL removes are queued (not freed inside the DEL) and released by loop
// 0's own steps while other clients are served, with no command to drive it.
TEST(ServerLimitsTest, DeletedLargeCollectionsAreReleasedWithoutACommandToDriveIt) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  FillCollections(*c, 100000);
  EXPECT_EQ(InfoField(*c, "memory", "lazyfree_pending_objects"), 0);
  ASSERT_EQ(Show(c->Call({"DEL", "big", "bighash", "bigset"})), ":3");
  // 300,000 elements take many steps of about 1 ms: not all gone at the next command.
  EXPECT_GT(InfoField(*c, "memory", "lazyfree_pending_objects"), 0);
  const auto deadline = After(std::chrono::seconds(30));
  int64_t pending = -1;
  while ((pending = InfoField(*c, "memory", "lazyfree_pending_objects")) != 0 &&
         Clock::now() < deadline) {
    ASSERT_EQ(Show(c->Call({"PING"})), "+PONG");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(pending, 0);
  EXPECT_EQ(Show(c->Call({"DBSIZE"})), ":0");
}

// The soft limit: a client whose unsent output stays above it for more than its seconds is closed
// by the loop's tick, though its output no longer grows (kv-server stops reading such a client).
TEST(ServerLimitsTest, NormalSoftOutputLimitClosesAClientThatStaysAboveIt) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  // 16 MB: far more than the socket buffers take from a reader that never reads.
  ASSERT_EQ(Show(c->Call({"SET", "huge", std::string(16 << 20, 'x')})), "+OK");
  ASSERT_EQ(Show(c->Call({"CONFIG", "SET", "client-output-buffer-limit", "normal 0 1mb 1"})),
            "+OK");
  auto hog = RawClient::Connect(server->port());
  ASSERT_TRUE(hog.ok()) << hog.error();
  ASSERT_TRUE(hog->Send(EncodeRequest({"GET", "huge"}), After(kIo)).ok());
  // Never reads (reading would drain the output below the limit): waits for the log line, bounded.
  const auto deadline = After(std::chrono::seconds(30));
  while (CountOf(server->Log(), kOutputLimitLog) == 0 && Clock::now() < deadline) {
    ASSERT_EQ(Show(c->Call({"PING"})), "+PONG");  // served meanwhile
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(CountOf(server->Log(), kOutputLimitLog), 1u) << server->Log();
  const ReadOutcome got = hog->ReadUntilClosed(After(kIo));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  EXPECT_LT(got.data.size(), size_t{16} << 20);  // cut off: not the whole reply
  EXPECT_EQ(Show(c->Call({"STRLEN", "huge"})), ":16777216");
}

}  // namespace
}  // namespace kv::test
