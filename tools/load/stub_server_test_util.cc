// The test stub server (see stub_server_test_util.h): one poll() thread,
// kv::resp::RequestParser per connection.
#include "tools/load/stub_server_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "resp/reply_writer.h"
#include "resp/request_parser.h"

namespace kv::load {
namespace {

struct Client {
  int fd = -1;
  std::string in;
  std::string out;
  resp::RequestParser parser;
};

bool Is(std::string_view a, const char* b) {
  return a.size() == std::strlen(b) && ::strncasecmp(a.data(), b, a.size()) == 0;
}

}  // namespace

Result<std::unique_ptr<StubServer>> StubServer::Start(const Config& config) {
  std::unique_ptr<StubServer> s(new StubServer());
  s->config_ = config;
  s->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s->listen_fd_ < 0) return Error{"socket failed"};
  int one = 1;
  ::setsockopt(s->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(s->listen_fd_, 1024) != 0) {
    return Error{std::string("bind/listen: ") + std::strerror(errno)};
  }
  socklen_t len = sizeof(addr);
  ::getsockname(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  s->port_ = ntohs(addr.sin_port);
  s->wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  s->thread_ = std::thread([p = s.get()] { p->Loop(); });
  return s;
}

StubServer::~StubServer() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    thread_.join();
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void StubServer::Loop() {
  std::vector<std::unique_ptr<Client>> clients;
  bool stalled = false;
  bool closed_one = false;
  std::vector<pollfd> fds;
  char buf[16384];
  while (true) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (auto& c : clients) {
      fds.push_back({c->fd, static_cast<short>(POLLIN | (c->out.empty() ? 0 : POLLOUT)), 0});
    }
    if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
    if (fds[0].revents) break;
    if (fds[1].revents & POLLIN) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        auto c = std::make_unique<Client>();
        c->fd = fd;
        clients.push_back(std::move(c));
      }
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      Client& c = *clients[i - 2];
      if (c.fd < 0) continue;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = ::read(c.fd, buf, sizeof(buf));
        if (n <= 0) {
          ::close(c.fd);
          c.fd = -1;
          continue;
        }
        c.in.append(buf, static_cast<size_t>(n));
        size_t pos = 0;
        bool drop = false;
        while (pos < c.in.size()) {
          size_t consumed = 0;
          resp::ParseResult r = c.parser.Parse(std::string_view(c.in).substr(pos), &consumed);
          if (r != resp::ParseResult::kComplete) break;
          pos += consumed;
          auto args = c.parser.args();
          if (args.empty()) continue;
          resp::ReplyWriter reply(&c.out);
          if (Is(args[0], "PING")) {
            reply.Simple("PONG");
            continue;
          }
          if (Is(args[0], "CONFIG")) {  // any CONFIG: as CONFIG GET save, with save ""
            reply.ArrayHeader(2);
            reply.Bulk("save");
            reply.Bulk("");
            continue;
          }
          const int64_t count = ++requests_;
          if (!closed_one && config_.close_after > 0 && count == config_.close_after) {
            closed_one = true;
            drop = true;
            break;
          }
          if (Is(args[0], "SET")) {
            reply.Simple("OK");
          } else if (Is(args[0], "GET")) {
            reply.NullBulk();
          } else {
            reply.Error("ERR unknown command '" + std::string(args[0]) + "'");
          }
          if (!stalled && config_.stall_after >= 0 && count >= config_.stall_after) {
            stalled = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(config_.stall_ms));
          }
        }
        c.in.erase(0, pos);
        if (drop) {
          ::close(c.fd);
          c.fd = -1;
          continue;
        }
      }
      while (!c.out.empty()) {
        ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0) break;
        c.out.erase(0, static_cast<size_t>(n));
      }
    }
    clients.erase(std::remove_if(clients.begin(), clients.end(),
                                 [](const std::unique_ptr<Client>& c) { return c->fd < 0; }),
                  clients.end());
  }
  for (auto& c : clients) {
    if (c->fd >= 0) ::close(c->fd);
  }
}

}  // namespace kv::load
