// SORT and SORT_RO semantics and error texts, in process. Expected replies were checked against
// redis-server 7.0.15 on this machine (the same commands side by side); random queries against
// both servers are the redis-py `sort` scenario (tests/clients, docs/server-collections.md).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::BlockingHarness;
using testing::Bulk;
using testing::Bulks;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kEmpty;
using testing::kNil;
using testing::kNullArray;
using testing::kOK;
using testing::kSyntax;
using testing::kWrongType;

const std::string kNotInteger = Err("ERR value is not an integer or out of range");
const std::string kBadScore = Err("ERR One or more scores can't be converted into double");

std::string Sort(Harness& h, std::initializer_list<std::string_view> tail) {
  std::vector<std::string> args{"SORT"};
  args.insert(args.end(), tail.begin(), tail.end());
  return h.Run(args);
}

TEST(SortTest, NumericByDefaultAlphaAndDesc) {
  Harness h;
  EXPECT_EQ(h.Run({"RPUSH", "l", "3", "1", "2", "10"}), Int(4));
  EXPECT_EQ(Sort(h, {"l"}), Bulks({"1", "2", "3", "10"}));
  EXPECT_EQ(Sort(h, {"l", "DESC"}), Bulks({"10", "3", "2", "1"}));
  EXPECT_EQ(Sort(h, {"l", "desc", "asc"}), Bulks({"1", "2", "3", "10"}));  // the last wins
  EXPECT_EQ(Sort(h, {"l", "ALPHA"}), Bulks({"1", "10", "2", "3"}));
  EXPECT_EQ(Sort(h, {"l", "alpha", "DESC"}), Bulks({"3", "2", "10", "1"}));
  EXPECT_EQ(h.Run({"SORT_RO", "l", "DESC"}), Bulks({"10", "3", "2", "1"}));
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), Bulks({"3", "1", "2", "10"}));  // unchanged
  // Equal scores are ordered by the elements' bytes (reversed by DESC).
  EXPECT_EQ(h.Run({"RPUSH", "t", "1.0", "1", "01"}), Int(3));
  EXPECT_EQ(Sort(h, {"t"}), Bulks({"01", "1", "1.0"}));
  EXPECT_EQ(Sort(h, {"t", "DESC"}), Bulks({"1.0", "1", "01"}));
  // Sets and sorted sets sort the same way (a sorted set by its members, not its scores).
  EXPECT_EQ(h.Run({"SADD", "s", "5", "-1", "20", "3"}), Int(4));
  EXPECT_EQ(Sort(h, {"s"}), Bulks({"-1", "3", "5", "20"}));
  EXPECT_EQ(h.Run({"SADD", "hs", "b", "a", "c"}), Int(3));  // a hashtable set
  EXPECT_EQ(Sort(h, {"hs", "ALPHA", "DESC"}), Bulks({"c", "b", "a"}));
  EXPECT_EQ(h.Run({"ZADD", "z", "1", "9", "2", "7", "3", "8"}), Int(3));
  EXPECT_EQ(Sort(h, {"z"}), Bulks({"7", "8", "9"}));
  EXPECT_EQ(Sort(h, {"nokey"}), kEmpty);
}

// Redis reads a sort value with strtod: leading spaces, hex, inf and "" (0) pass; NaN, overflow,
// underflow and trailing text do not, even outside the LIMIT and for SORT_RO.
TEST(SortTest, ScoresAreParsedAsRedisDoes) {
  Harness h;
  EXPECT_EQ(h.Run({"RPUSH", "f", " 5", "0x10", "inf", "-inf", "1e3", ""}), Int(6));
  EXPECT_EQ(Sort(h, {"f"}), Bulks({"-inf", "", " 5", "0x10", "1e3", "inf"}));
  for (const char* bad : {"nan", "1e400", "1e-400", "1x", "abc"}) {
    h.Run({"DEL", "b"});
    h.Run({"RPUSH", "b", "1", bad});
    EXPECT_EQ(Sort(h, {"b"}), kBadScore) << bad;
    EXPECT_EQ(Sort(h, {"b", "LIMIT", "0", "0"}), kBadScore) << bad;
    EXPECT_EQ(h.Run({"SORT_RO", "b", "LIMIT", "0", "1"}), kBadScore) << bad;
  }
  EXPECT_EQ(Sort(h, {"b", "ALPHA"}), Bulks({"1", "abc"}));
  EXPECT_EQ(Sort(h, {"b", "BY", "nosort"}), Bulks({"1", "abc"}));  // nothing sorted, nothing read
}

// ALPHA without STORE compares as strcoll does (up to the first NUL; equal ones keep their
// order); with STORE it compares every byte.
TEST(SortTest, AlphaComparesCStringsUnlessStoring) {
  Harness h;
  const std::string ac("a\0c", 3);
  const std::string ab("a\0b", 3);
  EXPECT_EQ(h.Run({"RPUSH", "n", ac, ab}), Int(2));
  EXPECT_EQ(Sort(h, {"n", "ALPHA"}), Bulks({ac, ab}));
  EXPECT_EQ(Sort(h, {"n", "ALPHA", "STORE", "d"}), Int(2));
  EXPECT_EQ(h.Run({"LRANGE", "d", "0", "-1"}), Bulks({ab, ac}));
  EXPECT_EQ(h.Run({"RPUSH", "u", "\xc3\xa9", "z", "Z", "\x01"}), Int(4));
  EXPECT_EQ(Sort(h, {"u", "ALPHA"}), Bulks({"\x01", "Z", "z", "\xc3\xa9"}));  // byte order
}

TEST(SortTest, LimitIsClampedAsRedisDoes) {
  Harness h;
  h.Run({"RPUSH", "l", "5", "4", "3", "2", "1"});
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "1", "2"}), Bulks({"2", "3"}));
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "1", "2", "DESC"}), Bulks({"4", "3"}));
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "-5", "2"}), Bulks({"1", "2"}));
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "3", "-1"}), Bulks({"4", "5"}));
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "3", "-100"}), Bulks({"4", "5"}));
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "3", "100"}), Bulks({"4", "5"}));
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "0", "0"}), kEmpty);
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "5", "1"}), kEmpty);
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "9223372036854775807", "9223372036854775807"}), kEmpty);
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "-9223372036854775808", "9223372036854775807"}),
            Bulks({"1", "2", "3", "4", "5"}));
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "0", "1", "LIMIT", "4", "1"}), Bulks({"5"}));  // the last
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "x", "1"}), kNotInteger);
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "1", "9223372036854775808"}), kNotInteger);
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "1"}), kSyntax);
  EXPECT_EQ(Sort(h, {"nokey", "LIMIT", "0", "10"}), kEmpty);
}

TEST(SortTest, ByPatternsWithKeysAndHashFields) {
  Harness h;
  h.Run({"RPUSH", "l", "a", "b", "c", "d"});
  h.Run({"MSET", "w_a", "3", "w_b", "1", "w_c", "2"});  // w_d missing: weight 0
  EXPECT_EQ(Sort(h, {"l", "BY", "w_*"}), Bulks({"d", "b", "c", "a"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "w_*", "DESC", "LIMIT", "0", "2"}), Bulks({"a", "c"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "w_*", "ALPHA"}), Bulks({"d", "b", "c", "a"}));  // missing first
  h.Run({"HSET", "h_a", "f", "z"});
  h.Run({"HSET", "h_b", "f", "x", "g", "9"});
  h.Run({"HSET", "h_c", "f", "y"});
  EXPECT_EQ(Sort(h, {"l", "BY", "h_*->f", "ALPHA"}), Bulks({"d", "b", "c", "a"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "h_*->f", "ALPHA", "DESC"}), Bulks({"a", "c", "b", "d"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "h_*->f"}), kBadScore);                    // "x" is no number
  EXPECT_EQ(Sort(h, {"l", "BY", "h_*->g"}), Bulks({"a", "c", "d", "b"}));  // missing fields: 0
  // A string read as a hash, or a hash read as a string, is missing.
  EXPECT_EQ(Sort(h, {"l", "BY", "w_*->f"}), Bulks({"a", "b", "c", "d"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "h_*"}), Bulks({"a", "b", "c", "d"}));
  // "->" with nothing after it is part of the key name.
  h.Run({"SET", "k_b->", "-1"});
  EXPECT_EQ(Sort(h, {"l", "BY", "k_*->"}), Bulks({"b", "a", "c", "d"}));
  // '*' replaced once, the rest kept: prefix*postfix.
  h.Run({"MSET", "p_a_s", "2", "p_b_s", "1"});
  EXPECT_EQ(Sort(h, {"l", "BY", "p_*_s", "LIMIT", "2", "2"}), Bulks({"b", "a"}));
}

// BY without '*' does not sort: a list and a sorted set keep their order (DESC from the end, LIMIT
// by position); a set keeps its own unless the result is stored or scripted, where Redis sorts
// it by its bytes.
TEST(SortTest, ByWithoutStarKeepsTheCollectionOrder) {
  Harness h;
  h.Run({"RPUSH", "l", "3", "x", "1", "2"});
  EXPECT_EQ(Sort(h, {"l", "BY", "nosort"}), Bulks({"3", "x", "1", "2"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "nosort", "DESC"}), Bulks({"2", "1", "x", "3"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "nosort", "LIMIT", "1", "2"}), Bulks({"x", "1"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "nosort", "DESC", "LIMIT", "1", "2"}), Bulks({"1", "x"}));
  EXPECT_EQ(Sort(h, {"l", "BY", "nosort", "LIMIT", "9", "2"}), kEmpty);
  // Once a BY without '*' came, a later BY pattern does not sort either (as Redis).
  EXPECT_EQ(Sort(h, {"l", "BY", "nosort", "BY", "w_*"}), Bulks({"3", "x", "1", "2"}));
  h.Run({"ZADD", "z", "3", "c", "1", "a", "2", "b", "4", "d"});
  EXPECT_EQ(Sort(h, {"z", "BY", "nosort"}), Bulks({"a", "b", "c", "d"}));
  EXPECT_EQ(Sort(h, {"z", "BY", "nosort", "DESC", "LIMIT", "1", "2"}), Bulks({"c", "b"}));
  EXPECT_EQ(Sort(h, {"z", "BY", "nosort", "LIMIT", "-3", "3", "GET", "#"}), Bulks({"a", "b", "c"}));
  h.Run({"SADD", "s", "b", "c", "a"});
  EXPECT_EQ(Sort(h, {"s", "BY", "nosort", "STORE", "d"}), Int(3));
  EXPECT_EQ(h.Run({"LRANGE", "d", "0", "-1"}), Bulks({"a", "b", "c"}));
  EXPECT_EQ(Sort(h, {"s", "BY", "nosort", "DESC", "STORE", "d"}), Int(3));
  EXPECT_EQ(h.Run({"LRANGE", "d", "0", "-1"}), Bulks({"c", "b", "a"}));
  EXPECT_EQ(h.Run({"EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort')", "1", "s"}),
            Bulks({"a", "b", "c"}));
  EXPECT_EQ(Sort(h, {"s", "BY", "nosort"}).substr(0, 4), "*3\r\n");  // the set's own order
}

TEST(SortTest, GetPatterns) {
  Harness h;
  h.Run({"RPUSH", "l", "2", "1", "3"});
  h.Run({"MSET", "v_1", "one", "v_2", "two"});
  h.Run({"HSET", "h_3", "name", "three"});
  EXPECT_EQ(Sort(h, {"l", "GET", "v_*"}), Array({Bulk("one"), Bulk("two"), kNil}));
  EXPECT_EQ(Sort(h, {"l", "GET", "#", "GET", "v_*", "GET", "h_*->name", "LIMIT", "1", "2"}),
            Array({Bulk("2"), Bulk("two"), kNil, Bulk("3"), kNil, Bulk("three")}));
  EXPECT_EQ(Sort(h, {"l", "GET", "fixed", "LIMIT", "0", "1"}), Array({kNil}));  // no '*': nil
  EXPECT_EQ(Sort(h, {"l", "GET", "#", "DESC", "BY", "nosort"}), Bulks({"3", "1", "2"}));
  EXPECT_EQ(Sort(h, {"nokey", "GET", "#", "GET", "v_*"}), kEmpty);
  // RESP3: a missing value is a null, the reply an array.
  h.Run({"HELLO", "3"});
  EXPECT_EQ(Sort(h, {"l", "GET", "v_*"}), "*3\r\n$3\r\none\r\n$3\r\ntwo\r\n_\r\n");
}

TEST(SortTest, StoreReplacesTheDestinationWithAList) {
  Harness h;
  h.Run({"RPUSH", "l", "2", "1", "3"});
  h.Run({"SET", "v_1", "one"});
  h.Run({"SET", "dst", "old", "EX", "100"});
  EXPECT_EQ(Sort(h, {"l", "STORE", "dst"}), Int(3));
  EXPECT_EQ(h.Run({"TYPE", "dst"}), "+list\r\n");
  EXPECT_EQ(h.Run({"TTL", "dst"}), Int(-1));
  EXPECT_EQ(h.Run({"LRANGE", "dst", "0", "-1"}), Bulks({"1", "2", "3"}));
  // With GET: one element per pattern and row, a missing value stored as "".
  EXPECT_EQ(Sort(h, {"l", "GET", "#", "GET", "v_*", "STORE", "dst", "LIMIT", "0", "2"}), Int(4));
  EXPECT_EQ(h.Run({"LRANGE", "dst", "0", "-1"}), Bulks({"1", "one", "2", ""}));
  EXPECT_EQ(Sort(h, {"l", "STORE", "x", "STORE", "dst", "DESC"}), Int(3));  // the last STORE
  EXPECT_EQ(h.Run({"EXISTS", "x"}), Int(0));
  EXPECT_EQ(h.Run({"LRANGE", "dst", "0", "-1"}), Bulks({"3", "2", "1"}));
  EXPECT_EQ(Sort(h, {"l", "STORE", "l", "ALPHA", "DESC"}), Int(3));  // onto itself
  EXPECT_EQ(h.Run({"LRANGE", "l", "0", "-1"}), Bulks({"3", "2", "1"}));
  // An empty result deletes the destination; an error leaves it alone.
  EXPECT_EQ(Sort(h, {"nokey", "STORE", "dst"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "dst"}), Int(0));
  h.Run({"SET", "dst", "kept"});
  EXPECT_EQ(Sort(h, {"l", "LIMIT", "0", "0", "STORE", "dst"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "dst"}), Int(0));
  h.Run({"SET", "dst", "kept"});
  h.Run({"RPUSH", "bad", "x"});
  EXPECT_EQ(Sort(h, {"bad", "STORE", "dst"}), kBadScore);
  h.Run({"SET", "str", "s"});
  EXPECT_EQ(Sort(h, {"str", "STORE", "dst"}), kWrongType);
  EXPECT_EQ(h.Run({"GET", "dst"}), Bulk("kept"));
}

TEST(SortTest, ErrorsAndTheirOrder) {
  Harness h;
  h.Run({"SET", "str", "1"});
  h.Run({"HSET", "hash", "f", "1"});
  EXPECT_EQ(Sort(h, {"str"}), kWrongType);
  EXPECT_EQ(Sort(h, {"hash"}), kWrongType);
  EXPECT_EQ(h.Run({"SORT_RO", "hash"}), kWrongType);
  // Options are parsed before the key is looked up.
  EXPECT_EQ(Sort(h, {"str", "BOGUS"}), kSyntax);
  EXPECT_EQ(Sort(h, {"str", "LIMIT", "a", "b"}), kNotInteger);
  for (const char* opt : {"BY", "GET", "STORE", "LIMIT"}) {
    EXPECT_EQ(Sort(h, {"nokey", opt}), kSyntax) << opt;
  }
  EXPECT_EQ(h.Run({"SORT_RO", "nokey", "STORE", "d"}), kSyntax);
  EXPECT_EQ(h.Run({"SORT"}), Err("ERR wrong number of arguments for 'sort' command"));
  EXPECT_EQ(h.Run({"SORT_RO"}), Err("ERR wrong number of arguments for 'sort_ro' command"));
}

// kv-server's own limit: a reply or stored list of more than 2^24 elements is refused.
TEST(SortTest, ResultSizeIsBounded) {
  Harness h;
  std::vector<std::string> push{"RPUSH", "l"};
  for (int i = 0; i < 4097; ++i) push.push_back(std::to_string(i));
  EXPECT_EQ(h.Run(push), Int(4097));
  std::vector<std::string> sort{"SORT", "l"};
  for (int i = 0; i < 4096; ++i) {
    sort.push_back("GET");
    sort.push_back("#");
  }
  const std::string limit =
      Err("ERR SORT result would exceed 16777216 elements (a kv-server limit)");
  EXPECT_EQ(h.Run(sort), limit);
  sort.push_back("STORE");
  sort.push_back("dst");
  EXPECT_EQ(h.Run(sort), limit);
  EXPECT_EQ(h.Run({"EXISTS", "dst"}), Int(0));
  sort.push_back("LIMIT");  // 2 rows x 4096 patterns
  sort.push_back("4095");
  sort.push_back("10");
  EXPECT_EQ(h.Run(sort), Int(2 * 4096));
  EXPECT_EQ(h.Run({"LRANGE", "dst", "4095", "4096"}), Bulks({"4095", "4096"}));
}

TEST(SortTest, KeysCommandInfoAndDocs) {
  Harness h;
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SORT", "a", "STORE", "b"}), Bulks({"a", "b"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "sort", "a", "store", "b", "STORE", "c"}),
            Bulks({"a", "c"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SORT", "a", "BY", "store", "GET", "store", "STORE", "x"}),
            Bulks({"a", "x"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SORT", "a", "LIMIT", "store", "1", "STORE", "x"}),
            Bulks({"a", "x"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SORT", "a", "STORE"}), Bulks({"a"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SORT_RO", "a", "STORE", "b"}), Bulks({"a"}));
  EXPECT_EQ(h.Run({"COMMAND", "GETKEYS", "SORT"}),
            Err("ERR wrong number of arguments for 'command|getkeys' command"));
  const std::string info = h.Run({"COMMAND", "INFO", "sort", "sort_ro"});
  EXPECT_NE(
      info.find("$4\r\nsort\r\n:-2\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1"
                "\r\n"),
      std::string::npos)
      << info;
  EXPECT_NE(info.find("$7\r\nsort_ro\r\n:-2\r\n*2\r\n+readonly\r\n+movablekeys\r\n"),
            std::string::npos)
      << info;
  EXPECT_NE(info.find("+@dangerous\r\n"), std::string::npos);
  const std::string docs = h.Run({"COMMAND", "DOCS", "sort"});
  EXPECT_NE(docs.find("$5\r\nALPHA\r\n"), std::string::npos) << docs;
  EXPECT_NE(docs.find("$11\r\ndestination\r\n"), std::string::npos) << docs;
}

// SORT ... STORE is a write like the other STORE commands: WATCH sees it (also when it only
// deletes the destination), a client blocked on the destination is served, MULTI queues it,
// read-only scripts may run SORT_RO but not SORT.
TEST(SortTest, TransactionsWatchBlockingAndScripts) {
  BlockingHarness h;
  Session other;
  other.id = 99;
  h.Run({"RPUSH", "l", "2", "1"});
  auto watched_exec_after = [&](std::vector<std::string> cmd) {
    EXPECT_EQ(h.Run({"WATCH", "dst"}), kOK);
    h.RunAs(other, cmd);
    EXPECT_EQ(h.Run({"MULTI"}), kOK);
    h.Run({"EXISTS", "dst"});
    return h.Run({"EXEC"});
  };
  EXPECT_EQ(watched_exec_after({"SORT", "l"}), Array({Int(0)}));
  EXPECT_EQ(watched_exec_after({"SORT", "l", "STORE", "dst"}), kNullArray);
  EXPECT_EQ(watched_exec_after({"SORT", "nokey", "STORE", "dst"}), kNullArray);       // deleted
  EXPECT_EQ(watched_exec_after({"SORT", "nokey", "STORE", "dst"}), Array({Int(0)}));  // no-op
  h.processor.OnClose(other);

  Session& waiter = h.Client();
  EXPECT_EQ(h.RunAs(waiter, {"BLPOP", "dst", "0"}), "");
  EXPECT_EQ(h.Run({"SORT", "l", "DESC", "STORE", "dst"}), Int(2));
  EXPECT_EQ(h.Unblocked(waiter), Bulks({"dst", "2"}));
  EXPECT_EQ(h.Run({"LRANGE", "dst", "0", "-1"}), Bulks({"1"}));

  EXPECT_EQ(h.Run({"MULTI"}), kOK);
  EXPECT_EQ(h.Run({"SORT", "l", "STORE", "m"}), "+QUEUED\r\n");
  EXPECT_EQ(h.Run({"SORT_RO", "m", "DESC"}), "+QUEUED\r\n");
  EXPECT_EQ(h.Run({"EXEC"}), Array({Int(2), Bulks({"2", "1"})}));

  EXPECT_EQ(h.Run({"EVAL", "return redis.call('sort', KEYS[1], 'desc', 'store', KEYS[2])", "2", "l",
                   "e"}),
            Int(2));
  EXPECT_EQ(h.Run({"EVAL_RO", "return redis.call('sort_ro', KEYS[1])", "1", "e"}),
            Bulks({"1", "2"}));
  EXPECT_NE(h.Run({"EVAL_RO", "return redis.call('sort', KEYS[1])", "1", "e"})
                .find("Write commands are not allowed from read-only scripts"),
            std::string::npos);
}

}  // namespace
}  // namespace kv::server
