// List command semantics and error texts, in process. Expected replies were checked against
// redis-server 7.0.15 on this machine (except OBJECT ENCODING of a small list: "listpack", as
// Redis 7.2, where 7.0 says "quicklist").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::Bulks;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kEmpty;
using testing::kNil;
using testing::kNullArray;
using testing::kOK;
using testing::kWrongType;

TEST(ListsTest, PushPopAndLength) {
  Harness h;
  EXPECT_EQ(h.Run({"LPUSHX", "l", "a"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
  EXPECT_EQ(h.Run({"RPUSH", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LPUSH", "l", "x", "y"}), Int(5));
  EXPECT_EQ(h.Run({"RPUSHX", "l", "z"}), Int(6));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), Bulks({"y", "x", "a", "b", "c", "z"}));
  EXPECT_EQ(h.Run({"LLEN", "l"}), Int(6));
  EXPECT_EQ(h.Run({"LPOP", "l"}), Bulk("y"));
  EXPECT_EQ(h.Run({"RPOP", "l"}), Bulk("z"));
  EXPECT_EQ(h.Run({"LPOP", "l", "2"}), Bulks({"x", "a"}));
  EXPECT_EQ(h.Run({"LPOP", "l", "0"}), kEmpty);
  EXPECT_EQ(h.Run({"RPOP", "l", "5"}), Bulks({"c", "b"}));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));  // emptied: deleted
  EXPECT_EQ(h.Run({"LPOP", "l"}), kNil);
  EXPECT_EQ(h.Run({"LPOP", "l", "0"}), kNullArray);
  EXPECT_EQ(h.Run({"LLEN", "l"}), Int(0));
  EXPECT_EQ(h.Run({"LPOP", "l", "x"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"LPOP", "l", "-1"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"LPOP", "l", "1", "2"}),
            Err("ERR wrong number of arguments for 'lpop' command"));
  EXPECT_EQ(h.Run({"RPUSH", "l"}), Err("ERR wrong number of arguments for 'rpush' command"));
}

TEST(ListsTest, Resp3NullsForMissingLists) {
  Harness h;
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"LPOP", "l", "1"}), "_\r\n");
  EXPECT_EQ(h.Run({"LMPOP", "1", "l", "LEFT"}), "_\r\n");
  EXPECT_EQ(h.Run({"LINDEX", "l", "0"}), "_\r\n");
}

TEST(ListsTest, RangesAndIndexes) {
  Harness h;
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), kEmpty);
  h.Run({"RPUSH", "l", "a", "b", "c", "d"});
  EXPECT_EQ(h.Run({"LRANGE", "l", "1", "2"}), Bulks({"b", "c"}));
  EXPECT_EQ(h.Run({"LRANGE", "l", "-2", "100"}), Bulks({"c", "d"}));
  EXPECT_EQ(h.Run({"LRANGE", "l", "-100", "0"}), Bulks({"a"}));
  EXPECT_EQ(h.Run({"LRANGE", "l", "3", "1"}), kEmpty);
  EXPECT_EQ(h.Run({"LRANGE", "l", "x", "1"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"LINDEX", "l", "-1"}), Bulk("d"));
  EXPECT_EQ(h.Run({"LINDEX", "l", "4"}), kNil);
  EXPECT_EQ(h.Run({"LINDEX", "nokey", "x"}), kNil);  // missing key: before the index is parsed
  EXPECT_EQ(h.Run({"LINDEX", "l", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"LSET", "l", "-1", "D"}), kOK);
  EXPECT_EQ(h.Run({"LSET", "l", "10", "x"}), Err("ERR index out of range"));
  EXPECT_EQ(h.Run({"LSET", "nokey", "0", "x"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"LTRIM", "l", "1", "-1"}), kOK);
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), Bulks({"b", "c", "D"}));
  EXPECT_EQ(h.Run({"LTRIM", "l", "5", "1"}), kOK);
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
}

TEST(ListsTest, RemInsertPos) {
  Harness h;
  h.Run({"RPUSH", "big", "1", "2", "3", "4", "5", "6", "1", "2", "3", "1"});
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "RANK", "-1", "COUNT", "0", "MAXLEN", "5"}),
            Array({Int(9), Int(6)}));
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "RANK", "2", "COUNT", "2"}), Array({Int(6), Int(9)}));
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "COUNT", "0", "MAXLEN", "3"}), Array({Int(0)}));
  EXPECT_EQ(h.Run({"LPOS", "big", "3"}), Int(2));
  EXPECT_EQ(h.Run({"LPOS", "big", "9"}), kNil);
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "RANK", "-9223372036854775808"}), Int(9));
  EXPECT_EQ(h.Run({"LPOS", "nokey", "1", "COUNT", "0"}), kEmpty);
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "RANK", "0"}),
            Err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second "
                "... or use negative to start from the end of the list"));
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "COUNT", "-1"}), Err("ERR COUNT can't be negative"));
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "MAXLEN", "-1"}), Err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "RANK"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LPOS", "big", "1", "FOO", "1"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LREM", "big", "-2", "1"}), Int(2));
  EXPECT_EQ(h.Run({"LRANGE", "big", "0", "-1"}), Bulks({"1", "2", "3", "4", "5", "6", "2", "3"}));
  EXPECT_EQ(h.Run({"LREM", "big", "0", "3"}), Int(2));
  EXPECT_EQ(h.Run({"LREM", "nokey", "0", "3"}), Int(0));
  EXPECT_EQ(h.Run({"LREM", "big", "x", "3"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"LINSERT", "big", "BEFORE", "1", "0"}), Int(7));
  EXPECT_EQ(h.Run({"LINSERT", "big", "after", "6", "7"}), Int(8));
  EXPECT_EQ(h.Run({"LINSERT", "big", "after", "99", "7"}), Int(-1));
  EXPECT_EQ(h.Run({"LINSERT", "nokey", "after", "99", "7"}), Int(0));
  EXPECT_EQ(h.Run({"LINSERT", "big", "inside", "1", "7"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LRANGE", "big", "0", "-1"}), Bulks({"0", "1", "2", "4", "5", "6", "7", "2"}));
}

TEST(ListsTest, MovesBetweenLists) {
  Harness h;
  h.Run({"RPUSH", "a", "1", "2", "3"});
  EXPECT_EQ(h.Run({"LMOVE", "a", "b", "LEFT", "RIGHT"}), Bulk("1"));
  EXPECT_EQ(h.Run({"RPOPLPUSH", "a", "b"}), Bulk("3"));
  EXPECT_EQ(h.Run({"LRANGE", "b", "0", "-1"}), Bulks({"3", "1"}));
  EXPECT_EQ(h.Run({"LMOVE", "b", "b", "LEFT", "RIGHT"}), Bulk("3"));  // rotation
  EXPECT_EQ(h.Run({"LRANGE", "b", "0", "-1"}), Bulks({"1", "3"}));
  EXPECT_EQ(h.Run({"LMOVE", "a", "b", "RIGHT", "LEFT"}), Bulk("2"));
  EXPECT_EQ(h.Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(h.Run({"LMOVE", "a", "b", "LEFT", "LEFT"}), kNil);
  EXPECT_EQ(h.Run({"LMOVE", "a", "b", "UP", "LEFT"}), Err("ERR syntax error"));
  h.Run({"SET", "s", "v"});
  EXPECT_EQ(h.Run({"LMOVE", "b", "s", "LEFT", "LEFT"}), kWrongType);
  EXPECT_EQ(h.Run({"LLEN", "b"}), Int(3));  // nothing popped
  EXPECT_EQ(h.Run({"LMOVE", "s", "b", "LEFT", "LEFT"}), kWrongType);
  // A single element moved onto itself stays.
  h.Run({"RPUSH", "one", "x"});
  EXPECT_EQ(h.Run({"RPOPLPUSH", "one", "one"}), Bulk("x"));
  EXPECT_EQ(h.Run({"LRANGE", "one", "0", "-1"}), Bulks({"x"}));
}

TEST(ListsTest, LMPop) {
  Harness h;
  EXPECT_EQ(h.Run({"LMPOP", "2", "a", "b", "LEFT"}), kNullArray);
  h.Run({"RPUSH", "b", "1", "2", "3"});
  EXPECT_EQ(h.Run({"LMPOP", "2", "a", "b", "LEFT", "COUNT", "2"}),
            Array({Bulk("b"), Bulks({"1", "2"})}));
  EXPECT_EQ(h.Run({"LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"}),
            Array({Bulk("b"), Bulks({"3"})}));
  EXPECT_EQ(h.Run({"EXISTS", "b"}), Int(0));
  EXPECT_EQ(h.Run({"LMPOP", "0", "a", "LEFT"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"LMPOP", "x", "a", "LEFT"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"LMPOP", "3", "a", "b", "LEFT"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LMPOP", "1", "a", "MIDDLE"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LMPOP", "1", "a", "LEFT", "COUNT"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LMPOP", "1", "a", "LEFT", "COUNT", "0"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(h.Run({"LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "2"}),
            Err("ERR syntax error"));
  h.Run({"SET", "s", "v"});
  EXPECT_EQ(h.Run({"LMPOP", "1", "s", "LEFT"}), kWrongType);
}

TEST(ListsTest, EncodingConvertsAtTheListpackLimits) {
  Harness h;
  for (int i = 0; i < 128; ++i) h.Run({"RPUSH", "l", std::to_string(i)});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "l"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"RPUSH", "l", "128"}), Int(129));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "l"}), Bulk("quicklist"));
  EXPECT_EQ(h.Run({"LINDEX", "l", "128"}), Bulk("128"));
  h.Run({"RPUSH", "m", "short"});
  h.Run({"RPUSH", "m", std::string(65, 'x')});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "m"}), Bulk("quicklist"));
}

// Every string command refuses a list (MGET reads it as nil); the generic commands work on it.
TEST(ListsTest, WrongTypeAndGenericCommands) {
  Harness h;
  h.Run({"RPUSH", "l", "a", "b"});
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"GET", "l"},
           {"GETSET", "l", "v"},
           {"SET", "l", "v", "GET"},
           {"GETDEL", "l"},
           {"GETEX", "l"},
           {"APPEND", "l", "x"},
           {"STRLEN", "l"},
           {"GETRANGE", "l", "0", "1"},
           {"SETRANGE", "l", "0", "x"},
           {"INCR", "l"},
           {"DECRBY", "l", "2"},
           {"INCRBYFLOAT", "l", "1.5"},
           {"SETBIT", "l", "1", "1"},
           {"GETBIT", "l", "1"},
           {"BITCOUNT", "l"},
           {"BITPOS", "l", "1"},
           {"BITOP", "AND", "d", "l"},
           {"BITFIELD", "l", "GET", "u8", "0"},
           {"DELIFEQ", "l", "v"},
           {"HGET", "l", "f"},
           {"HSET", "l", "f", "v"},
       }) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
  EXPECT_EQ(h.Run({"LCS", "l", "l"}), Err("ERR The specified keys must contain string values"));
  EXPECT_EQ(h.Run({"MGET", "l"}), Array({kNil}));
  EXPECT_EQ(h.Run({"TYPE", "l"}), "+list\r\n");
  EXPECT_EQ(h.Run({"EXPIRE", "l", "100"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "l"}), Int(100));
  EXPECT_EQ(h.Run({"PERSIST", "l"}), Int(1));
  EXPECT_EQ(h.Run({"RENAME", "l", "l2"}), kOK);
  EXPECT_EQ(h.Run({"COPY", "l2", "l3"}), Int(1));
  EXPECT_EQ(h.Run({"RPUSH", "l3", "c"}), Int(3));
  EXPECT_EQ(h.Run({"LLEN", "l2"}), Int(2));  // the copy is deep
  EXPECT_EQ(h.Run({"MOVE", "l3", "1"}), Int(1));
  EXPECT_EQ(h.Run({"SCAN", "0", "TYPE", "list"}), Array({Bulk("0"), Bulks({"l2"})}));
  EXPECT_EQ(h.Run({"SCAN", "0", "TYPE", "string"}), Array({Bulk("0"), kEmpty}));
  EXPECT_EQ(h.Run({"SWAPDB", "0", "1"}), kOK);
  EXPECT_EQ(h.Run({"LRANGE", "l3", "0", "-1"}), Bulks({"a", "b", "c"}));
  EXPECT_EQ(h.Run({"SET", "l3", "now a string"}), kOK);  // SET replaces any type
  EXPECT_EQ(h.Run({"TYPE", "l3"}), "+string\r\n");
  EXPECT_EQ(h.Run({"UNLINK", "l3"}), Int(1));
  EXPECT_EQ(h.Run({"FLUSHALL"}), kOK);
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
}

TEST(ListsTest, ExpiryAndMemoryUsage) {
  Harness h;
  h.Run({"RPUSH", "l", "a"});
  const std::string small = h.Run({"MEMORY", "USAGE", "l"});
  for (int i = 0; i < 1000; ++i) h.Run({"RPUSH", "l", std::string(100, 'x')});
  const std::string big = h.Run({"MEMORY", "USAGE", "l"});
  ASSERT_EQ(big[0], ':');
  EXPECT_GT(std::stoll(big.substr(1)), std::stoll(small.substr(1)) + 100000);
  EXPECT_EQ(h.Run({"PEXPIRE", "l", "10"}), Int(1));
  h.AdvanceMs(11);
  EXPECT_EQ(h.Run({"LLEN", "l"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "l"}), Int(0));
}

// WATCH sees list writes, including a pop that deletes the key; MULTI queues list commands.
TEST(ListsTest, TransactionsAndWatch) {
  Harness h;
  Session other;
  other.id = 2;
  h.Run({"RPUSH", "l", "a"});
  EXPECT_EQ(h.Run({"WATCH", "l"}), kOK);
  h.RunAs(other, {"RPUSH", "l", "b"});
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  h.Run({"LPOP", "l"});
  EXPECT_EQ(h.Run({"EXEC"}), kNullArray);
  EXPECT_EQ(h.Run({"WATCH", "l"}), kOK);
  h.RunAs(other, {"LPOP", "l", "2"});  // empties and deletes l
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  h.Run({"RPUSH", "l", "x"});
  EXPECT_EQ(h.Run({"EXEC"}), kNullArray);
  // LPOP l 0 changes nothing: the watch holds.
  h.Run({"RPUSH", "l", "keep"});
  EXPECT_EQ(h.Run({"WATCH", "l"}), kOK);
  h.RunAs(other, {"LPOP", "l", "0"});
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  h.Run({"DEL", "l"});
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(1)}));
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  h.Run({"RPUSH", "l", "x", "y"});
  h.Run({"LRANGE", "l", "0", "-1"});
  h.Run({"GET", "l"});
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(2), Bulks({"x", "y"}), kWrongType}));
  h.processor.OnClose(other);
}

TEST(ListsTest, LuaScripts) {
  Harness h;
  EXPECT_EQ(
      h.Run({"EVAL",
             "redis.call('rpush', KEYS[1], 'a', 'b'); return redis.call('lrange', KEYS[1], 0, -1)",
             "1", "l"}),
      Bulks({"a", "b"}));
  EXPECT_EQ(h.Run({"EVAL", "return redis.pcall('get', KEYS[1])['err']", "1", "l"}),
            Bulk("WRONGTYPE Operation against a key holding the wrong kind of value"));
}

}  // namespace
}  // namespace kv::server
