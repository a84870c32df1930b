// RESP2/RESP3 reply encoder: appends replies to a growable byte buffer (a std::string) in the
// protocol the connection chose with HELLO. Constant replies are precomputed. Integers are
// formatted without printf.
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
inline constexpr std::string_view kResp3Null = "_\r\n";

// The reply protocol of a connection: RESP2 until HELLO 3.
enum class Protocol : uint8_t { kResp2 = 2, kResp3 = 3 };

// Appends replies to *out. Cheap to construct; holds the pointer and the protocol. The RESP3 types
// fall back to what Redis 7 sends a RESP2 client: map -> flat array of 2N, set and push -> array,
// double -> bulk string, boolean -> integer 1/0, verbatim -> bulk string, null -> nil bulk/array.
class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, Protocol protocol = Protocol::kResp2)
      : out_(out), protocol_(protocol) {}

  Protocol protocol() const { return protocol_; }
  bool resp3() const { return protocol_ == Protocol::kResp3; }

  void Raw(std::string_view bytes) { out_->append(bytes); }
  // "+text\r\n". CR and LF in text are replaced by spaces (as Redis does), so a reply can never
  // inject protocol.
  void Simple(std::string_view text);
  // "-text\r\n"; text carries its own code: Error("ERR syntax error"). CR/LF become spaces.
  void Error(std::string_view text);
  void Integer(int64_t value);
  void Bulk(std::string_view value);
  // A missing value: RESP2 "$-1", RESP3 "_".
  void NullBulk() { out_->append(resp3() ? kResp3Null : kNullBulk); }
  void ArrayHeader(size_t count);
  // A missing array (EXEC aborted by WATCH, BLPOP timeout): RESP2 "*-1", RESP3 "_".
  void NullArray() { out_->append(resp3() ? kResp3Null : kNullArray); }
  // RESP3 "%N" (N key/value pairs follow); RESP2 "*2N".
  void MapHeader(size_t pairs);
  // RESP3 "~N"; RESP2 "*N".
  void SetHeader(size_t count);
  // RESP3 ">N" (out-of-band: pub/sub messages, MONITOR lines); RESP2 "*N".
  void PushHeader(size_t count);
  // RESP3 ",<%.17g>" (",inf", ",-inf", ",nan"); RESP2 the same text as a bulk string.
  void Double(double value);
  // RESP3 "#t"/"#f"; RESP2 ":1"/":0".
  void Boolean(bool value);
  // RESP3 "=<len>\r\n<format>:<text>" (format is 3 letters, e.g. "txt"); RESP2 a bulk string.
  void Verbatim(std::string_view text, std::string_view format = "txt");

  std::string* buffer() { return out_; }

 private:
  std::string* out_;
  Protocol protocol_;
};

// Redis's "%.17g" text of a double as replies carry it ("inf", "-inf", "nan" for the specials).
std::string FormatDouble(double value);

// Writes the decimal form of value into buf (at least 20 bytes); returns the length.
size_t FormatInt64(int64_t value, char* buf);

}  // namespace kv::resp
