// kv-server over TCP: ready line, commands, pipelining, concurrency, expiry, protocol errors,
// half-close and graceful shutdown.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>

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

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string Request(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += Bulk(a);
  return out;
}

TEST(ServerBasicTest, ReadyLineNamesPortAndPidAndIsTheOnlyStdout) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->ready_line(), "kv-server ready port=" + std::to_string(server->port()) +
                                      " pid=" + std::to_string(server->pid()));
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Show(Command(c.get(), {"PING"})), "+PONG");
  c.reset();
  auto code = server->Stop(SIGTERM, 10000);
  ASSERT_TRUE(code.ok()) << code.error();
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(server->RemainingStdout(), "");
}

TEST(ServerBasicTest, PingSetGet) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Show(Command(c.get(), {"PING"})), "+PONG");
  EXPECT_EQ(Show(Command(c.get(), {"SET", "greeting", "hello world"})), "+OK");
  EXPECT_EQ(Show(Command(c.get(), {"GET", "greeting"})), "$hello world");
  EXPECT_EQ(Show(Command(c.get(), {"GET", "missing"})), "$nil");
  std::string binary("a\0b\r\nc", 6);
  EXPECT_EQ(Show(Command(c.get(), {"SET", "bin", binary})), "+OK");
  EXPECT_EQ(Show(Command(c.get(), {"GET", "bin"})), "$" + binary);
  // Inline form, as redis-benchmark's PING_INLINE sends it.
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send("PING\r\n"));
  EXPECT_EQ(raw->Read(7, 10000), "+PONG\r\n");
}

TEST(ServerBasicTest, LargeValuesRoundTrip) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  std::string value(10 << 20, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(Show(Command(c.get(), {"SET", "large", value})), "+OK");
  auto got = Command(c.get(), {"GET", "large"});
  ASSERT_NE(got, nullptr);
  ASSERT_EQ(got->type, REDIS_REPLY_STRING);
  EXPECT_TRUE(std::string(got->str, got->len) == value);
  EXPECT_EQ(Show(Command(c.get(), {"STRLEN", "large"})), ":" + std::to_string(value.size()));
}

TEST(ServerBasicTest, PipelinesThousandCommandsInOneWrite) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  std::string batch;
  std::string expected;
  for (int i = 1; i <= 1000; ++i) {
    batch += Request({"INCR", "counter"});
    expected += ":" + std::to_string(i) + "\r\n";
  }
  ASSERT_TRUE(raw->Send(batch));
  EXPECT_EQ(raw->Read(expected.size(), 20000), expected);
}

TEST(ServerBasicTest, FiftyConcurrentClientsSeeTheirOwnValues) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 50;
  constexpr int kOps = 100;
  std::atomic<int> failures{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = ConnectRedis(server->port());
      if (!c) {
        failures++;
        return;
      }
      for (int i = 0; i < kOps; ++i) {
        std::string key = "client" + std::to_string(t) + ":" + std::to_string(i % 10);
        std::string value = "value-" + std::to_string(t) + "-" + std::to_string(i);
        if (Show(Command(c.get(), {"SET", key, value})) != "+OK") failures++;
        if (Show(Command(c.get(), {"GET", key})) != "$" + value) failures++;
        done++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(done.load(), kClients * kOps);
}

TEST(ServerBasicTest, KeysExpireOverTcp) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(Show(Command(c.get(), {"SET", "short", "v", "PX", "200"})), "+OK");
  ASSERT_EQ(Show(Command(c.get(), {"SET", "long", "v", "EX", "1000"})), "+OK");
  // Keys nobody reads must go too (active expiry on the timer).
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(Show(Command(c.get(), {"SET", "bulk" + std::to_string(i), "v", "PX", "100"})), "+OK");
  }
  bool expired = false;
  for (int i = 0; i < 500 && !expired; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    expired = Show(Command(c.get(), {"DBSIZE"})) == ":1";
  }
  EXPECT_TRUE(expired) << "active expiry left keys behind";
  EXPECT_EQ(Show(Command(c.get(), {"GET", "short"})), "$nil");
  EXPECT_EQ(Show(Command(c.get(), {"GET", "long"})), "$v");
}

TEST(ServerBasicTest, ProtocolErrorIsAnsweredThenClosed) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  // A good request first: its reply must come before the error.
  ASSERT_TRUE(raw->Send("PING\r\n*1\r\n$x\r\nPING\r\n"));
  std::string got;
  EXPECT_TRUE(raw->ReadUntilClosed(&got, 10000));
  EXPECT_EQ(got, "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
  // The server is fine for others.
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Show(Command(c.get(), {"PING"})), "+PONG");
}

TEST(ServerBasicTest, HttpPostIsClosedWithoutReply) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"));
  std::string got;
  EXPECT_TRUE(raw->ReadUntilClosed(&got, 10000));
  EXPECT_EQ(got, "");
}

TEST(ServerBasicTest, HalfClosedClientStillGetsItsReplies) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send(Request({"SET", "k", "v"}) + Request({"GET", "k"})));
  raw->ShutdownWrite();
  std::string got;
  EXPECT_TRUE(raw->ReadUntilClosed(&got, 10000));
  EXPECT_EQ(got, "+OK\r\n$1\r\nv\r\n");
}

TEST(ServerBasicTest, QuitRepliesOkThenCloses) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send(Request({"QUIT"}) + Request({"PING"})));
  std::string got;
  EXPECT_TRUE(raw->ReadUntilClosed(&got, 10000));
  EXPECT_EQ(got, "+OK\r\n");
}

TEST(ServerBasicTest, SigtermFlushesRepliesInFlightAndExitsZero) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  const std::string value(1 << 20, 'x');
  {
    auto c = ConnectRedis(server->port());
    ASSERT_NE(c, nullptr);
    ASSERT_EQ(Show(Command(c.get(), {"SET", "big", value})), "+OK");
  }
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  std::string one_reply = Bulk(value);
  // Three 1 MB replies produced by one batch; the client reads only their first bytes before
  // the SIGTERM, so most of them are still in the server's output buffer.
  ASSERT_TRUE(
      raw->Send(Request({"GET", "big"}) + Request({"GET", "big"}) + Request({"GET", "big"})));
  std::string got = raw->Read(16, 10000);
  ASSERT_EQ(got.size(), 16u);
  kill(server->pid(), SIGTERM);
  EXPECT_TRUE(raw->ReadUntilClosed(&got, 20000));
  EXPECT_EQ(got.size(), 3 * one_reply.size());
  EXPECT_TRUE(got == one_reply + one_reply + one_reply);
  auto code = server->WaitExit(20000);
  ASSERT_TRUE(code.ok()) << code.error();
  EXPECT_EQ(*code, 0) << server->Log();
  EXPECT_NE(server->Log().find("Received SIGTERM"), std::string::npos);
}

TEST(ServerBasicTest, SigintExitsZero) {
  auto server = StartOrDie({"--threads", "2"});
  ASSERT_NE(server, nullptr);
  auto c = ConnectRedis(server->port());
  ASSERT_NE(c, nullptr);
  auto code = server->Stop(SIGINT, 10000);
  ASSERT_TRUE(code.ok()) << code.error();
  EXPECT_EQ(*code, 0);
}

TEST(ServerBasicTest, ShutdownCommandExitsZero) {
  auto server = StartOrDie();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send(Request({"SHUTDOWN", "NOSAVE"})));
  std::string got;
  EXPECT_TRUE(raw->ReadUntilClosed(&got, 10000));
  auto code = server->WaitExit(10000);
  ASSERT_TRUE(code.ok()) << code.error();
  EXPECT_EQ(*code, 0);
}

TEST(ServerBasicTest, ListensOnEveryBindAddress) {
  // Skip where the container has no IPv6 loopback.
  int probe = socket(AF_INET6, SOCK_STREAM, 0);
  if (probe < 0) GTEST_SKIP() << "no IPv6";
  close(probe);
  auto server = ServerProcess::Start({"--bind", "127.0.0.1", "-::1"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto v4 = ConnectRedis((*server)->port(), "127.0.0.1");
  ASSERT_NE(v4, nullptr);
  EXPECT_EQ(Show(Command(v4.get(), {"PING"})), "+PONG");
  auto v6 = RawClient::Connect((*server)->port(), "::1");
  if (!v6.ok()) GTEST_SKIP() << "::1 not available: " << v6.error();
  ASSERT_TRUE(v6->Send("PING\r\n"));
  EXPECT_EQ(v6->Read(7, 10000), "+PONG\r\n");
}

}  // namespace
}  // namespace kv::test
