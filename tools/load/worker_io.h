// Helpers shared by the two halves of kv-load's Worker: worker.cc (the run: sending, replies,
// redirections) and worker_connect.cc (connections: setup, TLS handshakes, loss, reconnects).
#pragma once

#include <sys/epoll.h>
#include <time.h>

#include <cerrno>
#include <cstdint>
#include <string_view>

namespace kv::load {

inline constexpr int kMaxEvents = 512;

// epoll_pwait2 gives nanosecond timeouts for the open-loop schedule; epoll_wait is the fallback.
inline int Wait(int epfd, epoll_event* events, int max, int64_t timeout_ns) {
  if (timeout_ns < 0) return ::epoll_wait(epfd, events, max, -1);
  timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
              static_cast<long>(timeout_ns % 1'000'000'000)};
  int n = ::epoll_pwait2(epfd, events, max, &ts, nullptr);
  if (n < 0 && errno == ENOSYS) {
    return ::epoll_wait(epfd, events, max, static_cast<int>((timeout_ns + 999'999) / 1'000'000));
  }
  return n;
}

// An error reply's message without its leading '-' and line end.
inline std::string_view ErrorText(std::string_view e) {
  if (!e.empty() && e.front() == '-') e.remove_prefix(1);
  while (!e.empty() && (e.back() == '\n' || e.back() == '\r')) e.remove_suffix(1);
  return e;
}

}  // namespace kv::load
