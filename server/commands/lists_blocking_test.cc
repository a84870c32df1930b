// The blocking list commands and CLIENT UNBLOCK, in process: several sessions on one processor; a
// served client's reply is what reached FakeControl::unblocked. Expected replies and orders were
// checked against redis-server 7.0.15 on this machine (the same scenarios over redis-cli).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kNil;
using testing::kOK;

using testing::BlockingHarness;
using testing::kWrongType;
using testing::kNullArray;

std::string KeyValue(std::string_view key, std::string_view value) {
  return Array({Bulk(key), Bulk(value)});
}

TEST(ListsBlockingTest, AnswersAtOnceWhenAListHasElements) {
  BlockingHarness h;
  EXPECT_EQ(h.Run({"RPUSH", "b", "1", "2"}), Int(2));
  EXPECT_EQ(h.Run({"BLPOP", "a", "b", "0"}), KeyValue("b", "1"));
  EXPECT_EQ(h.Run({"BRPOP", "a", "b", "0"}), KeyValue("b", "2"));
  EXPECT_EQ(h.Run({"EXISTS", "b"}), Int(0));  // emptied: deleted
  EXPECT_EQ(h.Run({"RPUSH", "s", "x", "y"}), Int(2));
  EXPECT_EQ(h.Run({"BLMOVE", "s", "d", "LEFT", "RIGHT", "0"}), Bulk("x"));
  EXPECT_EQ(h.Run({"BRPOPLPUSH", "s", "d", "0"}), Bulk("y"));
  EXPECT_EQ(h.Run({"LRANGE", "d", "0", "-1"}), Array({Bulk("y"), Bulk("x")}));
  EXPECT_EQ(h.Run({"BLMPOP", "0", "2", "none", "d", "RIGHT", "COUNT", "5"}),
            Array({Bulk("d"), Array({Bulk("x"), Bulk("y")})}));
  EXPECT_FALSE(h.session.blocked);
}

TEST(ListsBlockingTest, BlocksUntilAnotherClientPushes) {
  BlockingHarness h;
  Session& waiter = h.Client();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "k1", "k2", "0"}), "");
  EXPECT_TRUE(waiter.blocked);
  EXPECT_NE(h.Info().find("blocked_clients:1\r\n"), std::string::npos);
  EXPECT_NE(h.Run({"CLIENT", "LIST"}).find("flags=b "), std::string::npos);
  EXPECT_EQ(h.Unblocked(waiter), "");
  EXPECT_EQ(h.Run({"RPUSH", "k2", "a", "b"}), Int(2));
  EXPECT_EQ(h.Unblocked(waiter), KeyValue("k2", "a"));
  EXPECT_FALSE(waiter.blocked);
  EXPECT_EQ(h.Run({"LRANGE", "k2", "0", "-1"}), Array({Bulk("b")}));
  EXPECT_NE(h.Info().find("blocked_clients:0\r\n"), std::string::npos);
}

TEST(ListsBlockingTest, WaitersAreServedInArrivalOrder) {
  BlockingHarness h;
  Session& w1 = h.Client();
  Session& w2 = h.Client();
  Session& w3 = h.Client();
  EXPECT_EQ(h.RunAs(w1, {"BRPOP", "f", "0"}), "");
  EXPECT_EQ(h.RunAs(w2, {"BRPOP", "f", "0"}), "");
  EXPECT_EQ(h.RunAs(w3, {"BRPOP", "f", "0"}), "");
  EXPECT_EQ(h.Run({"LPUSH", "f", "x", "y"}), Int(2));  // the list is y x: BRPOP takes x first
  EXPECT_EQ(h.Unblocked(w1), KeyValue("f", "x"));
  EXPECT_EQ(h.Unblocked(w2), KeyValue("f", "y"));
  EXPECT_EQ(h.Unblocked(w3), "");
  EXPECT_TRUE(w3.blocked);
  EXPECT_EQ(h.Run({"EXISTS", "f"}), Int(0));
  EXPECT_EQ(h.Run({"RPUSH", "f", "z"}), Int(1));
  EXPECT_EQ(h.Unblocked(w3), KeyValue("f", "z"));
}

TEST(ListsBlockingTest, TimeoutRepliesNullOnTheTick) {
  BlockingHarness h;
  Session& w = h.Client();
  Session& forever = h.Client();
  Session& mover = h.Client();
  EXPECT_EQ(h.RunAs(w, {"BLPOP", "k", "1.5"}), "");
  EXPECT_EQ(h.RunAs(forever, {"BLPOP", "k", "0"}), "");
  EXPECT_EQ(h.RunAs(mover, {"BLMOVE", "k", "d", "LEFT", "LEFT", "0.5"}), "");
  EXPECT_NE(h.Info().find("clients_in_timeout_table:2\r\n"), std::string::npos);
  h.AdvanceMs(499);
  h.Tick();
  EXPECT_EQ(h.Unblocked(mover), "");
  h.AdvanceMs(1);
  h.Tick();
  EXPECT_EQ(h.Unblocked(mover), kNil);  // BLMOVE times out with a null bulk
  EXPECT_EQ(h.Unblocked(w), "");
  h.AdvanceMs(1000);
  h.Tick();
  EXPECT_EQ(h.Unblocked(w), kNullArray);
  EXPECT_FALSE(w.blocked);
  h.AdvanceMs(24LL * 3600 * 1000);
  h.Tick();
  EXPECT_TRUE(forever.blocked);  // 0: no timeout
  EXPECT_EQ(h.Unblocked(forever), "");
}

TEST(ListsBlockingTest, Resp3TimeoutIsANull) {
  BlockingHarness h;
  Session& w = h.Client();
  w.protocol = 3;
  EXPECT_EQ(h.RunAs(w, {"BLPOP", "k", "0.1"}), "");
  h.AdvanceMs(100);
  h.Tick();
  EXPECT_EQ(h.Unblocked(w), "_\r\n");
}

TEST(ListsBlockingTest, InsideMultiTheyAnswerAtOnceAndPushesServeAfterExec) {
  BlockingHarness h;
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"BLPOP", "x", "0"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"BLMOVE", "a", "b", "LEFT", "RIGHT", "0"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"BLMPOP", "0", "1", "x", "LEFT"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Array({kNullArray, kNil, kNullArray}));
  EXPECT_FALSE(h.session.blocked);

  Session& w = h.Client();
  EXPECT_EQ(h.RunAs(w, {"BLPOP", "m", "0"}), "");
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"LPUSH", "m", "1"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"LPUSH", "m", "2"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(1), Int(2)}));
  // Served once the transaction ended: the list was 2 1 by then.
  EXPECT_EQ(h.Unblocked(w), KeyValue("m", "2"));
  EXPECT_EQ(h.Run({"LRANGE", "m", "0", "-1"}), Array({Bulk("1")}));
}

TEST(ListsBlockingTest, ScriptsCannotBlockButTheirPushesServe) {
  BlockingHarness h;
  const std::string refused = h.Run({"EVAL", "return redis.call('blpop','x',0)", "0"});
  EXPECT_EQ(refused.rfind("-ERR This Redis command is not allowed from script", 0), 0u) << refused;
  // BLMPOP is not noscript in Redis 7.0: in a script it answers at once.
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('blmpop',0,1,'x','left')", "0"}), kNil);
  Session& w = h.Client();
  EXPECT_EQ(h.RunAs(w, {"BLPOP", "s", "0"}), "");
  EXPECT_EQ(h.Run({"EVAL", "redis.call('rpush','s','a','b')", "0"}), kNil);
  EXPECT_EQ(h.Unblocked(w), KeyValue("s", "a"));
}

TEST(ListsBlockingTest, ServedMovesServeTheNextWaiter) {
  BlockingHarness h;
  Session& mover = h.Client();
  Session& popper = h.Client();
  EXPECT_EQ(h.RunAs(mover, {"BLMOVE", "c1", "c2", "LEFT", "LEFT", "0"}), "");
  EXPECT_EQ(h.RunAs(popper, {"BLPOP", "c2", "0"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "c1", "v"}), Int(1));
  EXPECT_EQ(h.Unblocked(mover), Bulk("v"));
  EXPECT_EQ(h.Unblocked(popper), KeyValue("c2", "v"));
  EXPECT_EQ(h.Run({"EXISTS", "c1", "c2"}), Int(0));
}

TEST(ListsBlockingTest, AWrongTypeDestinationAtServeTimeIsTheWaitersError) {
  BlockingHarness h;
  Session& w = h.Client();
  EXPECT_EQ(h.Run({"SET", "dst", "str"}), kOK);
  EXPECT_EQ(h.RunAs(w, {"BLMOVE", "src", "dst", "LEFT", "LEFT", "0"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "src", "q"}), Int(1));
  EXPECT_EQ(h.Unblocked(w), kWrongType);
  EXPECT_EQ(h.Run({"LLEN", "src"}), Int(1));  // nothing was taken
}

TEST(ListsBlockingTest, RenameCopyMoveAndSwapdbMakeKeysReady) {
  BlockingHarness h;
  Session& by_rename = h.Client();
  Session& by_copy = h.Client();
  Session& by_move = h.Client();
  Session& by_swap = h.Client();
  EXPECT_EQ(h.RunAs(by_rename, {"BLPOP", "rn", "0"}), "");
  EXPECT_EQ(h.RunAs(by_copy, {"BLPOP", "cp", "0"}), "");
  EXPECT_EQ(h.RunAs(by_move, {"BLPOP", "mv", "0"}), "");
  by_swap.db = 1;
  EXPECT_EQ(h.RunAs(by_swap, {"BLPOP", "sw", "0"}), "");
  EXPECT_EQ(h.Run({"RPUSH", "tmp", "z"}), Int(1));
  EXPECT_EQ(h.Run({"RENAME", "tmp", "rn"}), kOK);
  EXPECT_EQ(h.Unblocked(by_rename), KeyValue("rn", "z"));
  EXPECT_EQ(h.Run({"RPUSH", "orig", "c"}), Int(1));
  EXPECT_EQ(h.Run({"COPY", "orig", "cp"}), Int(1));
  EXPECT_EQ(h.Unblocked(by_copy), KeyValue("cp", "c"));
  EXPECT_EQ(h.Run({"SELECT", "2"}), kOK);
  EXPECT_EQ(h.Run({"RPUSH", "mv", "m"}), Int(1));
  EXPECT_EQ(h.Run({"MOVE", "mv", "0"}), Int(1));
  EXPECT_EQ(h.Unblocked(by_move), KeyValue("mv", "m"));
  EXPECT_EQ(h.Run({"SELECT", "0"}), kOK);
  EXPECT_EQ(h.Run({"RPUSH", "sw", "s"}), Int(1));  // db 0; the waiter is in db 1
  EXPECT_EQ(h.Unblocked(by_swap), "");
  EXPECT_EQ(h.Run({"SWAPDB", "0", "1"}), kOK);
  EXPECT_EQ(h.Unblocked(by_swap), KeyValue("sw", "s"));
}

TEST(ListsBlockingTest, AKeyRepeatedOrAnotherKeyOfTheSameClientServesItOnce) {
  BlockingHarness h;
  Session& w = h.Client();
  EXPECT_EQ(h.RunAs(w, {"BLPOP", "k", "k", "j", "0"}), "");
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"RPUSH", "j", "1"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"RPUSH", "k", "2"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(1), Int(1)}));
  // Served from j, the key that became ready first, although k comes first in its command.
  EXPECT_EQ(h.Unblocked(w), KeyValue("j", "1"));
  EXPECT_EQ(h.Run({"LLEN", "k"}), Int(1));
}

TEST(ListsBlockingTest, AClosedWaiterLeavesNothingBehind) {
  BlockingHarness h;
  Session& w = h.Client();
  EXPECT_EQ(h.RunAs(w, {"BLPOP", "k", "5"}), "");
  h.processor.OnClose(w);
  EXPECT_FALSE(w.blocked);
  EXPECT_NE(h.Info().find("blocked_clients:0\r\n"), std::string::npos);
  EXPECT_NE(h.Info().find("clients_in_timeout_table:0\r\n"), std::string::npos);
  EXPECT_EQ(h.Run({"RPUSH", "k", "v"}), Int(1));
  EXPECT_EQ(h.Unblocked(w), "");
  EXPECT_EQ(h.Run({"LLEN", "k"}), Int(1));
}

TEST(ListsBlockingTest, BlmpopIsServedFromTheReadyKeyWithItsCount) {
  BlockingHarness h;
  Session& w = h.Client();
  EXPECT_EQ(h.RunAs(w, {"BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2"}), "");
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"RPUSH", "b", "1", "2", "3"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"RPUSH", "a", "x"}), testing::Simple("QUEUED"));
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(3), Int(1)}));
  EXPECT_EQ(h.Unblocked(w), Array({Bulk("b"), Array({Bulk("3"), Bulk("2")})}));
}

TEST(ListsBlockingTest, ClientUnblock) {
  BlockingHarness h;
  Session& a = h.Client();
  Session& b = h.Client();
  EXPECT_EQ(h.RunAs(a, {"BLMOVE", "q", "d", "LEFT", "LEFT", "0"}), "");
  EXPECT_EQ(h.RunAs(b, {"BLPOP", "q", "0"}), "");
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", std::to_string(a.id)}), Int(1));
  EXPECT_EQ(h.Unblocked(a), kNil);
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", std::to_string(b.id), "error"}), Int(1));
  EXPECT_EQ(h.Unblocked(b), Err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", std::to_string(b.id)}), Int(0));
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", "1"}), Int(0));  // not blocked
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK", "5", "foo"}),
            Err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
  EXPECT_EQ(h.Run({"CLIENT", "unblock", "5", "timeout", "x"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT "
                "HELP."));
  EXPECT_EQ(h.Run({"CLIENT", "UNBLOCK"}),
            Err("ERR wrong number of arguments for 'client|unblock' command"));
}

TEST(ListsBlockingTest, ArgumentErrors) {
  BlockingHarness h;
  const std::string negative = Err("ERR timeout is negative");
  const std::string not_float = Err("ERR timeout is not a float or out of range");
  EXPECT_EQ(h.Run({"BLPOP", "x", "-1"}), negative);
  EXPECT_EQ(h.Run({"BLPOP", "x", "1e20"}), negative);  // as redis-server on x86-64
  EXPECT_EQ(h.Run({"BLPOP", "x", "inf"}), negative);
  EXPECT_EQ(h.Run({"BLPOP", "x", "abc"}), not_float);
  EXPECT_EQ(h.Run({"BLPOP", "x", "nan"}), not_float);
  EXPECT_EQ(h.Run({"BLPOP", "x", ""}), not_float);
  EXPECT_EQ(h.Run({"BRPOPLPUSH", "a", "b", "x"}), not_float);
  EXPECT_EQ(h.Run({"BLMOVE", "a", "b", "UP", "LEFT", "0.1"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"BLMPOP", "0.1", "0", "x", "LEFT"}),
            Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"BLMPOP", "0.1", "1", "x", "UP"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"BLMPOP", "0.1", "1", "x", "LEFT", "COUNT", "0"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(h.Run({"BLMPOP", "0.1", "3", "x", "LEFT"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"BLPOP", "x"}), Err("ERR wrong number of arguments for 'blpop' command"));
  EXPECT_EQ(h.Run({"SET", "str", "v"}), kOK);
  EXPECT_EQ(h.Run({"BLPOP", "none", "str", "0"}), kWrongType);
  EXPECT_EQ(h.Run({"BLMOVE", "str", "d", "LEFT", "LEFT", "0"}), kWrongType);
  EXPECT_EQ(h.Run({"BLMPOP", "0", "2", "none", "str", "LEFT"}), kWrongType);
  EXPECT_FALSE(h.session.blocked);
}

TEST(ListsBlockingTest, CommandInfoSaysBlocking) {
  BlockingHarness h;
  const std::string info = h.Run({"COMMAND", "INFO", "blpop"});
  EXPECT_NE(info.find("+noscript\r\n+blocking\r\n"), std::string::npos) << info;
}

}  // namespace
}  // namespace kv::server
