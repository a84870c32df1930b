// The request parser's error vocabulary (Redis 7's texts) and message helpers for fuzz targets.
#include "tests/fuzz/fuzz_common.h"

namespace kv::fuzz {

bool IsKnownProtocolError(std::string_view text) {
  constexpr std::string_view kPrefix = "ERR Protocol error: ";
  if (!text.starts_with(kPrefix)) return false;
  const std::string_view reason = text.substr(kPrefix.size());
  for (std::string_view known :
       {"invalid multibulk length", "invalid bulk length", "too big mbulk count string",
        "too big bulk count string", "too big inline request", "unbalanced quotes in request",
        "unauthenticated multibulk length", "unauthenticated bulk length"}) {
    if (reason == known) return true;
  }
  // "expected '$', got 'c'" for any byte c except NUL, which cuts the text after "got '" (Redis
  // formats it into a C string).
  constexpr std::string_view kExpected = "expected '$', got '";
  if (!reason.starts_with(kExpected)) return false;
  const std::string_view rest = reason.substr(kExpected.size());
  return rest.empty() || (rest.size() == 2 && rest[0] != '\0' && rest[1] == '\'');
}

std::string Escaped(std::string_view bytes, size_t max_len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace kv::fuzz
