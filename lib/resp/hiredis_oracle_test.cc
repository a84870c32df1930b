// hiredis as an independent oracle for the codec: random nested replies written by ReplyWriter
// are read by hiredis's redisReader, ReplyReader and ScanReply (whole and split at every byte),
// requests formatted by redisFormatCommandArgv are parsed back by RequestParser, and EncodeRequest
// writes the same bytes as redisFormatCommandArgv.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "resp/parser_test_util.h"
#include "resp/reply_reader.h"
#include "resp/reply_test_util.h"
#include "resp/reply_writer.h"
#include "resp/request_encoder.h"
#include "resp/request_parser.h"

namespace kv::resp {
namespace {

using testing::Describe;
using Type = Reply::Type;

struct ReaderDeleter {
  void operator()(redisReader* r) const { redisReaderFree(r); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using HiredisReader = std::unique_ptr<redisReader, ReaderDeleter>;
using HiredisReply = std::unique_ptr<redisReply, ReplyDeleter>;

// hiredis 0.14 has one nil type and at most 7 nested levels (its task stack has 9 slots).
constexpr int kMaxDepth = 5;

Reply FromHiredis(const redisReply* h) {
  Reply r;
  switch (h->type) {
    case REDIS_REPLY_STATUS:
      r.type = Type::kSimple;
      break;
    case REDIS_REPLY_ERROR:
      r.type = Type::kError;
      break;
    case REDIS_REPLY_STRING:
      r.type = Type::kBulk;
      break;
    case REDIS_REPLY_INTEGER:
      r.type = Type::kInteger;
      break;
    case REDIS_REPLY_NIL:
      r.type = Type::kNil;
      break;
    case REDIS_REPLY_ARRAY:
      r.type = Type::kArray;
      break;
    default:
      ADD_FAILURE() << "unexpected hiredis type " << h->type;
  }
  if (r.type == Type::kSimple || r.type == Type::kError || r.type == Type::kBulk) {
    r.str.assign(h->str, h->len);
  }
  if (r.type == Type::kInteger) r.integer = h->integer;
  for (size_t i = 0; i < h->elements; ++i) r.elements.push_back(FromHiredis(h->element[i]));
  return r;
}

// Our reply as hiredis sees it: nil arrays and nil bulks are the same nil.
Reply AsHiredisSees(Reply r) {
  if (r.type == Type::kNilArray) r.type = Type::kNil;
  for (Reply& e : r.elements) e = AsHiredisSees(std::move(e));
  return r;
}

// Random replies with a fixed seed. `written` is what goes through ReplyWriter; `expected` is
// what a reader must return (CR/LF in simple strings and errors become spaces).
class ReplyGenerator {
 public:
  explicit ReplyGenerator(uint64_t seed) : rng_(seed) {}

  Reply Next(int depth = 0) {
    Reply r;
    const int kind = static_cast<int>(Pick(depth < kMaxDepth ? 9 : 7));
    switch (kind) {
      case 0:
        r.type = Type::kSimple;
        r.str = Text(true);
        break;
      case 1:
        r.type = Type::kError;
        r.str = "ERR " + Text(true);
        break;
      case 2:
        r.type = Type::kInteger;
        r.integer = Integer();
        break;
      case 3:
      case 4:
        r.type = Type::kBulk;
        r.str = Binary();
        break;
      case 5:
        r.type = Type::kNil;
        break;
      case 6:
        r.type = Type::kNilArray;
        break;
      default: {
        r.type = Type::kArray;
        const size_t n = Pick(6);
        for (size_t i = 0; i < n; ++i) r.elements.push_back(Next(depth + 1));
      }
    }
    return r;
  }

 private:
  uint64_t Pick(uint64_t n) { return rng_() % n; }

  std::string Text(bool allow_crlf) {
    std::string s(Pick(20), ' ');
    for (char& c : s) c = static_cast<char>(' ' + Pick(95));
    if (allow_crlf && !s.empty() && Pick(4) == 0) s[Pick(s.size())] = Pick(2) ? '\r' : '\n';
    return s;
  }

  std::string Binary() {
    const uint64_t size_class = Pick(10);
    const size_t len = size_class == 0 ? 0 : size_class < 8 ? Pick(40) : Pick(3000);
    std::string s(len, '\0');
    for (char& c : s) c = static_cast<char>(Pick(256));
    if (len > 2 && Pick(2) == 0) s.replace(Pick(len - 1), 2, "\r\n");
    return s;
  }

  int64_t Integer() {
    static constexpr int64_t kEdges[] = {0, 1, -1, INT64_MAX, INT64_MIN, 10, -10, 1LL << 32};
    if (Pick(3) == 0) return kEdges[Pick(std::size(kEdges))];
    return static_cast<int64_t>(rng_() >> Pick(64));
  }

  std::mt19937_64 rng_;
};

void Write(ReplyWriter& w, const Reply& r) {
  switch (r.type) {
    case Type::kSimple:
      w.Simple(r.str);
      break;
    case Type::kError:
      w.Error(r.str);
      break;
    case Type::kInteger:
      w.Integer(r.integer);
      break;
    case Type::kBulk:
      w.Bulk(r.str);
      break;
    case Type::kNil:
      w.NullBulk();
      break;
    case Type::kNilArray:
      w.NullArray();
      break;
    case Type::kArray:
      w.ArrayHeader(r.elements.size());
      for (const Reply& e : r.elements) Write(w, e);
      break;
    default:  // the RESP3 types: hiredis 0.14 reads RESP2 only, so the generator makes none
      ADD_FAILURE() << "RESP3 type in the RESP2 oracle";
      break;
  }
}

Reply ExpectedAfterWrite(Reply r) {
  if (r.type == Type::kSimple || r.type == Type::kError) {
    for (char& c : r.str) c = (c == '\r' || c == '\n') ? ' ' : c;
  }
  for (Reply& e : r.elements) e = ExpectedAfterWrite(std::move(e));
  return r;
}

struct Corpus {
  std::string stream;
  std::vector<Reply> expected;
  std::vector<size_t> lengths;  // wire bytes of each reply
};

Corpus MakeCorpus(uint64_t seed, int count) {
  ReplyGenerator gen(seed);
  Corpus c;
  ReplyWriter w(&c.stream);
  for (int i = 0; i < count; ++i) {
    const Reply r = gen.Next();
    const size_t before = c.stream.size();
    Write(w, r);
    c.lengths.push_back(c.stream.size() - before);
    c.expected.push_back(ExpectedAfterWrite(r));
  }
  return c;
}

// Reads the stream fed in pieces split at `cuts` with hiredis; descriptions of what it saw.
std::vector<std::string> ReadWithHiredis(std::string_view stream, const std::vector<size_t>& cuts) {
  HiredisReader reader(redisReaderCreate());
  std::vector<std::string> got;
  size_t prev = 0;
  std::vector<size_t> bounds = cuts;
  bounds.push_back(stream.size());
  for (size_t cut : bounds) {
    EXPECT_EQ(redisReaderFeed(reader.get(), stream.data() + prev, cut - prev), REDIS_OK);
    prev = cut;
    while (true) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) {
        ADD_FAILURE() << "hiredis: " << reader->errstr;
        return got;
      }
      if (raw == nullptr) break;
      HiredisReply reply(static_cast<redisReply*>(raw));
      got.push_back(Describe(FromHiredis(reply.get())));
    }
  }
  return got;
}

std::vector<Reply> ReadWithReplyReader(std::string_view stream, const std::vector<size_t>& cuts) {
  ReplyReader reader;
  std::vector<Reply> got;
  size_t prev = 0;
  std::vector<size_t> bounds = cuts;
  bounds.push_back(stream.size());
  for (size_t cut : bounds) {
    reader.Feed(stream.substr(prev, cut - prev));
    prev = cut;
    Reply r;
    ReadResult res;
    while ((res = reader.Next(&r)) == ReadResult::kComplete) got.push_back(std::move(r));
    if (res == ReadResult::kError) {
      ADD_FAILURE() << "ReplyReader: " << reader.error();
      return got;
    }
  }
  EXPECT_EQ(reader.buffered(), 0u);
  return got;
}

std::vector<std::string> HiredisView(const std::vector<Reply>& replies) {
  std::vector<std::string> v;
  for (const Reply& r : replies) v.push_back(Describe(AsHiredisSees(r)));
  return v;
}

std::vector<std::string> ExactView(const std::vector<Reply>& replies) {
  std::vector<std::string> v;
  for (const Reply& r : replies) v.push_back(Describe(r));
  return v;
}

TEST(HiredisOracleTest, RandomRepliesAgree) {
  const Corpus c = MakeCorpus(42, 400);
  const std::vector<Reply> ours = ReadWithReplyReader(c.stream, {});
  EXPECT_EQ(ExactView(ours), ExactView(c.expected));
  EXPECT_EQ(ReadWithHiredis(c.stream, {}), HiredisView(c.expected));

  // ScanReply walks the same stream reply by reply.
  size_t pos = 0;
  for (size_t i = 0; i < c.expected.size(); ++i) {
    ScannedReply s;
    std::string error;
    ASSERT_EQ(ScanReply(std::string_view(c.stream).substr(pos), &s, &error), ReadResult::kComplete)
        << i << ": " << error;
    EXPECT_EQ(s.length, c.lengths[i]) << i;
    EXPECT_EQ(s.type, c.expected[i].type) << i;
    if (s.type == Type::kError) {
      EXPECT_EQ(s.error, c.expected[i].str);
    }
    pos += s.length;
  }
  EXPECT_EQ(pos, c.stream.size());
}

TEST(HiredisOracleTest, SplitAtEveryByteAgree) {
  for (uint64_t seed : {1, 2, 3}) {
    const Corpus c = MakeCorpus(seed, 25);
    const auto want_exact = ExactView(c.expected);
    const auto want_hiredis = HiredisView(c.expected);
    for (size_t cut : testing::SplitCuts(c.stream.size())) {
      ASSERT_EQ(ExactView(ReadWithReplyReader(c.stream, {cut})), want_exact) << cut;
      ASSERT_EQ(ReadWithHiredis(c.stream, {cut}), want_hiredis) << cut;
    }
    const auto every = testing::EveryByte(c.stream.size());
    EXPECT_EQ(ExactView(ReadWithReplyReader(c.stream, every)), want_exact);
    EXPECT_EQ(ReadWithHiredis(c.stream, every), want_hiredis);
  }
}

// ScanReply on every prefix: kNeedMore until the first reply is whole.
TEST(HiredisOracleTest, ScanEveryPrefix) {
  const Corpus c = MakeCorpus(7, 40);
  size_t pos = 0;
  for (size_t i = 0; i < c.expected.size(); ++i) {
    const std::string_view rest = std::string_view(c.stream).substr(pos);
    ScannedReply s;
    for (size_t n = 0; n < c.lengths[i]; ++n) {
      ASSERT_EQ(ScanReply(rest.substr(0, n), &s), ReadResult::kNeedMore) << i << " " << n;
    }
    ASSERT_EQ(ScanReply(rest.substr(0, c.lengths[i]), &s), ReadResult::kComplete);
    EXPECT_EQ(s.length, c.lengths[i]);
    pos += c.lengths[i];
  }
}

std::vector<std::string> RandomArgv(std::mt19937_64& rng) {
  std::vector<std::string> argv(1 + rng() % 12);
  for (std::string& a : argv) {
    const uint64_t size_class = rng() % 8;
    a.resize(size_class == 0 ? 0 : size_class < 7 ? rng() % 30 : rng() % 20000);
    for (char& c : a) c = static_cast<char>(rng() % 256);
  }
  return argv;
}

std::string FormatWithHiredis(const std::vector<std::string>& argv) {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const std::string& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  char* cmd = nullptr;
  const int len =
      redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  EXPECT_GT(len, 0);
  std::string out(cmd, static_cast<size_t>(len));
  redisFreeCommand(cmd);
  return out;
}

TEST(HiredisOracleTest, FormattedCommandsParseBack) {
  std::mt19937_64 rng(99);
  std::string pipeline;
  std::vector<testing::Args> expected;
  for (int i = 0; i < 300; ++i) {
    const std::vector<std::string> argv = RandomArgv(rng);
    const std::string wire = FormatWithHiredis(argv);
    RequestParser parser;
    size_t consumed = 0;
    ASSERT_EQ(parser.Parse(wire, &consumed), ParseResult::kComplete) << parser.error();
    EXPECT_EQ(consumed, wire.size());
    EXPECT_EQ(testing::Args(parser.args().begin(), parser.args().end()), argv);
    pipeline += wire;
    expected.push_back(argv);
  }
  RequestParser parser;
  const auto got = testing::FeedChunks(parser, pipeline, testing::EveryByte(pipeline.size()), 256);
  EXPECT_EQ(got.last, ParseResult::kNeedMore) << got.error;
  EXPECT_EQ(got.requests, expected);
  EXPECT_EQ(got.consumed, pipeline.size());
}

TEST(HiredisOracleTest, RequestEncoderMatchesHiredisByteForByte) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 300; ++i) {
    const std::vector<std::string> argv = RandomArgv(rng);
    ASSERT_EQ(EncodeRequest(argv), FormatWithHiredis(argv)) << i;
  }
}

}  // namespace
}  // namespace kv::resp
