// String command semantics and error texts. Expected replies were checked against redis-server
// 7.0.15 on this machine unless a comment says otherwise.
#include <gtest/gtest.h>

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

TEST(StringsTest, SetGet) {
  Harness h;
  EXPECT_EQ(h.Run({"GET", "k"}), kNil);
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"get", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"SET", "k", ""}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk(""));
  const std::string big(100000, 'x');
  EXPECT_EQ(h.Run({"SET", "k", big}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk(big));
  EXPECT_EQ(h.Run({"SET", "k", "small"}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("small"));
  EXPECT_EQ(h.Run({"SET", std::string("a\0b", 3), "bin"}), kOK);
  EXPECT_EQ(h.Run({"GET", std::string("a\0b", 3)}), Bulk("bin"));
  EXPECT_EQ(h.Run({"GET", "a"}), kNil);
}

// Missing values are RESP3 nulls ("_"), as redis-server 7.0.15 sends them.
TEST(StringsTest, NullsInResp3) {
  Harness h;
  h.session.protocol = 3;
  const std::string null = "_\r\n";
  EXPECT_EQ(h.Run({"GET", "missing"}), null);
  EXPECT_EQ(h.Run({"GETDEL", "missing"}), null);
  EXPECT_EQ(h.Run({"GETEX", "missing"}), null);
  EXPECT_EQ(h.Run({"SET", "k", "v", "XX"}), null);
  EXPECT_EQ(h.Run({"SET", "k", "v", "GET"}), null);
  EXPECT_EQ(h.Run({"SET", "k", "v", "NX"}), null);
  EXPECT_EQ(h.Run({"SET", "k", "w", "NX", "GET"}), Bulk("v"));
  EXPECT_EQ(h.Run({"SETNX", "k", "v"}), Int(0));
  EXPECT_EQ(h.Run({"MGET", "k", "missing"}), "*2\r\n$1\r\nv\r\n_\r\n");
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "1.5"}), Bulk("1.5"));  // a bulk string, as Redis
}

TEST(StringsTest, SetNxXx) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "1", "XX"}), kNil);
  EXPECT_EQ(h.Run({"SET", "k", "1", "NX"}), kOK);
  EXPECT_EQ(h.Run({"SET", "k", "2", "NX"}), kNil);
  EXPECT_EQ(h.Run({"SET", "k", "3", "xx"}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("3"));
  EXPECT_EQ(h.Run({"SET", "k", "v", "NX", "XX"}), Err("ERR syntax error"));
}

TEST(StringsTest, SetGetOption) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "1", "GET"}), kNil);
  EXPECT_EQ(h.Run({"SET", "k", "2", "GET"}), Bulk("1"));
  EXPECT_EQ(h.Run({"SET", "k", "3", "GET", "GET"}), Bulk("2"));  // redis 7.0.15: GET may repeat
  // NX + GET on an existing key: old value, no change.
  EXPECT_EQ(h.Run({"SET", "k", "4", "NX", "GET"}), Bulk("3"));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("3"));
  EXPECT_EQ(h.Run({"SET", "n", "4", "XX", "GET"}), kNil);
  EXPECT_EQ(h.Run({"EXISTS", "n"}), Int(0));
}

TEST(StringsTest, SetExpireOptions) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "10"}), kOK);
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(10000));
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "1500"}), kOK);
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(1500));
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "10", "EX", "20"}), kOK);  // last wins
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(20));
  EXPECT_EQ(h.Run({"SET", "k", "v2", "KEEPTTL"}), kOK);
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(20));
  EXPECT_EQ(h.Run({"SET", "k", "v3"}), kOK);
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  const std::string at_s = std::to_string(h.now_ms / 1000 + 100);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EXAT", at_s}), kOK);
  EXPECT_EQ(h.Run({"EXPIRETIME", "k"}), Int(h.now_ms / 1000 + 100));
  const std::string at_ms = std::to_string(h.now_ms + 2500);
  EXPECT_EQ(h.Run({"SET", "k", "v", "PXAT", at_ms}), kOK);
  EXPECT_EQ(h.Run({"PEXPIRETIME", "k"}), Int(h.now_ms + 2500));
  // A time in the past: OK, and the key is gone.
  EXPECT_EQ(h.Run({"SET", "k", "v", "EXAT", "1"}), kOK);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(StringsTest, SetOptionErrors) {
  Harness h;
  const std::string bad_expire = Err("ERR invalid expire time in 'set' command");
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "0"}), bad_expire);
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "-5"}), bad_expire);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "9223372036854775"}), bad_expire);
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "9223372036854775000"}), bad_expire);
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "abc"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SET", "k", "v", "KEEPTTL", "EX", "10"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SET", "k", "v", "EX", "10", "PX", "10"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SET", "k", "v", "PERSIST"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SET", "k", "v", "bogus"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SET", "k"}), Err("ERR wrong number of arguments for 'set' command"));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(StringsTest, SetNxSetExPSetEx) {
  Harness h;
  EXPECT_EQ(h.Run({"SETNX", "k", "1"}), Int(1));
  EXPECT_EQ(h.Run({"SETNX", "k", "2"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("1"));
  EXPECT_EQ(h.Run({"SETEX", "k", "5", "v"}), kOK);
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(5000));
  EXPECT_EQ(h.Run({"PSETEX", "k", "250", "v"}), kOK);
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(250));
  EXPECT_EQ(h.Run({"SETEX", "k", "0", "v"}), Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(h.Run({"PSETEX", "k", "-1", "v"}), Err("ERR invalid expire time in 'psetex' command"));
  EXPECT_EQ(h.Run({"SETEX", "k", "x", "v"}), Err("ERR value is not an integer or out of range"));
}

TEST(StringsTest, GetSetGetDel) {
  Harness h;
  EXPECT_EQ(h.Run({"GETSET", "k", "1"}), kNil);
  EXPECT_EQ(h.Run({"SET", "k", "1", "EX", "100"}), kOK);
  EXPECT_EQ(h.Run({"GETSET", "k", "2"}), Bulk("1"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));  // GETSET discards the TTL
  EXPECT_EQ(h.Run({"GETDEL", "k"}), Bulk("2"));
  EXPECT_EQ(h.Run({"GETDEL", "k"}), kNil);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(StringsTest, GetEx) {
  Harness h;
  EXPECT_EQ(h.Run({"GETEX", "nokey", "EX", "0"}), kNil);  // redis 7.0.15: lookup first
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"GETEX", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"GETEX", "k", "EX", "100"}), Bulk("v"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(100));
  EXPECT_EQ(h.Run({"GETEX", "k", "PX", "500"}), Bulk("v"));
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(500));
  EXPECT_EQ(h.Run({"GETEX", "k", "PERSIST"}), Bulk("v"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"GETEX", "k", "EX", "0"}), Err("ERR invalid expire time in 'getex' command"));
  EXPECT_EQ(h.Run({"GETEX", "k", "PERSIST", "EX", "1"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"GETEX", "k", "KEEPTTL"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"GETEX", "k", "PXAT", "1"}), Bulk("v"));  // in the past: deleted
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(StringsTest, MGetMSetMSetNx) {
  Harness h;
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2"}), kOK);
  EXPECT_EQ(h.Run({"MGET", "a", "x", "b"}), Array({Bulk("1"), kNil, Bulk("2")}));
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'mset' command"));
  EXPECT_EQ(h.Run({"MSETNX", "c", "3", "a", "9"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "c"}), Int(0));
  EXPECT_EQ(h.Run({"MSETNX", "c", "3", "d", "4"}), Int(1));
  EXPECT_EQ(h.Run({"MGET", "c", "d"}), Array({Bulk("3"), Bulk("4")}));
  EXPECT_EQ(h.Run({"MSETNX", "c"}), Err("ERR wrong number of arguments for 'msetnx' command"));
}

TEST(StringsTest, AppendStrlen) {
  Harness h;
  EXPECT_EQ(h.Run({"STRLEN", "k"}), Int(0));
  EXPECT_EQ(h.Run({"APPEND", "k", "ab"}), Int(2));
  EXPECT_EQ(h.Run({"SET", "t", "x", "EX", "100"}), kOK);
  std::string expect = "x";
  for (int i = 0; i < 200; ++i) {
    const std::string piece = "piece" + std::to_string(i);
    expect += piece;
    EXPECT_EQ(h.Run({"APPEND", "t", piece}), Int(static_cast<int64_t>(expect.size())));
  }
  EXPECT_EQ(h.Run({"GET", "t"}), Bulk(expect));
  EXPECT_EQ(h.Run({"TTL", "t"}), Int(100));  // APPEND keeps the TTL
  EXPECT_EQ(h.Run({"STRLEN", "t"}), Int(static_cast<int64_t>(expect.size())));
  h.config.proto_max_bulk_len = 10;
  EXPECT_EQ(h.Run({"APPEND", "k", "123456789"}),
            Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
}

TEST(StringsTest, GetRange) {
  Harness h;
  EXPECT_EQ(h.Run({"GETRANGE", "k", "0", "-1"}), Bulk(""));
  EXPECT_EQ(h.Run({"SET", "k", "Hello World"}), kOK);
  EXPECT_EQ(h.Run({"GETRANGE", "k", "0", "4"}), Bulk("Hello"));
  EXPECT_EQ(h.Run({"GETRANGE", "k", "-5", "-1"}), Bulk("World"));
  EXPECT_EQ(h.Run({"GETRANGE", "k", "0", "-1"}), Bulk("Hello World"));
  EXPECT_EQ(h.Run({"GETRANGE", "k", "5", "1"}), Bulk(""));
  EXPECT_EQ(h.Run({"GETRANGE", "k", "-1", "-5"}), Bulk(""));
  EXPECT_EQ(h.Run({"GETRANGE", "k", "-100", "100"}), Bulk("Hello World"));
  EXPECT_EQ(h.Run({"SUBSTR", "k", "6", "100"}), Bulk("World"));
  EXPECT_EQ(h.Run({"GETRANGE", "k", "a", "1"}), Err("ERR value is not an integer or out of range"));
}

TEST(StringsTest, SetRange) {
  Harness h;
  EXPECT_EQ(h.Run({"SETRANGE", "k", "0", ""}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "3", "ab"}), Int(5));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk(std::string("\0\0\0ab", 5)));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "0", "xyz"}), Int(5));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("xyzab"));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "1", ""}), Int(5));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "-1", "x"}), Err("ERR offset is out of range"));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "536870911", "xx"}),
            Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_EQ(h.Run({"SETRANGE", "k", "9223372036854775807", "xx"}),
            Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
}

TEST(StringsTest, IncrDecr) {
  Harness h;
  EXPECT_EQ(h.Run({"INCR", "n"}), Int(1));
  EXPECT_EQ(h.Run({"INCRBY", "n", "41"}), Int(42));
  EXPECT_EQ(h.Run({"DECR", "n"}), Int(41));
  EXPECT_EQ(h.Run({"DECRBY", "n", "-9"}), Int(50));
  EXPECT_EQ(h.Run({"GET", "n"}), Bulk("50"));
  EXPECT_EQ(h.Run({"SET", "n", "9223372036854775807", "EX", "100"}), kOK);
  EXPECT_EQ(h.Run({"INCR", "n"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.Run({"DECR", "n"}), Int(9223372036854775806));
  EXPECT_EQ(h.Run({"TTL", "n"}), Int(100));  // counters keep the TTL
  EXPECT_EQ(h.Run({"SET", "m", "-9223372036854775808"}), kOK);
  EXPECT_EQ(h.Run({"DECR", "m"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(h.Run({"DECRBY", "m", "-9223372036854775808"}), Err("ERR decrement would overflow"));
  const std::string not_int = Err("ERR value is not an integer or out of range");
  for (const char* bad : {"abc", " 1", "1 ", "+1", "01", "-0", "1.0", "", "99999999999999999999"}) {
    EXPECT_EQ(h.Run({"SET", "s", bad}), kOK);
    EXPECT_EQ(h.Run({"INCR", "s"}), not_int) << bad;
  }
  EXPECT_EQ(h.Run({"INCRBY", "n", "x"}), not_int);
  EXPECT_EQ(h.Run({"INCR"}), Err("ERR wrong number of arguments for 'incr' command"));
}

TEST(StringsTest, IncrByFloat) {
  Harness h;
  // Outputs verified against redis-server 7.0.15.
  EXPECT_EQ(h.Run({"SET", "f", "10.5"}), kOK);
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "0.1"}), Bulk("10.6"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "f", "1e20"}), Bulk("100000000000000000008"));
  EXPECT_EQ(h.Run({"SET", "g", "3"}), kOK);
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "g", "1.0e3"}), Bulk("1003"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "g", "-1003"}), Bulk("0"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "g", "5.0e-5"}), Bulk("0.00005"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "new", "-2.5"}), Bulk("-2.5"));
  EXPECT_EQ(h.Run({"GET", "new"}), Bulk("-2.5"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "g", "abc"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "g", " 1"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "g", "nan"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "g", "inf"}), Err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(h.Run({"SET", "s", "x"}), kOK);
  EXPECT_EQ(h.Run({"INCRBYFLOAT", "s", "1"}), Err("ERR value is not a valid float"));
}

TEST(StringsTest, DelIfEq) {
  Harness h;
  EXPECT_EQ(h.Run({"DELIFEQ", "lock", "token"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "lock", "token", "PX", "30000"}), kOK);
  EXPECT_EQ(h.Run({"DELIFEQ", "lock", "other"}), Int(0));
  EXPECT_EQ(h.Run({"DELIFEQ", "lock", "toke"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "lock"}), Int(1));
  EXPECT_EQ(h.Run({"DELIFEQ", "lock", "token"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "lock"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "lock", "token", "PX", "10"}), kOK);
  h.AdvanceMs(11);
  EXPECT_EQ(h.Run({"DELIFEQ", "lock", "token"}), Int(0));  // expired counts as missing
  EXPECT_EQ(h.Run({"DELIFEQ", "lock"}), Err("ERR wrong number of arguments for 'delifeq' command"));
}

}  // namespace
}  // namespace kv::server
