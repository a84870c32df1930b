// PredictReplies / CheckReplies: the reply contract of a request stream, independent of timing.
#include "tests/robustness/stream_model.h"

#include "base/ascii.h"
#include "resp/reply_reader.h"
#include "resp/reply_writer.h"

namespace kv::robustness {
namespace {

constexpr std::string_view kProtocolErrorPrefix = "-ERR Protocol error";

}  // namespace

StreamExpectation PredictReplies(std::string_view stream, const resp::ParserLimits& limits) {
  StreamExpectation want;
  resp::RequestParser parser(limits);
  size_t pos = 0;
  while (pos < stream.size()) {
    size_t consumed = 0;
    const resp::ParseResult r = parser.Parse(stream.substr(pos), &consumed);
    if (r == resp::ParseResult::kNeedMore) break;  // the rest is an incomplete request at EOF
    if (r == resp::ParseResult::kError) {
      // Redis sends error texts with CR and LF replaced by spaces (addReplyErrorFormat), so that
      // e.g. "expected '$', got '\r'" cannot break the reply stream; ReplyWriter::Error does too.
      resp::ReplyWriter(&want.protocol_error).Error(parser.error());
      break;
    }
    pos += consumed;
    const auto args = parser.args();
    if (args.empty()) continue;
    if (EqualsIgnoreCase(args[0], "post") || EqualsIgnoreCase(args[0], "host:")) {
      want.closed_silently = true;
      break;
    }
    ++want.replies;
    if (EqualsIgnoreCase(args[0], "quit")) break;
  }
  return want;
}

Result<size_t> CountReplies(std::string_view data, size_t* rest_bytes) {
  size_t count = 0;
  size_t pos = 0;
  *rest_bytes = 0;
  while (pos < data.size()) {
    resp::ScannedReply reply;
    std::string error;
    switch (resp::ScanReply(data.substr(pos), &reply, &error)) {
      case resp::ReadResult::kComplete:
        pos += reply.length;
        ++count;
        break;
      case resp::ReadResult::kNeedMore:
        *rest_bytes = data.size() - pos;
        return count;
      case resp::ReadResult::kError:
        return Error{"malformed reply #" + std::to_string(count + 1) + " at byte " +
                     std::to_string(pos) + " (" + error + "): " + Printable(data.substr(pos))};
    }
  }
  return count;
}

Status CheckReplies(const test::ReadOutcome& got, const StreamExpectation& want) {
  const std::string context = " (received " + std::to_string(got.data.size()) +
                              " bytes, ended by " + test::ReadEndName(got.end) + ": " +
                              Printable(got.data) + ")";
  if (got.end != test::ReadEnd::kClosed && got.end != test::ReadEnd::kReset) {
    return Error{"the server neither closed the connection nor reset it" + context};
  }
  const bool reset = got.end == test::ReadEnd::kReset;
  size_t rest = 0;
  Result<size_t> count = CountReplies(got.data, &rest);
  if (!count.ok()) return Error{count.error() + context};
  if (rest != 0 && !reset) return Error{"the connection closed inside a reply" + context};

  // Locate protocol errors: allowed only as the very last reply, and only when predicted.
  size_t pos = 0;
  size_t index = 0;
  std::string last_reply;
  while (index < *count) {
    resp::ScannedReply reply;
    (void)resp::ScanReply(std::string_view(got.data).substr(pos), &reply);
    last_reply = got.data.substr(pos, reply.length);
    const bool is_protocol_error = last_reply.starts_with(kProtocolErrorPrefix);
    const bool is_last = index + 1 == *count;
    if (is_protocol_error && !(is_last && !want.protocol_error.empty())) {
      return Error{"unexpected protocol error as reply #" + std::to_string(index + 1) + " of " +
                   std::to_string(*count) + context};
    }
    pos += reply.length;
    ++index;
  }
  const size_t want_total = want.replies + (want.protocol_error.empty() ? 0 : 1);
  // After POST / Host: Redis drops replies it has not written yet, so any prefix is acceptable.
  const bool prefix_ok = reset || want.closed_silently;
  if (prefix_ok ? *count > want_total : *count != want_total) {
    return Error{"expected " + std::to_string(want.replies) + " replies" +
                 (want.protocol_error.empty() ? "" : " then " + Printable(want.protocol_error)) +
                 ", got " + std::to_string(*count) + " replies" + context};
  }
  if (!want.protocol_error.empty() && *count == want_total && last_reply != want.protocol_error) {
    return Error{"expected the protocol error " + Printable(want.protocol_error) + ", got " +
                 Printable(last_reply) + context};
  }
  return {};
}

std::string Printable(std::string_view bytes, size_t max_len) {
  return "\"" + EscapeBytes(bytes, max_len) + "\"";
}

}  // namespace kv::robustness
