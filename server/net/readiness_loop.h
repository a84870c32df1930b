// ReadinessLoop: the connection driver for readiness backends (epoll). The poller says when a
// socket can be read or written; the loop reads and writes with plain recv() and send().
#pragma once

#include <memory>
#include <vector>

#include "server/net/connection_loop.h"

namespace kv::server {

class ReadinessLoop final : public ConnectionLoop {
 public:
  ReadinessLoop(int index, NetShared* shared, std::unique_ptr<EventLoop> loop)
      : ConnectionLoop(index, shared, std::move(loop)) {}

  // Connection::OnIo: the socket is readable, writable, hung up or in error.
  void OnClientIo(Connection* c, uint32_t events);

 private:
  friend class ConnectionLoop;  // Process calls Flush directly

  bool Start(Connection* c) override;
  bool Flush(Connection* c) override;
  // Closes c when it is done, otherwise updates what the poller watches for it.
  bool Settle(Connection* c) override;
  void Resume(Connection* c) override;
  // Unwatches c and frees it (closing the socket).
  void Release(Connection* c, std::unique_ptr<Connection> owned) override;
  // Busy script: one nested poll; each other readable connection is read, answered and written.
  void ServeWhileBusy(uint64_t running, BusyResponder& responder) override;

  std::vector<PollEvent> busy_events_ = std::vector<PollEvent>(64);
};

}  // namespace kv::server
