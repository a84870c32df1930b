// EventLoop: one thread's reactor. Dispatches readiness events from a Poller to IoHandlers, and
// can be woken from other threads (eventfd) and ticked by a periodic timer (timerfd).
#pragma once

#include <atomic>
#include <memory>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "server/event_loop_fd.h"
#include "server/event_loop_poller.h"

namespace kv::server {

// Receives the events of one watched fd. Called on the loop's thread only.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void OnIo(uint32_t events) = 0;
};

class EventLoop {
 public:
  // io: see CreatePoller. tick_ms: period of the timer reported by RunOnce (0: no timer).
  static Result<std::unique_ptr<EventLoop>> Create(std::string_view io, int tick_ms);
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Loop thread only. The handler must stay alive until Unwatch.
  Status Watch(int fd, uint32_t interest, IoHandler* handler);
  Status Rewatch(int fd, uint32_t interest, IoHandler* handler);
  void Unwatch(int fd);

  struct Round {
    bool woken = false;   // Wake() was called since the last round
    bool ticked = false;  // the periodic timer fired
  };
  // Waits up to timeout_ms (-1: until something happens), dispatches every ready handler, and
  // reports wake-ups and ticks for the caller to act on after the dispatch.
  Result<Round> RunOnce(int timeout_ms);

  // Any thread: makes the current or next RunOnce return with woken = true.
  void Wake();

  std::string_view backend() const { return poller_->name(); }

 private:
  EventLoop(std::unique_ptr<Poller> poller, UniqueFd wake_fd, UniqueFd timer_fd);

  std::unique_ptr<Poller> poller_;
  UniqueFd wake_fd_;
  UniqueFd timer_fd_;
  std::atomic<bool> wake_pending_{false};
  std::vector<PollEvent> events_;
  // Distinct addresses that tag the wake and timer fds.
  char wake_tag_ = 0;
  char timer_tag_ = 0;
};

}  // namespace kv::server
