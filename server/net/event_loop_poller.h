// Poller: the I/O backend of an EventLoop. Every backend reports readiness of watched fds
// (level-triggered); a completion backend (io_uring) also runs receives and sends on client sockets
// and reports their results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace kv::server {

// Event bits, both for interest (kPollIn/kPollOut) and for reports (all four).
inline constexpr uint32_t kPollIn = 1;
inline constexpr uint32_t kPollOut = 2;
inline constexpr uint32_t kPollError = 4;   // always reported
inline constexpr uint32_t kPollHangup = 8;  // always reported: both directions closed

enum class EventKind : uint8_t {
  kReady,     // events: readiness of a watched fd
  kRecv,      // data/result: bytes received (result > 0); more == false: the receive has ended
  kRecvEnd,   // result: the receive has ended: 0 end of stream, -errno (-ENOBUFS, -ECANCELED...)
  kSendDone,  // result: bytes sent, or -errno
};

struct PollEvent {
  void* tag = nullptr;  // what was passed to Add/Modify/StartRecv/QueueSend
  uint32_t events = 0;
  EventKind kind = EventKind::kReady;
  bool more = false;           // kRecv: the receive goes on
  int result = 0;              // see EventKind
  const char* data = nullptr;  // kRecv: valid until the next Wait
};

// Level-triggered: an fd keeps being reported while it is ready for an event of interest.
class Poller {
 public:
  virtual ~Poller() = default;
  virtual Status Add(int fd, uint32_t interest, void* tag) = 0;
  virtual Status Modify(int fd, uint32_t interest, void* tag) = 0;
  virtual void Remove(int fd) = 0;
  // Waits up to timeout_ms (-1: no limit) and fills events; returns how many (0 on timeout or
  // EINTR). A completion backend also submits the operations queued since the last Wait here.
  virtual Result<int> Wait(int timeout_ms, std::span<PollEvent> events) = 0;
  virtual std::string_view name() const = 0;

  // Completion operations, only where completions() is true. Each operation reports with its tag;
  // the caller keeps tag and fd alive (and data unchanged) until every operation it started on the
  // fd has reported its end: a kRecv with more == false or a kRecvEnd, and each kSendDone.
  virtual bool completions() const { return false; }
  // The batch wait in effect (UringOptions::batch_wait_usec when the kernel supports it), or 0.
  virtual unsigned batch_wait_usec() const { return 0; }
  // Starts a multishot receive on a connected socket (at most one per fd).
  virtual void StartRecv(int /*fd*/, void* /*tag*/) {}
  // Asks the receive started with tag to end (it still reports, typically -ECANCELED).
  virtual void CancelRecv(void* /*tag*/) {}
  // Sends up to len bytes of data (a short send reports fewer; the caller queues the rest).
  virtual void QueueSend(int /*fd*/, const char* /*data*/, size_t /*len*/, void* /*tag*/) {}
  // Asks every operation on fd to end (each still reports).
  virtual void CancelAll(int /*fd*/) {}
};

// io is "auto", "epoll" or "uring" (--io); "auto" is resolved with ResolveIoBackend, "uring" is
// created without probing (an error where io_uring is not built or the ring cannot be set up).
Result<std::unique_ptr<Poller>> CreatePoller(std::string_view io, unsigned batch_wait_usec = 0);

// The concrete backend for io: "epoll" or "uring". "auto" prefers io_uring where it is built and
// works (it measured faster, see docs/server.md), else epoll with *note saying why (empty when no
// fallback happened). "uring" is an error where io_uring is not built or does not work. Probes
// io_uring (ring, buffer ring, one multishot receive) on the calling thread.
Result<std::string> ResolveIoBackend(std::string_view io, std::string* note);

}  // namespace kv::server
