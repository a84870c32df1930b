// kv-server over TCP against hostile clients: exact protocol error texts (checked against
// redis-server too when it is installed), huge announced lengths without matching memory growth,
// half-closed sockets, slowloris senders and clients that never read their replies.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "resp/reply_writer.h"
#include "resp/request_encoder.h"
#include "tests/robustness/adversarial_corpus.h"
#include "tests/robustness/kv_server_suite.h"
#include "tests/robustness/stream_model.h"

namespace kv::robustness {
namespace {

using resp::EncodeRequest;

constexpr int64_t kMiB = 1024 * 1024;

// An input and everything the server must send back before closing the connection.
struct ExactCase {
  std::string name;
  std::string input;
  std::string reply;
};

// Malformed, partial or inline inputs: hand-written on purpose (resp::EncodeRequest only builds
// well-formed requests), as are Redis's exact reply bytes.
std::vector<ExactCase> ExactCases() {
  return {
      {"bulk length over proto-max-bulk-len", "*1\r\n$2147483648\r\n",
       "-ERR Protocol error: invalid bulk length\r\n"},
      {"bulk length 999999999", "*2\r\n$999999999\r\n",
       "-ERR Protocol error: invalid bulk length\r\n"},
      {"negative bulk length", "*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"non-numeric bulk length", "*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"multibulk count over INT_MAX", "*3000000000\r\n",
       "-ERR Protocol error: invalid multibulk length\r\n"},
      {"non-numeric multibulk count", "*x\r\n",
       "-ERR Protocol error: invalid multibulk length\r\n"},
      {"missing '$'", "*1\r\nfoo\r\n", "-ERR Protocol error: expected '$', got 'f'\r\n"},
      // The offending byte is CR: Redis replaces CR and LF in error texts by spaces.
      {"CR instead of '$'", "*1\r\n\r\n", "-ERR Protocol error: expected '$', got ' '\r\n"},
      {"LF instead of '$'", "*1\r\n\n\r\n", "-ERR Protocol error: expected '$', got ' '\r\n"},
      {"unbalanced quotes", "SET k \"unbalanced\r\n",
       "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {"replies before the error", "PING\r\n*1\r\n$3\r\nGET\r\n*x\r\n",
       "+PONG\r\n-ERR wrong number of arguments for 'get' command\r\n"
       "-ERR Protocol error: invalid multibulk length\r\n"},
      {"inline line over 64 KB", std::string(65537, 'a'),
       "-ERR Protocol error: too big inline request\r\n"},
      {"multibulk count line over 64 KB", "*" + std::string(65536, '1'),
       "-ERR Protocol error: too big mbulk count string\r\n"},
      {"HTTP POST", "POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n", ""},
      {"HTTP header Host:", "Host: example.com\r\n", ""},
      // Redis drops the replies it has not written yet (here +PONG) when it sees POST.
      {"commands before POST", "PING\r\nPOST /\r\nPING\r\n", ""},
  };
}

// Sends the case (without half-closing: the server must close by itself) and checks the reply.
void ExpectExact(int port, const ExactCase& c, std::chrono::milliseconds timeout,
                 const std::string& server_name) {
  SCOPED_TRACE(server_name + ": " + c.name);
  auto conn = RawClient::Connect(port);
  ASSERT_TRUE(conn.ok()) << conn.error();
  const Status sent = conn->Send(c.input, After(timeout));
  ASSERT_TRUE(sent.ok()) << sent.error();
  const ReadOutcome got = conn->ReadUntilClosed(After(timeout));
  EXPECT_EQ(Printable(got.data), Printable(c.reply));
  EXPECT_EQ(ReadEndName(got.end), ReadEndName(ReadEnd::kClosed));
}

class RobustnessLimitsTest : public KvServerSuite {};

TEST_F(RobustnessLimitsTest, ExactProtocolErrorsThenClose) {
  for (const ExactCase& c : ExactCases()) ExpectExact(port(), c, IoTimeout(), "kv-server");
}

TEST(RobustnessOracleTest, ExactProtocolErrorsMatchRedisServer) {
  // The expectations above are Redis 7's behaviour: verify them against the real thing.
  const std::string redis = fixtures::FindExecutable("redis-server", "/usr/bin/redis-server");
  if (redis.empty()) GTEST_SKIP() << "redis-server is not installed";
  fixtures::ServerOptions options;
  options.kind = fixtures::ServerKind::kRedis;
  options.binary = redis;
  options.log_path = "robustness-oracle-redis-" + std::to_string(getpid()) + ".log";
  auto server = fixtures::ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.error();
  for (const ExactCase& c : ExactCases()) {
    ExpectExact((*server)->endpoint().port, c, std::chrono::seconds(5), "redis-server");
  }
  // And the replies the stream tests expect for their valid pipeline.
  ExpectExact((*server)->endpoint().port,
              {"valid pipeline then QUIT", ValidPipeline("rob:oracle:") + "QUIT\r\n",
               ValidPipelineReplies() + "+OK\r\n"},
              std::chrono::seconds(5), "redis-server");
}

TEST_F(RobustnessLimitsTest, HugeAnnouncedLengthsDoNotAllocate) {
  // Announced sizes that are within the limits (so the server must wait for the data) must not be
  // allocated or touched up front: 48 such connections may not grow the server by more than
  // 64 MB (honest allocation would need ~16 GB of argument slots, or 8 GB of bulk buffers).
  const int64_t before = ServerRss();
  ASSERT_GT(before, 0);
  const std::vector<std::string> inputs = {
      "*1000000000\r\n",
      "*2147483647\r\n$3\r\nSET\r\n$3\r\nkey\r\n",
      "*2\r\n$3\r\nGET\r\n$536870912\r\nabc",
      "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$536870911\r\n",
  };
  std::vector<RawClient> open;
  for (int round = 0; round < 12; ++round) {
    for (const std::string& input : inputs) {
      auto conn = RawClient::Connect(port());
      ASSERT_TRUE(conn.ok()) << conn.error();
      const Status sent = conn->Send(input, After(IoTimeout()));
      ASSERT_TRUE(sent.ok()) << sent.error();
      open.push_back(std::move(*conn));
    }
  }
  // The server answers another client only after it has handled the input above (one thread
  // serves all connections in accept order); a second PING leaves time for a second event batch.
  ASSERT_TRUE(ServerHealthy().ok());
  ASSERT_TRUE(ServerHealthy().ok());
  const int64_t during = ServerRss();
  EXPECT_LT(during - before, 64 * kMiB)
      << "RSS before " << before / kMiB << " MiB, with the huge announcements " << during / kMiB
      << " MiB";
  // None of these connections got a reply or was closed: the server is still waiting for data.
  for (RawClient& conn : open) {
    const ReadOutcome got = conn.ReadUntilClosed(After(std::chrono::milliseconds(1)));
    EXPECT_EQ(ReadEndName(got.end), ReadEndName(ReadEnd::kDeadline)) << Printable(got.data);
  }
  open.clear();
  ASSERT_TRUE(ServerHealthy().ok());
}

TEST_F(RobustnessLimitsTest, HugeLengthsThenCloseKeepTheServerSmall) {
  // Rejected and abandoned huge announcements, many times over: memory must not accumulate.
  const int64_t before = ServerRss();
  ASSERT_GT(before, 0);
  const std::vector<std::string> inputs = {"*1000000000\r\n", "$2147483648\r\n",
                                           "*2\r\n$999999999\r\n", "*1\r\n$2147483648\r\n",
                                           "*2\r\n$3\r\nSET\r\n$536870912\r\n0123456789"};
  for (int round = 0; round < 50; ++round) {
    for (const std::string& input : inputs) {
      auto conn = RawClient::Connect(port());
      ASSERT_TRUE(conn.ok()) << conn.error();
      (void)conn->Send(input, After(IoTimeout()));
    }
  }
  ASSERT_TRUE(ServerHealthy().ok());
  const int64_t after = ServerRss();
  EXPECT_LT(after - before, 64 * kMiB)
      << "RSS before " << before / kMiB << " MiB, after " << after / kMiB << " MiB";
}

TEST_F(RobustnessLimitsTest, HalfClosedSocketStillGetsEveryReply) {
  // 1000 commands, then SHUT_WR: every reply arrives, in order, then the server closes.
  std::string pipeline;
  std::string expected;
  resp::ReplyWriter replies(&expected);
  for (int i = 0; i < 500; ++i) {
    const std::string key = "rob:half:" + std::to_string(i);
    const std::string value = std::string(static_cast<size_t>(i % 50), 'v') + std::to_string(i);
    pipeline += EncodeRequest({"SET", key, value});
    pipeline += EncodeRequest({"GET", key});
    replies.Simple("OK");
    replies.Bulk(value);
  }
  auto conn = RawClient::Connect(port());
  ASSERT_TRUE(conn.ok()) << conn.error();
  ASSERT_TRUE(conn->Send(pipeline, After(IoTimeout())).ok());
  ASSERT_TRUE(conn->ShutdownWrite().ok());
  const ReadOutcome got = conn->ReadUntilClosed(After(IoTimeout()));
  EXPECT_EQ(ReadEndName(got.end), ReadEndName(ReadEnd::kClosed));
  EXPECT_EQ(got.data.size(), expected.size());
  EXPECT_TRUE(got.data == expected) << "first bytes: " << Printable(got.data);
}

TEST_F(RobustnessLimitsTest, HalfClosedAfterIncompleteRequest) {
  // Replies to the complete requests, nothing for the incomplete tail, then close.
  auto conn = RawClient::Connect(port());
  ASSERT_TRUE(conn.ok()) << conn.error();
  ASSERT_TRUE(conn->Send("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhe",
                         After(IoTimeout()))
                  .ok());
  ASSERT_TRUE(conn->ShutdownWrite().ok());
  const ReadOutcome got = conn->ReadUntilClosed(After(IoTimeout()));
  EXPECT_EQ(Printable(got.data), Printable("+PONG\r\n$2\r\nhi\r\n"));
  EXPECT_EQ(ReadEndName(got.end), ReadEndName(ReadEnd::kClosed));
}

TEST_F(RobustnessLimitsTest, SlowlorisOneByteAtATime) {
  // A long command arriving one byte per write, while other clients keep being served; plus idle
  // connections holding half a header line.
  std::vector<RawClient> idle;
  for (const char* partial : {"*3\r\n$3\r\nSE", "*", "SET k", "*2\r\n$3\r\nGET\r\n$10\r\nabc"}) {
    auto conn = RawClient::Connect(port());
    ASSERT_TRUE(conn.ok()) << conn.error();
    ASSERT_TRUE(conn->Send(partial, After(IoTimeout())).ok());
    idle.push_back(std::move(*conn));
  }
  const std::string value(3000, 's');
  const std::string request =
      EncodeRequest({"SET", "rob:slow", value}) + EncodeRequest({"STRLEN", "rob:slow"});
  auto slow = RawClient::Connect(port());
  ASSERT_TRUE(slow.ok()) << slow.error();
  fixtures::ClientOptions options;
  options.io_timeout = IoTimeout();
  auto control = fixtures::Client::Connect(server().endpoint(), options);
  ASSERT_TRUE(control.ok()) << control.error();
  for (size_t i = 0; i < request.size(); ++i) {
    ASSERT_TRUE(slow->Send(request.substr(i, 1), After(IoTimeout())).ok()) << "byte " << i;
    if (i % 200 == 0) {
      // Make separate reads likely, and check others are served mid-command.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      const Status ping = control->Ping();
      ASSERT_TRUE(ping.ok()) << "PING after byte " << i << ": " << ping.error();
    }
  }
  const std::string expected = "+OK\r\n:3000\r\n";
  const ReadOutcome got = slow->ReadAtLeast(expected.size(), After(IoTimeout()));
  EXPECT_EQ(Printable(got.data), Printable(expected));
  auto get = control->Call({"GET", "rob:slow"});
  ASSERT_TRUE(get.ok()) << get.error();
  EXPECT_EQ(get->str, value);
  // The half-sent requests got nothing and are still open.
  for (RawClient& conn : idle) {
    const ReadOutcome none = conn.ReadUntilClosed(After(std::chrono::milliseconds(1)));
    EXPECT_EQ(Printable(none.data), Printable(""));
    EXPECT_EQ(ReadEndName(none.end), ReadEndName(ReadEnd::kDeadline));
  }
}

TEST_F(RobustnessLimitsTest, ClientThatNeverReadsCannotGrowTheServer) {
  // 128 GETs of a 1 MB value (128 MB of replies) from a client that does not read: the server
  // must stop buffering (stop reading that client) instead of holding the replies in memory, and
  // keep serving others. Once the client reads, every reply arrives.
  fixtures::ClientOptions options;
  options.io_timeout = IoTimeout();
  auto control = fixtures::Client::Connect(server().endpoint(), options);
  ASSERT_TRUE(control.ok()) << control.error();
  const std::string value(1 << 20, 'b');
  ASSERT_TRUE(control->Call({"SET", "rob:big", value}).ok());
  ASSERT_TRUE(control->Ping().ok());
  const int64_t before = ServerRss();
  ASSERT_GT(before, 0);

  constexpr int kGets = 128;
  std::string pipeline;
  for (int i = 0; i < kGets; ++i) pipeline += EncodeRequest({"GET", "rob:big"});
  auto reader = RawClient::Connect(port());
  ASSERT_TRUE(reader.ok()) << reader.error();
  auto sent = reader->SendUntilStalled(pipeline, After(IoTimeout()), std::chrono::seconds(1));
  ASSERT_TRUE(sent.ok()) << sent.error();
  ASSERT_TRUE(control->Ping().ok());
  ASSERT_TRUE(control->Ping().ok());
  const int64_t during = ServerRss();
  EXPECT_LT(during - before, 48 * kMiB)
      << "RSS before " << before / kMiB << " MiB, while the client does not read " << during / kMiB
      << " MiB";
  auto strlen_reply = control->Call({"STRLEN", "rob:big"});
  ASSERT_TRUE(strlen_reply.ok()) << strlen_reply.error();
  EXPECT_EQ(strlen_reply->integer, 1 << 20);

  // Now read: the rest of the pipeline is sent as the server drains, every reply arrives.
  std::string one_reply;
  resp::ReplyWriter(&one_reply).Bulk(value);
  std::string rest = pipeline.substr(*sent);
  ReadOutcome got;
  const auto deadline = After(IoTimeout() * 4);
  while (got.data.size() < one_reply.size() * kGets && Clock::now() < deadline) {
    if (!rest.empty()) {
      auto more = reader->SendUntilStalled(rest, deadline, std::chrono::milliseconds(10));
      ASSERT_TRUE(more.ok()) << more.error();
      rest.erase(0, *more);
    }
    ReadOutcome chunk = reader->ReadAtLeast(1, After(std::chrono::milliseconds(100)));
    got.data += chunk.data;
    ASSERT_TRUE(chunk.end == ReadEnd::kEnough || chunk.end == ReadEnd::kDeadline)
        << "connection ended: " << ReadEndName(chunk.end);
  }
  ASSERT_EQ(got.data.size(), one_reply.size() * kGets);
  size_t rest_bytes = 0;
  auto count = CountReplies(got.data, &rest_bytes);
  ASSERT_TRUE(count.ok()) << count.error();
  EXPECT_EQ(*count, static_cast<size_t>(kGets));
  EXPECT_TRUE(got.data.substr(0, one_reply.size()) == one_reply);
  EXPECT_TRUE(got.data.substr(got.data.size() - one_reply.size()) == one_reply);
}

}  // namespace
}  // namespace kv::robustness
