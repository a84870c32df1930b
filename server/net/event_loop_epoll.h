// EpollPoller: the epoll(7) backend of Poller (level-triggered).
#pragma once

#include <sys/epoll.h>

#include <vector>

#include "base/unique_fd.h"
#include "server/net/event_loop_poller.h"

namespace kv::server {

class EpollPoller final : public Poller {
 public:
  static Result<std::unique_ptr<EpollPoller>> Create();

  Status Add(int fd, uint32_t interest, void* tag) override;
  Status Modify(int fd, uint32_t interest, void* tag) override;
  void Remove(int fd) override;
  Result<int> Wait(int timeout_ms, std::span<PollEvent> events) override;
  std::string_view name() const override { return "epoll"; }

 private:
  explicit EpollPoller(UniqueFd epfd) : epfd_(std::move(epfd)) {}
  Status Control(int op, int fd, uint32_t interest, void* tag);

  UniqueFd epfd_;
  std::vector<epoll_event> buffer_;
};

}  // namespace kv::server
