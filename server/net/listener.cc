// Opening listening sockets and formatting socket addresses.
#include "server/net/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace kv::server {
namespace {

struct Parsed {
  sockaddr_storage storage{};
  socklen_t len = 0;
  int family = AF_INET;
};

bool ParseAddress(const std::string& text, int port, Parsed* out) {
  std::string host = text;
  if (host == "*") host = "0.0.0.0";
  if (host == "::*") host = "::";
  out->storage = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out->storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    out->len = sizeof(sockaddr_in);
    out->family = AF_INET;
    return true;
  }
  out->storage = {};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out->storage);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    out->len = sizeof(sockaddr_in6);
    out->family = AF_INET6;
    return true;
  }
  return false;
}

int BoundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return -1;
}

// Returns the socket or sets *err (errno) and *what (the failing call).
UniqueFd Listen(const Parsed& addr, int* err, const char** what) {
  UniqueFd fd(socket(addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    *err = errno;
    *what = "socket";
    return {};
  }
  int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (addr.family == AF_INET6) setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr.storage), addr.len) != 0) {
    *err = errno;
    *what = "bind";
    return {};
  }
  if (listen(fd.get(), kTcpBacklog) != 0) {
    *err = errno;
    *what = "listen";
    return {};
  }
  return fd;
}

}  // namespace

Result<std::vector<ListenSocket>> OpenListeners(const std::string& bind, int port) {
  std::vector<ListenSocket> out;
  size_t pos = 0;
  while (pos < bind.size()) {
    size_t start = bind.find_first_not_of(' ', pos);
    if (start == std::string::npos) break;
    size_t end = bind.find(' ', start);
    if (end == std::string::npos) end = bind.size();
    std::string address = bind.substr(start, end - start);
    pos = end;
    bool optional = address[0] == '-';
    if (optional) address.erase(0, 1);
    // With --port 0, every address after the first reuses the port the kernel chose.
    int want_port = (port == 0 && !out.empty()) ? out.front().port : port;
    Parsed parsed;
    if (!ParseAddress(address, want_port, &parsed)) {
      return Error{"cannot listen on " + address + ": not an IPv4 or IPv6 address"};
    }
    int err = 0;
    const char* what = "";
    UniqueFd fd = Listen(parsed, &err, &what);
    if (!fd.valid()) {
      bool unavailable = err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT;
      if (optional && unavailable) continue;
      bool v6 = address.find(':') != std::string::npos;
      std::string message = "cannot listen on ";
      message += v6 ? "[" : "";
      message += address;
      message += v6 ? "]:" : ":";
      message += std::to_string(want_port);
      message += ": ";
      message += what;
      message += ": ";
      message += std::strerror(err);
      return Error{std::move(message)};
    }
    int bound = BoundPort(fd.get());
    out.push_back(ListenSocket{std::move(fd), address, bound});
  }
  if (out.empty()) return Error{"no address to listen on (--bind '" + bind + "')"};
  return out;
}

std::string FormatSocketAddress(const sockaddr_storage& addr) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof(ip));
    port = ntohs(v4->sin_port);
    return std::string(ip) + ":" + std::to_string(port);
  }
  if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof(ip));
    port = ntohs(v6->sin6_port);
    std::string out = "[";
    out += ip;
    out += "]:";
    out += std::to_string(port);
    return out;
  }
  return "?:0";
}

std::string PeerAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?:0";
  return FormatSocketAddress(ss);
}

std::string LocalAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?:0";
  return FormatSocketAddress(ss);
}

}  // namespace kv::server
