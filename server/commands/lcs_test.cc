// LCS semantics, reply layouts (RESP2 and RESP3) and error texts. Expected replies were checked
// against redis-server 7.0.15. Only strings exist in kv-server today, so no wrong-type case.
#include <gtest/gtest.h>

#include <string>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kOK;

// [[a0, a1], [b0, b1]] (+ length).
std::string Match(int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
  return Array({Array({Int(a0), Int(a1)}), Array({Int(b0), Int(b1)})});
}
std::string Match(int64_t a0, int64_t a1, int64_t b0, int64_t b1, int64_t len) {
  return Array({Array({Int(a0), Int(a1)}), Array({Int(b0), Int(b1)}), Int(len)});
}

TEST(LcsTest, StringAndLength) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "a", "ohmytext"}), kOK);
  EXPECT_EQ(h.Run({"SET", "b", "mynewtext"}), kOK);
  EXPECT_EQ(h.Run({"LCS", "a", "b"}), Bulk("mytext"));
  EXPECT_EQ(h.Run({"LCS", "a", "b", "LEN"}), Int(6));
  EXPECT_EQ(h.Run({"lcs", "b", "a", "len"}), Int(6));
  EXPECT_EQ(h.Run({"LCS", "a", "a"}), Bulk("ohmytext"));
  EXPECT_EQ(h.Run({"LCS", "na", "nb"}), Bulk(""));
  EXPECT_EQ(h.Run({"LCS", "a", "nb", "LEN"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "x", "abc"}), kOK);
  EXPECT_EQ(h.Run({"SET", "y", "xyz"}), kOK);
  EXPECT_EQ(h.Run({"LCS", "x", "y"}), Bulk(""));
}

TEST(LcsTest, Idx) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "a", "ohmytext"}), kOK);
  EXPECT_EQ(h.Run({"SET", "b", "mynewtext"}), kOK);
  // RESP2: the map is a flat array of 4.
  EXPECT_EQ(
      h.Run({"LCS", "a", "b", "IDX"}),
      Array({Bulk("matches"), Array({Match(4, 7, 5, 8), Match(2, 3, 0, 1)}), Bulk("len"), Int(6)}));
  EXPECT_EQ(h.Run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
            Array({Bulk("matches"), Array({Match(4, 7, 5, 8, 4)}), Bulk("len"), Int(6)}));
  EXPECT_EQ(
      h.Run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "-5"}),
      Array({Bulk("matches"), Array({Match(4, 7, 5, 8), Match(2, 3, 0, 1)}), Bulk("len"), Int(6)}));
  EXPECT_EQ(h.Run({"LCS", "na", "nb", "IDX"}),
            Array({Bulk("matches"), Array({}), Bulk("len"), Int(0)}));
  // RESP3: a map, as Redis 7 sends it.
  h.session.protocol = 3;
  EXPECT_EQ(h.Run({"LCS", "a", "b", "IDX", "WITHMATCHLEN"}),
            "%2\r\n" + Bulk("matches") + Array({Match(4, 7, 5, 8, 4), Match(2, 3, 0, 1, 2)}) +
                Bulk("len") + Int(6));
}

TEST(LcsTest, Errors) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "a", "ohmytext"}), kOK);
  EXPECT_EQ(h.Run({"LCS", "a"}), Err("ERR wrong number of arguments for 'lcs' command"));
  EXPECT_EQ(h.Run({"LCS", "a", "b", "IDX", "LEN"}),
            Err("ERR If you want both the length and indexes, please just use IDX."));
  EXPECT_EQ(h.Run({"LCS", "a", "b", "FOO"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LCS", "a", "b", "MINMATCHLEN"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"LCS", "a", "b", "MINMATCHLEN", "x"}),
            Err("ERR value is not an integer or out of range"));
  // The DP table ((len+1)^2 * 4 bytes) must fit proto-max-bulk-len.
  h.config.proto_max_bulk_len = 4 * 9 * 9 - 1;
  EXPECT_EQ(h.Run({"LCS", "a", "a"}),
            Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
  h.config.proto_max_bulk_len = 4 * 9 * 9;
  EXPECT_EQ(h.Run({"LCS", "a", "a", "LEN"}), Int(8));
}

}  // namespace
}  // namespace kv::server
