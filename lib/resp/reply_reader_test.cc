// ReplyReader and ScanReply on hand-written streams: every reply type, nesting, splits at every
// byte, limits, and a malformed-reply set that both must reject.
#include "resp/reply_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "resp/parser_test_util.h"
#include "resp/reply_test_util.h"
#include "resp/reply_writer.h"

namespace kv::resp {
namespace {

using namespace std::string_literals;
using testing::Describe;
using testing::MakeArray;
using testing::MakeDouble;
using testing::MakeScalar;
using testing::MakeVerbatim;
using Type = Reply::Type;

struct ValidReply {
  std::string wire;
  Reply expected;
};

std::vector<ValidReply> ValidReplies() {
  std::vector<ValidReply> v;
  v.push_back({"+OK\r\n", MakeScalar(Type::kSimple, "OK")});
  v.push_back({"+\r\n", MakeScalar(Type::kSimple, "")});
  v.push_back({"+a\nb\r\n", MakeScalar(Type::kSimple, "a\nb")});  // only "\r\n" ends a line
  v.push_back(
      {"-ERR unknown command 'x'\r\n", MakeScalar(Type::kError, "ERR unknown command 'x'")});
  v.push_back({":0\r\n", MakeScalar(Type::kInteger, "", 0)});
  v.push_back({":-9223372036854775808\r\n", MakeScalar(Type::kInteger, "", INT64_MIN)});
  v.push_back({":9223372036854775807\r\n", MakeScalar(Type::kInteger, "", INT64_MAX)});
  v.push_back({"$5\r\nhello\r\n", MakeScalar(Type::kBulk, "hello")});
  v.push_back({"$0\r\n\r\n", MakeScalar(Type::kBulk, "")});
  v.push_back({"$7\r\na\r\n\0b\r\n\r\n"s, MakeScalar(Type::kBulk, "a\r\n\0b\r\n"s)});
  v.push_back({"$-1\r\n", MakeScalar(Type::kNil)});
  v.push_back({"*-1\r\n", MakeScalar(Type::kNilArray)});
  v.push_back({"*0\r\n", MakeArray({})});
  v.push_back({"*3\r\n:1\r\n$-1\r\n+x\r\n",
               MakeArray({MakeScalar(Type::kInteger, "", 1), MakeScalar(Type::kNil),
                          MakeScalar(Type::kSimple, "x")})});
  v.push_back({"*2\r\n*2\r\n$1\r\na\r\n*0\r\n*1\r\n*-1\r\n",
               MakeArray({MakeArray({MakeScalar(Type::kBulk, "a"), MakeArray({})}),
                          MakeArray({MakeScalar(Type::kNilArray)})})});
  v.push_back({"*1\r\n-ERR inside\r\n", MakeArray({MakeScalar(Type::kError, "ERR inside")})});
  // RESP3.
  v.push_back({"_\r\n", MakeScalar(Type::kNull)});
  v.push_back({"#t\r\n", MakeScalar(Type::kBoolean, "", 1)});
  v.push_back({"#f\r\n", MakeScalar(Type::kBoolean, "", 0)});
  v.push_back({",1.5\r\n", MakeDouble("1.5", 1.5)});
  v.push_back({",-0.25e3\r\n", MakeDouble("-0.25e3", -250)});
  v.push_back({",inf\r\n", MakeDouble("inf", HUGE_VAL)});
  v.push_back({",-inf\r\n", MakeDouble("-inf", -HUGE_VAL)});
  v.push_back({"(3492890328409238509324850943850943825024385\r\n",
               MakeScalar(Type::kBigNumber, "3492890328409238509324850943850943825024385")});
  v.push_back({"(-7\r\n", MakeScalar(Type::kBigNumber, "-7")});
  v.push_back({"=15\r\ntxt:Some string\r\n", MakeVerbatim("txt", "Some string")});
  v.push_back({"=4\r\nmkd:\r\n", MakeVerbatim("mkd", "")});
  v.push_back(
      {"!21\r\nSYNTAX invalid syntax\r\n", MakeScalar(Type::kError, "SYNTAX invalid syntax")});
  v.push_back({"%2\r\n+first\r\n:1\r\n+second\r\n_\r\n",
               MakeArray({MakeScalar(Type::kSimple, "first"), MakeScalar(Type::kInteger, "", 1),
                          MakeScalar(Type::kSimple, "second"), MakeScalar(Type::kNull)},
                         Type::kMap)});
  v.push_back({"%0\r\n", MakeArray({}, Type::kMap)});
  v.push_back({"~2\r\n+a\r\n~0\r\n",
               MakeArray({MakeScalar(Type::kSimple, "a"), MakeArray({}, Type::kSet)}, Type::kSet)});
  v.push_back({">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
               MakeArray({MakeScalar(Type::kBulk, "message"), MakeScalar(Type::kBulk, "ch"),
                          MakeScalar(Type::kBulk, "hi")},
                         Type::kPush)});
  // Attributes are dropped: the reply is what follows them, at any level.
  v.push_back({"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2\r\n",
               MakeArray({MakeScalar(Type::kInteger, "", 2)})});
  v.push_back({"*2\r\n:1\r\n|0\r\n|1\r\n+x\r\n+y\r\n:2\r\n",
               MakeArray({MakeScalar(Type::kInteger, "", 1), MakeScalar(Type::kInteger, "", 2)})});
  const std::string big(50000, 'q');
  v.push_back({"$50000\r\n" + big + "\r\n", MakeScalar(Type::kBulk, big)});
  return v;
}

std::string Stream(const std::vector<ValidReply>& replies) {
  std::string s;
  for (const auto& r : replies) s += r.wire;
  return s;
}

// Feeds `stream` with cuts and collects every reply (descriptions) until kNeedMore at the end.
std::vector<std::string> ReadAll(std::string_view stream, const std::vector<size_t>& cuts,
                                 std::string* error) {
  ReplyReader reader;
  std::vector<std::string> got;
  size_t prev = 0;
  std::vector<size_t> bounds = cuts;
  bounds.push_back(stream.size());
  for (size_t cut : bounds) {
    reader.Feed(stream.substr(prev, cut - prev));
    prev = cut;
    Reply r;
    ReadResult res;
    while ((res = reader.Next(&r)) == ReadResult::kComplete) got.push_back(Describe(r));
    if (res == ReadResult::kError) {
      *error = reader.error();
      return got;
    }
  }
  EXPECT_EQ(reader.buffered(), 0u);
  return got;
}

std::vector<std::string> Descriptions(const std::vector<ValidReply>& replies) {
  std::vector<std::string> v;
  for (const auto& r : replies) v.push_back(Describe(r.expected));
  return v;
}

TEST(ReplyReaderTest, WholeStream) {
  const auto replies = ValidReplies();
  std::string error;
  EXPECT_EQ(ReadAll(Stream(replies), {}, &error), Descriptions(replies));
  EXPECT_EQ(error, "");
}

TEST(ReplyReaderTest, SplitAtEveryByte) {
  const auto replies = ValidReplies();
  const std::string stream = Stream(replies);
  const auto want = Descriptions(replies);
  std::string error;
  for (size_t cut : testing::SplitCuts(stream.size(), 7)) {
    ASSERT_EQ(ReadAll(stream, {cut}, &error), want) << "cut at " << cut;
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < stream.size(); ++i) every.push_back(i);
  EXPECT_EQ(ReadAll(stream, every, &error), want);
  EXPECT_EQ(error, "");
}

TEST(ReplyReaderTest, NeedMoreUntilComplete) {
  const std::string wire = "*2\r\n$3\r\nabc\r\n:5\r\n";
  ReplyReader reader;
  Reply r;
  for (char c : wire.substr(0, wire.size() - 1)) {
    reader.Feed(std::string_view(&c, 1));
    ASSERT_EQ(reader.Next(&r), ReadResult::kNeedMore);
  }
  reader.Feed("\n");
  ASSERT_EQ(reader.Next(&r), ReadResult::kComplete);
  EXPECT_EQ(Describe(r), "[$\"abc\", :5]");
  EXPECT_EQ(reader.Next(&r), ReadResult::kNeedMore);
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(ScanReplyTest, LengthsTypesAndPrefixes) {
  for (const ValidReply& v : ValidReplies()) {
    ScannedReply s;
    std::string error;
    ASSERT_EQ(ScanReply(v.wire, &s, &error), ReadResult::kComplete) << v.wire << error;
    EXPECT_EQ(s.length, v.wire.size());
    EXPECT_EQ(s.type, v.expected.type);
    if (v.expected.type == Type::kError) {
      EXPECT_EQ(s.error, v.expected.str);
      EXPECT_GE(s.error.data(), v.wire.data());  // a view into the data
      EXPECT_LT(s.error.data(), v.wire.data() + v.wire.size());
    } else {
      EXPECT_TRUE(s.error.empty());
    }
    // Followed by more data: still only the first reply.
    ASSERT_EQ(ScanReply(v.wire + "+NEXT\r\n", &s), ReadResult::kComplete);
    EXPECT_EQ(s.length, v.wire.size());
    const size_t step = v.wire.size() > 1000 ? 101 : 1;
    for (size_t n = 0; n < v.wire.size(); n += step) {
      ASSERT_EQ(ScanReply(std::string_view(v.wire).substr(0, n), &s), ReadResult::kNeedMore)
          << v.wire.substr(0, 40) << " prefix " << n;
    }
  }
}

// Both readers must reject each of these, with the error found however the bytes are split.
std::vector<std::string> MalformedReplies() {
  std::vector<std::string> v = {
      "?abc\r\n",
      "\r\n",
      "OK\r\n",
      "@x\r\n",  // unknown type bytes
      "_x\r\n",  // RESP3 scalars with bad lines
      "#x\r\n",
      "#\r\n",
      "#tt\r\n",
      ",\r\n",
      ",1.5x\r\n",
      ", 1\r\n",
      ",abc\r\n",
      "(\r\n",
      "(-\r\n",
      "(12a\r\n",
      "(+1\r\n",
      "=3\r\ntxt\r\n",  // verbatim without "fmt:"
      "=5\r\ntxt-a\r\n",
      "=-1\r\n",
      "!-1\r\n",
      "%-1\r\n",  // only "*" may be -1
      "~-1\r\n",
      ">-1\r\n",
      "|-1\r\n",
      "%1\r\n:1\r\n?\r\n",
      "|1\r\n:1\r\n:2\r\n?\r\n",
      ":12a\r\n",
      ":+1\r\n",
      ":01\r\n",
      ": 1\r\n",
      ":1 \r\n",
      ":\r\n",
      ":-0\r\n",
      ":-\r\n",
      ":9223372036854775808\r\n",
      ":99999999999999999999\r\n",
      ":" + std::string(25, '1'),  // number line too long, no '\r' needed
      "$-2\r\n",
      "$abc\r\n",
      "$+1\r\na\r\n",
      "$01\r\na\r\n",
      "$\r\n",
      "$3\r\nabcXY",
      "$3\r\nab\r\n:1\r\n",
      "$3\r\nabc\n\r",
      "$0\r\nX\r\n",
      "*-2\r\n",
      "*x\r\n",
      "*01\r\n:1\r\n",
      "*2\r\n:1\r\n?\r\n",
      "*1\r\n$1\r\nabc\r\n",
      "+OK\rX",
      "-ERR\rX",
      ":1\rX",
      "$1\rX",
      "*1\rX",
  };
  std::string deep;
  for (int i = 0; i < 65; ++i) deep += "*1\r\n";
  v.push_back(deep + ":1\r\n");
  std::string deep_mixed;  // every aggregate type counts towards the depth
  for (int i = 0; i < 65; ++i) deep_mixed += std::string(1, "*~>%"[i % 4]) + "1\r\n";
  v.push_back(deep_mixed + ":1\r\n");
  std::string deep_empty;
  for (int i = 0; i < 64; ++i) deep_empty += "*1\r\n";
  v.push_back(deep_empty + "*0\r\n");
  return v;
}

TEST(ReplyReaderTest, MalformedRejectedAtEverySplit) {
  for (const std::string& bad : MalformedReplies()) {
    std::string whole_error;
    const auto got = ReadAll(bad, {}, &whole_error);
    EXPECT_TRUE(got.empty()) << bad;
    EXPECT_FALSE(whole_error.empty()) << testing::Escape(bad);
    for (size_t cut = 0; cut <= bad.size(); ++cut) {
      std::string error;
      ReadAll(bad, {cut}, &error);
      EXPECT_EQ(error, whole_error) << testing::Escape(bad) << " cut at " << cut;
    }
  }
}

TEST(ScanReplyTest, MalformedRejected) {
  for (const std::string& bad : MalformedReplies()) {
    ScannedReply s;
    std::string error;
    EXPECT_EQ(ScanReply(bad, &s, &error), ReadResult::kError) << testing::Escape(bad);
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(ScanReply(bad, &s), ReadResult::kError);  // no error string wanted
  }
}

TEST(ReplyReaderTest, StaysFailed) {
  ReplyReader reader;
  reader.Feed("?\r\n+OK\r\n");
  Reply r;
  ASSERT_EQ(reader.Next(&r), ReadResult::kError);
  EXPECT_EQ(reader.error(), "Protocol error: invalid reply type byte '?'");
  reader.Feed("+OK\r\n");
  EXPECT_EQ(reader.Next(&r), ReadResult::kError);
}

TEST(ReplyReaderTest, DepthLimitBoundary) {
  std::string ok;
  for (int i = 0; i < 64; ++i) ok += "*1\r\n";
  ok += ":1\r\n";
  ReplyReader reader;
  reader.Feed(ok);
  Reply r;
  ASSERT_EQ(reader.Next(&r), ReadResult::kComplete) << reader.error();
  ScannedReply s;
  ASSERT_EQ(ScanReply(ok, &s), ReadResult::kComplete);
  EXPECT_EQ(s.length, ok.size());

  ReplyReader shallow({.max_depth = 2});
  shallow.Feed("*1\r\n*1\r\n:1\r\n*1\r\n*1\r\n*0\r\n");
  ASSERT_EQ(shallow.Next(&r), ReadResult::kComplete);
  EXPECT_EQ(shallow.Next(&r), ReadResult::kError);
}

TEST(ReplyReaderTest, Limits) {
  Reply r;
  {
    ReplyReader reader({.max_bulk_len = 4});
    reader.Feed("$4\r\nabcd\r\n$5\r\n");
    ASSERT_EQ(reader.Next(&r), ReadResult::kComplete);
    EXPECT_EQ(reader.Next(&r), ReadResult::kError);
  }
  {
    ReplyReader reader({.max_bulk_len = 4});
    reader.Feed("+abcd\r\n+abcde");  // simple lines are bounded too, even before their end
    ASSERT_EQ(reader.Next(&r), ReadResult::kComplete);
    EXPECT_EQ(reader.Next(&r), ReadResult::kError);
  }
  {
    ReplyReader reader({.max_elements = 2});
    reader.Feed("*2\r\n:1\r\n:2\r\n*3\r\n");
    ASSERT_EQ(reader.Next(&r), ReadResult::kComplete);
    EXPECT_EQ(reader.Next(&r), ReadResult::kError);
  }
  {
    // A map of N pairs holds 2N elements.
    ReplyReader reader({.max_elements = 2});
    reader.Feed("%1\r\n:1\r\n:2\r\n%2\r\n");
    ASSERT_EQ(reader.Next(&r), ReadResult::kComplete);
    EXPECT_EQ(reader.Next(&r), ReadResult::kError);
  }
  {
    // A huge announced array reserves nothing up front and simply waits.
    ReplyReader reader;
    reader.Feed("*4000000000\r\n:1\r\n");
    EXPECT_EQ(reader.Next(&r), ReadResult::kNeedMore);
    ScannedReply s;
    EXPECT_EQ(ScanReply("*4000000000\r\n:1\r\n", &s), ReadResult::kNeedMore);
    EXPECT_EQ(ScanReply("*4294967297\r\n", &s), ReadResult::kError);  // > max_elements
    EXPECT_EQ(ScanReply("$536870913\r\n", &s), ReadResult::kError);   // > max_bulk_len
  }
}

// Many replies read one at a time from a reader fed in small pieces: the consumed prefix is
// dropped as it goes (buffered() stays small) and nothing is lost.
TEST(ReplyReaderTest, LongStreamCompacts) {
  ReplyReader reader;
  Reply r;
  size_t seen = 0;
  size_t max_buffered = 0;
  for (int i = 0; i < 20000; ++i) {
    reader.Feed(std::string(":").append(std::to_string(i)).append("\r\n"));
    while (reader.Next(&r) == ReadResult::kComplete) {
      ASSERT_EQ(r.integer, static_cast<int64_t>(seen));
      ++seen;
    }
    max_buffered = std::max(max_buffered, reader.buffered());
  }
  EXPECT_EQ(seen, 20000u);
  EXPECT_EQ(max_buffered, 0u);
}

// What ReplyWriter sends a RESP3 connection reads back as the RESP3 types.
TEST(ReplyReaderTest, ReadsWhatTheResp3WriterWrites) {
  std::string wire;
  ReplyWriter w(&wire, Protocol::kResp3);
  w.MapHeader(2);
  w.Bulk("score");
  w.Double(2.5);
  w.Bulk("ok");
  w.Boolean(true);
  w.SetHeader(1);
  w.Verbatim("# Server\r\n");
  w.PushHeader(2);
  w.Bulk("message");
  w.NullBulk();
  ReplyReader reader;
  reader.Feed(wire);
  Reply r;
  ASSERT_EQ(reader.Next(&r), ReadResult::kComplete) << reader.error();
  EXPECT_EQ(Describe(r), "%[$\"score\", ,\"2.5\"=2.500000, $\"ok\", #t]");
  ASSERT_EQ(reader.Next(&r), ReadResult::kComplete);
  EXPECT_EQ(Describe(r), "~[=txt:\"# Server\\x0d\\x0a\"]");
  ASSERT_EQ(reader.Next(&r), ReadResult::kComplete);
  EXPECT_EQ(Describe(r), ">[$\"message\", null]");
  EXPECT_TRUE(r.elements[1].is_null());
  EXPECT_EQ(reader.Next(&r), ReadResult::kNeedMore);
}

}  // namespace
}  // namespace kv::resp
