// A connection's state as types: its phase (with the only transitions allowed) and what each I/O
// model keeps per connection. Only the connection's loop thread touches these.
#pragma once

#include <cstdint>

namespace kv::server {

// Where a connection is in its life. Phases only move forward: kOpen -> kClosing -> kClosed, or
// kOpen -> kClosed directly (an I/O error, a kill, a query buffer over its limit).
class ConnectionState {
 public:
  enum class Phase : uint8_t {
    kOpen,     // reading and running requests
    kClosing,  // no more input (QUIT, a protocol error, the peer's EOF, shutdown): close once the
               // replies are written
    kClosed,   // closed: a completion backend keeps it until the kernel has ended its operations
  };

  Phase phase() const { return phase_; }
  bool open() const { return phase_ == Phase::kOpen; }
  // No more input is taken (closing or closed).
  bool closing() const { return phase_ != Phase::kOpen; }
  bool closed() const { return phase_ == Phase::kClosed; }

  void StopInput() {
    if (phase_ == Phase::kOpen) phase_ = Phase::kClosing;
  }
  void MarkClosed() { phase_ = Phase::kClosed; }

 private:
  Phase phase_ = Phase::kOpen;
};

// Readiness backends (epoll): what the poller watches for this connection now.
struct ReadinessIo {
  uint32_t interest = 0;
};

// Completion backends (io_uring): the operations the kernel holds for this connection, and what
// happened since its last turn in the loop.
class CompletionIo {
 public:
  // A multishot receive is in the kernel (its end not yet seen), possibly being cancelled.
  bool receiving() const { return recv_ != Recv::kIdle; }
  // A receive is armed and no cancel was requested yet.
  bool cancellable() const { return recv_ == Recv::kArmed; }
  void RecvStarted() { recv_ = Recv::kArmed; }
  void RecvCancelRequested() { recv_ = Recv::kCancelling; }
  void RecvEnded() { recv_ = Recv::kIdle; }

  bool sending() const { return sending_; }
  void SendStarted() { sending_ = true; }
  void SendEnded() { sending_ = false; }

  // The kernel still uses the connection's socket or buffers: it must not be freed yet.
  bool busy() const { return receiving() || sending_; }

  bool peer_eof = false;   // the peer closed its side: close once input and output are done
  bool new_input = false;  // data arrived since the last batch
  bool listed = false;     // in this round's list of connections to run

 private:
  enum class Recv : uint8_t { kIdle, kArmed, kCancelling };
  Recv recv_ = Recv::kIdle;
  bool sending_ = false;
};

}  // namespace kv::server
