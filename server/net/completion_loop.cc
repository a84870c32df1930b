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
  // Process and Settle never add to listed_ (only the completion handlers do).
  for (Connection* c : listed_) {
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
  std::string_view next = c->NextSend();
  if (!next.empty()) {
    loop().QueueSend(c->fd(), next, c);
    c->completion().SendStarted();
  }
  return true;
}

bool CompletionLoop::Settle(Connection* c) {
  if (!Flush(c)) return false;
  // Flush may have written a large batch at once: resume the requests it held back.
  if (c->input_stalled() && !c->state().closing() && c->pending_output() < kOutputLimit) {
    if (!Process(*this, c)) return false;
  }
  size_t pending = c->pending_output();
  if (c->state().closing() && pending == 0) {
    Close(c);
    return false;
  }
  CompletionIo& io = c->completion();
  bool want_recv = !c->state().closing() && !io.peer_eof && !draining() && pending < kOutputLimit &&
                   !c->input_stalled();
  if (want_recv && !io.receiving()) {
    loop().StartRecv(c->fd(), c);
    io.RecvStarted();
  } else if (!want_recv && io.cancellable()) {
    // Back-pressure or closing: stop receiving; data already received is still taken.
    loop().CancelRecv(c);
    io.RecvCancelRequested();
  }
  return true;
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
