// Generic key commands and expiry. Expected replies checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "server/commands/command_test_util.h"
#include "server/store/store.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kNil;
using testing::kOK;
using testing::Simple;

// Parses a flat RESP array of bulk strings (as KEYS or a SCAN page returns).
std::vector<std::string> ParseBulkArray(const std::string& reply, size_t* pos) {
  std::vector<std::string> out;
  EXPECT_EQ(reply[*pos], '*');
  size_t eol = reply.find("\r\n", *pos);
  const int n = std::stoi(reply.substr(*pos + 1, eol - *pos - 1));
  *pos = eol + 2;
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(reply[*pos], '$');
    eol = reply.find("\r\n", *pos);
    const size_t len = std::stoul(reply.substr(*pos + 1, eol - *pos - 1));
    out.push_back(reply.substr(eol + 2, len));
    *pos = eol + 2 + len + 2;
  }
  return out;
}

std::set<std::string> KeysSet(Harness& h, const std::string& pattern) {
  const std::string reply = h.Run({"KEYS", pattern});
  size_t pos = 0;
  auto v = ParseBulkArray(reply, &pos);
  return {v.begin(), v.end()};
}

TEST(KeysTest, DelUnlinkExists) {
  Harness h;
  EXPECT_EQ(h.Run({"MSET", "a", "1", "b", "2", "c", "3"}), kOK);
  EXPECT_EQ(h.Run({"EXISTS", "a", "a", "b", "zz"}), Int(3));  // repeats count
  EXPECT_EQ(h.Run({"DEL", "a", "zz", "a"}), Int(1));
  EXPECT_EQ(h.Run({"UNLINK", "b", "c"}), Int(2));
  EXPECT_EQ(h.Run({"EXISTS", "a", "b", "c"}), Int(0));
  EXPECT_EQ(h.Run({"DEL"}), Err("ERR wrong number of arguments for 'del' command"));
}

TEST(KeysTest, Type) {
  Harness h;
  EXPECT_EQ(h.Run({"TYPE", "k"}), Simple("none"));
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"TYPE", "k"}), Simple("string"));
}

TEST(KeysTest, RenameAndRenameNx) {
  Harness h;
  EXPECT_EQ(h.Run({"RENAME", "nokey", "b"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"RENAMENX", "nokey", "b"}), Err("ERR no such key"));
  EXPECT_EQ(h.Run({"SET", "a", "1", "EX", "100"}), kOK);
  EXPECT_EQ(h.Run({"RENAME", "a", "a"}), kOK);
  EXPECT_EQ(h.Run({"RENAMENX", "a", "a"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "b", "2"}), kOK);
  EXPECT_EQ(h.Run({"RENAME", "a", "b"}), kOK);
  EXPECT_EQ(h.Run({"GET", "b"}), Bulk("1"));
  EXPECT_EQ(h.Run({"TTL", "b"}), Int(100));  // the TTL moves with the value
  EXPECT_EQ(h.Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "c", "3"}), kOK);
  EXPECT_EQ(h.Run({"RENAMENX", "b", "c"}), Int(0));
  EXPECT_EQ(h.Run({"RENAMENX", "b", "d"}), Int(1));
  EXPECT_EQ(h.Run({"MGET", "b", "c", "d"}), Array({kNil, Bulk("3"), Bulk("1")}));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(2));
}

TEST(KeysTest, KeysGlobs) {
  Harness h;
  for (const char* k : {"hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "x"}) {
    h.Run({"SET", k, "v"});
  }
  using S = std::set<std::string>;
  EXPECT_EQ(KeysSet(h, "h?llo"), (S{"hello", "hallo", "hxllo", "h*llo"}));
  EXPECT_EQ(KeysSet(h, "h*llo"), (S{"hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo"}));
  EXPECT_EQ(KeysSet(h, "h[ae]llo"), (S{"hello", "hallo"}));
  EXPECT_EQ(KeysSet(h, "h[^e]llo"), (S{"hallo", "hxllo", "h*llo"}));
  EXPECT_EQ(KeysSet(h, "h[a-b]llo"), (S{"hallo"}));
  EXPECT_EQ(KeysSet(h, "h\\*llo"), (S{"h*llo"}));
  EXPECT_EQ(KeysSet(h, "*").size(), 7u);
  EXPECT_EQ(KeysSet(h, "nomatch*"), S{});
  EXPECT_EQ(h.Run({"SET", "gone", "v", "PX", "5"}), kOK);
  h.AdvanceMs(10);
  EXPECT_EQ(KeysSet(h, "g*"), S{});  // expired keys are not listed
}

TEST(KeysTest, ScanReturnsEverythingOnce) {
  Harness h;
  std::set<std::string> all;
  for (int i = 0; i < 1000; ++i) {
    const std::string k = "key:" + std::to_string(i);
    all.insert(k);
    h.Run({"SET", k, "v"});
  }
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int pages = 0;
  do {
    const std::string reply = h.Run({"SCAN", cursor, "COUNT", "50"});
    size_t pos = reply.find("\r\n") + 2;  // "*2"
    const size_t eol = reply.find("\r\n", pos);
    cursor = reply.substr(eol + 2, reply.find("\r\n", eol + 2) - eol - 2);
    pos = reply.find("\r\n", eol + 2) + 2;
    for (const std::string& k : ParseBulkArray(reply, &pos)) seen.insert(k);
    ++pages;
  } while (cursor != "0" && pages < 10000);
  EXPECT_EQ(cursor, "0");
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);
}

TEST(KeysTest, ScanOptions) {
  Harness h;
  for (const char* k : {"user:1", "user:2", "item:1"}) h.Run({"SET", k, "v"});
  const std::string reply = h.Run({"SCAN", "0", "MATCH", "user:*", "COUNT", "100"});
  size_t pos = reply.find("\r\n", reply.find("\r\n") + 2) + 2;
  pos = reply.find("\r\n", pos) + 2;
  auto keys = ParseBulkArray(reply, &pos);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()),
            (std::set<std::string>{"user:1", "user:2"}));
  EXPECT_EQ(h.Run({"SCAN", "0", "TYPE", "hash", "COUNT", "100"}), Array({Bulk("0"), "*0\r\n"}));
  EXPECT_EQ(h.Run({"SCAN", "0", "COUNT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SCAN", "0", "COUNT", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"SCAN", "0", "MATCH"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"SCAN", "abc"}), Err("ERR invalid cursor"));
  EXPECT_EQ(h.Run({"SCAN", "18446744073709551616"}), Err("ERR invalid cursor"));
}

TEST(KeysTest, RandomKeyOfEmptyDbIsNullInResp3) {
  Harness h;
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"RANDOMKEY"}), "_\r\n");
}

TEST(KeysTest, RandomKey) {
  Harness h;
  EXPECT_EQ(h.Run({"RANDOMKEY"}), kNil);
  std::set<std::string> keys = {"a", "b", "c"};
  for (const std::string& k : keys) h.Run({"SET", k, "v"});
  std::set<std::string> seen;
  for (int i = 0; i < 300; ++i) {
    const std::string r = h.Run({"RANDOMKEY"});
    ASSERT_EQ(r.substr(0, 4), "$1\r\n");
    seen.insert(r.substr(4, 1));
  }
  EXPECT_EQ(seen, keys);
  // All volatile and expired: none is returned, and they are deleted on the way.
  EXPECT_EQ(h.Run({"FLUSHDB"}), kOK);
  for (const std::string& k : keys) h.Run({"SET", k, "v", "PX", "5"});
  h.AdvanceMs(6);
  EXPECT_EQ(h.Run({"RANDOMKEY"}), kNil);
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
}

TEST(KeysTest, ExpireFamily) {
  Harness h;
  EXPECT_EQ(h.Run({"EXPIRE", "nokey", "100"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"TTL", "nokey"}), Int(-2));
  EXPECT_EQ(h.Run({"PTTL", "nokey"}), Int(-2));
  EXPECT_EQ(h.Run({"EXPIRETIME", "k"}), Int(-1));
  EXPECT_EQ(h.Run({"PEXPIRETIME", "nokey"}), Int(-2));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(100));
  EXPECT_EQ(h.Run({"PEXPIRE", "k", "1500"}), Int(1));
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(1500));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(2));  // rounded like Redis: (ms + 500) / 1000
  EXPECT_EQ(h.Run({"EXPIREAT", "k", std::to_string(h.now_ms / 1000 + 50)}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRETIME", "k"}), Int(h.now_ms / 1000 + 50));
  EXPECT_EQ(h.Run({"PEXPIREAT", "k", std::to_string(h.now_ms + 777)}), Int(1));
  EXPECT_EQ(h.Run({"PEXPIRETIME", "k"}), Int(h.now_ms + 777));
  EXPECT_EQ(h.Run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(h.Run({"PERSIST", "k"}), Int(0));
  EXPECT_EQ(h.Run({"PERSIST", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
  // A time in the past deletes the key and still replies 1.
  EXPECT_EQ(h.Run({"EXPIRE", "k", "-5"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"EXPIRE", "k", "0"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(KeysTest, ExpireOptions) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "XX"}), Int(0));  // no TTL yet
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "GT"}), Int(0));  // no TTL counts as infinite
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "LT"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "200", "NX"}), Int(0));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "200", "XX"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "GT"}), Int(0));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "300", "gt"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "400", "LT"}), Int(0));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "50", "LT", "XX"}), Int(1));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(50));
  EXPECT_EQ(h.Run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "10", "NX"}), Int(1));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "NX", "XX"}),
            Err("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "NX", "GT"}),
            Err("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "GT", "LT"}),
            Err("ERR GT and LT options at the same time are not compatible"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "100", "foo"}), Err("ERR Unsupported option foo"));
}

TEST(KeysTest, ExpireErrors) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"EXPIRE", "k", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(h.Run({"EXPIRE", "k", "9223372036854775"}),  // overflows when now is added
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(h.Run({"PEXPIRE", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'pexpire' command"));
  EXPECT_EQ(h.Run({"EXPIREAT", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expireat' command"));
  EXPECT_EQ(h.Run({"TTL", "k"}), Int(-1));
}

TEST(KeysTest, LazyExpiryWithClock) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "100"}), kOK);
  h.AdvanceMs(100);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));  // expires when now > when
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(0));
  h.AdvanceMs(1);
  EXPECT_EQ(h.Run({"GET", "k"}), kNil);
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(0));
  const std::string info = h.Run({"INFO", "stats"});
  EXPECT_NE(info.find("expired_keys:1\r\n"), std::string::npos) << info;
}

TEST(KeysTest, ActiveExpiryRemovesWithoutAccess) {
  Harness h;
  for (int i = 0; i < 500; ++i) {
    h.Run({"SET", "t" + std::to_string(i), "v", "PX", std::to_string(10 + i % 2 * 100000)});
  }
  for (int i = 0; i < 100; ++i) h.Run({"SET", "p" + std::to_string(i), "v"});
  h.AdvanceMs(20);
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(600));  // nothing touched yet
  // Unbounded budget: runs until fewer than 10% of a sample are expired.
  EXPECT_FALSE(h.processor.ActiveExpireCycle(1000000));
  EXPECT_LT(h.processor.TotalKeys(), 600u);
  // Sampling is random: repeated cycles find the stragglers (failure odds are astronomically
  // small with 5000 cycles).
  for (int i = 0; i < 5000 && h.processor.TotalKeys() > 350; ++i) {
    EXPECT_FALSE(h.processor.ActiveExpireCycle(1000000));
  }
  EXPECT_EQ(h.processor.TotalKeys(), 350u);  // live keys stay
  EXPECT_EQ(h.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}),
            Err("ERR DEBUG command not allowed. If the enable-debug-command option is set to "
                "\"local\", you can run it from a local connection, otherwise you need to set "
                "this option in the configuration file, and then restart the server."));
}

TEST(KeysTest, CopyMoveSwapDbErrors) {
  Harness h;
  const std::string same = Err("ERR source and destination objects are the same");
  const std::string range = Err("ERR DB index is out of range");
  const std::string int32 =
      Err("ERR value is out of range, value must between -2147483648 and 2147483647");
  EXPECT_EQ(h.Run({"SET", "k", "v"}), kOK);
  EXPECT_EQ(h.Run({"COPY", "k", "k"}), same);
  EXPECT_EQ(h.Run({"COPY", "nokey", "nokey"}), same);
  EXPECT_EQ(h.Run({"COPY", "k", "x", "DB", "16"}), range);
  EXPECT_EQ(h.Run({"COPY", "k", "x", "db", "-1"}), range);
  EXPECT_EQ(h.Run({"COPY", "k", "x", "db", "abc"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"COPY", "k", "x", "db", "99999999999"}), int32);
  EXPECT_EQ(h.Run({"COPY", "k", "x", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"COPY", "k", "x", "db"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"MOVE", "k", "0"}), same);
  EXPECT_EQ(h.Run({"MOVE", "nokey", "0"}), same);
  EXPECT_EQ(h.Run({"MOVE", "k", "16"}), range);
  EXPECT_EQ(h.Run({"MOVE", "k", "1.5"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"MOVE", "k", "99999999999"}), int32);
  EXPECT_EQ(h.Run({"SWAPDB", "0", "16"}), range);
  EXPECT_EQ(h.Run({"SWAPDB", "-1", "0"}), range);
  EXPECT_EQ(h.Run({"SWAPDB", "a", "0"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(h.Run({"SWAPDB", "0", "a"}), Err("ERR invalid second DB index"));
  EXPECT_EQ(h.Run({"SWAPDB", "99999999999", "0"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(h.Run({"SWAPDB", "0", "0"}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
}

TEST(KeysTest, CopyValueAndExpiry) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "100000"}), kOK);
  EXPECT_EQ(h.Run({"COPY", "nokey", "x"}), Int(0));
  EXPECT_EQ(h.Run({"COPY", "k", "x"}), Int(1));
  EXPECT_EQ(h.Run({"GET", "x"}), Bulk("v"));
  EXPECT_EQ(h.Run({"PTTL", "x"}), Int(100000));
  EXPECT_EQ(h.Run({"SET", "k", "w"}), kOK);  // a copy, not shared
  EXPECT_EQ(h.Run({"GET", "x"}), Bulk("v"));
  EXPECT_EQ(h.Run({"COPY", "k", "x"}), Int(0));  // exists, no REPLACE
  EXPECT_EQ(h.Run({"GET", "x"}), Bulk("v"));
  EXPECT_EQ(h.Run({"COPY", "k", "x", "REPLACE", "replace"}), Int(1));
  EXPECT_EQ(h.Run({"GET", "x"}), Bulk("w"));
  EXPECT_EQ(h.Run({"TTL", "x"}), Int(-1));  // the source's (no) expiry
  // Into another db (the last DB option wins); the same name there is fine.
  EXPECT_EQ(h.Run({"COPY", "k", "k", "DB", "1", "DB", "2"}), Int(1));
  EXPECT_EQ(h.Run({"SELECT", "2"}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("w"));
  EXPECT_EQ(h.Run({"SELECT", "1"}), kOK);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

TEST(KeysTest, MoveKeepsExpiryAndNeverOverwrites) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "k", "v", "PX", "5000"}), kOK);
  EXPECT_EQ(h.Run({"MOVE", "nokey", "1"}), Int(0));
  EXPECT_EQ(h.Run({"MOVE", "k", "1"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "k", "here"}), kOK);
  EXPECT_EQ(h.Run({"MOVE", "k", "1"}), Int(0));  // exists in db 1: nothing moves
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("here"));
  EXPECT_EQ(h.Run({"SELECT", "1"}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"PTTL", "k"}), Int(5000));
  // An expired key in the target does not block the move.
  EXPECT_EQ(h.Run({"SET", "e", "old", "PX", "10"}), kOK);
  EXPECT_EQ(h.Run({"SELECT", "0"}), kOK);
  EXPECT_EQ(h.Run({"SET", "e", "new"}), kOK);
  h.AdvanceMs(20);
  EXPECT_EQ(h.Run({"MOVE", "e", "1"}), Int(1));
}

TEST(KeysTest, SwapDbExchangesContentsNotSessions) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "a", "0"}), kOK);
  EXPECT_EQ(h.Run({"SELECT", "3"}), kOK);
  EXPECT_EQ(h.Run({"SET", "b", "3", "PX", "5000"}), kOK);
  EXPECT_EQ(h.Run({"SWAPDB", "3", "0"}), kOK);
  // The session stays on db 3, which now holds db 0's keys.
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("0"));
  EXPECT_EQ(h.Run({"EXISTS", "b"}), Int(0));
  EXPECT_EQ(h.Run({"SELECT", "0"}), kOK);
  EXPECT_EQ(h.Run({"PTTL", "b"}), Int(5000));
  EXPECT_EQ(h.Run({"DBSIZE"}), Int(1));
}

}  // namespace
}  // namespace kv::server
