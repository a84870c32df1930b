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
  std::string str;       // kSimple, kError, kBulk
  int64_t integer = 0;   // kInteger
  std::vector<Reply> elements;  // kArray

  bool is_error() const { return type == Type::kError; }
};

enum class ReadResult { kComplete, kNeedMore, kError };

// Incremental reader: Feed() bytes as they arrive, then call Next() until it returns kNeedMore.
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
  Limits limits_;
  std::string buf_;
  size_t pos_ = 0;
  std::string error_;
};

// What the scanner learned about one complete reply.
struct ScannedReply {
  size_t length = 0;     // bytes of the whole reply, nested elements included
  Reply::Type type = Reply::Type::kNil;  // of the top-level reply
  std::string_view error;  // kError: the message (view into the scanned data)
};

// Finds the end of the first reply in data without allocating. Stateless: the caller passes the
// unconsumed bytes each time (replies are small in load generation; large arrays rescan).
// kNeedMore: data holds no complete reply yet. kError: malformed (*error says why).
ReadResult ScanReply(std::string_view data, ScannedReply* out, std::string* error = nullptr);

}  // namespace kv::resp
