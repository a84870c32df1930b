// kv-server over TCP: ready line, commands, pipelining, concurrency, expiry, protocol errors,
// half-close and graceful shutdown.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "resp/reply_writer.h"
#include "resp/request_encoder.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_server.h"

namespace kv::test {
namespace {

using fixtures::ExitStatus;
using fixtures::Reply;
using resp::EncodeRequest;

TEST(ServerBasicTest, ReadyLineNamesPortAndPidAndIsTheOnlyStdout) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->ready_line(), "kv-server ready port=" + std::to_string(server->port()) +
                                      " pid=" + std::to_string(server->pid()));
  {
    auto c = Connect(server->port());
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(Show(c->Call({"PING"})), "+PONG");
  }
  const ExitStatus exit = server->Stop(SIGTERM, std::chrono::seconds(10));
  EXPECT_TRUE(exit.clean()) << exit.Describe();
  // Nothing else on stdout, before the ready line or after it.
  EXPECT_EQ(server->Stdout(), server->ready_line() + "\n");
}

TEST(ServerBasicTest, PingSetGet) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(Show(c->Call({"PING"})), "+PONG");
  EXPECT_EQ(Show(c->Call({"SET", "greeting", "hello world"})), "+OK");
  EXPECT_EQ(Show(c->Call({"GET", "greeting"})), "$hello world");
  EXPECT_EQ(Show(c->Call({"GET", "missing"})), "$nil");
  std::string binary("a\0b\r\nc", 6);
  EXPECT_EQ(Show(c->Call({"SET", "bin", binary})), "+OK");
  EXPECT_EQ(Show(c->Call({"GET", "bin"})), "$" + binary);
  // Inline form, as redis-benchmark's PING_INLINE sends it.
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send("PING\r\n", After(kIo)).ok());
  EXPECT_EQ(raw->ReadExactly(7, After(std::chrono::milliseconds(10000))).data, "+PONG\r\n");
}

TEST(ServerBasicTest, LargeValuesRoundTrip) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  std::string value(10 << 20, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(Show(c->Call({"SET", "large", value})), "+OK");
  auto got = c->Call({"GET", "large"});
  ASSERT_TRUE(got.ok()) << got.error();
  ASSERT_EQ(got->type, Reply::Type::kString);
  EXPECT_TRUE(got->str == value);
  EXPECT_EQ(Show(c->Call({"STRLEN", "large"})), ":" + std::to_string(value.size()));
}

TEST(ServerBasicTest, PipelinesThousandCommandsInOneWrite) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  std::string batch;
  std::string expected;
  resp::ReplyWriter replies(&expected);
  for (int i = 1; i <= 1000; ++i) {
    batch += EncodeRequest({"INCR", "counter"});
    replies.Integer(i);
  }
  ASSERT_TRUE(raw->Send(batch, After(kIo)).ok());
  EXPECT_EQ(raw->ReadExactly(expected.size(), After(std::chrono::milliseconds(20000))).data,
            expected);
}

TEST(ServerBasicTest, FiftyConcurrentClientsSeeTheirOwnValues) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 50;
  constexpr int kOps = 100;
  std::atomic<int> failures{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = Connect(server->port());
      if (!c.ok()) {
        failures++;
        return;
      }
      for (int i = 0; i < kOps; ++i) {
        std::string key = "client" + std::to_string(t) + ":" + std::to_string(i % 10);
        std::string value = "value-" + std::to_string(t) + "-" + std::to_string(i);
        if (Show(c->Call({"SET", key, value})) != "+OK") failures++;
        if (Show(c->Call({"GET", key})) != "$" + value) failures++;
        done++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(done.load(), kClients * kOps);
}

TEST(ServerBasicTest, KeysExpireOverTcp) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_EQ(Show(c->Call({"SET", "short", "v", "PX", "200"})), "+OK");
  ASSERT_EQ(Show(c->Call({"SET", "long", "v", "EX", "1000"})), "+OK");
  // Keys nobody reads must go too (active expiry on the timer).
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(Show(c->Call({"SET", "bulk" + std::to_string(i), "v", "PX", "100"})), "+OK");
  }
  bool expired = false;
  for (int i = 0; i < 500 && !expired; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    expired = Show(c->Call({"DBSIZE"})) == ":1";
  }
  EXPECT_TRUE(expired) << "active expiry left keys behind";
  EXPECT_EQ(Show(c->Call({"GET", "short"})), "$nil");
  EXPECT_EQ(Show(c->Call({"GET", "long"})), "$v");
}

TEST(ServerBasicTest, ProtocolErrorIsAnsweredThenClosed) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  // A good request first: its reply must come before the error (a hand-written bad bulk length).
  ASSERT_TRUE(raw->Send("PING\r\n*1\r\n$x\r\nPING\r\n", After(kIo)).ok());
  const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  EXPECT_EQ(got.data, "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
  // The server is fine for others.
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(Show(c->Call({"PING"})), "+PONG");
}

TEST(ServerBasicTest, HttpPostIsClosedWithoutReply) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(
      raw->Send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", After(kIo))
          .ok());
  const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  EXPECT_EQ(got.data, "");
}

TEST(ServerBasicTest, HalfClosedClientStillGetsItsReplies) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(
      raw->Send(EncodeRequest({"SET", "k", "v"}) + EncodeRequest({"GET", "k"}), After(kIo)).ok());
  ASSERT_TRUE(raw->ShutdownWrite().ok());
  const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  EXPECT_EQ(got.data, "+OK\r\n$1\r\nv\r\n");
}

TEST(ServerBasicTest, QuitRepliesOkThenCloses) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send(EncodeRequest({"QUIT"}) + EncodeRequest({"PING"}), After(kIo)).ok());
  const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  EXPECT_EQ(got.data, "+OK\r\n");
}

TEST(ServerBasicTest, SigtermFlushesRepliesInFlightAndExitsZero) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  const std::string value(1 << 20, 'x');
  {
    auto c = Connect(server->port());
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_EQ(Show(c->Call({"SET", "big", value})), "+OK");
  }
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  std::string one_reply;
  resp::ReplyWriter(&one_reply).Bulk(value);
  // Three 1 MB replies produced by one batch; the client reads only their first bytes before
  // the SIGTERM, so most of them are still in the server's output buffer.
  ASSERT_TRUE(raw->Send(EncodeRequest({"GET", "big"}) + EncodeRequest({"GET", "big"}) +
                            EncodeRequest({"GET", "big"}),
                        After(kIo))
                  .ok());
  std::string got = raw->ReadExactly(16, After(std::chrono::milliseconds(10000))).data;
  ASSERT_EQ(got.size(), 16u);
  kill(server->pid(), SIGTERM);
  const ReadOutcome rest = raw->ReadUntilClosed(After(std::chrono::milliseconds(20000)));
  EXPECT_TRUE(rest.closed()) << ReadEndName(rest.end);
  got += rest.data;
  EXPECT_EQ(got.size(), 3 * one_reply.size());
  EXPECT_TRUE(got == one_reply + one_reply + one_reply);
  const std::optional<ExitStatus> exit = server->WaitExit(std::chrono::seconds(20));
  ASSERT_TRUE(exit.has_value()) << "kv-server did not exit in time";
  EXPECT_TRUE(exit->clean()) << exit->Describe() << "; log:\n" << server->Log();
  EXPECT_NE(server->Log().find("Received SIGTERM"), std::string::npos);
}

TEST(ServerBasicTest, SigintExitsZero) {
  auto server = StartOrFail({"--threads", "2"});
  ASSERT_NE(server, nullptr);
  auto c = Connect(server->port());
  ASSERT_TRUE(c.ok()) << c.error();
  const ExitStatus exit = server->Stop(SIGINT, std::chrono::seconds(10));
  EXPECT_TRUE(exit.clean()) << exit.Describe();
}

TEST(ServerBasicTest, ShutdownCommandExitsZero) {
  auto server = StartOrFail();
  ASSERT_NE(server, nullptr);
  auto raw = RawClient::Connect(server->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send(EncodeRequest({"SHUTDOWN", "NOSAVE"}), After(kIo)).ok());
  const ReadOutcome got = raw->ReadUntilClosed(After(std::chrono::milliseconds(10000)));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  const std::optional<ExitStatus> exit = server->WaitExit(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value()) << "kv-server did not exit in time";
  EXPECT_TRUE(exit->clean()) << exit->Describe();
}

TEST(ServerBasicTest, ListensOnEveryBindAddress) {
  // Skip where the container has no IPv6 loopback.
  int probe = socket(AF_INET6, SOCK_STREAM, 0);
  if (probe < 0) GTEST_SKIP() << "no IPv6";
  close(probe);
  auto server = TestServer::Start({"--bind", "127.0.0.1", "-::1"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto v4 = Connect((*server)->port(), "127.0.0.1");
  ASSERT_TRUE(v4.ok()) << v4.error();
  EXPECT_EQ(Show(v4->Call({"PING"})), "+PONG");
  auto v6 = RawClient::Connect((*server)->port(), "::1");
  if (!v6.ok()) GTEST_SKIP() << "::1 not available: " << v6.error();
  ASSERT_TRUE(v6->Send("PING\r\n", After(kIo)).ok());
  EXPECT_EQ(v6->ReadExactly(7, After(std::chrono::milliseconds(10000))).data, "+PONG\r\n");
}

}  // namespace
}  // namespace kv::test
