// CommandProcessor::Prefetch: how far it looks ahead into a connection's pending input, and that
// it never disturbs what the requests then do; the debug knobs leave replies alone.
#include "server/engine/command_processor.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "resp/request_encoder.h"
#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Harness;

std::string Get(std::string_view key) { return resp::EncodeRequest({"GET", key}); }

TEST(CommandProcessorPrefetchTest, CoversTheCompleteRequestsAhead) {
  Harness h;
  std::string pending = Get("a") + Get("b") + "PING\r\n" + Get("c");
  EXPECT_EQ(h.processor.Prefetch(h.session, pending), 4u);
  pending += "*2\r\n$3\r\nGET\r\n$10\r\nabc";  // a partial request ends the look-ahead
  EXPECT_EQ(h.processor.Prefetch(h.session, pending), 4u);
}

TEST(CommandProcessorPrefetchTest, StopsAtItsLimits) {
  Harness h;
  std::string pending;
  for (int i = 0; i < 40; ++i) pending += Get("key" + std::to_string(i));
  EXPECT_EQ(h.processor.Prefetch(h.session, pending), CommandProcessor::kPrefetchRequests);
  // One request larger than the window: nothing covered, yet the caller still advances by one.
  const std::string big =
      resp::EncodeRequest({"SET", "k", std::string(CommandProcessor::kPrefetchWindow, 'x')});
  EXPECT_EQ(h.processor.Prefetch(h.session, big + Get("a")), 1u);
  EXPECT_EQ(h.processor.Prefetch(h.session, ""), 1u);
  EXPECT_EQ(h.processor.Prefetch(h.session, "*x\r\n"), 1u);  // a protocol error: not looked into
}

TEST(CommandProcessorPrefetchTest, InlineAndQuotedArgumentsAreSafe) {
  Harness h;
  h.Run({"SET", "a b", "1"});
  // The quoted key lives in the parser, not in pending: it must be skipped, not read later.
  const std::string pending = "GET \"a b\"\r\nGET 'x'\r\nGET plain\r\n" + Get("a b");
  EXPECT_EQ(h.processor.Prefetch(h.session, pending), 4u);
  EXPECT_EQ(h.Run({"GET", "a b"}), "$1\r\n1\r\n");
}

TEST(CommandProcessorPrefetchTest, LeavesTheKeyspaceAlone) {
  Harness h;
  for (int i = 0; i < 2000; ++i) h.Run({"SET", "k" + std::to_string(i), std::to_string(i)});
  std::string pending;
  for (int i = 0; i < 16; ++i) pending += Get("k" + std::to_string(i * 97));
  for (int db = 0; db < 2; ++db) {
    h.session.db = db;
    EXPECT_EQ(h.processor.Prefetch(h.session, pending), 16u);
  }
  h.session.db = 0;
  EXPECT_EQ(h.Run({"DBSIZE"}), ":2000\r\n");
  EXPECT_EQ(h.Run({"GET", "k970"}), "$3\r\n970\r\n");
}

TEST(CommandProcessorDebugKnobsTest, SetAtRunTimeAndRepliesUnchanged) {
  Harness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "debug-slowdown-command", "INCR"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "debug-slowdown-pct", "15"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "debug-extra-work", "1000"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "GET", "debug-slowdown-command"}),
            "*2\r\n$22\r\ndebug-slowdown-command\r\n$4\r\nincr\r\n");
  EXPECT_EQ(h.config.debug_extra_work, 1000);
  EXPECT_NE(h.Run({"CONFIG", "SET", "debug-slowdown-command", "a b"}).find("-ERR CONFIG SET"),
            std::string::npos);
  // With every knob on, commands (matching and not) reply as before.
  EXPECT_EQ(h.Run({"SET", "k", "1"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"incr", "k"}), ":2\r\n");
  EXPECT_EQ(h.Run({"GET", "k"}), "$1\r\n2\r\n");
  EXPECT_EQ(h.Run({"NOSUCH"}).substr(0, 20), "-ERR unknown command");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "debug-extra-work", "0"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "debug-slowdown-pct", "0"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"INCR", "k"}), ":3\r\n");
}

}  // namespace
}  // namespace kv::server
