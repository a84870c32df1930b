// RequestParser on malformed input: exact Redis 7 error texts, the same verdict however the
// bytes are split, no allocation for announced sizes, and injected (pre-AUTH style) limits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp/parser_test_util.h"
#include "resp/request_encoder.h"
#include "resp/request_parser.h"

namespace kv::resp {
namespace {

using testing::EveryByte;
using testing::FeedChunks;
using testing::FeedOutcome;

constexpr char kInvalidMbulk[] = "ERR Protocol error: invalid multibulk length";
constexpr char kInvalidBulk[] = "ERR Protocol error: invalid bulk length";
constexpr char kBigMbulk[] = "ERR Protocol error: too big mbulk count string";
constexpr char kBigBulk[] = "ERR Protocol error: too big bulk count string";
constexpr char kBigInline[] = "ERR Protocol error: too big inline request";
constexpr char kQuotes[] = "ERR Protocol error: unbalanced quotes in request";

struct BadCase {
  std::string input;
  std::string error;
  size_t good_requests = 0;  // complete requests before the bad one
};

std::vector<BadCase> BadCases() {
  using namespace std::string_literals;
  const std::string ping = "*1\r\n$4\r\nPING\r\n";
  std::vector<BadCase> v = {
      // Multibulk count.
      {"*abc\r\n", kInvalidMbulk},
      {"*+1\r\n", kInvalidMbulk},
      {"*01\r\n", kInvalidMbulk},
      {"*00\r\n", kInvalidMbulk},
      {"*-0\r\n", kInvalidMbulk},
      {"* 1\r\n", kInvalidMbulk},
      {"*1 \r\n", kInvalidMbulk},
      {"*\r\n", kInvalidMbulk},
      {"*-\r\n", kInvalidMbulk},
      {"*1x\r\n", kInvalidMbulk},
      {"*2147483648\r\n", kInvalidMbulk},           // > INT_MAX
      {"*9223372036854775808\r\n", kInvalidMbulk},  // > INT64_MAX
      {"*99999999999999999999999\r\n", kInvalidMbulk},
      {"*1\rX$4\r\nPING\r\n", kInvalidMbulk},  // header '\r' not followed by '\n'
      {"*1\n\r\n", kInvalidMbulk},
      // Bulk length.
      {"*1\r\n$-1\r\n", kInvalidBulk},
      {"*1\r\n$-5\r\n", kInvalidBulk},
      {"*1\r\n$99999999999\r\n", kInvalidBulk},
      {"*1\r\n$536870913\r\n", kInvalidBulk},  // proto-max-bulk-len + 1
      {"*1\r\n$+3\r\nGET\r\n", kInvalidBulk},
      {"*1\r\n$03\r\nGET\r\n", kInvalidBulk},
      {"*1\r\n$3 \r\nGET\r\n", kInvalidBulk},
      {"*1\r\n$ 3\r\nGET\r\n", kInvalidBulk},
      {"*1\r\n$abc\r\n", kInvalidBulk},
      {"*1\r\n$\r\n", kInvalidBulk},
      {"*1\r\n$3\rXGET\r\n", kInvalidBulk},
      // Bulk data not followed by CRLF (Redis would skip two bytes; we refuse).
      {"*1\r\n$3\r\nGETXY", kInvalidBulk},
      {"*1\r\n$3\r\nGET\rX", kInvalidBulk},
      {"*1\r\n$3\r\nGET\n\r", kInvalidBulk},
      {"*2\r\n$3\r\nGET\r\n$1\r\nab\r\n", kInvalidBulk},
      // Wrong type byte where a bulk header belongs.
      {"*1\r\nGET\r\n", "ERR Protocol error: expected '$', got 'G'"},
      {"*2\r\n$3\r\nGET\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
      {"*2\r\n$3\r\nGET\r\n*1\r\n", "ERR Protocol error: expected '$', got '*'"},
      {"*1\r\n\r\n", "ERR Protocol error: expected '$', got '\r'"},
      {"*1\r\n\0\r\n"s, "ERR Protocol error: expected '$', got '"},  // Redis's %c cuts at NUL
      {"*1\r\n$3\r\nGET\r\n"
       "*1\r\n+OK\r\n",
       "ERR Protocol error: expected '$', got '+'", 1},
      // Oversized lines.
      {"*" + std::string(70000, '1'), kBigMbulk},
      {"*1\r\n$" + std::string(70000, '1'), kBigBulk},
      {"*1\r\n$" + std::string(70000, '1') + "\r\n", kBigBulk},
      {std::string(70000, 'a'), kBigInline},
      {std::string(65537, 'a'), kBigInline},
      {std::string(65537, 'a') + "\r\n", kBigInline},  // the same verdict when '\n' is there
      // Unbalanced quotes.
      {"SET \"abc\r\n", kQuotes},
      {"SET 'abc\r\n", kQuotes},
      {"SET \"abc\"def\r\n", kQuotes},
      {"SET 'abc'def\r\n", kQuotes},
      {"SET \"a\\\"\r\n", kQuotes},  // the escaped quote does not close
      {"SET 'a\\'\r\n", kQuotes},
      {"\"\r\n", kQuotes},
      {"SET \"a\\\r\n", kQuotes},     // a backslash at the end of the line
      {"SET \"a\0\"\r\n"s, kQuotes},  // the NUL ends the line inside the quotes
  };
  // The same errors after good requests in the same stream.
  for (size_t i = 0, n = v.size(); i < n; ++i) {
    if (v[i].input.size() < 1000)
      v.push_back({ping + "PING\r\n" + v[i].input, v[i].error, v[i].good_requests + 2});
  }
  return v;
}

void ExpectError(const BadCase& c, const FeedOutcome& got, const std::string& how) {
  const std::string shown = c.input.substr(0, 40);
  EXPECT_EQ(got.last, ParseResult::kError) << shown << " " << how;
  EXPECT_EQ(got.error, c.error) << shown << " " << how;
  EXPECT_EQ(got.requests.size(), c.good_requests) << shown << " " << how;
}

TEST(RequestParserErrorTest, ExactErrorWhole) {
  for (const BadCase& c : BadCases()) {
    RequestParser parser;
    ExpectError(c, FeedChunks(parser, c.input, {}), "whole");
  }
}

TEST(RequestParserErrorTest, SameErrorAtEverySplit) {
  for (const BadCase& c : BadCases()) {
    const size_t step = c.input.size() > 1000 ? 997 : 1;  // sample the 64 KB lines
    for (size_t cut = 0; cut <= c.input.size(); cut += step) {
      RequestParser parser;
      ExpectError(c, FeedChunks(parser, c.input, {cut}), "cut at " + std::to_string(cut));
    }
    if (c.input.size() < 1000) {
      RequestParser parser;
      ExpectError(c, FeedChunks(parser, c.input, EveryByte(c.input.size())), "byte by byte");
    }
    if (::testing::Test::HasFailure()) return;
  }
}

// Incomplete requests are not errors: each must still be waiting for more bytes.
TEST(RequestParserErrorTest, IncompleteIsNeedMore) {
  for (std::string input :
       {"*", "*1", "*1\r", "*1\r\n", "*1\r\n$", "*1\r\n$3", "*1\r\n$3\r", "*1\r\n$3\r\n",
        "*1\r\n$3\r\nGE", "*1\r\n$3\r\nGET", "*1\r\n$3\r\nGET\r", "PING", "PING\r", "SET \"a b",
        "*1\r\nX"}) {  // Redis waits for the whole line before checking '$'
    RequestParser parser;
    size_t consumed = 9;
    EXPECT_EQ(parser.Parse(input, &consumed), ParseResult::kNeedMore) << input;
    EXPECT_EQ(consumed, 0u) << input;
  }
}

// Lines of exactly max_inline_len bytes are still acceptable; one more byte is not.
TEST(RequestParserErrorTest, LineLimitBoundaries) {
  ParserLimits limits;
  limits.max_inline_len = 100;
  size_t consumed = 0;
  {
    RequestParser parser(limits);
    std::string line = "SET k " + std::string(94, 'v');  // 100 bytes before '\r'
    EXPECT_EQ(parser.Parse(line, &consumed), ParseResult::kNeedMore);
    line += "\r";  // '\n' at offset 101 > 100
    EXPECT_EQ(parser.Parse(line, &consumed), ParseResult::kError);
    EXPECT_EQ(parser.error(), kBigInline);
    parser.Reset();
    std::string ok = "SET k " + std::string(93, 'v') + "\r\n";  // '\n' at offset 100
    ASSERT_EQ(parser.Parse(ok, &consumed), ParseResult::kComplete);
    EXPECT_EQ(consumed, ok.size());
    EXPECT_EQ(parser.Parse("SET k " + std::string(94, 'v') + "\n", &consumed),
              ParseResult::kComplete);
  }
  {
    RequestParser parser(limits);
    const std::string ok = "*" + std::string(98, '0') + "1";  // 99 digits: invalid, not too big
    EXPECT_EQ(parser.Parse(ok, &consumed), ParseResult::kNeedMore);
    EXPECT_EQ(parser.Parse(ok + "\r\n", &consumed), ParseResult::kError);
    EXPECT_EQ(parser.error(), kInvalidMbulk);
    parser.Reset();
    EXPECT_EQ(parser.Parse(ok + "2", &consumed), ParseResult::kError);
    EXPECT_EQ(parser.error(), kBigMbulk);
  }
}

// Announced sizes reserve nothing beyond max_prealloc_args.
TEST(RequestParserErrorTest, AnnouncedSizesDoNotAllocate) {
  RequestParser parser;
  size_t consumed = 0;
  std::string input = "*1000000000\r\n";
  ASSERT_EQ(parser.Parse(input, &consumed), ParseResult::kNeedMore);
  EXPECT_LE(parser.reserved_arg_slots(), 1024u);
  input += "$3\r\nGET\r\n$99999999\r\n";
  ASSERT_EQ(parser.Parse(input, &consumed), ParseResult::kNeedMore);
  EXPECT_LE(parser.reserved_arg_slots(), 1024u);
  EXPECT_EQ(parser.min_bytes_needed(), 99999999u + 2);

  RequestParser small({.max_prealloc_args = 4});
  ASSERT_EQ(small.Parse("*2147483647\r\n", &consumed), ParseResult::kNeedMore);
  EXPECT_LE(small.reserved_arg_slots(), 4u);

  RequestParser bulk;
  ASSERT_EQ(bulk.Parse("*1\r\n$536870912\r\nabc", &consumed), ParseResult::kNeedMore);
  EXPECT_EQ(bulk.min_bytes_needed(), 536870912u + 2 - 3);
  bulk.Reset();
  ASSERT_EQ(bulk.Parse("*1\r\n$99999999999\r\n", &consumed), ParseResult::kError);
  EXPECT_EQ(bulk.error(), kInvalidBulk);
  EXPECT_LE(bulk.reserved_arg_slots(), 1u);
}

// Redis's pre-AUTH limits: 10 arguments, 16384 bytes per bulk.
TEST(RequestParserErrorTest, TightLimits) {
  const ParserLimits tight{.max_bulk_len = 16384, .max_multibulk_len = 10};
  size_t consumed = 0;
  {
    RequestParser parser(tight);
    const std::string ok = EncodeRequest(std::vector<std::string>(10, std::string(16384, 'x')));
    ASSERT_EQ(parser.Parse(ok, &consumed), ParseResult::kComplete);
    EXPECT_EQ(consumed, ok.size());
    EXPECT_EQ(parser.args().size(), 10u);
  }
  {
    RequestParser parser(tight);
    EXPECT_EQ(parser.Parse("*11\r\n", &consumed), ParseResult::kError);
    EXPECT_EQ(parser.error(), kInvalidMbulk);
  }
  {
    RequestParser parser(tight);
    EXPECT_EQ(parser.Parse("*1\r\n$16385\r\n", &consumed), ParseResult::kError);
    EXPECT_EQ(parser.error(), kInvalidBulk);
  }
  {
    // Redis 7.0.15's wording for clients that have not authenticated yet.
    ParserLimits unauth = tight;
    unauth.unauthenticated = true;
    RequestParser parser(unauth);
    EXPECT_EQ(parser.Parse("*11\r\n", &consumed), ParseResult::kError);
    EXPECT_EQ(parser.error(), "ERR Protocol error: unauthenticated multibulk length");
    parser.Reset();
    EXPECT_EQ(parser.Parse("*1\r\n$16385\r\n", &consumed), ParseResult::kError);
    EXPECT_EQ(parser.error(), "ERR Protocol error: unauthenticated bulk length");
    parser.Reset();
    EXPECT_EQ(parser.Parse("*1x\r\n", &consumed), ParseResult::kError);  // syntax: still invalid
    EXPECT_EQ(parser.error(), kInvalidMbulk);
    parser.Reset();
    EXPECT_EQ(parser.Parse("*1\r\n$-2\r\n", &consumed), ParseResult::kError);
    EXPECT_EQ(parser.error(), kInvalidBulk);
  }
  {
    // Limits can change between requests (e.g. after AUTH).
    RequestParser parser(tight);
    const std::string big = EncodeRequest(std::vector<std::string>(11, "a"));
    EXPECT_EQ(parser.Parse(big, &consumed), ParseResult::kError);
    parser.Reset();
    parser.set_limits(ParserLimits{});
    EXPECT_EQ(parser.Parse(big, &consumed), ParseResult::kComplete);
    EXPECT_EQ(parser.args().size(), 11u);
  }
}

// After an error the parser holds nothing of the bad request; Reset() gives a clean start.
TEST(RequestParserErrorTest, ErrorLeavesNothingBehind) {
  RequestParser parser;
  size_t consumed = 5;
  ASSERT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n$x\r\n", &consumed), ParseResult::kError);
  EXPECT_EQ(consumed, 0u);
  EXPECT_TRUE(parser.args().empty());
  EXPECT_EQ(parser.min_bytes_needed(), 0u);
  parser.Reset();
  ASSERT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n", &consumed), ParseResult::kComplete);
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0], "PING");
}

}  // namespace
}  // namespace kv::resp
