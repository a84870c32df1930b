// Set command semantics and error texts, in process. Expected replies were checked against
// redis-server 7.0.15 on this machine (same commands side by side; only the order of a
// hashtable's members and of random picks differs).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "server/commands/command_test_util.h"
#include "server/store/store.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::Bulks;
using testing::BulksOf;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kEmpty;
using testing::kNil;
using testing::kNullArray;
using testing::kOK;
using testing::kWrongType;
using testing::MembersOf;

using Members = std::set<std::string>;

TEST(SetsTest, AddRemoveMembership) {
  Harness h;
  EXPECT_EQ(h.Run({"SADD", "s", "3", "1", "2"}), Int(3));
  EXPECT_EQ(h.Run({"SADD", "s", "2", "x"}), Int(1));
  EXPECT_EQ(h.Run({"SADD", "s"}), Err("ERR wrong number of arguments for 'sadd' command"));
  EXPECT_EQ(h.Run({"SCARD", "s"}), Int(4));
  EXPECT_EQ(h.Run({"SCARD", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"SISMEMBER", "s", "x"}), Int(1));
  EXPECT_EQ(h.Run({"SISMEMBER", "s", "9"}), Int(0));
  EXPECT_EQ(h.Run({"SISMEMBER", "nokey", "9"}), Int(0));
  EXPECT_EQ(h.Run({"SMISMEMBER", "s", "1", "9", "x"}), Array({Int(1), Int(0), Int(1)}));
  EXPECT_EQ(h.Run({"SMISMEMBER", "nokey", "1"}), Array({Int(0)}));
  EXPECT_EQ(h.Run({"SMEMBERS", "s"}).substr(0, 4), "*4\r\n");
  EXPECT_EQ(MembersOf(h.Run({"SMEMBERS", "s"})), (Members{"1", "2", "3", "x"}));
  EXPECT_EQ(h.Run({"SMEMBERS", "nokey"}), kEmpty);
  EXPECT_EQ(h.Run({"SREM", "s", "1", "9"}), Int(1));
  EXPECT_EQ(h.Run({"SREM", "nokey", "1"}), Int(0));
  EXPECT_EQ(h.Run({"SREM", "s", "2", "3", "x"}), Int(3));
  EXPECT_EQ(h.Run({"EXISTS", "s"}), Int(0));  // emptied: deleted
}

TEST(SetsTest, WrongTypeEverywhere) {
  Harness h;
  h.Run({"SET", "str", "v"});
  h.Run({"SADD", "i", "1"});
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"SADD", "str", "a"},
           {"SREM", "str", "a"},
           {"SMEMBERS", "str"},
           {"SISMEMBER", "str", "a"},
           {"SMISMEMBER", "str", "a"},
           {"SCARD", "str"},
           {"SPOP", "str"},
           {"SPOP", "str", "1"},
           {"SRANDMEMBER", "str"},
           {"SRANDMEMBER", "str", "1"},
           {"SMOVE", "str", "i", "1"},
           {"SMOVE", "i", "str", "1"},
           {"SINTER", "nokey", "str"},
           {"SUNION", "i", "str"},
           {"SDIFF", "i", "str"},
           {"SINTERSTORE", "d", "str"},
           {"SINTERCARD", "1", "str"},
           {"SSCAN", "str", "0"},
           {"GET", "i"},
           {"HGET", "i", "f"},
       }) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
  EXPECT_EQ(h.Run({"SMOVE", "nokey", "str", "1"}), Int(0));  // missing source: no type check
  EXPECT_EQ(h.Run({"TYPE", "i"}), "+set\r\n");
}

TEST(SetsTest, EncodingsAsRedis70) {
  Harness h;
  h.Run({"SADD", "i", "5", "-3", "100", "7"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "i"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SMEMBERS", "i"}), Bulks({"-3", "5", "7", "100"}));  // sorted
  EXPECT_EQ(h.Run({"SADD", "i", "012"}), Int(1));  // not an integer's canonical form
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "i"}), Bulk("hashtable"));
  h.Run({"SADD", "j", "10", "9223372036854775808"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "j"}), Bulk("hashtable"));
  h.Run({"SADD", "t", "x"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "t"}), Bulk("hashtable"));
  std::vector<std::string> add = {"SADD", "big"};
  for (int i = 1; i <= 512; ++i) add.push_back(std::to_string(i));
  EXPECT_EQ(h.Run(add), Int(512));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "big"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SUNIONSTORE", "copy", "big"}), Int(512));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "copy"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SADD", "big", "513"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "big"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"SREM", "big", "513"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "big"}), Bulk("hashtable"));  // one way, as Redis
  EXPECT_EQ(h.Run({"SISMEMBER", "big", "512"}), Int(1));
}

// set-max-intset-entries applies from the next write: SADD, SMOVE and the STORE results.
TEST(SetsTest, ConfigSetIntsetLimit) {
  Harness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "set-max-intset-entries", "2"}), kOK);
  EXPECT_EQ(h.Run({"SADD", "s", "1", "2"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "s"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SADD", "t", "1", "2", "3"}), Int(3));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "t"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"SUNIONSTORE", "u", "s", "t"}), Int(3));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "u"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"SINTERSTORE", "i", "s", "t"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "i"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SMOVE", "t", "s", "3"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "s"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"SMEMBERS", "i"}), Bulks({"1", "2"}));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "set-max-intset-entries", "0"}), kOK);
  EXPECT_EQ(h.Run({"SADD", "z", "7"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "z"}), Bulk("hashtable"));
}

TEST(SetsTest, PopAndRandomMember) {
  Harness h;
  EXPECT_EQ(h.Run({"SPOP", "nokey"}), kNil);
  EXPECT_EQ(h.Run({"SPOP", "nokey", "3"}), kEmpty);
  EXPECT_EQ(h.Run({"SPOP", "nokey", "x"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"SPOP", "nokey", "-1"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"SPOP", "nokey", "1", "2"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey"}), kNil);
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey", "5"}), kEmpty);
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey", "x"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey", "1", "2"}), Err("ERR syntax error"));
  for (const char* first : {"1", "a"}) {  // intset, then hashtable
    SCOPED_TRACE(first);
    h.Run({"DEL", "s"});
    h.Run({"SADD", "s", first, "2", "3", "4", "5", "6", "7", "8", "9", "10"});
    const Members all = MembersOf(h.Run({"SMEMBERS", "s"}));
    EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "0"}), kEmpty);
    EXPECT_EQ(MembersOf(h.Run({"SRANDMEMBER", "s", "10"})), all);
    EXPECT_EQ(MembersOf(h.Run({"SRANDMEMBER", "s", "100"})), all);
    for (const char* n : {"2", "8"}) {  // the draw and the shuffle cases: distinct members
      const std::vector<std::string> some = BulksOf(h.Run({"SRANDMEMBER", "s", n}));
      EXPECT_EQ(some.size(), std::stoul(n));
      EXPECT_EQ(Members(some.begin(), some.end()).size(), some.size());
    }
    const std::vector<std::string> repeats = BulksOf(h.Run({"SRANDMEMBER", "s", "-30"}));
    EXPECT_EQ(repeats.size(), 30u);
    for (const std::string& m : repeats) EXPECT_EQ(all.count(m), 1u) << m;
    EXPECT_EQ(all.count(BulksOf(h.Run({"SRANDMEMBER", "s"}))[0]), 1u);
    EXPECT_EQ(h.Run({"SPOP", "s", "0"}), kEmpty);
    Members popped = MembersOf(h.Run({"SPOP", "s", "3"}));
    EXPECT_EQ(popped.size(), 3u);
    const std::string one = BulksOf(h.Run({"SPOP", "s"}))[0];
    EXPECT_TRUE(popped.insert(one).second) << one;
    EXPECT_EQ(h.Run({"SCARD", "s"}), Int(6));
    for (const std::string& m : MembersOf(h.Run({"SPOP", "s", "6"}))) popped.insert(m);
    EXPECT_EQ(popped, all);
    EXPECT_EQ(h.Run({"EXISTS", "s"}), Int(0));
  }
  h.Run({"SADD", "e", "1"});
  EXPECT_EQ(h.Run({"SPOP", "e"}), Bulk("1"));
  EXPECT_EQ(h.Run({"EXISTS", "e"}), Int(0));
}

TEST(SetsTest, Move) {
  Harness h;
  h.Run({"SADD", "a", "1", "2", "3"});
  h.Run({"SADD", "b", "3"});
  h.Run({"SADD", "c", "x"});
  EXPECT_EQ(h.Run({"SMOVE", "a", "b", "1"}), Int(1));
  EXPECT_EQ(h.Run({"SMOVE", "a", "b", "9"}), Int(0));
  EXPECT_EQ(h.Run({"SMOVE", "a", "a", "2"}), Int(1));
  EXPECT_EQ(h.Run({"SMOVE", "a", "a", "9"}), Int(0));
  EXPECT_EQ(h.Run({"SMOVE", "a", "new", "2"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "new"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SMOVE", "c", "new2", "x"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "new2"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"EXISTS", "c"}), Int(0));
  EXPECT_EQ(h.Run({"SMOVE", "a", "b", "3"}), Int(1));  // already in b: a loses it, b unchanged
  EXPECT_EQ(h.Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(h.Run({"SMEMBERS", "b"}), Bulks({"1", "3"}));
}

TEST(SetsTest, AlgebraAndStoreForms) {
  Harness h;
  h.Run({"SADD", "a", "1", "2", "3", "4"});
  h.Run({"SADD", "b", "3", "4", "5"});
  h.Run({"SADD", "c", "x", "4"});
  EXPECT_EQ(h.Run({"SINTER", "a", "b"}), Bulks({"3", "4"}));
  EXPECT_EQ(h.Run({"SINTER", "a", "b", "c"}), Bulks({"4"}));
  EXPECT_EQ(h.Run({"SINTER", "a", "nokey"}), kEmpty);
  EXPECT_EQ(h.Run({"SINTER", "a"}), Bulks({"1", "2", "3", "4"}));
  EXPECT_EQ(h.Run({"SUNION", "a", "nokey", "b"}), Bulks({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(MembersOf(h.Run({"SUNION", "a", "c"})), (Members{"1", "2", "3", "4", "x"}));
  EXPECT_EQ(h.Run({"SDIFF", "a", "b"}), Bulks({"1", "2"}));
  EXPECT_EQ(h.Run({"SDIFF", "a", "nokey"}), Bulks({"1", "2", "3", "4"}));
  EXPECT_EQ(h.Run({"SDIFF", "nokey", "a"}), kEmpty);
  EXPECT_EQ(h.Run({"SDIFF", "a", "a"}), kEmpty);
  EXPECT_EQ(h.Run({"SINTERSTORE", "d", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"SMEMBERS", "d"}), Bulks({"3", "4"}));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "d"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"SINTERSTORE", "d", "a", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
  EXPECT_EQ(h.Run({"SUNIONSTORE", "d", "a", "c"}), Int(5));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "d"}), Bulk("hashtable"));
  EXPECT_EQ(h.Run({"SDIFFSTORE", "d", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"SMEMBERS", "d"}), Bulks({"1", "2"}));
  EXPECT_EQ(h.Run({"SDIFFSTORE", "d", "nokey", "a"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
  // The destination is replaced whatever it held, its expiry dropped; a source may be it.
  h.Run({"SET", "d", "str"});
  h.Run({"EXPIRE", "d", "100"});
  EXPECT_EQ(h.Run({"SUNIONSTORE", "d", "a"}), Int(4));
  EXPECT_EQ(h.Run({"TTL", "d"}), Int(-1));
  EXPECT_EQ(h.Run({"TYPE", "d"}), "+set\r\n");
  EXPECT_EQ(h.Run({"SINTERSTORE", "d", "d", "b"}), Int(2));
  EXPECT_EQ(h.Run({"SMEMBERS", "d"}), Bulks({"3", "4"}));
}

TEST(SetsTest, InterCard) {
  Harness h;
  h.Run({"SADD", "a", "1", "2", "3", "4"});
  h.Run({"SADD", "b", "3", "4", "5"});
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "1"}), Int(1));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b", "limit", "0"}), Int(2));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"SINTERCARD", "1", "a"}), Int(4));
  std::vector<std::string> add_x = {"SADD", "x"};
  std::vector<std::string> add_y = {"SADD", "y"};
  for (int i = 0; i < 2000; ++i) {
    add_x.push_back("m" + std::to_string(i));
    if (i % 2 == 0) add_y.push_back("m" + std::to_string(i));
  }
  h.Run(add_x);
  h.Run(add_y);
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "x", "y"}), Int(1000));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "x", "y", "LIMIT", "10"}), Int(10));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "x", "y", "LIMIT", "5000"}), Int(1000));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "-1"}),
            Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "x"}), Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b", "LIMIT"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SINTERCARD", "2", "a", "b", "FOO", "1"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SINTERCARD", "0", "a"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"SINTERCARD", "x", "a"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"SINTERCARD", "3", "a", "b"}),
            Err("ERR Number of keys can't be greater than number of args"));
}

TEST(SetsTest, ScanBothEncodings) {
  Harness h;
  EXPECT_EQ(h.Run({"SSCAN", "nokey", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"SSCAN", "nokey", "0", "COUNT", "0"}), Array({Bulk("0"), kEmpty}));
  h.Run({"SADD", "i", "12", "3", "15"});
  EXPECT_EQ(h.Run({"SSCAN", "i", "0", "COUNT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SSCAN", "i", "0", "COUNT", "x"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"SSCAN", "i", "0", "TYPE", "set"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SSCAN", "i", "0", "MATCH", "1*"}), Array({Bulk("0"), Bulks({"12", "15"})}));
  for (int i = 0; i < 300; ++i) h.Run({"SADD", "big", "m" + std::to_string(i)});
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const std::vector<std::string> items = BulksOf(h.Run({"SSCAN", "big", cursor, "COUNT", "20"}));
    cursor = items[0];
    seen.insert(items.begin() + 1, items.end());
    ++calls;
  } while (cursor != "0" && calls < 1000);
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_GT(calls, 1);
}

TEST(SetsTest, Resp3Sets) {
  Harness h;
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"SMEMBERS", "nokey"}), "~0\r\n");
  EXPECT_EQ(h.Run({"SPOP", "nokey", "2"}), "~0\r\n");
  EXPECT_EQ(h.Run({"SPOP", "nokey"}), "_\r\n");
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey"}), "_\r\n");
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey", "2"}), kEmpty);
  h.Run({"SADD", "s", "1", "2"});
  EXPECT_EQ(h.Run({"SMEMBERS", "s"}), "~2\r\n" + Bulk("1") + Bulk("2"));
  EXPECT_EQ(h.Run({"SINTER", "s", "nokey"}), "~0\r\n");
  EXPECT_EQ(h.Run({"SUNION", "s"}), "~2\r\n" + Bulk("1") + Bulk("2"));
  EXPECT_EQ(h.Run({"SDIFF", "s", "nokey"}), "~2\r\n" + Bulk("1") + Bulk("2"));
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "5"}), Bulks({"1", "2"}));  // an array, not a set
  EXPECT_EQ(h.Run({"SPOP", "s", "1"}).substr(0, 4), "~1\r\n");
  EXPECT_EQ(h.Run({"SPOP", "s", "5"}).substr(0, 4), "~1\r\n");
}

// COPY, RENAME, TYPE, SCAN TYPE, MEMORY USAGE, DEBUG OBJECT, expiry and lazy free of a big set.
TEST(SetsTest, KeyspaceHooks) {
  Harness h;
  h.config.enable_debug_command = true;
  h.Run({"SADD", "f", "1", "2", "3"});
  EXPECT_EQ(h.Run({"COPY", "f", "g"}), Int(1));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "g"}), Bulk("intset"));
  h.Run({"SREM", "f", "1"});
  EXPECT_EQ(h.Run({"SMEMBERS", "g"}), Bulks({"1", "2", "3"}));
  EXPECT_EQ(h.Run({"RENAME", "g", "r"}), kOK);
  EXPECT_EQ(h.Run({"SMEMBERS", "r"}), Bulks({"1", "2", "3"}));
  EXPECT_EQ(h.Run({"SCAN", "0", "TYPE", "set"}).size(),
            Array({Bulk("0"), Bulks({"f", "r"})}).size());
  EXPECT_EQ(h.Run({"SCAN", "0", "TYPE", "string"}), Array({Bulk("0"), kEmpty}));
  const std::string debug = h.Run({"DEBUG", "OBJECT", "r"});
  EXPECT_NE(debug.find("encoding:intset"), std::string::npos) << debug;
  const std::string small = h.Run({"MEMORY", "USAGE", "r"});
  std::vector<std::string> add = {"SADD", "big"};
  for (int i = 0; i < 5000; ++i) add.push_back("member:" + std::to_string(i));
  EXPECT_EQ(h.Run(add), Int(5000));
  const std::string big = h.Run({"MEMORY", "USAGE", "big"});
  ASSERT_EQ(big[0], ':');
  EXPECT_GT(std::stoll(big.substr(1)), std::stoll(small.substr(1)) + 5000 * 40);
  EXPECT_EQ(h.Run({"DEL", "big"}), Int(1));  // 5000 members: queued, freed in slices
  EXPECT_EQ(h.processor.store().lazy_free_pending(), 1u);
  while (h.processor.store().LazyFreeStep(1000)) {
  }
  EXPECT_EQ(h.processor.store().lazy_free_pending(), 0u);
  EXPECT_EQ(h.Run({"PEXPIRE", "r", "10"}), Int(1));
  h.AdvanceMs(11);
  EXPECT_EQ(h.Run({"SCARD", "r"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "r"}), Int(0));
}

// WATCH sees set writes (including an SPOP that deletes the key and a STORE into a watched
// destination) but not a write that changes nothing; MULTI queues set commands; Lua reaches them.
TEST(SetsTest, TransactionsWatchAndScripts) {
  Harness h;
  Session other;
  other.id = 2;
  h.Run({"SADD", "s", "a"});
  auto watched_exec_after = [&](std::vector<std::string> cmd) {
    EXPECT_EQ(h.Run({"WATCH", "s"}), kOK);
    h.RunAs(other, cmd);
    EXPECT_EQ(h.Run({"MULTI"}), kOK);
    h.Run({"SCARD", "s"});
    return h.Run({"EXEC"});
  };
  EXPECT_EQ(watched_exec_after({"SADD", "s", "b"}), kNullArray);
  EXPECT_EQ(watched_exec_after({"SADD", "s", "b"}), Array({Int(2)}));  // nothing added
  EXPECT_EQ(watched_exec_after({"SREM", "s", "zz"}), Array({Int(2)}));
  EXPECT_EQ(watched_exec_after({"SPOP", "s", "5"}), kNullArray);  // empties and deletes s
  EXPECT_EQ(watched_exec_after({"SUNIONSTORE", "s", "nokey"}), Array({Int(0)}));  // s missing
  h.Run({"SADD", "t", "x"});
  EXPECT_EQ(watched_exec_after({"SUNIONSTORE", "s", "t"}), kNullArray);
  EXPECT_EQ(watched_exec_after({"SMOVE", "t", "s", "y"}), Array({Int(1)}));
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  h.Run({"SADD", "m", "1", "2"});
  h.Run({"SMEMBERS", "m"});
  h.Run({"GET", "m"});
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(2), Bulks({"1", "2"}), kWrongType}));
  h.processor.OnClose(other);
  EXPECT_EQ(h.Run({"EVAL",
                   "redis.call('sadd', KEYS[1], 'a', 'b'); return redis.call('smembers', KEYS[1])",
                   "1", "lua"})
                .substr(0, 4),
            "*2\r\n");
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('sadd', KEYS[1], 1, 2)", "1", "luai"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "luai"}), Bulk("intset"));
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('sismember', KEYS[1], 2)", "1", "luai"}), Int(1));
}

// A negative count's reply is built whole: past 2^20 picks kv-server refuses it (redis-server
// 7.0 would try to build 9.2e18 of them), for sets, hashes and sorted sets alike.
TEST(SetsTest, RandomPicksWithRepeatsAreBounded) {
  Harness h;
  EXPECT_EQ(h.Run({"SADD", "s", "a"}), Int(1));
  EXPECT_EQ(h.Run({"HSET", "h", "f", "v"}), Int(1));
  EXPECT_EQ(h.Run({"ZADD", "z", "1", "m"}), Int(1));
  const std::string out_of_range = Err("ERR value is out of range");
  EXPECT_EQ(h.Run({"SRANDMEMBER", "s", "-9200000001532246850"}), out_of_range);
  EXPECT_EQ(h.Run({"HRANDFIELD", "h", "-1048577"}), out_of_range);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "z", "-1048577"}), out_of_range);
  const std::string most = h.Run({"SRANDMEMBER", "s", "-1048576"});
  EXPECT_EQ(most.rfind("*1048576\r\n$1\r\na\r\n", 0), 0u);
  EXPECT_EQ(h.Run({"SRANDMEMBER", "nokey", "-9200000001532246850"}), "*0\r\n");
}

}  // namespace
}  // namespace kv::server
