// kv-server over TCP: MULTI/EXEC pipelined, WATCH between two connections, a closed connection's
// watches and queue, and the MULTI queue bounded by client-query-buffer-limit.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "resp/request_encoder.h"
#include "tests/support/raw_client.h"
#include "tests/support/test_server.h"

namespace kv::test {
namespace {

using resp::EncodeRequest;

TEST(ServerTransactionsTest, PipelinedTransactionRunsAtExec) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server.ok()) << server.error();
  auto raw = RawClient::Connect((*server)->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw->Send(EncodeRequest({"MULTI"}) + EncodeRequest({"SET", "a", "1"}) +
                            EncodeRequest({"INCR", "a"}) + EncodeRequest({"GET", "a"}) +
                            EncodeRequest({"EXEC"}),
                        After(kIo))
                  .ok());
  const std::string expected =
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n";
  EXPECT_EQ(raw->ReadExactly(expected.size(), After(kIo)).data, expected);
}

TEST(ServerTransactionsTest, WatchSeesAnotherConnectionsWrite) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server.ok()) << server.error();
  auto a = Connect((*server)->port());
  auto b = Connect((*server)->port());
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(Show(a->Call({"SET", "k", "1"})), "+OK");
  EXPECT_EQ(Show(a->Call({"WATCH", "k"})), "+OK");
  EXPECT_EQ(Show(b->Call({"SET", "k", "2"})), "+OK");
  EXPECT_EQ(Show(a->Call({"MULTI"})), "+OK");
  EXPECT_EQ(Show(a->Call({"SET", "k", "mine"})), "+QUEUED");
  EXPECT_EQ(Show(a->Call({"EXEC"})), "$nil");  // *-1
  EXPECT_EQ(Show(b->Call({"GET", "k"})), "$2");
  // Unchallenged, the same transaction commits.
  EXPECT_EQ(Show(a->Call({"WATCH", "k"})), "+OK");
  EXPECT_EQ(Show(a->Call({"MULTI"})), "+OK");
  EXPECT_EQ(Show(a->Call({"SET", "k", "mine"})), "+QUEUED");
  EXPECT_EQ(Show(a->Call({"EXEC"})), "*1");
  EXPECT_EQ(Show(b->Call({"GET", "k"})), "$mine");
}

TEST(ServerTransactionsTest, ClosedConnectionLeavesNothingBehind) {
  auto server = TestServer::Start();
  ASSERT_TRUE(server.ok()) << server.error();
  {
    auto gone = Connect((*server)->port());
    ASSERT_TRUE(gone.ok()) << gone.error();
    EXPECT_EQ(Show(gone->Call({"WATCH", "k", "j"})), "+OK");
    EXPECT_EQ(Show(gone->Call({"MULTI"})), "+OK");
    EXPECT_EQ(Show(gone->Call({"SET", "k", "queued"})), "+QUEUED");
  }  // closed with a watch and a queue
  auto b = Connect((*server)->port());
  ASSERT_TRUE(b.ok()) << b.error();
  // The server may see the close after these: either way they must not reach a freed session.
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(Show(b->Call({"SET", "k", std::to_string(i)})), "+OK");
    ASSERT_EQ(Show(b->Call({"FLUSHALL"})), "+OK");
  }
  EXPECT_EQ(Show(b->Call({"GET", "k"})), "$nil");
}

TEST(ServerTransactionsTest, QueueBeyondQueryBufferLimitClosesTheClient) {
  auto server = TestServer::Start({"--client-query-buffer-limit", "1mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto raw = RawClient::Connect((*server)->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  const std::string value(400 * 1024, 'v');  // each request fits the query buffer; three do not
  std::string requests = EncodeRequest({"MULTI"});
  for (const char* key : {"a", "b", "c", "d"}) requests += EncodeRequest({"SET", key, value});
  (void)raw->Send(requests, After(kIo));  // may fail part-way once the server has closed
  const ReadOutcome got = raw->ReadUntilClosed(After(kIo));
  EXPECT_TRUE(got.closed()) << ReadEndName(got.end);
  // Closed at once, like an oversized query buffer: replies of the same batch may be lost, and
  // the third SET is never answered.
  const std::string most = "+OK\r\n+QUEUED\r\n+QUEUED\r\n";
  EXPECT_EQ(most.substr(0, got.data.size()), got.data);
  EXPECT_NE((*server)->Log().find("MULTI queue reached client-query-buffer-limit"),
            std::string::npos)
      << (*server)->Log();
  auto c = Connect((*server)->port());
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(Show(c->Call({"EXISTS", "a", "b", "c"})), ":0");
}

}  // namespace
}  // namespace kv::test
