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

  // Forget any partial request (e.g. after the caller dropped its buffer).
  void Reset();

  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  const ParserLimits& limits() const { return limits_; }

 private:
  ParseResult ParseMultibulk(std::string_view data, size_t* consumed);
  ParseResult ParseInline(std::string_view data, size_t* consumed);
  ParseResult Fail(std::string_view reason);

  ParserLimits limits_;
  std::vector<std::string_view> args_;
  // Partial multibulk state: offsets relative to the request's first byte.
  struct Pending {
    int64_t argc = -1;  // -1: header not parsed yet
    size_t pos = 0;     // where parsing resumes
    std::vector<std::pair<size_t, size_t>> arg_offsets;  // (offset, length) of parsed arguments
  } pending_;
  std::vector<std::string> inline_storage_;  // unescaped inline arguments
  std::string error_;
  size_t min_bytes_needed_ = 0;
};

}  // namespace kv::resp
