// Bit command semantics and error texts (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD), and a
// randomized oracle for BITCOUNT/BITPOS/BITOP. Expected replies were checked against redis-server
// 7.0.15. Only strings exist in kv-server today, so no WRONGTYPE cases.
#include <gtest/gtest.h>

#include <random>
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
using testing::kSyntax;

const std::string kErrOffset = Err("ERR bit offset is not an integer or out of range");
const std::string kErrBit = Err("ERR bit is not an integer or out of range");
const std::string kErrInt = Err("ERR value is not an integer or out of range");
const std::string kErrType = Err(
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.");

TEST(BitsTest, SetBitGetBit) {
  Harness h;
  EXPECT_EQ(h.Run({"SETBIT", "k", "7", "1"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("\x01"));
  EXPECT_EQ(h.Run({"SETBIT", "k", "7", "1"}), Int(1));
  EXPECT_EQ(h.Run({"SETBIT", "k", "7", "0"}), Int(1));
  EXPECT_EQ(h.Run({"SETBIT", "k", "0", "1"}), Int(0));
  EXPECT_EQ(h.Run({"SETBIT", "k", "23", "1"}), Int(0));  // grows with zero bytes
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk(std::string("\x80\x00\x01", 3)));
  EXPECT_EQ(h.Run({"GETBIT", "k", "0"}), Int(1));
  EXPECT_EQ(h.Run({"GETBIT", "k", "1"}), Int(0));
  EXPECT_EQ(h.Run({"GETBIT", "k", "23"}), Int(1));
  EXPECT_EQ(h.Run({"GETBIT", "k", "24"}), Int(0));  // past the end
  EXPECT_EQ(h.Run({"GETBIT", "k", "4294967295"}), Int(0));
  EXPECT_EQ(h.Run({"GETBIT", "nokey", "5"}), Int(0));
  EXPECT_EQ(h.Run({"SETBIT", "z", "0", "0"}), Int(0));  // creates the key even for a 0
  EXPECT_EQ(h.Run({"GET", "z"}), Bulk(std::string(1, '\0')));
  // A bit of an existing value keeps the rest, and the expiry.
  EXPECT_EQ(h.Run({"SET", "s", "a", "EX", "100"}), kOK);  // 'a' = 0x61
  EXPECT_EQ(h.Run({"SETBIT", "s", "6", "1"}), Int(0));
  EXPECT_EQ(h.Run({"GET", "s"}), Bulk("c"));
  EXPECT_EQ(h.Run({"TTL", "s"}), Int(100));
}

TEST(BitsTest, SetBitErrors) {
  Harness h;
  EXPECT_EQ(h.Run({"SETBIT", "k", "-1", "1"}), kErrOffset);
  EXPECT_EQ(h.Run({"SETBIT", "k", "x", "1"}), kErrOffset);
  EXPECT_EQ(h.Run({"SETBIT", "k", "x", "2"}), kErrOffset);           // the offset is checked first
  EXPECT_EQ(h.Run({"SETBIT", "k", "4294967296", "1"}), kErrOffset);  // 512 MB
  EXPECT_EQ(h.Run({"SETBIT", "k", "0", "2"}), kErrBit);
  EXPECT_EQ(h.Run({"SETBIT", "k", "0", "-1"}), kErrBit);
  EXPECT_EQ(h.Run({"SETBIT", "k", "0", "x"}), kErrBit);
  EXPECT_EQ(h.Run({"GETBIT", "k", "-1"}), kErrOffset);
  EXPECT_EQ(h.Run({"GETBIT", "nokey", "x"}), kErrOffset);
  EXPECT_EQ(h.Run({"SETBIT", "k", "1"}), Err("ERR wrong number of arguments for 'setbit' command"));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
  // The string a bit reaches is bounded by proto-max-bulk-len: offset / 8 < the limit.
  h.config.proto_max_bulk_len = 10;
  EXPECT_EQ(h.Run({"SETBIT", "k", "80", "1"}), kErrOffset);
  EXPECT_EQ(h.Run({"GETBIT", "k", "80"}), kErrOffset);
  EXPECT_EQ(h.Run({"SETBIT", "k", "79", "1"}), Int(0));
  EXPECT_EQ(h.Run({"STRLEN", "k"}), Int(10));
}

TEST(BitsTest, BitCount) {
  Harness h;
  EXPECT_EQ(h.Run({"BITCOUNT", "nokey"}), Int(0));
  EXPECT_EQ(h.Run({"BITCOUNT", "nokey", "a", "b"}), Int(0));  // a missing key: no parsing
  EXPECT_EQ(h.Run({"SET", "s", "foobar"}), kOK);
  EXPECT_EQ(h.Run({"BITCOUNT", "s"}), Int(26));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "0", "0"}), Int(4));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "1", "1"}), Int(6));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "1", "1", "BYTE"}), Int(6));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "5", "30", "bit"}), Int(17));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "-2", "-1"}), Int(7));  // "ar"
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "-1", "-2"}), Int(0));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "-100", "-200"}), Int(0));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "-100", "-200", "nonsense"}), Int(0));  // before the unit
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "-100", "0"}), Int(4));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "4", "100"}), Int(7));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "6", "100"}), Int(0));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "9223372036854775807", "-1"}), Int(0));
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "a", "b"}), kErrInt);
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "1"}), kSyntax);
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "1", "2", "3"}), kSyntax);
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "1", "2", "bits"}), kSyntax);
  EXPECT_EQ(h.Run({"BITCOUNT", "s", "1", "2", "bit", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"SET", "e", ""}), kOK);
  EXPECT_EQ(h.Run({"BITCOUNT", "e"}), Int(0));
  EXPECT_EQ(h.Run({"BITCOUNT", "e", "0", "-1"}), Int(0));
}

TEST(BitsTest, BitPos) {
  Harness h;
  EXPECT_EQ(h.Run({"BITPOS", "nokey", "0"}), Int(0));
  EXPECT_EQ(h.Run({"BITPOS", "nokey", "1"}), Int(-1));
  EXPECT_EQ(h.Run({"BITPOS", "nokey", "1", "a"}), Int(-1));  // a missing key: range not parsed
  EXPECT_EQ(h.Run({"SET", "a", std::string("\xff\xf0\x00", 3)}), kOK);
  EXPECT_EQ(h.Run({"BITPOS", "a", "0"}), Int(12));
  EXPECT_EQ(h.Run({"SET", "b", std::string("\x00\xff\xf0", 3)}), kOK);
  EXPECT_EQ(h.Run({"BITPOS", "b", "1", "0"}), Int(8));
  EXPECT_EQ(h.Run({"BITPOS", "b", "1", "2"}), Int(16));
  EXPECT_EQ(h.Run({"BITPOS", "b", "1", "2", "-1", "BYTE"}), Int(16));
  EXPECT_EQ(h.Run({"BITPOS", "b", "1", "7", "15", "BIT"}), Int(8));
  EXPECT_EQ(h.Run({"BITPOS", "b", "1", "7", "-3", "BIT"}), Int(8));
  EXPECT_EQ(h.Run({"BITPOS", "b", "0", "8", "12", "bit"}), Int(-1));
  EXPECT_EQ(h.Run({"BITPOS", "b", "0", "8", "20", "bit"}), Int(20));
  EXPECT_EQ(h.Run({"SET", "z", std::string(3, '\0')}), kOK);
  EXPECT_EQ(h.Run({"BITPOS", "z", "1"}), Int(-1));
  // All ones: a search for 0 without an end answers the bit past the string; with an end, -1.
  EXPECT_EQ(h.Run({"SET", "f", "\xff\xff\xff"}), kOK);
  EXPECT_EQ(h.Run({"BITPOS", "f", "0"}), Int(24));
  EXPECT_EQ(h.Run({"BITPOS", "f", "0", "1"}), Int(24));
  EXPECT_EQ(h.Run({"BITPOS", "f", "0", "3", "bit"}), kErrInt);  // 5 args: "bit" is the end
  EXPECT_EQ(h.Run({"BITPOS", "f", "0", "3", "-1", "bit"}), Int(-1));
  EXPECT_EQ(h.Run({"BITPOS", "f", "0", "0", "-1"}), Int(-1));
  EXPECT_EQ(h.Run({"BITPOS", "f", "0", "5"}), Int(-1));  // empty range
  EXPECT_EQ(h.Run({"SET", "e", ""}), kOK);
  EXPECT_EQ(h.Run({"BITPOS", "e", "0"}), Int(-1));
  EXPECT_EQ(h.Run({"BITPOS", "e", "1"}), Int(-1));
}

TEST(BitsTest, BitPosErrors) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "s", "foobar"}), kOK);
  EXPECT_EQ(h.Run({"BITPOS", "s", "2"}), Err("ERR The bit argument must be 1 or 0."));
  EXPECT_EQ(h.Run({"BITPOS", "nokey", "2"}), Err("ERR The bit argument must be 1 or 0."));
  EXPECT_EQ(h.Run({"BITPOS", "s", "x"}), kErrInt);
  EXPECT_EQ(h.Run({"BITPOS", "s", "1", "a"}), kErrInt);
  EXPECT_EQ(h.Run({"BITPOS", "s", "1", "1", "a"}), kErrInt);
  EXPECT_EQ(h.Run({"BITPOS", "s", "1", "1", "2", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"BITPOS", "s", "1", "1", "2", "bit", "x"}), kSyntax);
  EXPECT_EQ(h.Run({"BITPOS", "s"}), Err("ERR wrong number of arguments for 'bitpos' command"));
}

TEST(BitsTest, BitOp) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "a", "abc"}), kOK);
  EXPECT_EQ(h.Run({"SET", "b", std::string("\xff\x0f", 2)}), kOK);
  EXPECT_EQ(h.Run({"BITOP", "AND", "d", "a", "b"}), Int(3));
  EXPECT_EQ(h.Run({"GET", "d"}), Bulk(std::string("a\x02\x00", 3)));  // b is zero-padded
  EXPECT_EQ(h.Run({"BITOP", "or", "d", "a", "b"}), Int(3));
  EXPECT_EQ(h.Run({"GET", "d"}), Bulk(std::string("\xff\x6f\x63", 3)));
  EXPECT_EQ(h.Run({"BITOP", "XOR", "d", "a", "b", "a"}), Int(3));
  EXPECT_EQ(h.Run({"GET", "d"}), Bulk(std::string("\xff\x0f\x00", 3)));
  EXPECT_EQ(h.Run({"BITOP", "NOT", "d", "b"}), Int(2));
  EXPECT_EQ(h.Run({"GET", "d"}), Bulk(std::string("\x00\xf0", 2)));
  EXPECT_EQ(h.Run({"BITOP", "AND", "d", "a", "nokey"}), Int(3));  // missing = empty
  EXPECT_EQ(h.Run({"GET", "d"}), Bulk(std::string(3, '\0')));
  EXPECT_EQ(h.Run({"BITOP", "NOT", "a", "a"}), Int(3));  // dest may be a source
  EXPECT_EQ(h.Run({"GET", "a"}), Bulk("\x9e\x9d\x9c"));
  // The destination loses its TTL; an empty result deletes it.
  EXPECT_EQ(h.Run({"SET", "d", "x", "EX", "100"}), kOK);
  EXPECT_EQ(h.Run({"BITOP", "OR", "d", "b"}), Int(2));
  EXPECT_EQ(h.Run({"TTL", "d"}), Int(-1));
  EXPECT_EQ(h.Run({"BITOP", "OR", "d", "nokey", "nokey2"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "e", ""}), kOK);
  EXPECT_EQ(h.Run({"BITOP", "NOT", "d", "e"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "d"}), Int(0));
}

TEST(BitsTest, BitOpErrors) {
  Harness h;
  const std::string arity = Err("ERR wrong number of arguments for 'bitop' command");
  EXPECT_EQ(h.Run({"BITOP", "AND"}), arity);
  EXPECT_EQ(h.Run({"BITOP", "AND", "d"}), arity);
  EXPECT_EQ(h.Run({"BITOP", "NOT", "d"}), arity);
  EXPECT_EQ(h.Run({"BITOP", "FOO", "d", "a"}), kSyntax);
  EXPECT_EQ(h.Run({"BITOP", "NAND", "d", "a"}), kSyntax);
  EXPECT_EQ(h.Run({"BITOP", "NOT", "d", "a", "b"}),
            Err("ERR BITOP NOT must be called with a single source key."));
}

TEST(BitsTest, BitFieldGetSetIncrBy) {
  Harness h;
  EXPECT_EQ(h.Run({"BITFIELD", "k"}), Array({}));
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", "u8", "0"}), Array({Int(0)}));
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));  // GET alone never creates
  EXPECT_EQ(h.Run({"BITFIELD", "k", "SET", "u8", "0", "255", "GET", "u8", "0"}),
            Array({Int(0), Int(255)}));
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", "i8", "0", "GET", "u4", "4", "GET", "i4", "#1"}),
            Array({Int(-1), Int(15), Int(-1)}));
  EXPECT_EQ(h.Run({"BITFIELD", "k", "INCRBY", "u2", "100", "1", "GET", "u2", "100"}),
            Array({Int(1), Int(1)}));
  EXPECT_EQ(h.Run({"STRLEN", "k"}), Int(13));  // bit 101 lives in byte 12
  EXPECT_EQ(h.Run({"BITFIELD", "k", "SET", "i8", "#2", "-3", "GET", "u8", "16"}),
            Array({Int(0), Int(253)}));
  // 64-bit fields: i64 and u63 at unaligned offsets.
  EXPECT_EQ(h.Run({"BITFIELD", "n", "SET", "i64", "3", "-1", "GET", "u63", "3", "GET", "i64", "3"}),
            Array({Int(0), Int(INT64_MAX), Int(-1)}));
  EXPECT_EQ(h.Run({"BITFIELD", "n", "INCRBY", "i64", "3", "-9223372036854775807"}),
            Array({Int(INT64_MIN)}));
  EXPECT_EQ(h.Run({"BITFIELD", "m", "SET", "i64", "0", "-1", "GET", "u63", "0"}),
            Array({Int(0), Int(INT64_MAX)}));
  EXPECT_EQ(h.Run({"GET", "m"}), Bulk(std::string(8, '\xff')));
  EXPECT_EQ(h.Run({"BITFIELD_RO", "m", "GET", "u8", "0", "OVERFLOW", "SAT"}), Array({Int(255)}));
  EXPECT_EQ(h.Run({"BITFIELD_RO", "nokey", "GET", "i64", "0"}), Array({Int(0)}));
}

TEST(BitsTest, BitFieldOverflow) {
  Harness h;
  // FAIL: nil and no write, but the key is still created (grown first, as Redis does).
  EXPECT_EQ(h.Run({"BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u8", "0", "300"}), Array({kNil}));
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk(std::string(1, '\0')));
  // WRAP (the default): a SET of -1 into u8 stores 255; SAT clamps a negative SET to the max.
  EXPECT_EQ(h.Run({"BITFIELD", "k", "SET", "u8", "0", "-1"}), Array({Int(0)}));
  EXPECT_EQ(h.Run({"BITFIELD", "k", "OVERFLOW", "SAT", "SET", "u8", "0", "-1"}), Array({Int(255)}));
  EXPECT_EQ(h.Run({"BITFIELD", "k", "OVERFLOW", "sat", "SET", "i8", "0", "-200", "GET", "i8", "0"}),
            Array({Int(-1), Int(-128)}));
  EXPECT_EQ(h.Run({"BITFIELD", "k", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "-100"}),
            Array({Int(28)}));
  EXPECT_EQ(h.Run({"BITFIELD", "k", "INCRBY", "u8", "0", "300"}), Array({Int(72)}));
  EXPECT_EQ(h.Run({"BITFIELD", "k",  "OVERFLOW", "SAT",   "INCRBY",   "u8",   "0",      "300",
                   "INCRBY",   "u8", "0",        "-1000", "OVERFLOW", "FAIL", "INCRBY", "u8",
                   "0",        "-1", "INCRBY",   "u8",    "0",        "7"}),
            Array({Int(255), Int(0), kNil, Int(7)}));
  EXPECT_EQ(h.Run({"BITFIELD", "k",   "OVERFLOW", "SAT",
                   "INCRBY",   "i64", "8",        "9223372036854775807",
                   "INCRBY",   "i64", "8",        "1",
                   "INCRBY",   "i64", "8",        "-9223372036854775808",
                   "INCRBY",   "i64", "8",        "-9223372036854775808"}),
            Array({Int(INT64_MAX), Int(INT64_MAX), Int(-1), Int(INT64_MIN)}));
  EXPECT_EQ(h.Run({"BITFIELD", "w", "INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64",
                   "0", "2"}),
            Array({Int(INT64_MAX), Int(INT64_MIN + 1)}));
  EXPECT_EQ(
      h.Run({"BITFIELD", "w", "SET", "u1", "0", "2", "SET", "i1", "1", "1", "GET", "i1", "1"}),
      Array({Int(1), Int(0), Int(-1)}));
}

// Redis's signed overflow check computes max - value, which wraps for values near INT64_MIN: a
// SET of such a value counts as above max, so SAT stores max (redis-server 7.0.15 does).
TEST(BitsTest, BitFieldSignedSaturationQuirkAsRedis) {
  Harness h;
  EXPECT_EQ(h.Run({"BITFIELD",
                   "q",
                   "OVERFLOW",
                   "SAT",
                   "SET",
                   "i25",
                   "2",
                   "-9223372036854775808",
                   "GET",
                   "i25",
                   "2",
                   "SET",
                   "i8",
                   "0",
                   "-9223372036854775800",
                   "GET",
                   "i8",
                   "0",
                   "OVERFLOW",
                   "WRAP",
                   "SET",
                   "i8",
                   "0",
                   "-9223372036854775800",
                   "GET",
                   "i8",
                   "0"}),
            Array({Int(0), Int(16777215), Int(31), Int(127), Int(127), Int(8)}));
}

TEST(BitsTest, BitFieldErrors) {
  Harness h;
  EXPECT_EQ(h.Run({"BITFIELD"}), Err("ERR wrong number of arguments for 'bitfield' command"));
  EXPECT_EQ(h.Run({"BITFIELD_RO"}), Err("ERR wrong number of arguments for 'bitfield_ro' command"));
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET"}), kSyntax);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", "i8"}), kSyntax);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "SET", "i8", "0"}), kSyntax);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "FOO"}), kSyntax);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "OVERFLOW"}), kSyntax);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "OVERFLOW", "FOO"}),
            Err("ERR Invalid OVERFLOW type specified"));
  for (const char* type : {"i65", "u64", "i0", "u0", "x8", "I8", "i", "i-1", "u8x"}) {
    EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", type, "0"}), kErrType) << type;
  }
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", "i8", "-1"}), kErrOffset);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", "i8", "#x"}), kErrOffset);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", "i8", "#-1"}), kErrOffset);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", "i8", "#9223372036854775807"}), kErrOffset);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "GET", "i8", "4294967296"}), kErrOffset);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "SET", "i8", "0", "x"}), kErrInt);
  EXPECT_EQ(h.Run({"BITFIELD", "k", "INCRBY", "i8", "0", "1.5"}), kErrInt);
  EXPECT_EQ(h.Run({"BITFIELD_RO", "k", "SET", "i8", "0", "1"}),
            Err("ERR BITFIELD_RO only supports the GET subcommand"));
  EXPECT_EQ(h.Run({"BITFIELD_RO", "k", "INCRBY", "i8", "0", "x"}), kErrInt);  // parsing first
  // An error anywhere means nothing was done.
  EXPECT_EQ(h.Run({"BITFIELD", "k", "SET", "i8", "0", "1", "GET", "i65", "0"}), kErrType);
  EXPECT_EQ(h.Run({"EXISTS", "k"}), Int(0));
}

// ---- randomized oracle: BITCOUNT, BITPOS and BITOP against a bit-by-bit reference ----

int RefBit(const std::string& s, int64_t i) {
  return (static_cast<unsigned char>(s[static_cast<size_t>(i / 8)]) >> (7 - i % 8)) & 1;
}

// Redis's range rules, spelled out on bit indexes. Returns false for an empty range.
bool RefRange(int64_t len, int64_t start, int64_t end, bool bit_units, int64_t* lo, int64_t* hi) {
  const int64_t total = bit_units ? len * 8 : len;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end > total - 1) end = total - 1;
  if (start > end) return false;
  *lo = bit_units ? start : start * 8;
  *hi = bit_units ? end : end * 8 + 7;
  return true;
}

int64_t RefBitCount(const std::string& s, int64_t start, int64_t end, bool bit_units) {
  if (start < 0 && end < 0 && start > end) return 0;
  int64_t lo;
  int64_t hi;
  if (!RefRange(static_cast<int64_t>(s.size()), start, end, bit_units, &lo, &hi)) return 0;
  int64_t n = 0;
  for (int64_t i = lo; i <= hi; ++i) n += RefBit(s, i);
  return n;
}

int64_t RefBitPos(const std::string& s, int bit, int64_t start, int64_t end, bool end_given,
                  bool bit_units) {
  int64_t lo;
  int64_t hi;
  if (!RefRange(static_cast<int64_t>(s.size()), start, end, bit_units, &lo, &hi)) return -1;
  for (int64_t i = lo; i <= hi; ++i) {
    if (RefBit(s, i) == bit) return i;
  }
  return (bit == 0 && !end_given) ? hi + 1 : -1;
}

std::string RandomValue(std::mt19937_64& rng) {
  const size_t len = rng() % 40;
  std::string s(len, '\0');
  const int style = static_cast<int>(rng() % 4);  // runs of 0x00 / 0xff make BITPOS scan far
  for (char& c : s) {
    const unsigned r = static_cast<unsigned>(rng());
    if (style == 0) {
      c = static_cast<char>(r);
    } else if (style == 1) {
      c = static_cast<char>(r % 8 == 0 ? r : 0);
    } else if (style == 2) {
      c = static_cast<char>(r % 8 == 0 ? r : 0xff);
    } else {
      c = static_cast<char>(r % 2 ? 0xff : 0);
    }
  }
  return s;
}

TEST(BitsTest, RandomizedOracleBitCountBitPos) {
  Harness h;
  std::mt19937_64 rng(20240515);
  for (int round = 0; round < 300; ++round) {
    const std::string value = RandomValue(rng);
    ASSERT_EQ(h.Run({"SET", "k", value}), kOK);
    const auto len = static_cast<int64_t>(value.size());
    EXPECT_EQ(h.Run({"BITCOUNT", "k"}), Int(RefBitCount(value, 0, -1, false)));
    for (int q = 0; q < 20; ++q) {
      const bool bit_units = rng() % 2 != 0;
      const int64_t span = (bit_units ? len * 8 : len) + 3;
      const int64_t start = static_cast<int64_t>(rng() % (2 * span + 1)) - span;
      const int64_t end = static_cast<int64_t>(rng() % (2 * span + 1)) - span;
      const std::string unit = bit_units ? "BIT" : "BYTE";
      const std::string s = std::to_string(start);
      const std::string e = std::to_string(end);
      EXPECT_EQ(h.Run({"BITCOUNT", "k", s, e, unit}),
                Int(RefBitCount(value, start, end, bit_units)))
          << s << " " << e << " " << unit << " len " << len;
      const int bit = static_cast<int>(rng() % 2);
      const std::string b = std::to_string(bit);
      EXPECT_EQ(h.Run({"BITPOS", "k", b, s, e, unit}),
                Int(RefBitPos(value, bit, start, end, true, bit_units)))
          << "bit " << bit << " " << s << " " << e << " " << unit << " len " << len;
      EXPECT_EQ(h.Run({"BITPOS", "k", b, s}), Int(RefBitPos(value, bit, start, -1, false, false)))
          << "bit " << bit << " from " << s << " len " << len;
      EXPECT_EQ(h.Run({"BITPOS", "k", b}), Int(RefBitPos(value, bit, 0, -1, false, false)));
    }
  }
}

TEST(BitsTest, RandomizedOracleBitOp) {
  Harness h;
  std::mt19937_64 rng(7);
  const char* const ops[] = {"AND", "OR", "XOR", "NOT"};
  for (int round = 0; round < 300; ++round) {
    const std::string op = ops[rng() % 4];
    const size_t n = op == "NOT" ? 1 : 1 + rng() % 4;
    std::vector<std::string> values;
    std::vector<std::string> cmd = {"BITOP", op, "dest"};
    for (size_t i = 0; i < n; ++i) {
      const std::string key = "src" + std::to_string(i);
      cmd.push_back(key);
      if (rng() % 5 == 0) {
        values.emplace_back();  // a missing key
        h.Run({"DEL", key});
        continue;
      }
      values.push_back(RandomValue(rng));
      ASSERT_EQ(h.Run({"SET", key, values.back()}), kOK);
    }
    size_t max_len = 0;
    for (const std::string& v : values) max_len = std::max(max_len, v.size());
    std::string want(max_len, '\0');
    for (size_t j = 0; j < max_len; ++j) {
      auto byte = [&](size_t i) {
        return j < values[i].size() ? static_cast<unsigned char>(values[i][j]) : 0u;
      };
      unsigned out = byte(0);
      for (size_t i = 1; i < n; ++i) {
        if (op == "AND") out &= byte(i);
        if (op == "OR") out |= byte(i);
        if (op == "XOR") out ^= byte(i);
      }
      if (op == "NOT") out = ~out;
      want[j] = static_cast<char>(out);
    }
    ASSERT_EQ(h.Run(cmd), Int(static_cast<int64_t>(max_len)));
    EXPECT_EQ(h.Run({"GET", "dest"}), max_len == 0 ? kNil : Bulk(want)) << op << " x" << n;
  }
}

}  // namespace
}  // namespace kv::server
