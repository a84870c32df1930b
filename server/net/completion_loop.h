// CompletionLoop: the connection driver for completion backends (io_uring). The kernel receives
// into its buffers and reports what arrived; the loop queues sends and learns when they are done.
// A connection touched by completions is listed and run once at the end of the round, so a round
// of many receives costs one batch per connection and one submission for all their sends.
#pragma once

#include <memory>
#include <vector>

#include "server/net/connection_loop.h"

namespace kv::server {

class CompletionLoop final : public ConnectionLoop {
 public:
  CompletionLoop(int index, NetShared* shared, std::unique_ptr<EventLoop> loop)
      : ConnectionLoop(index, shared, std::move(loop)) {}

  // Connection's completion handlers: data received, a receive ended, a send ended.
  void OnClientRecv(Connection* c, std::string_view data, bool more);
  void OnClientRecvEnd(Connection* c, int result);
  void OnClientSendDone(Connection* c, int result);

 private:
  friend class ConnectionLoop;  // Process calls Flush directly

  bool Start(Connection* c) override { return Settle(c); }  // starts the receive
  // At most one send in flight: replies produced meanwhile queue behind it, in order.
  bool Flush(Connection* c) override;
  // Closes c when done, otherwise starts or cancels the receive and queues the next send.
  bool Settle(Connection* c) override;
  // Cancels c's operations and keeps it (closed) until they have all ended; Reap frees it then.
  // The socket stays open until its last completion: no operation can hit a reused fd.
  void Release(Connection* c, std::unique_ptr<Connection> owned) override;
  // Runs the requests that arrived this round, queues replies, re-arms receives.
  void EndRound() override { ProcessListed(); }
  void EndTurn() override { Reap(); }
  // Waits (bounded) for the cancelled operations to end; the ring's exit ends any stragglers
  // before their buffers are freed (see ~ConnectionLoop).
  Status Finish() override;

  // Lists c for ProcessListed at the end of the round.
  void List(Connection* c);
  void ProcessListed();
  // Frees the closed connections whose operations have all ended.
  void Reap();

  // Connections touched this round; closed ones waiting for their operations' ends. Closed
  // connections are freed only after the round's ProcessListed, so pointers in listed_ stay valid.
  std::vector<Connection*> listed_;
  std::vector<std::unique_ptr<Connection>> closed_;
};

}  // namespace kv::server
