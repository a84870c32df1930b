// Sorted set command semantics and error texts, in process (zsets.cc, zsets_range.cc). Expected
// replies were checked against redis-server 7.0.15 on this machine, byte for byte.
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
using testing::BulksOf;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kEmpty;
using testing::kNil;
using testing::kOK;
using testing::kSyntax;
using testing::kWrongType;
using testing::Pairs;

const std::string kNotFloat = Err("ERR value is not a valid float");
const std::string kNotInt = Err("ERR value is not an integer or out of range");

TEST(ZSetsTest, ScoresParseAndFormatAsRedis) {
  Harness h;
  EXPECT_EQ(h.Run({"ZADD", "z", "1.1", "a", "inf", "b", "-inf", "c", "0x10", "d"}), Int(4));
  EXPECT_EQ(h.Run({"ZSCORE", "z", "a"}), Bulk("1.1000000000000001"));  // %.17g
  EXPECT_EQ(h.Run({"ZSCORE", "z", "b"}), Bulk("inf"));
  EXPECT_EQ(h.Run({"ZSCORE", "z", "d"}), Bulk("16"));
  for (const char* bad : {"nan", "x", "1e400", "1e-400", " 1", "1 ", ""}) {
    EXPECT_EQ(h.Run({"ZADD", "z", bad, "a"}), kNotFloat) << bad;
  }
  EXPECT_EQ(h.Run({"ZINCRBY", "z", "-inf", "b"}), Err("ERR resulting score is not a number (NaN)"));
  EXPECT_EQ(h.Run({"ZADD", "z", "1e20", "e", "123456789012345678", "f"}), Int(2));
  EXPECT_EQ(h.Run({"ZMSCORE", "z", "e", "f", "nope"}),
            Array({Bulk("1e+20"), Bulk("1.2345678901234568e+17"), kNil}));
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"ZSCORE", "z", "a"}), ",1.1000000000000001\r\n");
  EXPECT_EQ(h.Run({"ZSCORE", "z", "c"}), ",-inf\r\n");
  EXPECT_EQ(h.Run({"ZSCORE", "z", "nope"}), "_\r\n");
}

TEST(ZSetsTest, AddOptionsAndTheirErrors) {
  Harness h;
  EXPECT_EQ(h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"}), Int(3));
  EXPECT_EQ(h.Run({"ZADD", "z", "nx", "1"}), kSyntax);
  EXPECT_EQ(h.Run({"ZADD", "z", "nx", "xx", "1", "a"}),
            Err("ERR XX and NX options at the same time are not compatible"));
  for (const char* o : {"gt", "lt"}) {
    EXPECT_EQ(h.Run({"ZADD", "z", "nx", o, "1", "a"}),
              Err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  }
  EXPECT_EQ(h.Run({"ZADD", "z", "incr", "1", "a", "2", "b"}),
            Err("ERR INCR option supports a single increment-element pair"));
  EXPECT_EQ(h.Run({"ZADD", "z", "incr", "5", "a"}), Bulk("6"));
  EXPECT_EQ(h.Run({"ZADD", "z", "nx", "incr", "5", "a"}), kNil);
  EXPECT_EQ(h.Run({"ZADD", "z", "xx", "incr", "5", "nothere"}), kNil);
  EXPECT_EQ(h.Run({"ZADD", "z", "gt", "incr", "-1", "a"}), kNil);
  EXPECT_EQ(h.Run({"ZADD", "z", "lt", "incr", "-1", "a"}), Bulk("5"));
  // GT/LT: updates only in their direction, always adds new members; CH counts changes.
  EXPECT_EQ(h.Run({"ZADD", "z", "gt", "ch", "100", "a", "0", "b", "5", "c", "7", "d"}), Int(3));
  EXPECT_EQ(h.Run({"ZADD", "z", "lt", "ch", "100", "a", "0", "b"}), Int(1));
  EXPECT_EQ(h.Run({"ZADD", "z", "xx", "ch", "9", "a", "9", "nope"}), Int(1));
  EXPECT_EQ(h.Run({"ZADD", "z", "xx", "1", "nope"}), Int(0));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            Pairs({{"b", "0"}, {"c", "5"}, {"d", "7"}, {"a", "9"}}));
  EXPECT_EQ(h.Run({"ZADD", "missing", "xx", "1", "a"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "missing"}), Int(0));
  // ZINCRBY goes through ZADD's option parser, as in Redis.
  EXPECT_EQ(h.Run({"ZINCRBY", "z", "nx", "a"}), kSyntax);
  EXPECT_EQ(h.Run({"ZINCRBY", "z", "x", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"ZINCRBY", "z", "1.5", "new"}), Bulk("1.5"));
}

TEST(ZSetsTest, MembersRanksAndRemoval) {
  Harness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"ZCARD", "z"}), Int(3));
  EXPECT_EQ(h.Run({"ZCARD", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"ZRANK", "z", "b"}), Int(1));
  EXPECT_EQ(h.Run({"ZREVRANK", "z", "b"}), Int(1));
  EXPECT_EQ(h.Run({"ZREVRANK", "z", "a"}), Int(2));
  EXPECT_EQ(h.Run({"ZRANK", "z", "nope"}), kNil);
  EXPECT_EQ(h.Run({"ZRANK", "z", "a", "withscore"}),
            Err("ERR wrong number of arguments for 'zrank' command"));
  EXPECT_EQ(h.Run({"ZMSCORE", "nokey", "a"}), Array({kNil}));
  EXPECT_EQ(h.Run({"ZREM", "z", "a", "nope", "b"}), Int(2));
  EXPECT_EQ(h.Run({"ZREM", "z", "c"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "z"}), Int(0));  // emptied: deleted
}

TEST(ZSetsTest, RangeByRankScoreAndLex) {
  Harness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  EXPECT_EQ(h.Run({"ZRANGE", "z", "-2", "-1", "WITHSCORES"}), Pairs({{"d", "4"}, {"e", "5"}}));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "0", "1", "REV"}), Array({Bulk("e"), Bulk("d")}));
  EXPECT_EQ(h.Run({"ZREVRANGE", "z", "0", "1"}), Array({Bulk("e"), Bulk("d")}));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "5", "1"}), kEmpty);
  EXPECT_EQ(h.Run({"ZRANGE", "z", "(1", "3", "BYSCORE"}), Array({Bulk("b"), Bulk("c")}));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "3", "(1", "BYSCORE", "REV"}), Array({Bulk("c"), Bulk("b")}));
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2"}),
            Array({Bulk("b"), Bulk("c")}));
  EXPECT_EQ(h.Run({"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "2"}),
            Array({Bulk("d"), Bulk("c")}));
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2"}), kEmpty);
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "3", "-1"}),
            Array({Bulk("d"), Bulk("e")}));
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "z", "", "1"}), Array({Bulk("a")}));  // strtod: 0
  EXPECT_EQ(h.Run({"ZRANGE", "z", "(nan", "1", "BYSCORE"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(h.Run({"ZCOUNT", "z", "(1", "5"}), Int(4));
  EXPECT_EQ(h.Run({"ZCOUNT", "z", "5", "1"}), Int(0));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"}),
            Err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
                "BYLEX"));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "a", "b", "BYLEX", "WITHSCORES"}),
            Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_EQ(h.Run({"ZRANGE", "z", "0", "-1", "REV", "REV"}), kSyntax);
  EXPECT_EQ(h.Run({"ZREVRANGE", "z", "0", "-1", "REV"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGE", "z", "0", "x"}), kNotInt);
  h.Run({"ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"});
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "lex", "[b", "(d"}), Array({Bulk("b"), Bulk("c")}));
  EXPECT_EQ(h.Run({"ZREVRANGEBYLEX", "lex", "+", "-", "LIMIT", "1", "2"}),
            Array({Bulk("d"), Bulk("c")}));
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "lex", "+", "-"}), kEmpty);
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "lex", "b", "d"}),
            Err("ERR min or max not valid string range item"));
  EXPECT_EQ(h.Run({"ZRANGEBYLEX", "lex", "[b", "++"}),
            Err("ERR min or max not valid string range item"));
  EXPECT_EQ(h.Run({"ZLEXCOUNT", "lex", "(a", "+"}), Int(4));
  EXPECT_EQ(h.Run({"ZLEXCOUNT", "nokey", "-", "+"}), Int(0));
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"ZRANGE", "z", "0", "0", "WITHSCORES"}), "*1\r\n*2\r\n" + Bulk("a") + ",1\r\n");
}

TEST(ZSetsTest, RangeStoreAndRemoveRanges) {
  Harness h;
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  EXPECT_EQ(h.Run({"ZRANGESTORE", "dst", "z", "0", "1"}), Int(2));
  EXPECT_EQ(h.Run({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}), Pairs({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANGESTORE", "dst", "z", "(3", "+inf", "BYSCORE"}), Int(2));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "dst", "nokey", "0", "-1"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "dst"}), Int(0));
  h.Run({"SET", "str", "v"});
  EXPECT_EQ(h.Run({"ZRANGESTORE", "str", "z", "0", "0"}), Int(1));  // replaces any type
  EXPECT_EQ(h.Run({"TYPE", "str"}), "+zset\r\n");
  EXPECT_EQ(h.Run({"ZREMRANGEBYRANK", "z", "-1", "-1"}), Int(1));
  EXPECT_EQ(h.Run({"ZREMRANGEBYRANK", "z", "10", "20"}), Int(0));
  EXPECT_EQ(h.Run({"ZREMRANGEBYSCORE", "z", "(1", "3"}), Int(2));
  EXPECT_EQ(h.Run({"ZREMRANGEBYSCORE", "z", "x", "3"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(h.Run({"ZREMRANGEBYLEX", "z", "-", "+"}), Int(2));
  EXPECT_EQ(h.Run({"EXISTS", "z"}), Int(0));
  EXPECT_EQ(h.Run({"ZREMRANGEBYRANK", "nokey", "0", "1"}), Int(0));
}

TEST(ZSetsTest, PopsInBothProtocols) {
  Harness h;
  h.Run({"ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d"});
  EXPECT_EQ(h.Run({"ZPOPMIN", "p"}), Pairs({{"a", "1"}}));
  EXPECT_EQ(h.Run({"ZPOPMAX", "p", "2"}), Pairs({{"d", "4"}, {"c", "3"}}));
  EXPECT_EQ(h.Run({"ZPOPMIN", "p", "0"}), kEmpty);
  EXPECT_EQ(h.Run({"ZPOPMIN", "p", "-1"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"ZPOPMIN", "nokey", "x"}), Err("ERR value is out of range, must be positive"));
  EXPECT_EQ(h.Run({"ZPOPMIN", "p", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"ZPOPMIN", "nokey"}), kEmpty);
  h.Run({"ZADD", "p", "5", "e"});
  EXPECT_EQ(
      h.Run({"ZMPOP", "2", "nokey", "p", "MAX", "COUNT", "5"}),
      Array({Bulk("p"), Array({Array({Bulk("e"), Bulk("5")}), Array({Bulk("b"), Bulk("2")})})}));
  EXPECT_EQ(h.Run({"EXISTS", "p"}), Int(0));
  EXPECT_EQ(h.Run({"ZMPOP", "1", "p", "MIN"}), "*-1\r\n");
  EXPECT_EQ(h.Run({"ZMPOP", "0", "p", "MIN"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(h.Run({"ZMPOP", "1", "p", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"ZMPOP", "2", "p", "min"}), kSyntax);
  EXPECT_EQ(h.Run({"ZMPOP", "1", "p", "min", "count", "0"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(h.Run({"ZMPOP", "1", "p", "min", "count", "1", "count", "1"}), kSyntax);
  h.Run({"ZADD", "p", "1", "a", "2", "b"});
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"ZPOPMIN", "p"}), "*2\r\n" + Bulk("a") + ",1\r\n");
  EXPECT_EQ(h.Run({"ZPOPMIN", "p", "1"}), "*1\r\n*2\r\n" + Bulk("b") + ",2\r\n");
}

TEST(ZSetsTest, RandMember) {
  Harness h;
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "nokey"}), kNil);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "nokey", "2"}), kEmpty);
  h.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "z", "0"}), kEmpty);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "z", "x"}), kNotInt);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "z", "1", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "z", "-9223372036854775807", "withscores"}),
            Err("ERR value is out of range"));
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "z", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
  const std::vector<std::string> all = BulksOf(h.Run({"ZRANDMEMBER", "z", "10"}));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), (std::set<std::string>{"a", "b", "c"}));
  const std::vector<std::string> two = BulksOf(h.Run({"ZRANDMEMBER", "z", "2"}));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NE(two[0], two[1]);
  const std::vector<std::string> pairs = BulksOf(h.Run({"ZRANDMEMBER", "z", "-6", "WITHSCORES"}));
  ASSERT_EQ(pairs.size(), 12u);
  for (size_t i = 0; i < pairs.size(); i += 2) {
    EXPECT_EQ(pairs[i + 1], std::string(1, static_cast<char>('1' + (pairs[i][0] - 'a'))));
  }
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"ZRANDMEMBER", "z", "1", "WITHSCORES"}).substr(0, 8), "*1\r\n*2\r\n");
}

TEST(ZSetsTest, ScanVisitsEveryMemberWithRedisScoreTexts) {
  Harness h;
  EXPECT_EQ(h.Run({"ZSCAN", "z", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"ZSCAN", "nokey", "0", "COUNT", "0"}), Array({Bulk("0"), kEmpty}));
  h.Run({"ZADD", "z", "1.5", "a", "-0", "b", "5e20", "c", "inf", "d"});
  EXPECT_EQ(h.Run({"ZSCAN", "z", "0", "COUNT", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"ZSCAN", "z", "0", "TYPE", "zset"}), kSyntax);
  EXPECT_EQ(h.Run({"ZSCAN", "z", "0", "MATCH", "[bc]"}),
            Array({Bulk("0"), Array({Bulk("b"), Bulk("0"), Bulk("c"), Bulk("5e+20")})}));
  for (int i = 0; i < 300; ++i) h.Run({"ZADD", "big", std::to_string(i), "m" + std::to_string(i)});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "big"}), Bulk("skiplist"));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const std::vector<std::string> items = BulksOf(h.Run({"ZSCAN", "big", cursor, "COUNT", "20"}));
    cursor = items[0];
    for (size_t i = 1; i < items.size(); i += 2) {
      EXPECT_EQ("m" + items[i + 1], items[i]);
      seen.insert(items[i]);
    }
    ++calls;
  } while (cursor != "0" && calls < 1000);
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_GT(calls, 1);
}

TEST(ZSetsTest, EncodingConvertsAtTheListpackLimits) {
  Harness h;
  for (int i = 0; i < 128; ++i) h.Run({"ZADD", "z", "1", "m" + std::to_string(i)});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "z"}), Bulk("listpack"));
  h.Run({"ZADD", "z", "1", "m128"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "z"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"ZCARD", "z"}), Int(129));
  h.Run({"ZADD", "g", "1", std::string(65, 'm')});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "g"}), Bulk("skiplist"));
  // Stored results take the small encoding again when they fit.
  EXPECT_EQ(h.Run({"ZRANGESTORE", "s", "z", "0", "9"}), Int(10));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "s"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"TYPE", "z"}), "+zset\r\n");
  const std::vector<std::string> keys =
      BulksOf(h.Run({"SCAN", "0", "TYPE", "zset", "COUNT", "100"}));
  EXPECT_EQ(std::set<std::string>(keys.begin() + 1, keys.end()),
            (std::set<std::string>{"z", "g", "s"}));
}

// zset-max-listpack-entries / -value (and the ziplist aliases) apply from the next write: ZADD,
// ZRANGESTORE and the algebra's STORE results.
TEST(ZSetsTest, ConfigSetListpackLimits) {
  Harness h;
  EXPECT_EQ(h.Run({"CONFIG", "SET", "zset-max-listpack-entries", "2"}), kOK);
  h.Run({"ZADD", "z", "1", "a", "2", "b"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "z"}), Bulk("listpack"));
  h.Run({"ZADD", "z", "3", "c"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "z"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "two", "z", "0", "1"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "two"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"ZRANGESTORE", "all", "z", "0", "-1"}), Int(3));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "all"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "u", "1", "z"}), Int(3));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "u"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"ZINTERSTORE", "i", "2", "z", "two"}), Int(2));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "i"}), Bulk("listpack"));
  EXPECT_EQ(h.Run({"CONFIG", "SET", "zset-max-ziplist-entries", "128"}), kOK);
  EXPECT_EQ(h.Run({"CONFIG", "SET", "zset-max-listpack-value", "2"}), kOK);
  h.Run({"ZADD", "v", "1", "ab"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "v"}), Bulk("listpack"));
  h.Run({"ZADD", "v", "1", "abc"});
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "v"}), Bulk("skiplist"));
  EXPECT_EQ(BulksOf(h.Run({"ZRANGE", "v", "0", "-1"})), (std::vector<std::string>{"ab", "abc"}));
}

// COPY, RENAME, MEMORY USAGE, DEBUG OBJECT, expiry and lazy free of a big sorted set.
TEST(ZSetsTest, KeyOperationsCopyRenameMemoryAndExpiry) {
  Harness h;
  h.config.enable_debug_command = true;
  for (int i = 0; i < 200; ++i) h.Run({"ZADD", "z", std::to_string(i), "m" + std::to_string(i)});
  EXPECT_EQ(h.Run({"COPY", "z", "c"}), Int(1));
  h.Run({"ZREM", "z", "m0"});
  EXPECT_EQ(h.Run({"ZCARD", "c"}), Int(200));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "c"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"RENAME", "c", "r"}), kOK);
  EXPECT_EQ(h.Run({"ZSCORE", "r", "m199"}), Bulk("199"));
  const std::string usage = h.Run({"MEMORY", "USAGE", "r"});
  ASSERT_EQ(usage[0], ':');
  EXPECT_GT(std::stoll(usage.substr(1)), 200 * 40);
  const std::string debug = h.Run({"DEBUG", "OBJECT", "r"});
  EXPECT_NE(debug.find("encoding:skiplist"), std::string::npos) << debug;
  EXPECT_EQ(h.Run({"PEXPIRE", "r", "10"}), Int(1));
  h.AdvanceMs(20);
  EXPECT_EQ(h.Run({"ZCARD", "r"}), Int(0));
  EXPECT_EQ(h.Run({"DEL", "z"}), Int(1));                  // 199 members: queued, freed in slices
  EXPECT_EQ(h.processor.store().lazy_free_pending(), 2u);  // and the expired 200-member r
  while (h.processor.store().LazyFreeStep(1000)) {
  }
  EXPECT_EQ(h.processor.store().lazy_free_pending(), 0u);
  h.Run({"ZADD", "small", "1", "a"});
  EXPECT_EQ(h.Run({"DEL", "small"}), Int(1));  // a listpack: freed at once
  EXPECT_EQ(h.processor.store().lazy_free_pending(), 0u);
}

TEST(ZSetsTest, WrongTypeTransactionsScriptsAndWatch) {
  Harness h;
  h.Run({"SET", "s", "v"});
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"ZADD", "s", "1", "a"},
                                             {"ZINCRBY", "s", "1", "a"},
                                             {"ZREM", "s", "a"},
                                             {"ZSCORE", "s", "a"},
                                             {"ZMSCORE", "s", "a"},
                                             {"ZCARD", "s"},
                                             {"ZRANK", "s", "a"},
                                             {"ZREVRANK", "s", "a"},
                                             {"ZCOUNT", "s", "0", "1"},
                                             {"ZLEXCOUNT", "s", "-", "+"},
                                             {"ZRANGE", "s", "0", "1"},
                                             {"ZRANGESTORE", "d", "s", "0", "1"},
                                             {"ZRANGEBYSCORE", "s", "0", "1"},
                                             {"ZREVRANGEBYLEX", "s", "+", "-"},
                                             {"ZREMRANGEBYRANK", "s", "0", "1"},
                                             {"ZREMRANGEBYSCORE", "s", "0", "1"},
                                             {"ZREMRANGEBYLEX", "s", "-", "+"},
                                             {"ZPOPMIN", "s"},
                                             {"ZPOPMAX", "s", "2"},
                                             {"ZMPOP", "1", "s", "MIN"},
                                             {"ZRANDMEMBER", "s"},
                                             {"ZSCAN", "s", "0"}}) {
    EXPECT_EQ(h.Run(cmd), kWrongType) << cmd[0];
  }
  // Argument errors come before the key's type, as in Redis.
  EXPECT_EQ(h.Run({"ZCOUNT", "s", "x", "1"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(h.Run({"ZADD", "s", "x", "a"}), kNotFloat);
  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  h.Run({"ZADD", "z", "1", "a"});
  h.Run({"ZINCRBY", "z", "2", "a"});
  h.Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"});
  h.Run({"ZPOPMIN", "z"});
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(1), Bulk("3"), Pairs({{"a", "3"}}), Pairs({{"a", "3"}})}));
  EXPECT_EQ(h.Run({"EXISTS", "z"}), Int(0));
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('zadd', KEYS[1], 1, 'a', 2, 'b')", "1", "lz"}),
            Int(2));
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('zrange', KEYS[1], 0, -1, 'withscores')", "1", "lz"}),
            Array({Bulk("a"), Bulk("1"), Bulk("b"), Bulk("2")}));
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('zincrby', KEYS[1], 1.5, 'b')", "1", "lz"}),
            Bulk("3.5"));
  // WATCH sees every write, including the delete of an emptied set; a no-op write is none.
  for (const std::vector<std::string>& write : std::vector<std::vector<std::string>>{
           {"ZADD", "lz", "9", "a"}, {"ZPOPMIN", "lz", "5"}, {"ZADD", "lz", "1", "x"}}) {
    h.Run({"WATCH", "lz"});
    h.Run(write);
    h.Run({"MULTI"});
    EXPECT_EQ(h.Run({"EXEC"}), "*-1\r\n") << write[0];
  }
  h.Run({"WATCH", "dst"});
  h.Run({"ZUNIONSTORE", "dst", "1", "lz"});  // a STORE into a watched destination
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"EXEC"}), "*-1\r\n");
  h.Run({"WATCH", "lz"});
  h.Run({"ZADD", "lz", "1", "x"});  // same score: nothing changed
  h.Run({"ZREM", "lz", "nope"});
  h.Run({"MULTI"});
  EXPECT_EQ(h.Run({"EXEC"}), kEmpty);
}

}  // namespace
}  // namespace kv::server
