// ReadinessLoop: reads on readable, writes on writable, and the poller interest in between.
#include "server/net/readiness_loop.h"

namespace kv::server {

bool ReadinessLoop::Start(Connection* c) {
  if (Status s = loop().Watch(c->fd(), kPollIn, c); !s) {
    shared().logger->Warning("Cannot watch client: " + s.error());
    Close(c);
    return false;
  }
  c->readiness().interest = kPollIn;
  return true;
}

void ReadinessLoop::OnClientIo(Connection* c, uint32_t events) {
  if (events & kPollError) {
    Close(c);
    return;
  }
  if ((events & kPollOut) && c->pending_output() > 0) {
    if (!Flush(c)) return;
    if (c->input_stalled() && !c->state().closing() && c->pending_output() < kOutputLimit) {
      if (!Process(*this, c)) return;
    }
  }
  if (events & (kPollIn | kPollHangup)) {
    if (c->state().closing() || (c->readiness().interest & kPollIn) == 0) {
      // Not reading: after a hang-up nobody can receive the pending output.
      if (events & kPollHangup) {
        Close(c);
        return;
      }
    } else {
      size_t n = 0;
      switch (c->Read(&n)) {
        case Connection::IoStatus::kOk:
          CountInput(n);
          if (!Process(*this, c)) return;
          break;
        case Connection::IoStatus::kEof:
          c->state().StopInput();  // half-closed: finish the replies, then close
          break;
        case Connection::IoStatus::kAgain:
          break;
        case Connection::IoStatus::kError:
          Close(c);
          return;
      }
    }
  }
  Settle(c);
}

bool ReadinessLoop::Flush(Connection* c) {
  if (c->pending_output() == 0) return true;
  return WriteNow(c);
}

void ReadinessLoop::Resume(Connection* c) {
  if (c->state().closed()) return;
  if (!c->state().closing() && c->pending_output() < kOutputLimit) {
    if (!Process(*this, c)) return;
  } else if (!Flush(c)) {
    return;
  }
  Settle(c);
}

bool ReadinessLoop::Settle(Connection* c) {
  size_t pending = c->pending_output();
  if (c->state().closing() && pending == 0) {
    Close(c);
    return false;
  }
  uint32_t want = 0;
  if (!c->state().closing() && !draining() && pending < kOutputLimit && !c->input_stalled()) {
    want |= kPollIn;
  }
  if (pending > 0) want |= kPollOut;
  if (want != c->readiness().interest) {
    if (Status s = loop().Rewatch(c->fd(), want, c); !s) {
      Close(c);
      return false;
    }
    c->readiness().interest = want;
  }
  return true;
}

void ReadinessLoop::Release(Connection* c, std::unique_ptr<Connection> /*owned: freed here*/) {
  loop().Unwatch(c->fd());
}

void ReadinessLoop::ServeWhileBusy(uint64_t running, BusyResponder& responder) {
  Result<int> n = loop().PollNested(busy_events_);
  if (!n) return;
  for (int i = 0; i < *n; ++i) {
    const PollEvent& ev = busy_events_[static_cast<size_t>(i)];
    // New clients are accepted (and answered BUSY), the signal fd (SIGTERM) is read as usual.
    // Closing connections, EOFs and errors wait for the script to end (level-triggered: the loop
    // sees them again), and so does the client running the script.
    auto* handler = static_cast<IoHandler*>(ev.tag);
    if (AcceptIfListener(handler)) continue;
    auto* c = dynamic_cast<Connection*>(handler);
    if (c == nullptr) {
      handler->OnIo(ev.events);
      continue;
    }
    if (c->session().id == running || c->state().closing()) continue;
    if ((ev.events & kPollIn) != 0 && (c->readiness().interest & kPollIn) != 0) {
      size_t bytes = 0;
      if (c->Read(&bytes) == Connection::IoStatus::kOk) {
        CountInput(bytes);
        c->RunBusyBatch(responder);
      }
    }
    if (c->pending_output() == 0) continue;
    size_t bytes = 0;
    c->Write(&bytes);
    CountOutput(bytes);
    if (c->pending_output() > 0 && (c->readiness().interest & kPollOut) == 0) {
      // The rest goes out when the socket drains (an error shows up in the loop as usual).
      const uint32_t want = c->readiness().interest | kPollOut;
      if (loop().Rewatch(c->fd(), want, c).ok()) c->readiness().interest = want;
    }
  }
}

}  // namespace kv::server
