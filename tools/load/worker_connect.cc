// kv-load worker connections (see worker.h): opening them before the clock starts (TLS
// handshakes included), losing them, and reopening them during the run.
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "resp/reply_reader.h"
#include "resp/request_encoder.h"
#include "tools/load/worker.h"
#include "tools/load/worker_io.h"

namespace kv::load {
namespace {

constexpr size_t kSetupChunk = 256;  // connections opened at once (listen backlogs)
constexpr int64_t kSetupTimeoutNs = 10'000'000'000;
constexpr int kMaxReconnectFailures = 3;
constexpr std::string_view kPing[] = {"PING"};

}  // namespace

Status Worker::Setup() {
  if (!epoll_.valid()) return Error{std::string("epoll_create1: ") + std::strerror(errno)};
  for (size_t begin = 0; begin < conns_.size(); begin += kSetupChunk) {
    Status s = SetupChunk(begin, std::min(conns_.size(), begin + kSetupChunk));
    if (!s.ok()) return s;
  }
  live_ = static_cast<int64_t>(clients_.size());
  return {};
}

// The TCP connect of c finished: starts TLS, or sends the handshake and a PING.
Status Worker::SetupConnected(Conn& c, uint32_t index) {
  const std::string where = "Could not connect to Redis at " + EndpointOf(c).description + ": ";
  if (c.state == State::kConnecting) {
    const int err = ConnectError(c.io.fd());
    if (err != 0) return Error{where + std::strerror(err)};
    if (spec_.tls != nullptr) {
      Result<Transport> t = Transport::Tls(c.io.ReleaseFd(), *spec_.tls, spec_.tls->sni());
      if (!t.ok()) return Error{where + t.error()};
      c.io = std::move(*t);
      c.state = State::kHandshake;
    }
  }
  if (c.state == State::kHandshake) {
    const Io io = c.io.Handshake();
    if (io == Io::kClosed || io == Io::kError) return Error{where + c.io.error()};
    if (io != Io::kDone) {
      c.handshake_events = io == Io::kWantRead ? EPOLLIN : EPOLLOUT;
      ArmEpoll(c, index, /*add=*/false);
      return {};
    }
  }
  c.state = State::kReady;
  c.wbuf = handshake_.bytes;
  resp::AppendRequest(kPing, &c.wbuf);
  c.skip = handshake_.replies + 1;
  ArmEpoll(c, index, /*add=*/false);
  Flush(c, index);
  if (c.state != State::kReady) return Error{where + "connection lost during setup"};
  return {};
}

Status Worker::SetupChunk(size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    Conn& c = conns_[i];
    Result<UniqueFd> fd = StartConnect(EndpointOf(c));
    if (!fd.ok()) return Error{fd.error()};
    c.io = Transport(std::move(*fd));
    c.state = State::kConnecting;
    ArmEpoll(c, static_cast<uint32_t>(i), /*add=*/true);
  }
  size_t pending = end - begin;
  const int64_t deadline = NowNs() + kSetupTimeoutNs;
  epoll_event events[kMaxEvents];
  while (pending > 0) {
    const int64_t left = deadline - NowNs();
    if (left <= 0) {
      return Error{"Could not connect to Redis at " + spec_.endpoint->description +
                   ": timed out waiting for PING replies"};
    }
    int n = Wait(epoll_.get(), events, kMaxEvents, left);
    if (n < 0 && errno != EINTR) return Error{std::string("epoll_wait: ") + std::strerror(errno)};
    for (int e = 0; e < n; ++e) {
      const uint32_t idx = events[e].data.u32;
      Conn& c = conns_[idx];
      if (c.state == State::kConnecting || c.state == State::kHandshake) {
        Status s = SetupConnected(c, idx);
        if (!s.ok()) return s;
        continue;
      }
      if (events[e].events & EPOLLOUT) Flush(c, idx);
      if (!(events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
      size_t got = 0;
      const Io io = ReadInto(c, &got);
      if (io == Io::kWantRead || io == Io::kWantWrite) continue;
      if (io != Io::kDone) {
        return Error{"Connection to " + EndpointOf(c).description +
                     " closed during setup: " + c.io.error()};
      }
      size_t pos = 0;
      while (pos < c.rlen && c.skip > 0) {
        resp::ScannedReply rep;
        std::string why;
        resp::ReadResult rr =
            resp::ScanReply(std::string_view(c.rbuf.data() + pos, c.rlen - pos), &rep, &why);
        if (rr == resp::ReadResult::kNeedMore) break;
        if (rr == resp::ReadResult::kError) return Error{"Malformed reply during setup: " + why};
        if (rep.type == resp::Reply::Type::kError) {
          return Error{"Error from server: " + std::string(ErrorText(rep.error))};
        }
        pos += rep.length;
        if (--c.skip == 0) --pending;
      }
      std::memmove(c.rbuf.data(), c.rbuf.data() + pos, c.rlen - pos);
      c.rlen -= pos;
    }
  }
  return {};
}

Io Worker::ReadInto(Conn& c, size_t* n) {
  if (c.rlen == c.rbuf.size()) c.rbuf.resize(c.rbuf.size() * 2);
  const Io io = c.io.Read(c.rbuf.data() + c.rlen, c.rbuf.size() - c.rlen, n);
  if (io == Io::kDone) c.rlen += *n;
  return io;
}

void Worker::Lose(Conn& c, uint32_t index, std::string_view why) {
  int64_t measured = 0, requests = 0;
  for (uint32_t j = 0; j < c.count; ++j) {
    const Slot& s = c.ring[(c.head + j) % c.ring.size()];
    if (s.asking) continue;
    ++requests;
    measured += s.measured;
  }
  Client& cl = clients_[c.client];
  cl.inflight -= requests;
  inflight_ -= requests;
  c.count = 0;
  c.head = 0;
  ++result_.lost_connections;
  result_.errors.AddTyped(kErrConnectionLost, "connection lost: " + std::string(why), measured);
  if (spec_.options->reconnect) {
    ++result_.reconnects;
    Reopen(c, index);
    return;
  }
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.io.fd(), nullptr);
  c.io.Reset();
  c.state = State::kDead;
  KillClient(c.client);
}

// A connection of client died for good: the client sends nothing more.
void Worker::KillClient(uint32_t client) {
  Client& cl = clients_[client];
  if (cl.dead) return;
  cl.dead = true;
  --live_;
  if (open_loop_ && cl.due > cl.sent) {
    const int64_t clients = static_cast<int64_t>(clients_.size());
    int64_t unsent = 0;
    for (int64_t m = cl.sent; m < cl.due; ++m) unsent += (client + m * clients) >= measure_k_;
    result_.errors.AddTyped(kErrConnectionLost, "connection lost", unsent);
    backlog_ -= cl.due - cl.sent;
    cl.sent = cl.due;
  }
}

void Worker::Reopen(Conn& c, uint32_t index) {
  if (c.io.valid()) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.io.fd(), nullptr);
  c.io.Reset();
  c.rlen = 0;
  c.wbuf.clear();
  c.woff = 0;
  c.want_write = false;
  c.skip = 0;
  Result<UniqueFd> fd = StartConnect(EndpointOf(c));
  if (!fd.ok()) {
    result_.errors.AddTyped(kErrConnectionLost, "reconnect failed: " + fd.error(), 0);
    c.state = State::kDead;
    KillClient(c.client);
    return;
  }
  c.io = Transport(std::move(*fd));
  c.state = State::kConnecting;
  ArmEpoll(c, index, /*add=*/true);
}

void Worker::FinishConnect(Conn& c, uint32_t index) {
  if (c.state == State::kConnecting) {
    const int err = ConnectError(c.io.fd());
    if (err == 0 && spec_.tls != nullptr) {
      StartHandshake(c, index);
      return;
    }
    if (err != 0) {
      if (++c.failures >= kMaxReconnectFailures) {
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.io.fd(), nullptr);
        c.io.Reset();
        c.state = State::kDead;
        KillClient(c.client);
        return;
      }
      Reopen(c, index);
      return;
    }
    ConnectionReady(c, index);
    return;
  }
  // kHandshake
  const Io io = c.io.Handshake();
  if (io == Io::kDone) {
    ConnectionReady(c, index);
  } else if (io == Io::kWantRead || io == Io::kWantWrite) {
    c.handshake_events = io == Io::kWantRead ? EPOLLIN : EPOLLOUT;
    ArmEpoll(c, index, /*add=*/false);
  } else {
    result_.errors.AddTyped(kErrConnectionLost, "reconnect failed: " + c.io.error(), 0);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.io.fd(), nullptr);
    c.io.Reset();
    c.state = State::kDead;
    KillClient(c.client);
  }
}

// A reconnected TCP socket: wraps it in TLS and starts the handshake.
void Worker::StartHandshake(Conn& c, uint32_t index) {
  Result<Transport> t = Transport::Tls(c.io.ReleaseFd(), *spec_.tls, spec_.tls->sni());
  if (!t.ok()) {
    result_.errors.AddTyped(kErrConnectionLost, "reconnect failed: " + t.error(), 0);
    c.io.Reset();
    c.state = State::kDead;
    KillClient(c.client);
    return;
  }
  c.io = std::move(*t);
  c.state = State::kHandshake;
  FinishConnect(c, index);
}

void Worker::ConnectionReady(Conn& c, uint32_t index) {
  c.failures = 0;
  c.state = State::kReady;
  c.wbuf = handshake_.bytes;
  c.skip = handshake_.replies;
  ArmEpoll(c, index, /*add=*/false);
  Flush(c, index);
  if (c.state == State::kReady && CanSend(c.client)) SendBatch(c.client, NowNs());
}

}  // namespace kv::load
