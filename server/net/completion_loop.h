// CompletionLoop: the connection driver for completion backends (io_uring). The kernel receives
// into its buffers and reports what arrived; the loop queues sends and learns when they are done.
// A connection touched by completions is listed and run once at the end of the round, so a round
// of many receives costs one batch per connection and one submission for all their sends.
#pragma once

#include <memory>
#include <string>
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
  // Listed as if new input had arrived: ProcessListed (at the end of the turn) runs it.
  void Resume(Connection* c) override {
    c->completion().new_input = true;
    List(c);
  }
  // Cancels c's operations and keeps it (closed) until they have all ended; Reap frees it then.
  // The socket stays open until its last completion: no operation can hit a reused fd.
  void Release(Connection* c, std::unique_ptr<Connection> owned) override;
  // Runs the requests that arrived this round, queues replies, re-arms receives.
  void EndRound() override { ProcessListed(); }
  // A script run outside ProcessListed (a hand-over's Settle) may have listed or deferred more.
  void EndTurn() override {
    if (!listed_.empty() || !deferred_.empty()) ProcessListed();
    Reap();
  }
  // Busy script: one nested poll (the data of this round's receives is already in the query
  // buffers). Other connections' input is answered with responder and their replies queued as
  // sends; new clients are accepted. Completions of the script's own connection, and those that
  // would close a connection, are deferred (their data copied) to the next ProcessListed, so that
  // the caller's query buffer stays untouched and nothing is closed under the script.
  void ServeWhileBusy(uint64_t running, BusyResponder& responder) override;
  // Waits (bounded) for the cancelled operations to end; the ring's exit ends any stragglers
  // before their buffers are freed (see ~ConnectionLoop).
  Status Finish() override;

  // Lists c for ProcessListed at the end of the round.
  void List(Connection* c);
  // Runs the listed connections, in order, including those listed (and the completions deferred)
  // by a busy script's ServeWhileBusy while one of them runs.
  void ProcessListed();
  // Hands the deferred completions to the completion handlers (which list their connections).
  void ReplayDeferred();
  // The completion handler for kind (data: kRecv's bytes).
  void OnCompletion(Connection* c, EventKind kind, int result, bool more, std::string_view data);
  // ServeWhileBusy: queues c's next send and re-arms its receive as Settle would, without running
  // requests or closing.
  void SettleWhileBusy(Connection* c);
  // Shared by Flush/Settle and SettleWhileBusy: queues the next send (none may be in flight), and
  // starts or cancels the receive as c's state wants.
  void QueueNextSend(Connection* c);
  void ArmRecv(Connection* c);
  // Frees the closed connections whose operations have all ended.
  void Reap();

  // Connections touched this round; closed ones waiting for their operations' ends. Closed
  // connections are freed only after the round's ProcessListed, so pointers in listed_ stay valid.
  std::vector<Connection*> listed_;
  std::vector<std::unique_ptr<Connection>> closed_;
  // A completion ServeWhileBusy left for ProcessListed. Its operation still counts as in the
  // kernel (CompletionIo), so the connection cannot be reaped before the replay.
  struct Deferred {
    Connection* c;
    EventKind kind;
    int result;
    bool more;
    std::string data;  // kRecv: a copy (the receive buffer is recycled by the next poll)
  };
  std::vector<Deferred> deferred_;
  std::vector<PollEvent> busy_events_ = std::vector<PollEvent>(64);
};

}  // namespace kv::server
