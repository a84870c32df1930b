// Hash command semantics and error texts, in process. Expected replies were checked against
// redis-server 7.0.15 on this machine.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::BulksOf;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kEmpty;
using testing::kNil;
using testing::kOK;
using testing::kWrongType;

TEST(HashesTest, SetGetDelete) {
  Harness h;
  EXPECT_EQ(h.Run({"HSET", "h", "a", "1", "b", "2"}), Int(2));
  EXPECT_EQ(h.Run({"HSET", "h", "a", "one", "c", "3"}), Int(1));
  EXPECT_EQ(h.Run({"HSET", "h", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'hset' command"));
  EXPECT_EQ(h.Run({"HMSET", "h", "d", "4"}), kOK);
  EXPECT_EQ(h.Run({"HSETNX", "h", "d", "x"}), Int(0));
  EXPECT_EQ(h.Run({"HSETNX", "h", "e", "5"}), Int(1));
  EXPECT_EQ(h.Run({"HGET", "h", "a"}), Bulk("one"));
  EXPECT_EQ(h.Run({"HGET", "h", "zz"}), kNil);
  EXPECT_EQ(h.Run({"HGET", "nokey", "a"}), kNil);
  EXPECT_EQ(h.Run({"HMGET", "h", "a", "zz", "e"}), Array({Bulk("one"), kNil, Bulk("5")}));
  EXPECT_EQ(h.Run({"HMGET", "nokey", "a"}), Array({kNil}));
  EXPECT_EQ(h.Run({"HLEN", "h"}), Int(5));
  EXPECT_EQ(h.Run({"HEXISTS", "h", "b"}), Int(1));
  EXPECT_EQ(h.Run({"HEXISTS", "h", "zz"}), Int(0));
  EXPECT_EQ(h.Run({"HSTRLEN", "h", "a"}), Int(3));
  EXPECT_EQ(h.Run({"HSTRLEN", "h", "zz"}), Int(0));
  EXPECT_EQ(h.Run({"HDEL", "h", "a", "b", "zz"}), Int(2));
  EXPECT_EQ(h.Run({"HDEL", "nokey", "a"}), Int(0));
  EXPECT_EQ(h.Run({"HDEL", "h", "c", "d", "e"}), Int(3));
  EXPECT_EQ(h.Run({"EXISTS", "h"}), Int(0));  // emptied: deleted
  EXPECT_EQ(h.Run({"HLEN", "h"}), Int(0));
}

TEST(HashesTest, GetAllKeysValsInBothProtocols) {
  Harness h;
  EXPECT_EQ(h.Run({"HGETALL", "h"}), kEmpty);
  h.Run({"HSET", "h", "f1", "v1", "f2", "v2"});
  EXPECT_EQ(h.Run({"HGETALL", "h"}), Array({Bulk("f1"), Bulk("v1"), Bulk("f2"), Bulk("v2")}));
  EXPECT_EQ(h.Run({"HKEYS", "h"}), Array({Bulk("f1"), Bulk("f2")}));
  EXPECT_EQ(h.Run({"HVALS", "h"}), Array({Bulk("v1"), Bulk("v2")}));
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"HGETALL", "h"}), "%2\r\n" + Bulk("f1") + Bulk("v1") + Bulk("f2") + Bulk("v2"));
  EXPECT_EQ(h.Run({"HGETALL", "nokey"}), "%0\r\n");
  EXPECT_EQ(h.Run({"HGET", "nokey", "f"}), "_\r\n");
}

TEST(HashesTest, Counters) {
  Harness h;
  EXPECT_EQ(h.Run({"HINCRBY", "h", "n", "5"}), Int(5));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "n", "-7"}), Int(-2));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "n", "x"}), Err("ERR value is not an integer or out of range"));
  h.Run({"HSET", "h", "s", "str", "m", "9223372036854775807"});
  EXPECT_EQ(h.Run({"HINCRBY", "h", "s", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "m", "1"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "f", "1.5"}), Bulk("1.5"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "f", "1.0e1"}), Bulk("11.5"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "s", "1"}), Err("ERR hash value is not a float"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "f", "x"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "h", "f", "inf"}), Err("ERR value is NaN or Infinity"));
  EXPECT_EQ(h.Run({"HINCRBY", "h", "f", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(h.Run({"HGET", "h", "f"}), Bulk("11.5"));
  EXPECT_EQ(h.Run({"HINCRBYFLOAT", "nokey", "f", "x"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(h.Run({"EXISTS", "nokey"}), Int(0));
}

TEST(HashesTest, RandField) {
  Harness h;
  EXPECT_EQ(h.Run({"HRANDFIELD", "nokey"}), kNil);
  EXPECT_EQ(h.Run({"HRANDFIELD", "nokey", "2"}), kEmpty);
  h.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "0"}), kEmpty);
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "1", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "1", "withvalues", "x"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "-9223372036854775807", "withvalues"}),
            Err("ERR value is out of range"));
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  const std::set<std::string> all = {"a", "b", "c"};
  const std::vector<std::string> every = BulksOf(h.Run({"HRANDFIELD", "h", "10"}));
  EXPECT_EQ(std::set<std::string>(every.begin(), every.end()), all);
  EXPECT_EQ(every.size(), 3u);
  const std::vector<std::string> two = BulksOf(h.Run({"HRANDFIELD", "h", "2"}));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NE(two[0], two[1]);
  const std::vector<std::string> repeats = BulksOf(h.Run({"HRANDFIELD", "h", "-20"}));
  EXPECT_EQ(repeats.size(), 20u);
  const std::vector<std::string> pairs = BulksOf(h.Run({"HRANDFIELD", "h", "-5", "WITHVALUES"}));
  ASSERT_EQ(pairs.size(), 10u);
  for (size_t i = 0; i < pairs.size(); i += 2) {
    EXPECT_EQ(pairs[i + 1], std::string(1, static_cast<char>('1' + (pairs[i][0] - 'a'))));
  }
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "1", "WITHVALUES"}).substr(0, 8), "*1\r\n*2\r\n");
  const std::string one = h.Run({"HRANDFIELD", "h"});
  EXPECT_TRUE(one == Bulk("a") || one == Bulk("b") || one == Bulk("c")) << one;
}

TEST(HashesTest, ScanVisitsEveryFieldInBothEncodings) {
  Harness h;
  EXPECT_EQ(h.Run({"HSCAN", "h", "x"}), Err("ERR invalid cursor"));
  // As Redis: the cursor, then the key (missing: an empty scan; WRONGTYPE), then the options.
  EXPECT_EQ(h.Run({"HSCAN", "nokey", "0"}), Array({Bulk("0"), kEmpty}));
  EXPECT_EQ(h.Run({"HSCAN", "nokey", "0", "COUNT", "0"}), Array({Bulk("0"), kEmpty}));
  h.Run({"SET", "s", "v"});
  EXPECT_EQ(h.Run({"HSCAN", "s", "0", "COUNT", "0"}), kWrongType);
  h.Run({"HSET", "h", "a1", "1", "b1", "2"});
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "COUNT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "COUNT", "x"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "FOO", "1"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "TYPE", "string"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"HSCAN", "h", "0", "MATCH", "a*"}),
            Array({Bulk("0"), Array({Bulk("a1"), Bulk("1")})}));
  for (int i = 0; i < 300; ++i) h.Run({"HSET", "big", "f" + std::to_string(i), "v"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "big"}), Bulk("hashtable"));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const std::string reply = h.Run({"HSCAN", "big", cursor, "COUNT", "20"});
    const std::vector<std::string> items = BulksOf(reply);
    cursor = items[0];
    for (size_t i = 1; i < items.size(); i += 2) seen.insert(items[i]);
    ++calls;
  } while (cursor != "0" && calls < 1000);
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_GT(calls, 1);
}

TEST(HashesTest, EncodingConvertsAtTheListpackLimits) {
  Harness h;
  for (int i = 0; i < 128; ++i) h.Run({"HSET", "h", "f" + std::to_string(i), "v"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("listpack"));
  h.Run({"HSET", "h", "f128", "v"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"HLEN", "h"}), Int(129));
  h.Run({"HSET", "g", "f", std::string(65, 'v')});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "g"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"TYPE", "g"}), "+hash\r\n");
  EXPECT_EQ(h.Run({"SCAN", "0", "TYPE", "HASH", "COUNT", "100"}).size() > 0, true);
}

// hash-max-listpack-entries / -value (and the ziplist aliases) apply from the next write; a hash
// that passed them stays a table when they are raised again (as in redis-server 7.0.15).
TEST(HashesTest, ConfigSetListpackLimits) {
  Harness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hash-max-listpack-entries", "2"}), kOK);
  h.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"HSETNX", "h", "c", "3"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"HMGET", "h", "a", "b", "c"}), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hash-max-ziplist-entries", "128"}), kOK);
  h.Run({"HDEL", "h", "c"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
  // One HSET of three pairs under a limit of 2: a table, with all three.
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hash-max-listpack-entries", "2"}), kOK);
  EXPECT_EQ(h.Run({"HSET", "three", "a", "1", "b", "2", "c", "3"}), Int(3));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "three"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"HLEN", "three"}), Int(3));
  // The value limit, for a field, a value, an HINCRBYFLOAT result.
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hash-max-listpack-value", "3"}), kOK);
  h.Run({"HSET", "v", "abc", "def"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "v"}), Bulk("listpack"));
  h.Run({"HINCRBYFLOAT", "v", "n", "1.5"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "v"}), Bulk("listpack"));
  h.Run({"HINCRBYFLOAT", "v", "n", "0.25"});  // "1.75": 4 bytes
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "v"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"HGET", "v", "n"}), Bulk("1.75"));
  h.Run({"HSET", "f", "abcd", "x"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "f"}), Bulk("hashtable"));
  // 0 entries: every hash is a table.
  EXPECT_EQ(h.Run({"CONFIG", "SET", "hash-max-listpack-entries", "0"}), kOK);
  h.Run({"HSET", "z", "a", "1"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "z"}), Bulk("hashtable"));
}

TEST(HashesTest, WrongTypeTransactionsAndScripts) {
  Harness h;
  h.Run({"SET", "s", "v"});
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"HSET", "s", "f", "v"},
                                             {"HGET", "s", "f"},
                                             {"HMGET", "s", "f"},
                                             {"HGETALL", "s"},
                                             {"HDEL", "s", "f"},
                                             {"HLEN", "s"},
                                             {"HINCRBY", "s", "f", "1"},
                                             {"HRANDFIELD", "s"},
                                             {"HSCAN", "s", "0"},
                                             {"LPUSH", "s", "x"},
                                             {"LRANGE", "s", "0", "1"}}) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  h.Run({"HSET", "h", "f", "1"});
  h.Run({"HINCRBY", "h", "f", "2"});
  h.Run({"HGETALL", "h"});
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(1), Int(3), Array({Bulk("f"), Bulk("3")})}));
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('hgetall', KEYS[1])", "1", "h"}),
            Array({Bulk("f"), Bulk("3")}));
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('hincrby', KEYS[1], 'f', 1)", "1", "h"}), Int(4));
}

}  // namespace
}  // namespace kv::server
