// Sockets for kv-load: an owning fd, non-blocking TCP/unix connects, and the open-file limit.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <utility>

#include "base/result.h"

namespace kv::load {

// Unique owner of a file descriptor; closes it on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

// Where to connect: resolved once, reused for every connection.
struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  bool unix_socket = false;
  std::string description;  // "127.0.0.1:6379" or the socket path, for messages
};

// Resolves host:port (numeric or by name) or a unix socket path (when non-empty).
Result<Endpoint> ResolveEndpoint(const std::string& host, int port, const std::string& socket_path);

// Starts a non-blocking connect (TCP_NODELAY set). The fd is usable once it is writable and
// ConnectError() returns 0.
Result<Fd> StartConnect(const Endpoint& endpoint);

// SO_ERROR of a socket whose non-blocking connect finished (0: connected).
int ConnectError(int fd);

// Blocking connect with a timeout (for the control connection).
Result<Fd> ConnectBlocking(const Endpoint& endpoint, int timeout_ms);

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the resulting soft limit.
int64_t RaiseFileLimit();

}  // namespace kv::load
