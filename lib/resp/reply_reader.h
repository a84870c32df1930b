// RESP2 reply reader for clients: a full reader that builds Reply values, and an allocation-free
// scanner that only finds where each reply ends and whether it is an error (for load generators).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kv::resp {

struct Reply {
  enum class Type { kSimple, kError, kInteger, kBulk, kNil, kArray, kNilArray };
  Type type = Type::kNil;
  std::string str;              // kSimple, kError, kBulk
  int64_t integer = 0;          // kInteger
  std::vector<Reply> elements;  // kArray

  bool is_error() const { return type == Type::kError; }
};

enum class ReadResult { kComplete, kNeedMore, kError };

// Wire rules shared by ReplyReader and ScanReply: every line ends with "\r\n" (the first '\r'
// must be followed by '\n'); integers and lengths follow Redis's string2ll (no '+', no leading
// zeros, no spaces, at most 20 characters); `$-1` is a nil bulk and `*-1` a nil array, other
// negative lengths are errors; a bulk's data must be followed by "\r\n"; a bulk longer than
// max_bulk_len, an array longer than max_elements, or more than max_depth nested arrays is an
// error; a simple string or error line may be at most max_bulk_len bytes.

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
  // An array whose elements are still arriving.
  struct Frame {
    Reply reply;
    int64_t remaining = 0;
  };
  ReadResult Fail(std::string message);

  Limits limits_;
  std::string buf_;
  size_t pos_ = 0;
  size_t scan_from_ = 0;      // the line-end search for the element at pos_ resumes here
  std::vector<Frame> stack_;  // open arrays, outermost first: work kept across kNeedMore
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
