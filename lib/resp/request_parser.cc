// RequestParser: Redis 7 multibulk and inline request parsing with resumable state (see header).
#include "resp/request_parser.h"

#include <algorithm>
#include <cstring>

#include "base/numbers.h"

namespace kv::resp {
namespace {

// Argument slots kept between requests; a request with more arguments releases its vectors
// afterwards so that one huge request does not pin memory for the connection's lifetime.
constexpr size_t kMaxRetainedArgs = 8192;

// isspace() in the C locale, which sdssplitargs uses to skip blanks and to check the byte after
// a closing quote.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Bytes that end an unquoted inline argument (sdssplitargs's switch; NUL is handled by the
// caller cutting the line at its first NUL).
bool EndsUnquoted(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

const char* FindByte(std::string_view data, size_t from, size_t to, char byte) {
  if (from >= to) return nullptr;
  return static_cast<const char*>(std::memchr(data.data() + from, byte, to - from));
}

}  // namespace

RequestParser::RequestParser(const ParserLimits& limits) : limits_(limits) {}

void RequestParser::Reset() {
  ClearPending();
  args_.clear();
  min_bytes_needed_ = 0;
}

void RequestParser::ClearPending() {
  pending_.argc = -1;
  pending_.bulk_len = -1;
  pending_.pos = 0;
  pending_.scan_from = 0;
  if (pending_.arg_offsets.capacity() > kMaxRetainedArgs) {
    std::vector<std::pair<size_t, size_t>>().swap(pending_.arg_offsets);
  } else {
    pending_.arg_offsets.clear();
  }
}

ParseResult RequestParser::Fail(std::string_view reason) {
  error_.assign("ERR Protocol error: ");
  error_.append(reason);
  ClearPending();
  args_.clear();
  min_bytes_needed_ = 0;
  return ParseResult::kError;
}

ParseResult RequestParser::Parse(std::string_view data, size_t* consumed) {
  *consumed = 0;
  min_bytes_needed_ = 0;
  if (args_.capacity() > kMaxRetainedArgs) {
    std::vector<std::string_view>().swap(args_);
  } else {
    args_.clear();
  }
  if (data.empty()) return ParseResult::kNeedMore;
  if (pending_.argc >= 0 || data[0] == '*') return ParseMultibulk(data, consumed);
  return ParseInline(data, consumed);
}

RequestParser::LineStatus RequestParser::FindHeaderEnd(std::string_view data, size_t start,
                                                       size_t* cr) {
  // The line may be at most max_inline_len bytes before its '\r', so only that window is
  // searched: the verdict does not depend on how much of the stream has arrived.
  const size_t window_end =
      start + std::min(data.size() - start, limits_.max_inline_len + size_t{1});
  const size_t from = std::max(pending_.scan_from, start);
  const char* found = FindByte(data, from, window_end, '\r');
  if (found == nullptr) {
    if (window_end - start > limits_.max_inline_len) return LineStatus::kTooBig;
    pending_.scan_from = window_end;
    return LineStatus::kNeedMore;
  }
  *cr = static_cast<size_t>(found - data.data());
  if (*cr + 1 >= data.size()) {
    pending_.scan_from = *cr;  // the '\n' has not arrived yet
    return LineStatus::kNeedMore;
  }
  return LineStatus::kFound;
}

namespace {

// Reads a header's decimal number at *at (no sign, no leading zero unless the number is "0", at
// most 10 digits) up to its "\r\n", and moves *at past it. False, leaving *at alone, when the
// line is anything else or has not fully arrived.
[[gnu::always_inline]] inline bool ReadPlainHeaderNumber(const char** at, const char* end,
                                                         int64_t* value) {
  const char* q = *at;
  if (q == end || *q < '0' || *q > '9') return false;
  int64_t v = *q - '0';
  ++q;
  if (v == 0) {
    if (q == end || *q != '\r') return false;
  } else {
    const char* const digits_end = end - q > 9 ? q + 9 : end;
    while (q != end && q != digits_end && *q >= '0' && *q <= '9') v = v * 10 + (*q++ - '0');
  }
  if (end - q < 2 || q[0] != '\r' || q[1] != '\n') return false;
  *at = q + 2;
  *value = v;
  return true;
}

}  // namespace

bool RequestParser::ParseCompleteMultibulk(std::string_view data, size_t* consumed) {
  // Header lines here are at most 13 bytes: well inside any sane max_inline_len.
  if (limits_.max_inline_len < 16) return false;
  const char* const begin = data.data();
  const char* const end = begin + data.size();
  const char* q = begin + 1;  // after '*'
  int64_t argc = 0;
  if (!ReadPlainHeaderNumber(&q, end, &argc) || argc == 0 || argc > limits_.max_multibulk_len) {
    return false;
  }
  // args_ is empty here (Parse cleared it).
  for (int64_t i = 0; i < argc; ++i) {
    int64_t len = 0;
    if (q == end || *q != '$') break;
    ++q;
    if (!ReadPlainHeaderNumber(&q, end, &len) || len > limits_.max_bulk_len || end - q < len + 2 ||
        q[len] != '\r' || q[len + 1] != '\n') {
      break;
    }
    args_.emplace_back(q, static_cast<size_t>(len));
    q += len + 2;
  }
  if (static_cast<int64_t>(args_.size()) != argc) {
    args_.clear();
    return false;
  }
  *consumed = static_cast<size_t>(q - begin);
  pending_.scan_from = 0;  // an earlier kNeedMore on this request's `*N` line may have set it
  return true;
}

ParseResult RequestParser::ParseMultibulk(std::string_view data, size_t* consumed) {
  Pending& p = pending_;
  if (p.argc < 0) {
    if (ParseCompleteMultibulk(data, consumed)) return ParseResult::kComplete;
    size_t cr = 0;
    switch (FindHeaderEnd(data, 0, &cr)) {
      case LineStatus::kNeedMore:
        return ParseResult::kNeedMore;
      case LineStatus::kTooBig:
        return Fail("too big mbulk count string");
      case LineStatus::kFound:
        break;
    }
    int64_t count = 0;
    if (data[cr + 1] != '\n' || !ParseInt64(data.substr(1, cr - 1), &count)) {
      return Fail("invalid multibulk length");
    }
    if (count > limits_.max_multibulk_len) {
      return Fail(limits_.unauthenticated ? "unauthenticated multibulk length"
                                          : "invalid multibulk length");
    }
    if (count <= 0) {  // `*0` and `*-1`: an empty request, which Redis ignores
      *consumed = cr + 2;
      ClearPending();
      return ParseResult::kComplete;
    }
    p.argc = count;
    p.pos = cr + 2;
    p.scan_from = p.pos;
    p.bulk_len = -1;
    p.arg_offsets.clear();
    // Reserve for what is announced only up to a bound: the client may never send it.
    p.arg_offsets.reserve(static_cast<size_t>(
        std::min<int64_t>(count, static_cast<int64_t>(limits_.max_prealloc_args))));
  }

  while (static_cast<int64_t>(p.arg_offsets.size()) < p.argc) {
    if (p.bulk_len < 0) {
      size_t cr = 0;
      switch (FindHeaderEnd(data, p.pos, &cr)) {
        case LineStatus::kNeedMore:
          return ParseResult::kNeedMore;
        case LineStatus::kTooBig:
          return Fail("too big bulk count string");
        case LineStatus::kFound:
          break;
      }
      if (data[p.pos] != '$') {
        // Redis formats this with %c into a C string, so a NUL byte cuts the message short.
        std::string reason = "expected '$', got '";
        if (data[p.pos] != '\0') (reason += data[p.pos]) += '\'';
        return Fail(reason);
      }
      int64_t len = 0;
      if (data[cr + 1] != '\n' || !ParseInt64(data.substr(p.pos + 1, cr - p.pos - 1), &len) ||
          len < 0) {
        return Fail("invalid bulk length");
      }
      if (len > limits_.max_bulk_len) {
        return Fail(limits_.unauthenticated ? "unauthenticated bulk length"
                                            : "invalid bulk length");
      }
      p.bulk_len = len;
      p.pos = cr + 2;
    }
    const size_t need = static_cast<size_t>(p.bulk_len) + 2;
    const size_t available = data.size() - p.pos;
    if (available < need) {
      min_bytes_needed_ = need - available;
      return ParseResult::kNeedMore;
    }
    const size_t end = p.pos + static_cast<size_t>(p.bulk_len);
    if (data[end] != '\r' || data[end + 1] != '\n') return Fail("invalid bulk length");
    p.arg_offsets.emplace_back(p.pos, static_cast<size_t>(p.bulk_len));
    p.pos = end + 2;
    p.scan_from = p.pos;
    p.bulk_len = -1;
  }

  for (const auto& [offset, length] : p.arg_offsets) args_.push_back(data.substr(offset, length));
  *consumed = p.pos;
  ClearPending();
  return ParseResult::kComplete;
}

ParseResult RequestParser::ParseInline(std::string_view data, size_t* consumed) {
  // Same windowed rule as header lines: the '\n' must be within max_inline_len bytes.
  const size_t window_end = std::min(data.size(), limits_.max_inline_len + size_t{1});
  const char* found = FindByte(data, pending_.scan_from, window_end, '\n');
  if (found == nullptr) {
    if (window_end > limits_.max_inline_len) return Fail("too big inline request");
    pending_.scan_from = window_end;
    return ParseResult::kNeedMore;
  }
  const size_t newline = static_cast<size_t>(found - data.data());
  size_t end = newline;
  if (end > 0 && data[end - 1] == '\r') --end;
  std::string_view line = data.substr(0, end);
  // Redis splits a C-string copy of the line, so an embedded NUL ends it.
  if (const void* nul = std::memchr(line.data(), '\0', line.size()); nul != nullptr) {
    line = line.substr(0, static_cast<size_t>(static_cast<const char*>(nul) - line.data()));
  }
  const ParseResult result = SplitInline(line);
  if (result != ParseResult::kComplete) return result;
  *consumed = newline + 1;
  pending_.scan_from = 0;
  return ParseResult::kComplete;
}

ParseResult RequestParser::SplitInline(std::string_view line) {
  inline_tokens_.clear();
  inline_storage_.clear();
  const size_t n = line.size();
  size_t i = 0;
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) break;
    // Common case: an unquoted argument, which is a plain view into the data.
    size_t j = i;
    while (j < n && !EndsUnquoted(line[j]) && line[j] != '"' && line[j] != '\'') ++j;
    if (j == n || EndsUnquoted(line[j])) {
      inline_tokens_.push_back({i, j - i, false});
      i = j;
      continue;
    }
    // A quote: the unquoted prefix plus the unescaped quoted part go to storage, and the
    // argument ends at the closing quote, which must be followed by a blank or the end.
    const size_t start = inline_storage_.size();
    inline_storage_.append(line.substr(i, j - i));
    const char quote = line[j];
    size_t k = j + 1;
    while (true) {
      if (k >= n) return Fail("unbalanced quotes in request");
      const char c = line[k];
      if (quote == '"') {
        if (c == '\\' && k + 3 < n && line[k + 1] == 'x' && IsHexDigit(line[k + 2]) &&
            IsHexDigit(line[k + 3])) {
          inline_storage_.push_back(
              static_cast<char>(HexValue(line[k + 2]) * 16 + HexValue(line[k + 3])));
          k += 4;
          continue;
        }
        if (c == '\\' && k + 1 < n) {
          char out = line[k + 1];
          switch (out) {
            case 'n':
              out = '\n';
              break;
            case 'r':
              out = '\r';
              break;
            case 't':
              out = '\t';
              break;
            case 'b':
              out = '\b';
              break;
            case 'a':
              out = '\a';
              break;
            default:
              break;
          }
          inline_storage_.push_back(out);
          k += 2;
          continue;
        }
      } else if (c == '\\' && k + 1 < n && line[k + 1] == '\'') {
        inline_storage_.push_back('\'');
        k += 2;
        continue;
      }
      if (c == quote) {
        if (k + 1 < n && !IsSpace(line[k + 1])) return Fail("unbalanced quotes in request");
        ++k;
        break;
      }
      inline_storage_.push_back(c);
      ++k;
    }
    inline_tokens_.push_back({start, inline_storage_.size() - start, true});
    i = k;
  }
  // inline_storage_ no longer grows, so views into it are stable.
  for (const InlineToken& t : inline_tokens_) {
    args_.push_back(t.stored ? std::string_view(inline_storage_).substr(t.offset, t.length)
                             : line.substr(t.offset, t.length));
  }
  return ParseResult::kComplete;
}

}  // namespace kv::resp
