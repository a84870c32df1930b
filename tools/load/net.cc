// Socket helpers for kv-load (see net.h).
#include "tools/load/net.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kv::load {

Result<Endpoint> ResolveEndpoint(const std::string& host, int port,
                                 const std::string& socket_path) {
  Endpoint ep;
  if (!socket_path.empty()) {
    sockaddr_un un{};
    if (socket_path.size() >= sizeof(un.sun_path)) {
      return Error{"-s: socket path is too long: " + socket_path};
    }
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, socket_path.data(), socket_path.size());
    std::memcpy(&ep.addr, &un, sizeof(un));
    ep.len = sizeof(un);
    ep.unix_socket = true;
    ep.description = socket_path;
    return ep;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port_str = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    return Error{"Could not resolve '" + host + "': " + ::gai_strerror(rc)};
  }
  std::memcpy(&ep.addr, res->ai_addr, res->ai_addrlen);
  ep.len = res->ai_addrlen;
  ::freeaddrinfo(res);
  ep.description = host + ":" + port_str;
  return ep;
}

Result<UniqueFd> StartConnect(const Endpoint& endpoint) {
  UniqueFd fd(::socket(endpoint.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Error{std::string("socket: ") + std::strerror(errno)};
  if (!endpoint.unix_socket) {
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&endpoint.addr), endpoint.len) != 0 &&
      errno != EINPROGRESS && errno != EAGAIN) {
    return Error{"Could not connect to Redis at " + endpoint.description + ": " +
                 std::strerror(errno)};
  }
  return fd;
}

int ConnectError(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

Result<UniqueFd> ConnectBlocking(const Endpoint& endpoint, int timeout_ms) {
  Result<UniqueFd> fd = StartConnect(endpoint);
  if (!fd.ok()) return fd;
  pollfd p{fd->get(), POLLOUT, 0};
  int rc = ::poll(&p, 1, timeout_ms);
  if (rc == 0) return Error{"Could not connect to Redis at " + endpoint.description + ": timeout"};
  int err = rc < 0 ? errno : ConnectError(fd->get());
  if (err != 0) {
    return Error{"Could not connect to Redis at " + endpoint.description + ": " +
                 std::strerror(err)};
  }
  return fd;
}

int64_t RaiseFileLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return rl.rlim_cur == RLIM_INFINITY ? INT64_MAX : static_cast<int64_t>(rl.rlim_cur);
}

}  // namespace kv::load
