// Poller: the readiness-notification backend of an EventLoop (epoll today; an io_uring backend can
// implement the same interface with IORING_OP_POLL_ADD, or replace it with completions later).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/result.h"

namespace kv::server {

// Event bits, both for interest (kPollIn/kPollOut) and for reports (all four).
inline constexpr uint32_t kPollIn = 1;
inline constexpr uint32_t kPollOut = 2;
inline constexpr uint32_t kPollError = 4;   // always reported
inline constexpr uint32_t kPollHangup = 8;  // always reported: both directions closed

struct PollEvent {
  void* tag = nullptr;  // what was passed to Add/Modify
  uint32_t events = 0;
};

// Level-triggered: an fd keeps being reported while it is ready for an event of interest.
class Poller {
 public:
  virtual ~Poller() = default;
  virtual Status Add(int fd, uint32_t interest, void* tag) = 0;
  virtual Status Modify(int fd, uint32_t interest, void* tag) = 0;
  virtual void Remove(int fd) = 0;
  // Waits up to timeout_ms (-1: no limit) and fills events; returns how many (0 on timeout or
  // EINTR).
  virtual Result<int> Wait(int timeout_ms, std::span<PollEvent> events) = 0;
  virtual std::string_view name() const = 0;
};

// io is "auto", "epoll" or "uring" (--io). Only epoll is built for now: "auto" chooses it and
// "uring" is an error.
Result<std::unique_ptr<Poller>> CreatePoller(std::string_view io);

}  // namespace kv::server
