// Test helpers for replies: a readable description of a Reply tree (compared as text so that
// failures show the difference) and builders.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "resp/reply_reader.h"

namespace kv::resp::testing {

inline std::string Escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\' && c != '"') {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

inline std::string Describe(const Reply& r) {
  switch (r.type) {
    case Reply::Type::kSimple:
      return "+\"" + Escape(r.str) + "\"";
    case Reply::Type::kError:
      return "-\"" + Escape(r.str) + "\"";
    case Reply::Type::kInteger:
      return std::string(":").append(std::to_string(r.integer));
    case Reply::Type::kBulk:
      return "$\"" + Escape(r.str) + "\"";
    case Reply::Type::kNil:
      return "nil";
    case Reply::Type::kNilArray:
      return "nil[]";
    case Reply::Type::kNull:
      return "null";
    case Reply::Type::kDouble:
      return ",\"" + Escape(r.str) + "\"=" + std::to_string(r.number);
    case Reply::Type::kBoolean:
      return r.integer != 0 ? "#t" : "#f";
    case Reply::Type::kBigNumber:
      return "(" + r.str;
    case Reply::Type::kVerbatim:
      return "=" + r.format + ":\"" + Escape(r.str) + "\"";
    case Reply::Type::kArray:
    case Reply::Type::kMap:
    case Reply::Type::kSet:
    case Reply::Type::kPush: {
      std::string s = r.type == Reply::Type::kArray ? "["
                      : r.type == Reply::Type::kMap ? "%["
                      : r.type == Reply::Type::kSet ? "~["
                                                    : ">[";
      for (size_t i = 0; i < r.elements.size(); ++i) {
        if (i > 0) s += ", ";
        s += Describe(r.elements[i]);
      }
      return s + "]";
    }
  }
  return "?";
}

inline Reply MakeScalar(Reply::Type type, std::string str = {}, int64_t integer = 0) {
  Reply r;
  r.type = type;
  r.str = std::move(str);
  r.integer = integer;
  return r;
}

inline Reply MakeDouble(std::string text, double value) {
  Reply r = MakeScalar(Reply::Type::kDouble, std::move(text));
  r.number = value;
  return r;
}

inline Reply MakeVerbatim(std::string format, std::string text) {
  Reply r = MakeScalar(Reply::Type::kVerbatim, std::move(text));
  r.format = std::move(format);
  return r;
}

inline Reply MakeArray(std::vector<Reply> elements, Reply::Type type = Reply::Type::kArray) {
  Reply r;
  r.type = type;
  r.elements = std::move(elements);
  return r;
}

}  // namespace kv::resp::testing
