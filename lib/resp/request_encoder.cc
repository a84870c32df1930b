// RESP2 request encoding: an array header and one bulk string per argument (see
// request_encoder.h). The bytes are those of an array-of-bulk reply, so ReplyWriter writes them.
#include "resp/request_encoder.h"

#include "resp/reply_writer.h"

namespace kv::resp {
namespace {

constexpr size_t kHeaderReserve = 16;  // "*" or "$", up to 13 digits, CRLF

template <typename Arg>
void Append(std::span<const Arg> argv, std::string* out) {
  ReplyWriter w(out);
  w.ArrayHeader(argv.size());
  for (const Arg& a : argv) w.Bulk(a);
}

// A fresh request: one allocation of about the right size.
template <typename Arg>
std::string Encode(std::span<const Arg> argv) {
  size_t size = kHeaderReserve;
  for (const Arg& a : argv) size += kHeaderReserve + a.size() + 2;
  std::string out;
  out.reserve(size);
  Append(argv, &out);
  return out;
}

}  // namespace

void AppendRequest(std::span<const std::string_view> argv, std::string* out) { Append(argv, out); }

void AppendRequest(std::span<const std::string> argv, std::string* out) { Append(argv, out); }

std::string EncodeRequest(std::span<const std::string_view> argv) { return Encode(argv); }

std::string EncodeRequest(std::span<const std::string> argv) { return Encode(argv); }

std::string EncodeRequest(std::initializer_list<std::string_view> argv) {
  return Encode(std::span<const std::string_view>(argv.begin(), argv.size()));
}

}  // namespace kv::resp
