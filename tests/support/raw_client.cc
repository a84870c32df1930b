// RawClient: non-blocking socket + poll() with deadlines.
#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace kv::test {
namespace {

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Milliseconds until deadline for poll(): at least 0, at most 1 s (poll is re-armed in a loop).
int PollTimeout(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 1000));
}

// Waits for `events` on fd until deadline; returns the revents (0 on timeout).
int WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int timeout = PollTimeout(deadline);
    const int r = poll(&p, 1, timeout);
    if (r > 0) return p.revents;
    if (r < 0 && errno != EINTR) return POLLERR;
    if (Clock::now() >= deadline) return 0;
  }
}

}  // namespace

const char* ReadEndName(ReadEnd end) {
  switch (end) {
    case ReadEnd::kEnough:
      return "enough";
    case ReadEnd::kClosed:
      return "closed";
    case ReadEnd::kReset:
      return "reset";
    case ReadEnd::kDeadline:
      return "deadline (connection still open)";
  }
  return "?";
}

Result<RawClient> RawClient::Connect(int port, const std::string& host,
                                     std::chrono::milliseconds timeout) {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    addr_len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    addr_len = sizeof(sockaddr_in6);
  } else {
    return Error{"not an IP address: " + host};
  }
  const std::string where = host + ":" + std::to_string(port);
  const int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{Errno("socket")};
  RawClient conn(fd);  // owns fd from here on
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), addr_len) != 0) {
    if (errno != EINPROGRESS) return Error{Errno("connect")};
    if ((WaitFor(fd, POLLOUT, Clock::now() + timeout) & (POLLOUT | POLLERR | POLLHUP)) == 0) {
      return Error{"connect to " + where + ": timed out"};
    }
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return Error{"connect to " + where + ": " + std::strerror(err)};
  }
  return conn;
}

RawClient::RawClient(RawClient&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

RawClient& RawClient::operator=(RawClient&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

RawClient::~RawClient() { Close(); }

void RawClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void RawClient::CloseWithReset() {
  if (fd_ < 0) return;
  const linger lin{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  Close();
}

Status RawClient::ShutdownWrite() {
  if (shutdown(fd_, SHUT_WR) != 0) return Error{Errno("shutdown")};
  return {};
}

Status RawClient::Send(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (WaitFor(fd_, POLLOUT, deadline) == 0) return Error{"send: deadline passed"};
      continue;
    }
    return Error{Errno("send")};
  }
  return {};
}

Result<size_t> RawClient::SendUntilStalled(std::string_view bytes, Clock::time_point deadline,
                                           std::chrono::milliseconds stall) {
  size_t sent = 0;
  while (sent < bytes.size() && Clock::now() < deadline) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (WaitFor(fd_, POLLOUT, std::min(deadline, Clock::now() + stall)) == 0) break;
      continue;
    }
    return Error{Errno("send")};
  }
  return sent;
}

template <typename Done>
ReadOutcome RawClient::ReadUntil(Clock::time_point deadline, size_t limit, Done done) {
  ReadOutcome out;
  char buf[64 * 1024];
  while (!done(out.data)) {
    const ssize_t n = recv(fd_, buf, std::min(sizeof(buf), limit - out.data.size()), 0);
    if (n > 0) {
      out.data.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {
      out.end = ReadEnd::kClosed;
      return out;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (WaitFor(fd_, POLLIN, deadline) == 0) {
        out.end = ReadEnd::kDeadline;
        return out;
      }
      continue;
    }
    out.end = ReadEnd::kReset;  // ECONNRESET, or another error that ends the connection
    return out;
  }
  out.end = ReadEnd::kEnough;
  return out;
}

ReadOutcome RawClient::ReadUntilClosed(Clock::time_point deadline) {
  return ReadUntil(deadline, SIZE_MAX, [](const std::string&) { return false; });
}

ReadOutcome RawClient::ReadAtLeast(size_t n, Clock::time_point deadline) {
  return ReadUntil(deadline, SIZE_MAX, [n](const std::string& data) { return data.size() >= n; });
}

ReadOutcome RawClient::ReadExactly(size_t n, Clock::time_point deadline) {
  return ReadUntil(deadline, n, [n](const std::string& data) { return data.size() >= n; });
}

}  // namespace kv::test
