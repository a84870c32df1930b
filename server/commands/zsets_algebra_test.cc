// Sorted set algebra (zsets_algebra.cc): ZUNION / ZINTER / ZDIFF, their STORE forms and
// ZINTERCARD. Expected replies were checked against redis-server 7.0.15 on this machine.
#include <gtest/gtest.h>

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
using testing::kEmpty;
using testing::kSyntax;
using testing::kWrongType;
using testing::Pairs;

class ZSetAlgebraTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h.Run({"ZADD", "a", "1", "x", "2", "y", "3", "z"});
    h.Run({"ZADD", "b", "10", "y", "20", "z", "30", "w"});
    h.Run({"ZADD", "c", "100", "z"});
    h.Run({"ZADD", "inf", "inf", "x", "-inf", "y"});
    h.Run({"SET", "str", "v"});
  }
  Harness h;
};

TEST_F(ZSetAlgebraTest, UnionWeightsAndAggregates) {
  EXPECT_EQ(h.Run({"ZUNION", "2", "a", "b"}), Array({Bulk("x"), Bulk("y"), Bulk("z"), Bulk("w")}));
  EXPECT_EQ(h.Run({"ZUNION", "3", "a", "b", "c", "WITHSCORES", "AGGREGATE", "MIN"}),
            Pairs({{"x", "1"}, {"y", "2"}, {"z", "3"}, {"w", "30"}}));
  EXPECT_EQ(h.Run({"ZUNION", "3", "a", "b", "c", "WEIGHTS", "1", "2", "3", "WITHSCORES"}),
            Pairs({{"x", "1"}, {"y", "22"}, {"w", "60"}, {"z", "343"}}));
  EXPECT_EQ(h.Run({"ZUNION", "3", "a", "b", "c", "WEIGHTS", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"ZUNION", "3", "a", "b", "c", "WEIGHTS", "1", "2", "nan"}),
            Err("ERR weight value is not a float"));
  EXPECT_EQ(h.Run({"ZUNION", "2", "a", "b", "AGGREGATE", "foo"}), kSyntax);
  EXPECT_EQ(h.Run({"ZUNION", "0", "a"}),
            Err("ERR at least 1 input key is needed for 'zunion' command"));
  EXPECT_EQ(h.Run({"ZUNION", "x", "a"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"ZUNION", "3", "a", "b"}), kSyntax);
  // Keys before options: WRONGTYPE wins over a bad option.
  EXPECT_EQ(h.Run({"ZUNION", "2", "a", "str", "foo"}), kWrongType);
  // inf * 0 and inf + -inf are NaN: Redis makes them 0.
  EXPECT_EQ(h.Run({"ZUNION", "2", "inf", "a", "WEIGHTS", "0", "1", "WITHSCORES"}),
            Pairs({{"x", "1"}, {"y", "2"}, {"z", "3"}}));
  EXPECT_EQ(h.Run({"ZUNION", "2", "inf", "inf", "WEIGHTS", "1", "-1", "WITHSCORES"}),
            Pairs({{"x", "0"}, {"y", "0"}}));
  // A reply comes from Redis's skiplist (-0 kept); a small stored result is a listpack (-0 is 0).
  h.Run({"ZADD", "zero", "0", "x"});
  EXPECT_EQ(h.Run({"ZUNION", "1", "zero", "WEIGHTS", "-1", "WITHSCORES"}), Pairs({{"x", "-0"}}));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "dst", "1", "zero", "WEIGHTS", "-1"}), Int(1));
  EXPECT_EQ(h.Run({"ZSCORE", "dst", "x"}), Bulk("0"));
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"ZUNION", "1", "c", "WITHSCORES"}), "*1\r\n*2\r\n" + Bulk("z") + ",100\r\n");
}

TEST_F(ZSetAlgebraTest, InterDiffAndCard) {
  EXPECT_EQ(h.Run({"ZINTER", "2", "a", "b", "WITHSCORES"}), Pairs({{"y", "12"}, {"z", "23"}}));
  EXPECT_EQ(h.Run({"ZINTER", "3", "a", "b", "c", "WITHSCORES", "AGGREGATE", "MAX", "WEIGHTS", "2",
                   "1", "0.5"}),
            Pairs({{"z", "50"}}));
  EXPECT_EQ(h.Run({"ZINTER", "2", "a", "nokey"}), kEmpty);
  EXPECT_EQ(h.Run({"ZINTER", "2", "a", "a", "WITHSCORES"}),
            Pairs({{"x", "2"}, {"y", "4"}, {"z", "6"}}));
  EXPECT_EQ(h.Run({"ZDIFF", "2", "a", "b", "WITHSCORES"}), Pairs({{"x", "1"}}));
  EXPECT_EQ(h.Run({"ZDIFF", "3", "a", "b", "c"}), Array({Bulk("x")}));
  EXPECT_EQ(h.Run({"ZDIFF", "2", "nokey", "a"}), kEmpty);
  EXPECT_EQ(h.Run({"ZDIFF", "2", "a", "b", "WEIGHTS", "1", "2"}), kSyntax);
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "a", "b"}), Int(2));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "a", "b", "LIMIT", "1"}), Int(1));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "a", "b", "LIMIT", "0"}), Int(2));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "a", "b", "LIMIT", "-1"}),
            Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "a", "b", "WITHSCORES"}), kSyntax);
  EXPECT_EQ(h.Run({"ZINTERCARD", "0", "a"}),
            Err("ERR at least 1 input key is needed for 'zintercard' command"));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "a", "str"}), kWrongType);
}

TEST_F(ZSetAlgebraTest, StoreFormsReplaceOrDeleteTheDestination) {
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "dst", "2", "a", "b"}), Int(4));
  EXPECT_EQ(h.Run({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}),
            Pairs({{"x", "1"}, {"y", "12"}, {"z", "23"}, {"w", "30"}}));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "dst", "2", "a", "b", "WITHSCORES"}), kSyntax);
  EXPECT_EQ(h.Run({"ZINTERSTORE", "dst", "2", "a", "b", "WEIGHTS", "2", "3"}), Int(2));
  EXPECT_EQ(h.Run({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}), Pairs({{"y", "34"}, {"z", "66"}}));
  EXPECT_EQ(h.Run({"ZINTERSTORE", "dst", "2", "a", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "dst"}), Int(0));
  EXPECT_EQ(h.Run({"ZDIFFSTORE", "dst", "2", "b", "a"}), Int(1));
  EXPECT_EQ(h.Run({"ZRANGE", "dst", "0", "-1", "WITHSCORES"}), Pairs({{"w", "30"}}));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "str", "1", "a"}), Int(3));  // any type is replaced
  EXPECT_EQ(h.Run({"TYPE", "str"}), "+zset\r\n");
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "a", "2", "a", "b"}), Int(4));  // a source as destination
  EXPECT_EQ(h.Run({"ZCARD", "a"}), Int(4));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "dst", "0", "a"}),
            Err("ERR at least 1 input key is needed for 'zunionstore' command"));
  // Results take the encoding their size calls for.
  std::vector<std::string> add = {"ZADD", "big"};
  for (int i = 0; i < 200; ++i) {
    add.push_back(std::to_string(i));
    add.push_back("m" + std::to_string(i));
  }
  h.Run(add);
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "u", "2", "big", "a"}), Int(204));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "u"}), Bulk("skiplist"));
  EXPECT_EQ(h.Run({"ZINTERSTORE", "i", "2", "big", "big"}), Int(200));
  EXPECT_EQ(h.Run({"ZSCORE", "i", "m199"}), Bulk("398"));
  EXPECT_EQ(h.Run({"ZDIFFSTORE", "d", "2", "a", "big"}), Int(4));
  EXPECT_EQ(h.Run({"OBJECT", "ENCODING", "d"}), Bulk("listpack"));
}

// Sets are inputs too, each member scoring 1 (replies checked against redis-server 7.0.15).
TEST(ZSetAlgebraSetInputsTest, SetMembersScoreOne) {
  Harness h;
  EXPECT_EQ(h.Run({"SADD", "s", "a", "b", "7"}), Int(3));
  EXPECT_EQ(h.Run({"ZADD", "z", "2", "a"}), Int(1));
  EXPECT_EQ(h.Run({"ZUNION", "2", "s", "z", "WITHSCORES"}),
            Pairs({{"7", "1"}, {"b", "1"}, {"a", "3"}}));
  EXPECT_EQ(h.Run({"ZINTER", "2", "s", "z", "WEIGHTS", "2", "1", "WITHSCORES"}),
            Pairs({{"a", "4"}}));
  EXPECT_EQ(h.Run({"ZDIFF", "2", "s", "z"}), Array({Bulk("7"), Bulk("b")}));
  EXPECT_EQ(h.Run({"ZINTERCARD", "2", "s", "z"}), Int(1));
  EXPECT_EQ(h.Run({"ZUNIONSTORE", "d", "2", "s", "z", "AGGREGATE", "MAX"}), Int(3));
  EXPECT_EQ(h.Run({"ZRANGE", "d", "0", "-1", "WITHSCORES"}),
            Pairs({{"7", "1"}, {"b", "1"}, {"a", "2"}}));
  EXPECT_EQ(h.Run({"SADD", "i", "1", "2"}), Int(2));  // an intset
  EXPECT_EQ(h.Run({"ZDIFF", "2", "i", "s", "WITHSCORES"}), Pairs({{"1", "1"}, {"2", "1"}}));
  EXPECT_EQ(h.Run({"SET", "str", "x"}), testing::kOK);
  EXPECT_EQ(h.Run({"ZUNION", "2", "s", "str"}),
            Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
}

}  // namespace
}  // namespace kv::server
