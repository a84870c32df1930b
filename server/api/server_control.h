// What commands may ask of the running server (implemented by the network layer). Called only
// with the server lock held.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
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

// Answers the requests of other clients while a script is busy (past busy-reply-threshold). Called
// by the network layer from any loop thread WITHOUT the server lock: it must be thread-safe.
class BusyResponder {
 public:
  virtual ~BusyResponder() = default;
  // Appends the reply to one request (args not empty) of a client speaking RESP protocol (2 or 3).
  virtual void Respond(std::span<const std::string_view> args, int protocol, std::string* out) = 0;
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

  // Ends the wait of client `id`, blocked by a command (Session::blocked, already cleared by the
  // engine): appends reply to its output, which its own event loop writes, and lets it run the
  // requests that arrived while it waited. False when there is no such client.
  virtual bool Unblock(uint64_t id, std::string_view reply) = 0;

  // A line in the server log (redis.log): level 0 debug, 1 verbose, 2 notice, 3 warning.
  virtual void Log(int level, std::string_view message) = 0;

  // Busy scripts. A script running past busy-reply-threshold calls ServeBusy now and then, on the
  // loop thread that runs it (server lock held). From then until EndBusy, the other loops answer
  // their clients with responder (without waiting for the lock), and each ServeBusy serves the
  // calling loop's other connections once, without blocking, with responder. The connection whose
  // command runs the script is not touched. responder must outlive the server. Returns true once
  // the server is shutting down (SIGTERM, SHUTDOWN NOSAVE): the script should stop.
  virtual bool ServeBusy(BusyResponder& responder) = 0;
  virtual void EndBusy() = 0;
};

}  // namespace kv::server
