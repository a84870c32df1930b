// Sockets for kv-load (owned by kv::UniqueFd): non-blocking TCP/unix connects, the open-file limit.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <utility>

#include "base/result.h"
#include "base/unique_fd.h"

namespace kv::load {

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
Result<UniqueFd> StartConnect(const Endpoint& endpoint);

// SO_ERROR of a socket whose non-blocking connect finished (0: connected).
int ConnectError(int fd);

// Blocking connect with a timeout (for the control connection).
Result<UniqueFd> ConnectBlocking(const Endpoint& endpoint, int timeout_ms);

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the resulting soft limit.
int64_t RaiseFileLimit();

}  // namespace kv::load
