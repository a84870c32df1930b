// What a Redis 7-compatible server must send back for a request stream that ends with end of
// input, predicted with the server's own request parser; and a checker for what actually came back.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "resp/request_parser.h"
#include "tests/support/raw_client.h"

namespace kv::robustness {

struct StreamExpectation {
  // Replies to the complete requests before the stream fails or ends (one reply per non-empty
  // request; QUIT's +OK included).
  size_t replies = 0;
  // Non-empty: the protocol error line ("-ERR Protocol error: ...\r\n") that follows those replies
  // before the server closes the connection.
  std::string protocol_error;
  // A first word of POST or "Host:" (cross-protocol attack): closed with no reply for it; replies
  // to earlier requests that were not written yet are dropped (as Redis does), so any prefix of
  // the `replies` may arrive.
  bool closed_silently = false;
};

// Walks stream with a RequestParser (limits as the server uses them) the way a server does.
StreamExpectation PredictReplies(std::string_view stream, const resp::ParserLimits& limits = {});

// Checks what a server sent back on a connection whose client sent `stream` and then shut down its
// writing side: a sequence of complete, well-formed RESP replies (kv::resp::ScanReply), exactly as
// many as predicted, the predicted protocol error last (byte for byte), no other protocol error,
// and the connection closed. A reset (ECONNRESET) is accepted in place of the close, with any
// prefix of the predicted replies, because a TCP reset may discard bytes in flight.
Status CheckReplies(const test::ReadOutcome& got, const StreamExpectation& want);

// Splits data into complete RESP replies; error if a reply is malformed. *rest_bytes: the length
// of an incomplete reply at the end (0 when data ends on a reply boundary).
Result<size_t> CountReplies(std::string_view data, size_t* rest_bytes);

// For messages: the bytes with CR, LF and non-printable bytes escaped, cut to max_len.
std::string Printable(std::string_view bytes, size_t max_len = 200);

}  // namespace kv::robustness
