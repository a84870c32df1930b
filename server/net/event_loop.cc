// EventLoop implementation over a Poller, an eventfd and a timerfd.
#include "server/net/event_loop.h"

#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "server/net/event_loop_epoll.h"
#ifdef KV_HAVE_URING
#include "server/net/event_loop_uring.h"
#endif

namespace kv::server {
namespace {

constexpr size_t kMaxEventsPerRound = 256;
// Whether --io auto picks io_uring where it works: it uses fewer syscalls per request (measured in
// docs/server.md, "io_uring backend").
[[maybe_unused]] constexpr bool kAutoPrefersUring = true;

Error SysError(const char* what) { return Error{std::string(what) + ": " + std::strerror(errno)}; }

}  // namespace

Result<std::string> ResolveIoBackend(std::string_view io, std::string* note) {
  note->clear();
  if (io != "auto" && io != "epoll" && io != "uring") {
    return Error{"unknown I/O backend '" + std::string(io) + "'"};
  }
  if (io == "epoll") return std::string("epoll");
#ifdef KV_HAVE_URING
  if (io == "auto" && !kAutoPrefersUring) return std::string("epoll");
  Status probe = UringPoller::Probe();
  if (probe.ok()) return std::string("uring");
  if (io == "uring") return Error{"io_uring backend unavailable: " + probe.error()};
  *note = "io_uring unavailable (" + probe.error() + "), using epoll";
  return std::string("epoll");
#else
  if (io == "uring") return Error{"io_uring backend not built (use --io epoll or --io auto)"};
  return std::string("epoll");
#endif
}

Result<std::unique_ptr<Poller>> CreatePoller(std::string_view io, unsigned batch_wait_usec) {
  // "uring" is not probed here: ResolveIoBackend did that once for all loops.
  std::string backend(io);
  if (io != "uring") {
    std::string note;
    auto resolved = ResolveIoBackend(io, &note);
    if (!resolved) return Error{resolved.error()};
    backend = *resolved;
  }
#ifdef KV_HAVE_URING
  if (backend == "uring") {
    UringOptions options;
    options.batch_wait_usec = batch_wait_usec;
    auto uring = UringPoller::Create(options);
    if (!uring) return Error{"io_uring backend unavailable: " + uring.error()};
    return std::unique_ptr<Poller>(std::move(*uring));
  }
#else
  if (backend == "uring") return Error{"io_uring backend not built (use --io epoll or --io auto)"};
#endif
  auto epoll = EpollPoller::Create();
  if (!epoll) return Error{epoll.error()};
  return std::unique_ptr<Poller>(std::move(*epoll));
}

EventLoop::EventLoop(std::unique_ptr<Poller> poller, UniqueFd wake_fd, UniqueFd timer_fd)
    : poller_(std::move(poller)),
      completions_(poller_->completions()),
      wake_fd_(std::move(wake_fd)),
      timer_fd_(std::move(timer_fd)),
      events_(kMaxEventsPerRound) {}

Result<std::unique_ptr<EventLoop>> EventLoop::Create(std::string_view io, int tick_ms,
                                                     unsigned batch_wait_usec) {
  auto poller = CreatePoller(io, batch_wait_usec);
  if (!poller) return Error{poller.error()};
  UniqueFd wake(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake.valid()) return SysError("eventfd");
  UniqueFd timer;
  if (tick_ms > 0) {
    timer = UniqueFd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!timer.valid()) return SysError("timerfd_create");
    itimerspec spec{};
    spec.it_interval.tv_sec = tick_ms / 1000;
    spec.it_interval.tv_nsec = static_cast<long>(tick_ms % 1000) * 1000000L;
    spec.it_value = spec.it_interval;
    if (timerfd_settime(timer.get(), 0, &spec, nullptr) != 0) return SysError("timerfd_settime");
  }
  std::unique_ptr<EventLoop> loop(
      new EventLoop(std::move(*poller), std::move(wake), std::move(timer)));
  if (Status s = loop->poller_->Add(loop->wake_fd_.get(), kPollIn, &loop->wake_tag_); !s) {
    return Error{s.error()};
  }
  if (loop->timer_fd_.valid()) {
    if (Status s = loop->poller_->Add(loop->timer_fd_.get(), kPollIn, &loop->timer_tag_); !s) {
      return Error{s.error()};
    }
  }
  return loop;
}

Status EventLoop::Watch(int fd, uint32_t interest, IoHandler* handler) {
  return poller_->Add(fd, interest, handler);
}

Status EventLoop::Rewatch(int fd, uint32_t interest, IoHandler* handler) {
  return poller_->Modify(fd, interest, handler);
}

void EventLoop::Unwatch(int fd) { poller_->Remove(fd); }

void EventLoop::Wake() {
  // Only the first waker since the last round pays for the syscall.
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  uint64_t one = 1;
  while (::write(wake_fd_.get(), &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

Result<int> EventLoop::PollNested(std::span<PollEvent> events) {
  Result<int> n = poller_->Wait(0, events);
  if (!n) return n;
  int kept = 0;
  for (int i = 0; i < *n; ++i) {
    const PollEvent& ev = events[static_cast<size_t>(i)];
    if (ev.tag == &wake_tag_ || ev.tag == &timer_tag_) continue;
    events[static_cast<size_t>(kept++)] = ev;
  }
  return kept;
}

Result<EventLoop::Round> EventLoop::RunOnce(int timeout_ms) {
  Result<int> n = poller_->Wait(timeout_ms, events_);
  if (!n) return Error{n.error()};
  Round round;
  for (int i = 0; i < *n; ++i) {
    const PollEvent& ev = events_[static_cast<size_t>(i)];
    if (ev.tag == &wake_tag_) {
      // Clear the flag before draining the eventfd so that a concurrent Wake() is never lost.
      wake_pending_.store(false, std::memory_order_release);
      uint64_t count;
      while (::read(wake_fd_.get(), &count, sizeof(count)) < 0 && errno == EINTR) {
      }
      round.woken = true;
    } else if (ev.tag == &timer_tag_) {
      uint64_t expirations;
      while (::read(timer_fd_.get(), &expirations, sizeof(expirations)) < 0 && errno == EINTR) {
      }
      round.ticked = true;
    } else {
      auto* handler = static_cast<IoHandler*>(ev.tag);
      switch (ev.kind) {
        case EventKind::kReady:
          handler->OnIo(ev.events);
          break;
        case EventKind::kRecv:
          handler->OnRecv(std::string_view(ev.data, static_cast<size_t>(ev.result)), ev.more);
          break;
        case EventKind::kRecvEnd:
          handler->OnRecvEnd(ev.result);
          break;
        case EventKind::kSendDone:
          handler->OnSendDone(ev.result);
          break;
      }
    }
  }
  return round;
}

}  // namespace kv::server
