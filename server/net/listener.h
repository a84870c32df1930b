// Listening TCP sockets for kv-server: one per --bind address, all on the same port.
#pragma once

#include <sys/socket.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace kv::server {

struct ListenSocket {
  UniqueFd fd;          // non-blocking, close-on-exec, listening
  std::string address;  // as given in --bind (without a leading '-')
  int port = 0;         // the bound port
};

inline constexpr int kTcpBacklog = 511;  // Redis's tcp-backlog default

// Opens a listening socket on every address in bind (space-separated; "*" = all IPv4, "::*" = all
// IPv6; a leading '-' marks an address that is skipped when unavailable). With port 0 the first
// address gets an ephemeral port and the others bind that same port. IPv6 sockets are v6-only.
// Errors name the address and port: "cannot listen on 127.0.0.1:6379: Address already in use".
Result<std::vector<ListenSocket>> OpenListeners(const std::string& bind, int port);

// "1.2.3.4:5" or "[::1]:5" (Redis 7's spelling), "?:0" for other families.
std::string FormatSocketAddress(const sockaddr_storage& addr);
// The peer ("addr") and local ("laddr") address of a connected socket.
std::string PeerAddress(int fd);
std::string LocalAddress(int fd);

}  // namespace kv::server
