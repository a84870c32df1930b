// ReplyWriter: exact bytes for every reply type; FormatInt64 against std::to_string.
#include "resp/reply_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace kv::resp {
namespace {

using namespace std::string_literals;

std::string Format(int64_t v) {
  char buf[20];
  return std::string(buf, FormatInt64(v, buf));
}

TEST(ReplyWriterTest, EveryType) {
  std::string out;
  ReplyWriter w(&out);
  w.Simple("OK");
  w.Error("ERR syntax error");
  w.Integer(0);
  w.Integer(-42);
  w.Bulk("hello");
  w.Bulk("");
  w.Bulk("a\r\n\0b"s);
  w.NullBulk();
  w.ArrayHeader(0);
  w.ArrayHeader(3);
  w.NullArray();
  w.Raw("+RAW\r\n");
  EXPECT_EQ(out,
            "+OK\r\n-ERR syntax error\r\n:0\r\n:-42\r\n$5\r\nhello\r\n$0\r\n\r\n"
            "$5\r\na\r\n\0b\r\n$-1\r\n*0\r\n*3\r\n*-1\r\n+RAW\r\n"s);
  EXPECT_EQ(w.buffer(), &out);
}

TEST(ReplyWriterTest, Resp3TypesAndTheirResp2Fallbacks) {
  const auto write = [](Protocol p) {
    std::string out;
    ReplyWriter w(&out, p);
    w.MapHeader(2);
    w.SetHeader(3);
    w.PushHeader(3);
    w.Double(3.5);
    w.Double(0.1);
    w.Double(-std::numeric_limits<double>::infinity());
    w.Boolean(true);
    w.Boolean(false);
    w.Verbatim("a\r\nb");
    w.NullBulk();
    w.NullArray();
    return out;
  };
  EXPECT_EQ(write(Protocol::kResp3),
            "%2\r\n~3\r\n>3\r\n,3.5\r\n,0.10000000000000001\r\n,-inf\r\n#t\r\n#f\r\n"
            "=8\r\ntxt:a\r\nb\r\n_\r\n_\r\n");
  EXPECT_EQ(write(Protocol::kResp2),
            "*4\r\n*3\r\n*3\r\n$3\r\n3.5\r\n$19\r\n0.10000000000000001\r\n$4\r\n-inf\r\n"
            ":1\r\n:0\r\n$4\r\na\r\nb\r\n$-1\r\n*-1\r\n");
  EXPECT_TRUE(ReplyWriter(nullptr, Protocol::kResp3).resp3());
  EXPECT_FALSE(ReplyWriter(nullptr).resp3());
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(FormatDouble(1e300), "1.0000000000000001e+300");
}

TEST(ReplyWriterTest, AppendsToExistingContent) {
  std::string out = "prefix";
  ReplyWriter(&out).Integer(7);
  EXPECT_EQ(out, "prefix:7\r\n");
}

TEST(ReplyWriterTest, SimpleAndErrorCannotInjectProtocol) {
  std::string out;
  ReplyWriter w(&out);
  w.Simple("a\r\n+OK\r\nb");
  w.Error("ERR bad\nthing\r");
  w.Simple("");
  w.Simple("\0x"s);  // other bytes pass through
  EXPECT_EQ(out, "+a  +OK  b\r\n-ERR bad thing \r\n+\r\n+\0x\r\n"s);
}

TEST(ReplyWriterTest, IntegerEdges) {
  std::string out;
  ReplyWriter w(&out);
  w.Integer(std::numeric_limits<int64_t>::min());
  w.Integer(std::numeric_limits<int64_t>::max());
  w.Integer(1);
  w.Integer(-1);
  EXPECT_EQ(out, ":-9223372036854775808\r\n:9223372036854775807\r\n:1\r\n:-1\r\n");
}

TEST(ReplyWriterTest, LengthPrefixes) {
  std::string out;
  ReplyWriter w(&out);
  const std::string big(123456, 'z');
  w.Bulk(big);
  EXPECT_EQ(out, "$123456\r\n" + big + "\r\n");
  out.clear();
  w.ArrayHeader(std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(out, "*4294967295\r\n");
  out.clear();
  w.ArrayHeader(std::numeric_limits<size_t>::max());
  EXPECT_EQ(out, "*" + std::to_string(std::numeric_limits<size_t>::max()) + "\r\n");
}

TEST(ReplyWriterTest, Constants) {
  std::string out;
  ReplyWriter w(&out);
  w.Integer(0);
  EXPECT_EQ(out, kZero);
  out.clear();
  w.Integer(1);
  EXPECT_EQ(out, kOne);
  out.clear();
  w.Integer(-1);
  EXPECT_EQ(out, kMinusOne);
  out.clear();
  w.Integer(-2);
  EXPECT_EQ(out, kMinusTwo);
  out.clear();
  w.Simple("OK");
  EXPECT_EQ(out, kOk);
  out.clear();
  w.Simple("PONG");
  EXPECT_EQ(out, kPong);
  out.clear();
  w.Bulk("");
  EXPECT_EQ(out, kEmptyBulk);
  out.clear();
  w.ArrayHeader(0);
  EXPECT_EQ(out, kEmptyArray);
  EXPECT_EQ(kNullBulk, "$-1\r\n");
  EXPECT_EQ(kNullArray, "*-1\r\n");
}

TEST(FormatInt64Test, EdgeValuesMatchToString) {
  std::vector<int64_t> values = {0, 1, -1, 9, 10, 11, -9, -10, -11, 99, 100, 101, -99, -100};
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  for (int64_t v : {min, min + 1, min + 9, min + 10, max, max - 1, max - 9}) values.push_back(v);
  int64_t p = 1;
  for (int i = 0; i < 19; ++i) {
    for (int64_t v : {p - 1, p, p + 1, -p + 1, -p, -p - 1}) values.push_back(v);
    if (i < 18) p *= 10;
  }
  for (int64_t v : values) EXPECT_EQ(Format(v), std::to_string(v)) << v;
}

TEST(FormatInt64Test, RandomValuesMatchToString) {
  std::mt19937_64 rng(20240601);
  for (int i = 0; i < 100000; ++i) {
    const auto bits = rng();
    // Vary the magnitude: shift the bits right by 0..63.
    int64_t v = static_cast<int64_t>(bits >> (rng() % 64));
    if ((rng() & 1) != 0 && v != std::numeric_limits<int64_t>::min()) v = -v;
    ASSERT_EQ(Format(v), std::to_string(v)) << v;
  }
}

TEST(FormatInt64Test, WritesOnlyItsDigits) {
  char buf[32];
  std::fill(std::begin(buf), std::end(buf), '#');
  EXPECT_EQ(FormatInt64(-123, buf), 4u);
  EXPECT_EQ(std::string(buf, 5), "-123#");
  EXPECT_EQ(FormatInt64(std::numeric_limits<int64_t>::min(), buf), 20u);
}

}  // namespace
}  // namespace kv::resp
