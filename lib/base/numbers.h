// Decimal number parsing, one implementation of each rule: ParseInt64 is Redis's string2ll (the
// RESP codec's lengths, kv-server's integer arguments: exactly what Redis accepts); ParseNumber is
// the whole-text std::from_chars rule for flags, settings and names.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace kv {

// Parses s as a signed 64-bit decimal integer the way Redis's string2ll does: an optional '-',
// then digits with no leading zero (only "0" itself may start with '0'), no '+', no spaces, at
// most 20 characters, no overflow. "-0" is rejected. Returns false (and leaves *value alone) when
// s is not such a number.
inline bool ParseInt64(std::string_view s, int64_t* value) {
  constexpr size_t kMaxChars = 20;  // LONG_STR_SIZE - 1: "-9223372036854775808"
  if (s.empty() || s.size() > kMaxChars) return false;
  if (s.size() == 1 && s[0] == '0') {
    *value = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > UINT64_MAX / 10) return false;
    v *= 10;
    if (v > UINT64_MAX - digit) return false;
    v += digit;
  }
  if (negative) {
    constexpr uint64_t kMinMagnitude = static_cast<uint64_t>(INT64_MAX) + 1;
    if (v > kMinMagnitude) return false;
    // Two's complement negation in unsigned arithmetic, then a well-defined conversion (C++20).
    *value = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *value = static_cast<int64_t>(v);
  }
  return true;
}

// text as a T (an integer or floating-point type) when all of it is one decimal number by
// std::from_chars's rules (an optional '-', no '+', no spaces; integers may have leading zeros;
// floating point also takes exponents, "inf" and "nan"); nullopt otherwise, also when the value
// does not fit in T.
template <class T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace kv
