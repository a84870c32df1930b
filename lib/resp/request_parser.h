// Incremental RESP2 request parser for servers: multibulk (`*N\r\n$L\r\narg\r\n…`) and inline
// (`PING\r\n`) requests, with Redis 7's protocol error texts. No sockets, no globals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kv::resp {

// Limits are injected so that a server can tighten them (e.g. before AUTH) per connection.
struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len; larger: "invalid bulk length"
  int64_t max_multibulk_len = 2147483647;      // Redis 7: INT_MAX; 10 before AUTH
  size_t max_inline_len = 64 * 1024;           // PROTO_INLINE_MAX_SIZE: inline requests and
                                               // `*`/`$` header lines
  size_t max_prealloc_args = 1024;             // never reserve more argument slots up front
  // Redis 7.0.15 words limit violations of unauthenticated clients differently: set this with
  // the pre-AUTH limits (10 / 16384) to get "unauthenticated multibulk length" / "unauthenticated
  // bulk length" when a count or length is well-formed but over the limit.
  bool unauthenticated = false;
};

enum class ParseResult {
  kComplete,  // one request parsed: args() and consumed are valid
  kNeedMore,  // the request is incomplete: call again with the same bytes plus more
  kError,     // protocol error: reply "-" + error() + "\r\n", then close the connection
};

// Usage (one connection, one parser):
//
//   size_t consumed = 0;
//   switch (parser.Parse(std::string_view(buf).substr(pos), &consumed)) {
//     case ParseResult::kComplete: if (!parser.args().empty()) Run(parser.args());
//                                  pos += consumed; break;
//     case ParseResult::kNeedMore: read more into buf, call again from the same pos;
//     case ParseResult::kError:    reply parser.error(); close;
//   }
//
// Resumption: after kNeedMore the parser remembers how far it got (as offsets, never pointers),
// so the next call must pass data that starts at the same request byte: the caller may move or
// grow its buffer in between. Work already done is not repeated, so a 512 MB argument arriving
// in 16 KB reads costs O(total), not O(total^2).
//
// Lifetime of args(): the views point into the `data` of the call that returned kComplete (or,
// for inline arguments with quotes or escapes, into storage owned by the parser). They stay valid
// until the caller modifies or frees those bytes, or calls Parse() or Reset() again.
//
// Empty requests (`*0\r\n`, `*-1\r\n`, a blank inline line) return kComplete with no arguments;
// Redis treats them as no-ops.
//
// Where we deliberately differ from Redis 7 (networking.c), always towards rejecting input:
//  - Redis skips the two bytes after bulk data without looking at them; we require "\r\n" and
//    otherwise fail with "ERR Protocol error: invalid bulk length" (Redis's own vocabulary, so
//    clients see a familiar text). Likewise a `*N`/`$L` header's '\r' must be followed by '\n'
//    ("invalid multibulk length" / "invalid bulk length"; Redis skips whatever byte follows).
//  - Line limits do not depend on how the bytes were split into reads: a `*`/`$` header line
//    whose '\r' is more than max_inline_len bytes after its first byte is "too big mbulk/bulk
//    count string", and an inline request whose '\n' is more than max_inline_len bytes from its
//    start is "too big inline request", even if the whole line arrived at once (Redis checks
//    only while the line end is still missing, so its verdict depends on read sizes).
//  - Exceeding limits.max_multibulk_len / max_bulk_len reports "invalid multibulk length" /
//    "invalid bulk length", or with limits.unauthenticated the "unauthenticated ..." texts; Redis
//    picks by which of its two limits (INT_MAX / proto-max-bulk-len, or 10 / 16384) was hit.
//  - Like Redis (which copies the inline line into a C string), an inline line ends at its first
//    NUL byte: anything after it up to the newline is ignored.
class RequestParser {
 public:
  explicit RequestParser(const ParserLimits& limits = {});

  ParseResult Parse(std::string_view data, size_t* consumed);

  // Arguments of the request just completed.
  std::span<const std::string_view> args() const { return args_; }

  // After kError: the error reply without '-' and CRLF, e.g.
  // "ERR Protocol error: invalid bulk length".
  const std::string& error() const { return error_; }

  // How many more bytes the request in progress needs at least (0 when unknown). A server may
  // use it to size its next read for large arguments.
  size_t min_bytes_needed() const { return min_bytes_needed_; }

  // Argument slots currently allocated (for tests and memory accounting): bounded by
  // max_prealloc_args plus the arguments that actually arrived, never by an announced count.
  size_t reserved_arg_slots() const {
    return args_.capacity() > pending_.arg_offsets.capacity() ? args_.capacity()
                                                              : pending_.arg_offsets.capacity();
  }

  // Forget any partial request (e.g. after the caller dropped its buffer).
  void Reset();

  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  const ParserLimits& limits() const { return limits_; }

 private:
  // How a `*`/`$` header line search ended.
  enum class LineStatus { kFound, kNeedMore, kTooBig };

  ParseResult ParseMultibulk(std::string_view data, size_t* consumed);
  // The common case in one pass: a whole multibulk request with short, plain headers already in
  // data. Returns false, having changed nothing, for anything else (incomplete, unusual or
  // invalid), which the general path then handles with its exact errors and limits.
  bool ParseCompleteMultibulk(std::string_view data, size_t* consumed);
  ParseResult ParseInline(std::string_view data, size_t* consumed);
  // Splits one inline line (without its line ending) like Redis's sdssplitargs into args_.
  ParseResult SplitInline(std::string_view line);
  // Finds the '\r' that ends the header line starting at `start`, resuming the search where the
  // previous call stopped. *cr is its offset (the byte after it exists but is not checked).
  LineStatus FindHeaderEnd(std::string_view data, size_t start, size_t* cr);
  ParseResult Fail(std::string_view reason);
  void ClearPending();

  ParserLimits limits_;
  std::vector<std::string_view> args_;
  // Partial request state: offsets relative to the request's first byte, never pointers.
  struct Pending {
    int64_t argc = -1;      // -1: `*N` header not parsed yet
    int64_t bulk_len = -1;  // -1: the next `$L` header is not parsed yet
    size_t pos = 0;         // where parsing resumes
    size_t scan_from = 0;   // the line-end search already covered [line start, scan_from)
    std::vector<std::pair<size_t, size_t>> arg_offsets;  // (offset, length) of parsed arguments
  } pending_;
  // Inline arguments: either a view into data or a range of inline_storage_ (unescaped bytes).
  struct InlineToken {
    size_t offset;
    size_t length;
    bool stored;
  };
  std::vector<InlineToken> inline_tokens_;
  std::string inline_storage_;
  std::string error_;
  size_t min_bytes_needed_ = 0;
};

}  // namespace kv::resp
