// BZPOPMIN, BZPOPMAX and BZMPOP, in process (the registry is the blocking list commands'; see
// lists_blocking_test.cc). Replies checked against redis-server 7.0.15 on this machine.
#include <gtest/gtest.h>

#include <string>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::BlockingHarness;
using testing::Bulk;
using testing::Err;
using testing::Int;
using testing::kNullArray;
using testing::kOK;

TEST(ZSetsBlockingTest, AnswerAtOnceWhenASortedSetHasMembers) {
  BlockingHarness h;
  EXPECT_EQ(h.Run({"ZADD", "z2", "1", "a", "2", "b", "3", "c"}), Int(3));
  EXPECT_EQ(h.Run({"BZPOPMIN", "z1", "z2", "0"}), Array({Bulk("z2"), Bulk("a"), Bulk("1")}));
  EXPECT_EQ(h.Run({"BZPOPMAX", "z1", "z2", "0"}), Array({Bulk("z2"), Bulk("c"), Bulk("3")}));
  EXPECT_EQ(h.Run({"BZMPOP", "0", "2", "z1", "z2", "MIN", "COUNT", "5"}),
            Array({Bulk("z2"), Array({Array({Bulk("b"), Bulk("2")})})}));
  EXPECT_EQ(h.Run({"EXISTS", "z2"}), Int(0));
}

TEST(ZSetsBlockingTest, Resp3RepliesScoresAsDoubles) {
  BlockingHarness h;
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"ZADD", "z3", "1.5", "x"}), Int(1));
  EXPECT_EQ(h.Run({"BZPOPMIN", "z3", "0"}), "*3\r\n$2\r\nz3\r\n$1\r\nx\r\n,1.5\r\n");
  EXPECT_EQ(h.Run({"ZADD", "z3", "2.5", "y"}), Int(1));
  EXPECT_EQ(h.Run({"BZMPOP", "0", "1", "z3", "MIN"}),
            "*2\r\n$2\r\nz3\r\n*1\r\n*2\r\n$1\r\ny\r\n,2.5\r\n");
}

TEST(ZSetsBlockingTest, BlockedUntilAZaddOrAStoreCreatesTheKey) {
  BlockingHarness h;
  Session& a = h.Client();
  Session& b = h.Client();
  Session& c = h.Client();
  EXPECT_EQ(h.RunAs(a, {"BZPOPMIN", "z", "0"}), "");
  EXPECT_EQ(h.RunAs(b, {"BZPOPMAX", "z", "0"}), "");
  EXPECT_EQ(h.RunAs(c, {"BZMPOP", "0", "2", "q", "dst", "MAX", "COUNT", "2"}), "");
  EXPECT_EQ(h.Run({"ZADD", "z", "1", "lo", "9", "hi", "5", "mid"}), Int(3));
  EXPECT_EQ(h.Unblocked(a), Array({Bulk("z"), Bulk("lo"), Bulk("1")}));
  EXPECT_EQ(h.Unblocked(b), Array({Bulk("z"), Bulk("hi"), Bulk("9")}));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "0", "-1"}), Array({Bulk("mid")}));
  EXPECT_EQ(h.Unblocked(c), "");
  EXPECT_EQ(h.Run({"ZADD", "src", "1", "m", "2", "n", "3", "o"}), Int(3));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "dst", "1", "src"}), Int(3));
  EXPECT_EQ(h.Unblocked(c), Array({Bulk("dst"), Array({Array({Bulk("o"), Bulk("3")}),
                                                        Array({Bulk("n"), Bulk("2")})})}));
  EXPECT_EQ(h.Run({"ZCARD", "dst"}), Int(1));
}

TEST(ZSetsBlockingTest, TimeoutMultiScriptsAndErrors) {
  BlockingHarness h;
  Session& w = h.Client();
  EXPECT_EQ(h.RunAs(w, {"BZPOPMIN", "z", "0.2"}), "");
  h.AdvanceMs(200);
  h.Tick();
  EXPECT_EQ(h.Unblocked(w), kNullArray);
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"BZPOPMIN", "none", "0"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"BZMPOP", "0", "1", "none", "MIN"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Array({kNullArray, kNullArray}));
  const std::string refused = h.Run({"EVAL", "return redis.call('bzpopmin','x',0)", "0"});
  EXPECT_EQ(refused.rfind("-ERR This Redis command is not allowed from script", 0), 0u) << refused;
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('bzmpop',0,1,'x','min')", "0"}), testing::kNil);
  EXPECT_EQ(h.Run({"BZPOPMIN", "z", "-1"}), Err("ERR timeout is negative"));
  EXPECT_EQ(h.Run({"BZMPOP", "0.1", "1", "z", "UP"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"BZMPOP", "0.1", "0", "z", "MIN"}),
            Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"LPUSH", "l", "x"}), Int(1));
  EXPECT_EQ(h.Run({"BZPOPMIN", "l", "0"}),
            Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  const std::string info = h.Run({"COMMAND", "INFO", "bzpopmin"});
  EXPECT_NE(info.find("+noscript\r\n+blocking\r\n+fast\r\n"), std::string::npos) << info;
}

}  // namespace
}  // namespace kv::server
