// What commands may ask of the running server (implemented by the network layer). Called only
// with the server lock held.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "server/api/session.h"

namespace kv::server {

struct ServerInfo {
  int tcp_port = 0;
  std::string io_backend;          // "epoll" or "io_uring"
  int64_t io_batch_wait_usec = 0;  // the io_uring batch wait in effect (0: off or unsupported)
  int threads = 1;
  int64_t start_time_ms = 0;
  uint64_t connected_clients = 0;
  uint64_t total_connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
};

class ServerControl {
 public:
  virtual ~ServerControl() = default;
  virtual ServerInfo Info() const = 0;
  // Visits every connected client's session in CLIENT ID order.
  virtual void ForEachSession(const std::function<void(const Session&)>& fn) const = 0;
  // Closes client `id` once the current batch has been answered; false when no such client.
  virtual bool KillClient(uint64_t id) = 0;
  // SHUTDOWN: stop accepting, flush replies in flight, exit 0.
  virtual void RequestShutdown() = 0;
  // Out-of-band output for another client (a pub/sub message, a MONITOR line): appends bytes to
  // client `id`'s output, which its own event loop writes; never blocks. A client whose unsent
  // output passes client-output-buffer-limit's pubsub class is disconnected (and gets nothing
  // more). False when there is no such client or it is being disconnected. Not for the client
  // whose command is running: its reply writer orders such bytes with its replies.
  virtual bool Deliver(uint64_t id, std::string_view bytes) = 0;
};

}  // namespace kv::server
