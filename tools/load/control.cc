// Blocking control connection (see control.h).
#include "tools/load/control.h"

#include <poll.h>

#include <cerrno>

namespace kv::load {
namespace {

// Waits for what io asks for; false on timeout or poll error.
bool WaitFor(const Transport& t, Io io, int timeout_ms) {
  pollfd p{t.fd(), static_cast<short>(io == Io::kWantWrite ? POLLOUT : POLLIN), 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  return rc > 0;
}

}  // namespace

Result<Transport> ConnectControl(const Endpoint& endpoint, const TlsContext* tls, int timeout_ms) {
  Result<UniqueFd> fd = ConnectBlocking(endpoint, timeout_ms);
  if (!fd.ok()) return Error{fd.error()};
  if (tls == nullptr) return Transport(std::move(*fd));
  Result<Transport> t = Transport::Tls(std::move(*fd), *tls, tls->sni());
  if (!t.ok()) return t;
  while (true) {
    const Io io = t->Handshake();
    if (io == Io::kDone) return t;
    if (io == Io::kClosed || io == Io::kError) {
      return Error{"TLS connection to " + endpoint.description + ": " + t->error()};
    }
    if (!WaitFor(*t, io, timeout_ms)) {
      return Error{"TLS connection to " + endpoint.description + ": handshake timed out"};
    }
  }
}

Result<std::vector<resp::Reply>> Exchange(Transport& t, std::string_view requests, size_t replies,
                                          int timeout_ms) {
  size_t off = 0;
  while (off < requests.size()) {
    size_t n = 0;
    const Io io = t.Write(requests.data() + off, requests.size() - off, &n);
    if (io == Io::kDone) {
      off += n;
      continue;
    }
    if (io == Io::kClosed || io == Io::kError) return Error{"send: " + t.error()};
    if (!WaitFor(t, io, timeout_ms)) return Error{"timeout sending a request"};
  }
  resp::ReplyReader reader;
  std::vector<resp::Reply> out;
  char buf[16384];
  while (out.size() < replies) {
    resp::Reply reply;
    const resp::ReadResult rr = reader.Next(&reply);
    if (rr == resp::ReadResult::kComplete) {
      out.push_back(std::move(reply));
      continue;
    }
    if (rr == resp::ReadResult::kError) return Error{"malformed reply: " + reader.error()};
    size_t n = 0;
    const Io io = t.Read(buf, sizeof(buf), &n);
    if (io == Io::kDone) {
      reader.Feed(std::string_view(buf, n));
      continue;
    }
    if (io == Io::kClosed || io == Io::kError) return Error{"reading replies: " + t.error()};
    if (!WaitFor(t, io, timeout_ms)) return Error{"timeout waiting for a reply"};
  }
  return out;
}

}  // namespace kv::load
