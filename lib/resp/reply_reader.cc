// ReplyReader (incremental, builds Reply values) and ScanReply (finds reply boundaries without
// allocating). Both use ParseElement, which reads one element header or scalar.
#include "resp/reply_reader.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "base/numbers.h"

namespace kv::resp {
namespace {

// A number line holds at most 20 characters (string2ll's limit) before its "\r\n".
constexpr size_t kMaxNumberChars = 20;
// Elements reserved up front for an announced array: the sender may never deliver them.
constexpr int64_t kMaxPreallocElements = 1024;

// One element: a scalar, or the header of an aggregate (kArray, kMap, kSet, kPush; an attribute
// is a kMap header with `attribute` set).
struct Element {
  Reply::Type type = Reply::Type::kNil;
  std::string_view text;    // kSimple, kError, kBulk, kDouble, kBigNumber, kVerbatim
  std::string_view format;  // kVerbatim
  int64_t integer = 0;      // kInteger, kBoolean; an aggregate: its element count (2N for a map)
  double number = 0;        // kDouble
  bool attribute = false;   // "|N": read and dropped
  size_t end = 0;           // offset just past the element (past the header for an aggregate)
};

bool IsAggregate(Reply::Type type) {
  return type == Reply::Type::kArray || type == Reply::Type::kMap || type == Reply::Type::kSet ||
         type == Reply::Type::kPush;
}

std::string DescribeByte(char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  return std::string("0x") + kHex[u >> 4] + kHex[u & 0xf];
}

// A RESP3 double line as strtod reads it, whole; no allocation (doubles are short).
bool ParseDouble(std::string_view line, double* out) {
  char buf[128];
  if (line.empty() || line.size() >= sizeof(buf) || line[0] == ' ' ||
      (line[0] >= '\t' && line[0] <= '\r')) {
    return false;
  }
  std::memcpy(buf, line.data(), line.size());
  buf[line.size()] = '\0';
  char* end = nullptr;
  *out = std::strtod(buf, &end);
  return end == buf + line.size();
}

bool IsBigNumber(std::string_view line) {
  if (!line.empty() && line[0] == '-') line.remove_prefix(1);
  if (line.empty()) return false;
  for (char c : line) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Parses the element starting at data[pos]. *scan_from (may be null) is where the search for the
// line's '\r' resumes; it is advanced on kNeedMore so that a long line is scanned once.
ReadResult ParseElement(std::string_view data, size_t pos, const ReplyReader::Limits& limits,
                        size_t* scan_from, Element* out, std::string* error) {
  if (pos >= data.size()) return ReadResult::kNeedMore;
  const char type = data[pos];
  // Types whose line is a length or an integer, and types whose line is text.
  const bool is_number = std::strchr(":$*%~>|=!", type) != nullptr && type != '\0';
  const bool is_text = std::strchr("+-_#,(", type) != nullptr && type != '\0';
  if (!is_number && !is_text) {
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
  auto invalid = [&](std::string_view what) {
    if (error)
      *error = "Protocol error: invalid " + std::string(what) + " '" + std::string(line) + "'";
    return ReadResult::kError;
  };
  switch (type) {
    case '+':
    case '-':
      out->type = type == '+' ? Reply::Type::kSimple : Reply::Type::kError;
      out->text = line;
      return ReadResult::kComplete;
    case '_':
      if (!line.empty()) return invalid("null");
      out->type = Reply::Type::kNull;
      return ReadResult::kComplete;
    case '#':
      if (line != "t" && line != "f") return invalid("boolean");
      out->type = Reply::Type::kBoolean;
      out->integer = line == "t" ? 1 : 0;
      return ReadResult::kComplete;
    case ',':
      if (!ParseDouble(line, &out->number)) return invalid("double");
      out->type = Reply::Type::kDouble;
      out->text = line;
      return ReadResult::kComplete;
    case '(':
      if (!IsBigNumber(line)) return invalid("big number");
      out->type = Reply::Type::kBigNumber;
      out->text = line;
      return ReadResult::kComplete;
    default:
      break;
  }
  int64_t value = 0;
  if (!ParseInt64(line, &value)) return invalid("number");
  if (type == ':') {
    out->type = Reply::Type::kInteger;
    out->integer = value;
    return ReadResult::kComplete;
  }
  if (type == '*' || type == '~' || type == '>' || type == '%' || type == '|') {
    const bool pairs = type == '%' || type == '|';
    const int64_t max = pairs ? limits.max_elements / 2 : limits.max_elements;
    if (value < (type == '*' ? -1 : 0) || value > max) {
      if (error) *error = "Protocol error: invalid aggregate length " + std::string(line);
      return ReadResult::kError;
    }
    if (value == -1) {
      out->type = Reply::Type::kNilArray;
      return ReadResult::kComplete;
    }
    out->type = type == '*'   ? Reply::Type::kArray
                : type == '~' ? Reply::Type::kSet
                : type == '>' ? Reply::Type::kPush
                              : Reply::Type::kMap;
    out->attribute = type == '|';
    out->integer = pairs ? value * 2 : value;
    return ReadResult::kComplete;
  }
  // '$', '=' (verbatim), '!' (blob error): a length and that many bytes.
  if (value < (type == '$' ? -1 : 0) || value > limits.max_bulk_len) {
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
  out->text = data.substr(out->end, len);
  out->end += len + 2;
  if (type == '=') {
    if (len < 4 || out->text[3] != ':') {
      if (error) *error = "Protocol error: verbatim string without a format";
      return ReadResult::kError;
    }
    out->type = Reply::Type::kVerbatim;
    out->format = out->text.substr(0, 3);
    out->text.remove_prefix(4);
  } else {
    out->type = type == '$' ? Reply::Type::kBulk : Reply::Type::kError;
  }
  return ReadResult::kComplete;
}

std::string TooDeep(int max_depth) {
  return "Protocol error: aggregates nested deeper than " + std::to_string(max_depth);
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
    // Every aggregate counts as a level, an empty one too (ScanReply counts the same way).
    if (IsAggregate(e.type) &&
        stack_.size() >= static_cast<size_t>(std::max(limits_.max_depth, 0))) {
      return Fail(TooDeep(limits_.max_depth));
    }
    if (e.attribute && e.integer == 0) continue;  // an empty attribute: nothing to drop
    if (IsAggregate(e.type) && e.integer > 0) {
      stack_.push_back(Frame{std::move(item), e.integer, e.attribute});
      stack_.back().reply.elements.reserve(
          static_cast<size_t>(std::min(e.integer, kMaxPreallocElements)));
      continue;
    }
    item.integer = e.integer;
    item.number = e.number;
    item.str.assign(e.text);
    item.format.assign(e.format);
    // Attach the finished item to its aggregate; finished aggregates bubble up. A finished
    // attribute is dropped: the reply it annotates is still to come at the same level.
    while (true) {
      if (stack_.empty()) {
        *out = std::move(item);
        return ReadResult::kComplete;
      }
      Frame& top = stack_.back();
      top.reply.elements.push_back(std::move(item));
      if (--top.remaining > 0) break;
      const bool attribute = top.attribute;
      item = std::move(top.reply);
      stack_.pop_back();
      if (attribute) break;
    }
  }
}

ReadResult ScanReply(std::string_view data, ScannedReply* out, std::string* error) {
  const ReplyReader::Limits limits;
  // Elements still expected by each open array, innermost last: no allocation, bounded depth.
  std::array<int64_t, 64> remaining{};
  std::array<bool, 64> attribute{};  // the open aggregate at that level is an attribute
  static_assert(std::tuple_size_v<decltype(remaining)> >= ReplyReader::Limits{}.max_depth);
  size_t depth = 0;
  size_t pos = 0;
  const size_t max_depth = static_cast<size_t>(limits.max_depth);
  while (true) {
    Element e;
    const ReadResult r = ParseElement(data, pos, limits, nullptr, &e, error);
    if (r != ReadResult::kComplete) return r;
    if (depth == 0 && !e.attribute) {
      out->type = e.type;
      out->error = e.type == Reply::Type::kError ? e.text : std::string_view();
    }
    pos = e.end;
    if (IsAggregate(e.type)) {
      if (depth >= max_depth) {
        if (error) *error = TooDeep(limits.max_depth);
        return ReadResult::kError;
      }
      if (e.attribute && e.integer == 0) continue;
      if (e.integer > 0) {
        attribute[depth] = e.attribute;
        remaining[depth++] = e.integer;
        continue;
      }
    }
    // A complete element: close every aggregate it completes (a closed attribute does not count
    // as an element of its parent).
    while (true) {
      if (depth == 0) {
        out->length = pos;
        return ReadResult::kComplete;
      }
      if (--remaining[depth - 1] > 0) break;
      --depth;
      if (attribute[depth]) break;
    }
  }
}

}  // namespace kv::resp
