// EpollPoller implementation.
#include "server/net/event_loop_epoll.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace kv::server {

Result<std::unique_ptr<EpollPoller>> EpollPoller::Create() {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return Error{std::string("epoll_create1: ") + std::strerror(errno)};
  return std::unique_ptr<EpollPoller>(new EpollPoller(UniqueFd(fd)));
}

Status EpollPoller::Control(int op, int fd, uint32_t interest, void* tag) {
  epoll_event ev{};
  if (interest & kPollIn) ev.events |= EPOLLIN;
  if (interest & kPollOut) ev.events |= EPOLLOUT;
  ev.data.ptr = tag;
  if (epoll_ctl(epfd_.get(), op, fd, &ev) != 0) {
    return Error{std::string("epoll_ctl: ") + std::strerror(errno)};
  }
  return {};
}

Status EpollPoller::Add(int fd, uint32_t interest, void* tag) {
  return Control(EPOLL_CTL_ADD, fd, interest, tag);
}

Status EpollPoller::Modify(int fd, uint32_t interest, void* tag) {
  return Control(EPOLL_CTL_MOD, fd, interest, tag);
}

void EpollPoller::Remove(int fd) { epoll_ctl(epfd_.get(), EPOLL_CTL_DEL, fd, nullptr); }

Result<int> EpollPoller::Wait(int timeout_ms, std::span<PollEvent> events) {
  if (buffer_.size() < events.size()) buffer_.resize(events.size());
  int n = epoll_wait(epfd_.get(), buffer_.data(), static_cast<int>(events.size()), timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return 0;
    return Error{std::string("epoll_wait: ") + std::strerror(errno)};
  }
  for (int i = 0; i < n; ++i) {
    uint32_t e = buffer_[i].events;
    uint32_t out = 0;
    if (e & EPOLLIN) out |= kPollIn;
    if (e & EPOLLOUT) out |= kPollOut;
    if (e & EPOLLERR) out |= kPollError;
    if (e & EPOLLHUP) out |= kPollHangup;
    events[i] = PollEvent{buffer_[i].data.ptr, out};
  }
  return n;
}

}  // namespace kv::server
