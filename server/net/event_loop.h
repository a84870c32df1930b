// EventLoop: one thread's reactor. Dispatches readiness events and (io_uring) completions from a
// Poller to IoHandlers, and can be woken from other threads (eventfd) and ticked by a periodic
// timer (timerfd).
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "server/net/event_loop_poller.h"

namespace kv::server {

// Receives the events of one watched fd, and the completions of operations started with it as the
// handler. Called on the loop's thread only.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void OnIo(uint32_t events) = 0;
  // Completions (only when the backend has completions()): data received (valid during the call;
  // more == false: the receive has ended), the end of a receive without data (0: end of stream,
  // -errno: -ENOBUFS out of buffers, -ECANCELED cancelled, or a socket error), a send's result
  // (bytes sent or -errno).
  virtual void OnRecv(std::string_view /*data*/, bool /*more*/) {}
  virtual void OnRecvEnd(int /*result*/) {}
  virtual void OnSendDone(int /*result*/) {}
};

class EventLoop {
 public:
  // io: see CreatePoller ("epoll" or "uring" after ResolveIoBackend). tick_ms: period of the timer
  // reported by RunOnce (0: no timer).
  static Result<std::unique_ptr<EventLoop>> Create(std::string_view io, int tick_ms,
                                                   unsigned batch_wait_usec = 0);
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Loop thread only. The handler must stay alive until Unwatch.
  Status Watch(int fd, uint32_t interest, IoHandler* handler);
  Status Rewatch(int fd, uint32_t interest, IoHandler* handler);
  void Unwatch(int fd);

  // Completion operations (only where completions(); see Poller): they are queued and submitted
  // by the next RunOnce. The handler, the fd and the sent data must stay alive and unchanged until
  // every operation started on the fd has reported its end to the handler.
  bool completions() const { return completions_; }
  void StartRecv(int fd, IoHandler* handler) { poller_->StartRecv(fd, handler); }
  void CancelRecv(IoHandler* handler) { poller_->CancelRecv(handler); }
  void QueueSend(int fd, std::string_view data, IoHandler* handler) {
    poller_->QueueSend(fd, data.data(), data.size(), handler);
  }
  void CancelAll(int fd) { poller_->CancelAll(fd); }

  struct Round {
    bool woken = false;   // Wake() was called since the last round
    bool ticked = false;  // the periodic timer fired
  };
  // Waits up to timeout_ms (-1: until something happens), dispatches every ready handler, and
  // reports wake-ups and ticks for the caller to act on after the dispatch.
  Result<Round> RunOnce(int timeout_ms);

  // For a busy script that runs inside a handler of this loop: polls without blocking and without
  // dispatching, into events (its own buffer, so the round in progress is not disturbed), leaving
  // out the wake-up and timer events (they stay pending for the next RunOnce). A completion
  // backend also submits the queued operations and recycles the receive buffers of the last
  // round: the caller must have taken (copied) the data of the events RunOnce dispatched, and must
  // take the data of these events before the next poll.
  Result<int> PollNested(std::span<PollEvent> events);

  // Any thread: makes the current or next RunOnce return with woken = true.
  void Wake();

  std::string_view backend() const { return poller_->name(); }
  unsigned batch_wait_usec() const { return poller_->batch_wait_usec(); }

 private:
  EventLoop(std::unique_ptr<Poller> poller, UniqueFd wake_fd, UniqueFd timer_fd);

  std::unique_ptr<Poller> poller_;
  const bool completions_;
  UniqueFd wake_fd_;
  UniqueFd timer_fd_;
  std::atomic<bool> wake_pending_{false};
  std::vector<PollEvent> events_;
  // Distinct addresses that tag the wake and timer fds (8-byte aligned, as tags must be).
  uint64_t wake_tag_ = 0;
  uint64_t timer_tag_ = 0;
};

}  // namespace kv::server
