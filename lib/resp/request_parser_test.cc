// RequestParser on valid input: multibulk, inline and mixed pipelines fed whole, split in two at
// every byte and byte by byte, with the buffer relocated between calls.
#include "resp/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp/parser_test_util.h"
#include "resp/request_encoder.h"

namespace kv::resp {
namespace {

using testing::Args;
using testing::EveryByte;
using testing::FeedChunks;
using testing::FeedOutcome;
using testing::SplitCuts;

// A stream of requests and what each must parse to.
struct Case {
  std::string name;
  std::vector<std::pair<std::string, Args>> requests;  // (wire bytes, expected args)

  std::string Stream() const {
    std::string s;
    for (const auto& r : requests) s += r.first;
    return s;
  }
  std::vector<Args> ExpectedArgs() const {
    std::vector<Args> v;
    for (const auto& r : requests) v.push_back(r.second);
    return v;
  }
  std::vector<size_t> ExpectedEnds() const {
    std::vector<size_t> v;
    size_t end = 0;
    for (const auto& r : requests) v.push_back(end += r.first.size());
    return v;
  }
};

std::pair<std::string, Args> M(const Args& args) { return {EncodeRequest(args), args}; }

std::vector<Case> ValidCases() {
  using namespace std::string_literals;
  std::vector<Case> cases;
  cases.push_back({"ping", {M({"PING"})}});
  cases.push_back({"set", {M({"SET", "key", "value"})}});
  cases.push_back({"binary", {M({"SET", "k\r\n", "a\r\n\0b\r"s, "\n", "\r", "\0"s, "$3\r\n*1"})}});
  cases.push_back({"empty_bulks", {M({"GET", ""}), M({"", "", ""})}});
  cases.push_back(
      {"empty_requests",
       {{"*0\r\n", {}}, {"*-1\r\n", {}}, {"*-7\r\n", {}}, M({"PING"}), {"*0\r\n", {}}}});
  cases.push_back(
      {"inline_basic",
       {{"PING\r\n", {"PING"}}, {"PING\n", {"PING"}}, {"SET a b\r\n", {"SET", "a", "b"}}}});
  cases.push_back({"inline_blanks",
                   {{"  SET \t a\t\tb   \r\n", {"SET", "a", "b"}},
                    {"\r\n", {}},
                    {"\n", {}},
                    {"   \t \r\n", {}},
                    {"GET a\rb\r\n", {"GET", "a", "b"}},
                    {"x\r\r\n", {"x"}}}});
  cases.push_back(
      {"inline_quotes",
       {
           {"SET \"a b\" 'c d'\r\n", {"SET", "a b", "c d"}},
           {"\"\\x41\\x4a\\x7e\\n\\r\\t\\b\\a\\\\\\\"\\q\"\n", {"AJ~\n\r\t\b\a\\\"q"}},
           {"\"\\xZZ\\x4\"\n", {"xZZx4"}},
           {"'it\\'s' 'a\\nb' \"\"\n", {"it's", "a\\nb", ""}},
           {"a\"b c\" d\n", {"ab c", "d"}},
           {"ab'c d'\t\"e\"\r\n", {"abc d", "e"}},
           {"'x'\n", {"x"}},
           {"\"\\x00\"\n", {"\0"s}},
           {"\"a\"\v'b'\fc\n", {"a", "b", "c"}},  // \v and \f: blanks after a quote and between
           {"a\vb\n", {"a\vb"}},                  // but not argument terminators
       }});
  cases.push_back({"inline_nul_ends_line",
                   {{"GET a\0b c\r\n"s, {"GET", "a"}}, {"\0PING\n"s, {}}, {"PING\n", {"PING"}}}});
  cases.push_back({"mixed_pipeline",
                   {M({"SET", "k", "v"}),
                    {"GET k\r\n", {"GET", "k"}},
                    {"*0\r\n", {}},
                    M({"DEL", "k"}),
                    {"\n", {}},
                    {"PING\n", {"PING"}},
                    M({"ECHO", "*1\r\n$4\r\nPING\r\n"})}});
  cases.push_back({"many_args", {M(Args(100, "xyz")), M(Args(1100, ""))}});
  cases.push_back({"large_bulk", {M({"SET", "k", std::string(20000, 'v')}), M({"GET", "k"})}});
  return cases;
}

// What a case must produce, computed once.
struct Expected {
  std::string stream;
  std::vector<Args> args;
  std::vector<size_t> ends;
};

Expected ExpectationOf(const Case& c) { return {c.Stream(), c.ExpectedArgs(), c.ExpectedEnds()}; }

void ExpectOutcome(const Case& c, const Expected& want, const FeedOutcome& got,
                   const std::string& how) {
  EXPECT_EQ(got.last, ParseResult::kNeedMore) << c.name << " " << how << ": " << got.error;
  EXPECT_EQ(got.requests, want.args) << c.name << " " << how;
  EXPECT_EQ(got.ends, want.ends) << c.name << " " << how;
  EXPECT_EQ(got.consumed, want.stream.size()) << c.name << " " << how;
}

TEST(RequestParserTest, WholeStream) {
  for (const Case& c : ValidCases()) {
    RequestParser parser;
    const Expected want = ExpectationOf(c);
    ExpectOutcome(c, want, FeedChunks(parser, want.stream, {}), "whole");
  }
}

TEST(RequestParserTest, TwoPartSplitAtEveryByte) {
  for (const Case& c : ValidCases()) {
    const Expected want = ExpectationOf(c);
    RequestParser parser;  // one parser for all splits: each stream ends on a request boundary
    for (size_t cut : SplitCuts(want.stream.size())) {
      ExpectOutcome(c, want, FeedChunks(parser, want.stream, {cut}),
                    "cut at " + std::to_string(cut));
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(RequestParserTest, ByteByByte) {
  for (const Case& c : ValidCases()) {
    RequestParser parser;
    const Expected want = ExpectationOf(c);
    ExpectOutcome(c, want, FeedChunks(parser, want.stream, EveryByte(want.stream.size()), 64),
                  "byte by byte");
  }
}

// A 1 MiB argument in 16 KiB reads and byte-sized tails; min_bytes_needed() tracks the rest.
TEST(RequestParserTest, LargeBulkResumesAndReportsMissingBytes) {
  const std::string value(1 << 20, 'x');
  const std::string stream = EncodeRequest({"SET", "key", value});
  RequestParser parser;
  std::vector<size_t> cuts;
  for (size_t i = 16384; i < stream.size(); i += 16384) cuts.push_back(i);
  const FeedOutcome got = FeedChunks(parser, stream, cuts, 8);
  ASSERT_EQ(got.requests.size(), 1u);
  EXPECT_EQ(got.requests[0][2], value);

  const size_t header = std::string("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$1048576\r\n").size();
  size_t consumed = 0;
  for (size_t have : {header, header + 1, header + 1000, stream.size() - 2, stream.size() - 1}) {
    ASSERT_EQ(parser.Parse(std::string_view(stream).substr(0, have), &consumed),
              ParseResult::kNeedMore);
    EXPECT_EQ(parser.min_bytes_needed(), stream.size() - have) << have;
  }
  // Before a bulk's header is complete the parser cannot know.
  ASSERT_EQ(parser.Parse(std::string_view(stream).substr(0, stream.size()), &consumed),
            ParseResult::kComplete);
  parser.Reset();
  ASSERT_EQ(parser.Parse(std::string_view(stream).substr(0, header - 3), &consumed),
            ParseResult::kNeedMore);
  EXPECT_EQ(parser.min_bytes_needed(), 0u);
}

TEST(RequestParserTest, PipelinedBatchInGrowingBuffer) {
  std::string stream;
  std::vector<Args> expected;
  for (int i = 0; i < 1000; ++i) {
    Args a = {"SET", "key:" + std::to_string(i), std::string(static_cast<size_t>(i % 50), 'v')};
    if (i % 3 == 0) {
      // Built piecewise: GCC 12 warns falsely (-Wrestrict) on `"x" + std::to_string(i)` here.
      a[2] = "x";
      a[2] += std::to_string(i);
      stream.append("SET ").append(a[1]).append(" ").append(a[2]).append("\r\n");
    } else {
      stream += EncodeRequest(a);
    }
    expected.push_back(a);
  }
  RequestParser parser;
  // Irregular reads, like a socket: 1, 7, 100, 4096, ...
  std::vector<size_t> cuts;
  const size_t steps[] = {1, 7, 100, 4096, 13, 333};
  for (size_t pos = 0, i = 0; (pos += steps[i % 6]) < stream.size(); ++i) cuts.push_back(pos);
  const FeedOutcome got = FeedChunks(parser, stream, cuts);
  EXPECT_EQ(got.last, ParseResult::kNeedMore) << got.error;
  EXPECT_EQ(got.requests, expected);
  EXPECT_EQ(got.consumed, stream.size());
}

// Bulk arguments and unquoted inline arguments are views into the caller's bytes.
TEST(RequestParserTest, ArgumentsAreViewsIntoData) {
  RequestParser parser;
  size_t consumed = 0;
  const std::string mbulk = EncodeRequest({"SET", "key", "value"});
  ASSERT_EQ(parser.Parse(mbulk, &consumed), ParseResult::kComplete);
  for (std::string_view a : parser.args()) {
    EXPECT_GE(a.data(), mbulk.data());
    EXPECT_LE(a.data() + a.size(), mbulk.data() + mbulk.size());
  }
  const std::string line = "SET key \"quoted value\" plain\r\n";
  ASSERT_EQ(parser.Parse(line, &consumed), ParseResult::kComplete);
  ASSERT_EQ(parser.args().size(), 4u);
  for (size_t i : {0, 1, 3}) {
    EXPECT_GE(parser.args()[i].data(), line.data());
    EXPECT_LE(parser.args()[i].data() + parser.args()[i].size(), line.data() + line.size());
  }
  const char* quoted = parser.args()[2].data();
  EXPECT_TRUE(quoted < line.data() || quoted >= line.data() + line.size());
  EXPECT_EQ(parser.args()[2], "quoted value");
}

// Reusing a parser for same-shaped requests keeps its vectors: no growth per argument.
TEST(RequestParserTest, ReusesArgumentStorage) {
  RequestParser parser;
  const std::string request = EncodeRequest(Args(64, "abc"));
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(request, &consumed), ParseResult::kComplete);
  const size_t slots = parser.reserved_arg_slots();
  EXPECT_GE(slots, 64u);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(parser.Parse(request, &consumed), ParseResult::kComplete);
    ASSERT_EQ(parser.args().size(), 64u);
  }
  EXPECT_EQ(parser.reserved_arg_slots(), slots);
}

TEST(RequestParserTest, HugeRequestReleasesStorageAfterwards) {
  RequestParser parser;
  const std::string request = EncodeRequest(Args(20000, "a"));
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(request, &consumed), ParseResult::kComplete);
  EXPECT_EQ(parser.args().size(), 20000u);
  ASSERT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n", &consumed), ParseResult::kComplete);
  EXPECT_LT(parser.reserved_arg_slots(), 20000u);
}

TEST(RequestParserTest, EmptyInputNeedsMore) {
  RequestParser parser;
  size_t consumed = 7;
  EXPECT_EQ(parser.Parse("", &consumed), ParseResult::kNeedMore);
  EXPECT_EQ(consumed, 0u);
  EXPECT_TRUE(parser.args().empty());
}

TEST(RequestParserTest, ResetDropsPartialRequest) {
  RequestParser parser;
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("*2\r\n$3\r\nGET\r\n", &consumed), ParseResult::kNeedMore);
  parser.Reset();
  ASSERT_EQ(parser.Parse("PING\r\n", &consumed), ParseResult::kComplete);
  EXPECT_EQ(consumed, 6u);
  ASSERT_EQ(parser.args().size(), 1u);
  EXPECT_EQ(parser.args()[0], "PING");
}

}  // namespace
}  // namespace kv::resp
