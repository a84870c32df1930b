// Replaces non-finite number tokens by null, scanning outside string literals only.
#include "tools/compare/json_text.h"

#include <array>

namespace kv::compare {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

// Length of the non-finite token starting at text[i] (sign included), or 0 if there is none.
size_t NonFiniteTokenLength(std::string_view text, size_t i) {
  static constexpr std::array<std::string_view, 2> kWords = {"NaN", "Infinity"};
  size_t start = i;
  if (text[i] == '-' || text[i] == '+') ++i;
  for (std::string_view word : kWords) {
    if (text.substr(i, word.size()) != word) continue;
    size_t end = i + word.size();
    if (end < text.size() && IsWordChar(text[end])) return 0;  // e.g. NaNa: not our token
    return end - start;
  }
  return 0;
}

}  // namespace

std::string ReplaceNonFiniteTokens(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);  // an escaped character never ends the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
      continue;
    }
    bool at_token_start = out.empty() || !IsWordChar(out.back());
    if (at_token_start && (c == 'N' || c == 'I' || c == '-' || c == '+')) {
      if (size_t len = NonFiniteTokenLength(text, i); len > 0) {
        out += "null";
        i += len - 1;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace kv::compare
