// RESP2 reply encoder: appends replies to a growable byte buffer (a std::string). Constant replies
// are precomputed. Integers are formatted without printf.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kv::resp {

// Precomputed replies, ready to append.
inline constexpr std::string_view kOk = "+OK\r\n";
inline constexpr std::string_view kPong = "+PONG\r\n";
inline constexpr std::string_view kNullBulk = "$-1\r\n";
inline constexpr std::string_view kNullArray = "*-1\r\n";
inline constexpr std::string_view kEmptyArray = "*0\r\n";
inline constexpr std::string_view kEmptyBulk = "$0\r\n\r\n";
inline constexpr std::string_view kZero = ":0\r\n";
inline constexpr std::string_view kOne = ":1\r\n";
inline constexpr std::string_view kMinusOne = ":-1\r\n";
inline constexpr std::string_view kMinusTwo = ":-2\r\n";

// Appends RESP2 replies to *out. Cheap to construct; holds only the pointer.
class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out) : out_(out) {}

  void Raw(std::string_view bytes) { out_->append(bytes); }
  // "+text\r\n". CR and LF in text are replaced by spaces (as Redis does), so a reply can never
  // inject protocol.
  void Simple(std::string_view text);
  // "-text\r\n"; text carries its own code: Error("ERR syntax error"). CR/LF become spaces.
  void Error(std::string_view text);
  void Integer(int64_t value);
  void Bulk(std::string_view value);
  void NullBulk() { out_->append(kNullBulk); }
  void ArrayHeader(size_t count);
  void NullArray() { out_->append(kNullArray); }

  std::string* buffer() { return out_; }

 private:
  std::string* out_;
};

// Writes the decimal form of value into buf (at least 20 bytes); returns the length.
size_t FormatInt64(int64_t value, char* buf);

}  // namespace kv::resp
