// RESP2/RESP3 reply reader for clients: a full reader that builds Reply values, and an
// allocation-free scanner that only finds where each reply ends and whether it is an error (for
// load generators).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kv::resp {

struct Reply {
  enum class Type {
    kSimple,     // "+"
    kError,      // "-" and the RESP3 blob error "!"
    kInteger,    // ":"
    kBulk,       // "$"
    kNil,        // "$-1"
    kArray,      // "*"
    kNilArray,   // "*-1"
    kNull,       // RESP3 "_"
    kDouble,     // RESP3 ",": str is the text as sent ("1.5", "inf"), number its value
    kBoolean,    // RESP3 "#t" / "#f": integer is 1 or 0
    kBigNumber,  // RESP3 "(": str is the decimal digits (with an optional leading '-')
    kVerbatim,   // RESP3 "=": str is the text, format its 3-letter format ("txt", "mkd")
    kMap,        // RESP3 "%N": elements holds 2N replies, key, value, key, value...
    kSet,        // RESP3 "~"
    kPush,       // RESP3 ">" (out-of-band: pub/sub messages)
  };
  Type type = Type::kNil;
  std::string str;              // kSimple, kError, kBulk, kDouble, kBigNumber, kVerbatim
  int64_t integer = 0;          // kInteger, kBoolean
  double number = 0;            // kDouble
  std::string format;           // kVerbatim
  std::vector<Reply> elements;  // kArray, kMap (in pairs), kSet, kPush

  bool is_error() const { return type == Type::kError; }
  // kNil, kNilArray or kNull: "no value" in either protocol.
  bool is_null() const {
    return type == Type::kNil || type == Type::kNilArray || type == Type::kNull;
  }
};

enum class ReadResult { kComplete, kNeedMore, kError };

// Wire rules shared by ReplyReader and ScanReply: every line ends with "\r\n" (the first '\r'
// must be followed by '\n'); integers and lengths follow Redis's string2ll (no '+', no leading
// zeros, no spaces, at most 20 characters); `$-1` is a nil bulk and `*-1` a nil array, other
// negative lengths are errors; a bulk's data must be followed by "\r\n"; a bulk longer than
// max_bulk_len, an array longer than max_elements, or more than max_depth nested arrays is an
// error; a simple string or error line may be at most max_bulk_len bytes.
// RESP3 (what a server sends after HELLO 3): "_" must have an empty line, "#" is "t" or "f", ","
// a double as strtod reads it ("inf", "-inf", "nan" too), "(" decimal digits with an optional
// '-', "=" a bulk whose data starts with a 3-letter format and ':', "!" a bulk error; "%N" (N
// pairs: 2N elements, counted against max_elements), "~N" and ">N" are aggregates like "*N" but
// never -1, and count towards max_depth. An attribute "|N" (N pairs) is read with the same rules
// and dropped: the reply it annotates follows it and is what the reader returns (and the scanner
// measures from the attribute's first byte).

// Incremental reader: Feed() bytes as they arrive, then call Next() until it returns kNeedMore.
// Partial arrays are kept between calls, so a reply arriving in pieces is parsed in O(size).
class ReplyReader {
 public:
  struct Limits {
    int64_t max_bulk_len = 512LL * 1024 * 1024;
    int64_t max_elements = 1LL << 32;
    int max_depth = 64;
  };
  ReplyReader();
  explicit ReplyReader(const Limits& limits);

  void Feed(std::string_view bytes);
  // kComplete: *out holds the next reply. kError: the stream is malformed; error() says why and
  // the reader stays in the error state.
  ReadResult Next(Reply* out);
  const std::string& error() const { return error_; }
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  // An aggregate whose elements are still arriving.
  struct Frame {
    Reply reply;
    int64_t remaining = 0;
    bool attribute = false;  // dropped when complete
  };
  ReadResult Fail(std::string message);

  Limits limits_;
  std::string buf_;
  size_t pos_ = 0;
  size_t scan_from_ = 0;      // the line-end search for the element at pos_ resumes here
  std::vector<Frame> stack_;  // open aggregates, outermost first: work kept across kNeedMore
  bool failed_ = false;
  std::string error_;
};

// What the scanner learned about one complete reply.
struct ScannedReply {
  size_t length = 0;                     // bytes of the whole reply, nested elements included
  Reply::Type type = Reply::Type::kNil;  // of the top-level reply
  std::string_view error;                // kError: the message (view into the scanned data)
};

// Finds the end of the first reply in data without allocating, with ReplyReader's rules and
// default Limits. Stateless: the caller passes the unconsumed bytes each time (replies are small
// in load generation; large arrays rescan).
// kNeedMore: data holds no complete reply yet. kError: malformed (*error says why).
ReadResult ScanReply(std::string_view data, ScannedReply* out, std::string* error = nullptr);

}  // namespace kv::resp
