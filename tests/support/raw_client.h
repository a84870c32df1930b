// RawClient: the byte-level TCP client of the process-level tests (RAII over one socket). Every
// read and write is bounded by a deadline, so a server that neither answers nor closes makes a
// test fail instead of hang.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace kv::test {

using Clock = std::chrono::steady_clock;

// How a read ended.
enum class ReadEnd {
  kEnough,    // the stop condition was met (enough bytes, or a predicate)
  kClosed,    // orderly close by the peer (FIN)
  kReset,     // the peer reset the connection (ECONNRESET); bytes before the reset are kept
  kDeadline,  // the deadline passed with the connection still open
};
const char* ReadEndName(ReadEnd end);

struct ReadOutcome {
  std::string data;  // every byte received
  ReadEnd end = ReadEnd::kDeadline;
  // The peer closed the connection, in order or with a reset (closed with unread data).
  bool closed() const { return end == ReadEnd::kClosed || end == ReadEnd::kReset; }
};

class RawClient {
 public:
  // Connects to host:port, host an IPv4 or IPv6 literal (TCP_NODELAY on, non-blocking socket).
  static Result<RawClient> Connect(int port, const std::string& host = "127.0.0.1",
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

  RawClient(RawClient&& other) noexcept;
  RawClient& operator=(RawClient&& other) noexcept;
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient();

  // Sends all of bytes before deadline. Errors: the peer closed or reset the connection (EPIPE,
  // ECONNRESET) or the deadline passed (the server stopped reading).
  Status Send(std::string_view bytes, Clock::time_point deadline);
  // Sends as much as the socket accepts before deadline; returns the number of bytes sent.
  // Stops early (without error) when the socket stays full for `stall` (0: sends only what the
  // socket takes right now).
  Result<size_t> SendUntilStalled(std::string_view bytes, Clock::time_point deadline,
                                  std::chrono::milliseconds stall);

  // shutdown(SHUT_WR): the server sees end of input but can still write to us.
  Status ShutdownWrite();
  // Closes with SO_LINGER {1, 0}, so the server sees a reset instead of an orderly close.
  void CloseWithReset();
  // Closes the socket (idempotent).
  void Close();

  // Reads until the peer closes or the deadline passes.
  ReadOutcome ReadUntilClosed(Clock::time_point deadline);
  // Reads until at least n bytes arrived in total (kEnough), the peer closes, or the deadline.
  ReadOutcome ReadAtLeast(size_t n, Clock::time_point deadline);
  // As ReadAtLeast, but never reads past the n-th byte (the rest stays in the socket).
  ReadOutcome ReadExactly(size_t n, Clock::time_point deadline);

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  explicit RawClient(int fd) : fd_(fd) {}
  // Reads into *out until done(*out) is true, the peer closes or the deadline passes; at most
  // `limit` bytes in total.
  template <typename Done>
  ReadOutcome ReadUntil(Clock::time_point deadline, size_t limit, Done done);

  int fd_ = -1;
};

// now + d: shorthand for deadlines.
inline Clock::time_point After(std::chrono::milliseconds d) { return Clock::now() + d; }

}  // namespace kv::test
