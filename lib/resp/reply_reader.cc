// ReplyReader (incremental, builds Reply values) and ScanReply (finds reply boundaries without
// allocating). Both use ParseElement, which reads one element header or scalar.
#include "resp/reply_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "base/numbers.h"

namespace kv::resp {
namespace {

// A number line holds at most 20 characters (string2ll's limit) before its "\r\n".
constexpr size_t kMaxNumberChars = 20;
// Elements reserved up front for an announced array: the sender may never deliver them.
constexpr int64_t kMaxPreallocElements = 1024;

// One element: a scalar, or the header of a non-empty array (type kArray, count > 0).
struct Element {
  Reply::Type type = Reply::Type::kNil;
  std::string_view text;  // kSimple, kError, kBulk
  int64_t integer = 0;    // kInteger; kArray: the element count
  size_t end = 0;         // offset just past the element (past the header for an array)
};

std::string DescribeByte(char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  return std::string("0x") + kHex[u >> 4] + kHex[u & 0xf];
}

// Parses the element starting at data[pos]. *scan_from (may be null) is where the search for the
// line's '\r' resumes; it is advanced on kNeedMore so that a long line is scanned once.
ReadResult ParseElement(std::string_view data, size_t pos, const ReplyReader::Limits& limits,
                        size_t* scan_from, Element* out, std::string* error) {
  if (pos >= data.size()) return ReadResult::kNeedMore;
  const char type = data[pos];
  const bool is_number = type == ':' || type == '$' || type == '*';
  if (!is_number && type != '+' && type != '-') {
    if (error) *error = "Protocol error: invalid reply type byte " + DescribeByte(type);
    return ReadResult::kError;
  }
  const size_t max_line = is_number ? kMaxNumberChars : static_cast<size_t>(limits.max_bulk_len);
  const size_t line_start = pos + 1;
  const size_t window_end = line_start + std::min(data.size() - line_start, max_line + 1);
  const size_t from = std::max(scan_from ? *scan_from : 0, line_start);
  const void* found =
      from < window_end ? std::memchr(data.data() + from, '\r', window_end - from) : nullptr;
  if (found == nullptr) {
    if (window_end - line_start > max_line) {
      if (error) *error = "Protocol error: line too long";
      return ReadResult::kError;
    }
    if (scan_from) *scan_from = window_end;
    return ReadResult::kNeedMore;
  }
  const size_t cr = static_cast<size_t>(static_cast<const char*>(found) - data.data());
  if (cr + 1 >= data.size()) {
    if (scan_from) *scan_from = cr;
    return ReadResult::kNeedMore;
  }
  if (data[cr + 1] != '\n') {
    if (error) *error = "Protocol error: expected '\\n' after '\\r'";
    return ReadResult::kError;
  }
  const std::string_view line = data.substr(line_start, cr - line_start);
  out->end = cr + 2;
  if (type == '+' || type == '-') {
    out->type = type == '+' ? Reply::Type::kSimple : Reply::Type::kError;
    out->text = line;
    return ReadResult::kComplete;
  }
  int64_t value = 0;
  if (!ParseInt64(line, &value)) {
    if (error) *error = "Protocol error: invalid number '" + std::string(line) + "'";
    return ReadResult::kError;
  }
  if (type == ':') {
    out->type = Reply::Type::kInteger;
    out->integer = value;
    return ReadResult::kComplete;
  }
  if (type == '*') {
    if (value < -1 || value > limits.max_elements) {
      if (error) *error = "Protocol error: invalid array length " + std::string(line);
      return ReadResult::kError;
    }
    out->type = value == -1 ? Reply::Type::kNilArray : Reply::Type::kArray;
    out->integer = std::max<int64_t>(value, 0);
    return ReadResult::kComplete;
  }
  // '$'
  if (value < -1 || value > limits.max_bulk_len) {
    if (error) *error = "Protocol error: invalid bulk length " + std::string(line);
    return ReadResult::kError;
  }
  if (value == -1) {
    out->type = Reply::Type::kNil;
    return ReadResult::kComplete;
  }
  const size_t len = static_cast<size_t>(value);
  if (data.size() - out->end < len + 2) return ReadResult::kNeedMore;
  if (data[out->end + len] != '\r' || data[out->end + len + 1] != '\n') {
    if (error) *error = "Protocol error: bulk data not followed by CRLF";
    return ReadResult::kError;
  }
  out->type = Reply::Type::kBulk;
  out->text = data.substr(out->end, len);
  out->end += len + 2;
  return ReadResult::kComplete;
}

std::string TooDeep(int max_depth) {
  return "Protocol error: arrays nested deeper than " + std::to_string(max_depth);
}

}  // namespace

ReplyReader::ReplyReader() : ReplyReader(Limits{}) {}

ReplyReader::ReplyReader(const Limits& limits) : limits_(limits) {}

void ReplyReader::Feed(std::string_view bytes) {
  // Drop consumed bytes once they are at least half the buffer: amortised O(1) per byte.
  if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
    buf_.erase(0, pos_);
    scan_from_ -= std::min(scan_from_, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

ReadResult ReplyReader::Fail(std::string message) {
  failed_ = true;
  error_ = std::move(message);
  stack_.clear();
  return ReadResult::kError;
}

ReadResult ReplyReader::Next(Reply* out) {
  if (failed_) return ReadResult::kError;
  std::string error;
  while (true) {
    Element e;
    switch (ParseElement(buf_, pos_, limits_, &scan_from_, &e, &error)) {
      case ReadResult::kNeedMore:
        return ReadResult::kNeedMore;
      case ReadResult::kError:
        return Fail(std::move(error));
      case ReadResult::kComplete:
        break;
    }
    pos_ = e.end;
    scan_from_ = pos_;
    Reply item;
    item.type = e.type;
    // Every array counts as a level, an empty one too (ScanReply counts the same way).
    if (e.type == Reply::Type::kArray &&
        stack_.size() >= static_cast<size_t>(std::max(limits_.max_depth, 0))) {
      return Fail(TooDeep(limits_.max_depth));
    }
    if (e.type == Reply::Type::kArray && e.integer > 0) {
      stack_.push_back(Frame{std::move(item), e.integer});
      stack_.back().reply.elements.reserve(
          static_cast<size_t>(std::min(e.integer, kMaxPreallocElements)));
      continue;
    }
    if (e.type == Reply::Type::kInteger) item.integer = e.integer;
    if (e.type == Reply::Type::kSimple || e.type == Reply::Type::kError ||
        e.type == Reply::Type::kBulk) {
      item.str.assign(e.text);
    }
    // Attach the finished item to its array; finished arrays bubble up.
    while (true) {
      if (stack_.empty()) {
        *out = std::move(item);
        return ReadResult::kComplete;
      }
      Frame& top = stack_.back();
      top.reply.elements.push_back(std::move(item));
      if (--top.remaining > 0) break;
      item = std::move(top.reply);
      stack_.pop_back();
    }
  }
}

ReadResult ScanReply(std::string_view data, ScannedReply* out, std::string* error) {
  const ReplyReader::Limits limits;
  // Elements still expected by each open array, innermost last: no allocation, bounded depth.
  std::array<int64_t, 64> remaining{};
  static_assert(std::tuple_size_v<decltype(remaining)> >= ReplyReader::Limits{}.max_depth);
  size_t depth = 0;
  size_t pos = 0;
  const size_t max_depth = static_cast<size_t>(limits.max_depth);
  while (true) {
    Element e;
    const ReadResult r = ParseElement(data, pos, limits, nullptr, &e, error);
    if (r != ReadResult::kComplete) return r;
    if (pos == 0) {
      out->type = e.type;
      out->error = e.type == Reply::Type::kError ? e.text : std::string_view();
    }
    pos = e.end;
    if (e.type == Reply::Type::kArray) {
      if (depth >= max_depth) {
        if (error) *error = TooDeep(limits.max_depth);
        return ReadResult::kError;
      }
      if (e.integer > 0) {
        remaining[depth++] = e.integer;
        continue;
      }
    }
    // A complete element: close every array it completes.
    while (depth > 0 && --remaining[depth - 1] == 0) --depth;
    if (depth == 0) {
      out->length = pos;
      return ReadResult::kComplete;
    }
  }
}

}  // namespace kv::resp
