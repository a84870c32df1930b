// CompletionLoop: receives and sends as kernel operations, their completions, and back-pressure.
#include "server/net/completion_loop.h"

#include <cerrno>

namespace kv::server {

void CompletionLoop::List(Connection* c) {
  CompletionIo& io = c->completion();
  if (io.listed) return;
  io.listed = true;
  listed_.push_back(c);
}

void CompletionLoop::OnClientRecv(Connection* c, std::string_view data, bool more) {
  if (!more) c->completion().RecvEnded();
  if (c->state().closed()) return;
  CountInput(data.size());
  if (!c->state().closing()) {
    // Received bytes are never dropped, even after a cancel was requested (back-pressure).
    c->AppendInput(data);
    c->completion().new_input = true;
  }
  List(c);
}

void CompletionLoop::OnClientRecvEnd(Connection* c, int result) {
  c->completion().RecvEnded();
  if (c->state().closed()) return;
  if (result == 0) {
    c->completion().peer_eof = true;
  } else if (result != -ENOBUFS && result != -ECANCELED) {
    Close(c);  // ECONNRESET and friends
    return;
  }
  // Out of buffers or cancelled: Settle re-arms once that is wanted (the buffers handed out this
  // round are returned before the next submission).
  List(c);
}

void CompletionLoop::OnClientSendDone(Connection* c, int result) {
  c->completion().SendEnded();
  if (c->state().closed()) return;
  if (result <= 0) {
    Close(c);  // EPIPE, ECONNRESET
    return;
  }
  CountOutput(static_cast<size_t>(result));
  c->SendDone(static_cast<size_t>(result));
  List(c);
}

void CompletionLoop::ProcessListed() {
  // Process and Settle add to listed_ and deferred_ only through a busy script's ServeWhileBusy:
  // an index stays valid where an iterator would not, and the deferred completions are handed
  // over as soon as the script has returned, before the next poll.
  for (size_t i = 0;; ++i) {
    if (!deferred_.empty()) ReplayDeferred();
    if (i == listed_.size()) break;
    Connection* c = listed_[i];
    CompletionIo& io = c->completion();
    io.listed = false;
    if (c->state().closed()) continue;
    if (!c->state().closing() && (io.new_input || c->input_stalled()) &&
        c->pending_output() < kOutputLimit) {
      io.new_input = false;
      if (!Process(*this, c)) continue;
    }
    // Half-closed: once every request that arrived has run, finish the replies, then close.
    if (io.peer_eof && !io.new_input && !c->input_stalled()) c->state().StopInput();
    Settle(c);
  }
  listed_.clear();
}

void CompletionLoop::Reap() {
  std::erase_if(closed_,
                [](const std::unique_ptr<Connection>& c) { return !c->completion().busy(); });
}

bool CompletionLoop::Flush(Connection* c) {
  if (c->state().closed()) return false;
  if (c->completion().sending()) return true;
  if (c->pending_output() >= kOutputLimit && !c->partly_sent()) {
    // A large batch (>= 64 KB): write it now as far as the socket takes it, as epoll does, so a
    // pipeline of big replies runs at the socket's pace instead of one send per round. One
    // syscall per 64 KB or more; nothing is in flight, so byte order holds.
    if (!WriteNow(c)) return false;
  }
  QueueNextSend(c);
  return true;
}

void CompletionLoop::QueueNextSend(Connection* c) {
  std::string_view next = c->NextSend();
  if (next.empty()) return;
  loop().QueueSend(c->fd(), next, c);
  c->completion().SendStarted();
}

bool CompletionLoop::Settle(Connection* c) {
  if (!Flush(c)) return false;
  // Flush may have written a large batch at once: resume the requests it held back.
  if (c->input_stalled() && !c->state().closing() && c->pending_output() < kOutputLimit) {
    if (!Process(*this, c)) return false;
  }
  if (c->state().closing() && c->pending_output() == 0) {
    Close(c);
    return false;
  }
  ArmRecv(c);
  return true;
}

void CompletionLoop::ArmRecv(Connection* c) {
  CompletionIo& io = c->completion();
  bool want_recv = !c->state().closing() && !io.peer_eof && !draining() &&
                   c->pending_output() < kOutputLimit && !c->input_stalled();
  if (want_recv && !io.receiving()) {
    loop().StartRecv(c->fd(), c);
    io.RecvStarted();
  } else if (!want_recv && io.cancellable()) {
    // Back-pressure or closing: stop receiving; data already received is still taken.
    loop().CancelRecv(c);
    io.RecvCancelRequested();
  }
}

void CompletionLoop::ServeWhileBusy(uint64_t running, BusyResponder& responder) {
  Result<int> n = loop().PollNested(busy_events_);
  if (!n) return;
  for (int i = 0; i < *n; ++i) {
    const PollEvent& ev = busy_events_[static_cast<size_t>(i)];
    auto* handler = static_cast<IoHandler*>(ev.tag);
    if (ev.kind == EventKind::kReady) {
      // Only loop 0's listeners and signal fd are watched: new clients are accepted (and answered
      // BUSY), the signal fd (SIGTERM) is read as usual.
      if (!AcceptIfListener(handler)) handler->OnIo(ev.events);
      continue;
    }
    auto* c = static_cast<Connection*>(handler);  // only connections start operations
    const bool closes = (ev.kind == EventKind::kRecvEnd && ev.result != 0 &&
                         ev.result != -ENOBUFS && ev.result != -ECANCELED) ||
                        (ev.kind == EventKind::kSendDone && ev.result <= 0);
    if (c->session().id == running || (closes && !c->state().closed())) {
      std::string data;
      if (ev.kind == EventKind::kRecv) data.assign(ev.data, static_cast<size_t>(ev.result));
      deferred_.push_back(Deferred{c, ev.kind, ev.result, ev.more, std::move(data)});
      continue;
    }
    // What remains only takes data and updates state (and lists c): no close, no request run.
    const std::string_view data = ev.kind == EventKind::kRecv
                                      ? std::string_view(ev.data, static_cast<size_t>(ev.result))
                                      : std::string_view();
    OnCompletion(c, ev.kind, ev.result, ev.more, data);
  }
  // Answer what the listed connections have received (this poll's input, and that of the round
  // in progress not yet run) and queue the replies; ProcessListed settles them all afterwards.
  for (Connection* c : listed_) {
    CompletionIo& io = c->completion();
    if (!io.listed || c->state().closing() || c->session().id == running) continue;
    if ((io.new_input || c->input_stalled()) && c->pending_output() < kOutputLimit) {
      io.new_input = false;
      c->RunBusyBatch(responder);
    }
    SettleWhileBusy(c);
  }
}

void CompletionLoop::SettleWhileBusy(Connection* c) {
  if (!c->completion().sending()) QueueNextSend(c);
  ArmRecv(c);
}

void CompletionLoop::ReplayDeferred() {
  std::vector<Deferred> deferred;
  deferred.swap(deferred_);
  for (const Deferred& d : deferred) OnCompletion(d.c, d.kind, d.result, d.more, d.data);
}

void CompletionLoop::OnCompletion(Connection* c, EventKind kind, int result, bool more,
                                  std::string_view data) {
  switch (kind) {
    case EventKind::kRecv:
      OnClientRecv(c, data, more);
      break;
    case EventKind::kRecvEnd:
      OnClientRecvEnd(c, result);
      break;
    case EventKind::kSendDone:
      OnClientSendDone(c, result);
      break;
    case EventKind::kReady:
      break;
  }
}

void CompletionLoop::Release(Connection* c, std::unique_ptr<Connection> owned) {
  if (c->completion().busy()) loop().CancelAll(c->fd());
  if (owned) closed_.push_back(std::move(owned));
}

Status CompletionLoop::Finish() {
  int64_t reap_deadline = MonotonicMs() + kDrainTimeoutMs;
  while (!closed_.empty() && MonotonicMs() < reap_deadline) {
    Result<EventLoop::Round> round = loop().RunOnce(100);
    if (!round) return Error{round.error()};
    ProcessListed();
    Reap();
  }
  return {};
}

}  // namespace kv::server
