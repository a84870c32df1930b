// The request parser's error vocabulary (Redis 7's texts) and message helpers for fuzz targets.
#include "tests/fuzz/fuzz_common.h"

#include "base/ascii.h"

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

std::string Escaped(std::string_view bytes, size_t max_len) { return EscapeBytes(bytes, max_len); }

}  // namespace kv::fuzz
