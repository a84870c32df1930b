// Redis-compatible number parsing/formatting and glob matching (see text_util.h).
#include "server/engine/text_util.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace kv::server {

bool ParseScanCursor(std::string_view text, uint64_t* cursor) {
  const std::string s(text);
  if (s.empty() || s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')) return false;
  errno = 0;
  char* end = nullptr;
  *cursor = std::strtoull(s.c_str(), &end, 10);
  return *end == '\0' && errno != ERANGE;
}

bool ParseLongDouble(std::string_view s, long double* value) {
  char buf[kLongDoubleBufSize];
  if (s.empty() || s.size() >= sizeof(buf)) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  const long double v = std::strtold(buf, &end);
  if ((buf[0] == ' ' || (buf[0] >= '\t' && buf[0] <= '\r')) || *end != '\0' ||
      (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO)) ||
      std::isnan(v)) {
    return false;
  }
  *value = v;
  return true;
}

size_t FormatLongDoubleHuman(long double value, char* buf) {
  if (std::isinf(value)) {
    const char* text = value > 0 ? "inf" : "-inf";
    const size_t n = std::strlen(text);
    std::memcpy(buf, text, n + 1);
    return n;
  }
  int written = std::snprintf(buf, kLongDoubleBufSize, "%.17Lf", value);
  if (written < 0 || static_cast<size_t>(written) >= kLongDoubleBufSize) return 0;
  auto len = static_cast<size_t>(written);
  if (std::memchr(buf, '.', len) != nullptr) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') {
    buf[0] = '0';
    len = 1;
  }
  buf[len] = '\0';
  return len;
}

namespace {

// Matches one non-'*' pattern token at p[*pi] against c; advances *pi past the token.
bool MatchToken(std::string_view p, size_t* pi, char c, bool nocase) {
  size_t i = *pi;
  bool match = false;
  auto eq = [nocase](char a, char b) {
    return nocase ? AsciiToLower(a) == AsciiToLower(b) : a == b;
  };
  switch (p[i]) {
    case '?':
      match = true;
      break;
    case '[': {
      ++i;
      const bool negate = i < p.size() && p[i] == '^';
      if (negate) ++i;
      while (true) {
        if (i < p.size() && p[i] == '\\' && p.size() - i >= 2) {
          ++i;
          if (p[i] == c) match = true;
        } else if (i < p.size() && p[i] == ']') {
          break;
        } else if (i >= p.size()) {
          --i;  // unterminated class: stop at the last pattern byte, like Redis
          break;
        } else if (p.size() - i >= 3 && p[i + 1] == '-') {
          int start = p[i];
          int end = p[i + 2];
          int ch = c;
          if (start > end) std::swap(start, end);
          if (nocase) {
            start = AsciiToLower(static_cast<char>(start));
            end = AsciiToLower(static_cast<char>(end));
            ch = AsciiToLower(c);
          }
          i += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (eq(p[i], c)) {
          match = true;
        }
        ++i;
      }
      if (negate) match = !match;
      break;
    }
    case '\\':
      if (p.size() - i >= 2) ++i;
      match = eq(p[i], c);
      break;
    default:
      match = eq(p[i], c);
      break;
  }
  *pi = i + 1;
  return match;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  if (str.empty()) return pattern.empty();
  // Every token but '*' consumes exactly one byte, so greedy matching that backtracks to the last
  // '*' is exact and linear-ish (no exponential blow-up on "*a*a*a*b").
  size_t p = 0;
  size_t s = 0;
  size_t star_p = std::string_view::npos;
  size_t star_s = 0;
  while (s < str.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      star_p = p;
      star_s = s;
      continue;
    }
    size_t next = p;
    if (p < pattern.size() && MatchToken(pattern, &next, str[s], nocase)) {
      p = next;
      ++s;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    s = ++star_s;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace kv::server
