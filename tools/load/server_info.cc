// CONFIG GET over a blocking control connection (see server_info.h).
#include "tools/load/server_info.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "resp/reply_reader.h"
#include "resp/request_encoder.h"
#include "tools/load/worker.h"

namespace kv::load {
namespace {
constexpr int kTimeoutMs = 5000;
}

Result<ServerConfig> FetchServerConfig(const Options& options, const Endpoint& endpoint) {
  Result<UniqueFd> fd = ConnectBlocking(endpoint, kTimeoutMs);
  if (!fd.ok()) return Error{fd.error()};
  Handshake hs = MakeHandshake(options);
  std::string out = hs.bytes;
  const std::string_view get_save[] = {"CONFIG", "GET", "save"};
  const std::string_view get_appendonly[] = {"CONFIG", "GET", "appendonly"};
  resp::AppendRequest(get_save, &out);
  resp::AppendRequest(get_appendonly, &out);
  size_t off = 0;
  while (off < out.size()) {
    pollfd p{fd->get(), POLLOUT, 0};
    if (::poll(&p, 1, kTimeoutMs) <= 0) return Error{"timeout sending CONFIG GET"};
    ssize_t n = ::send(fd->get(), out.data() + off, out.size() - off, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return Error{std::string("send: ") + std::strerror(errno)};
    off += static_cast<size_t>(n);
  }
  resp::ReplyReader reader;
  std::vector<resp::Reply> replies;
  const size_t wanted = static_cast<size_t>(hs.replies) + 2;
  char buf[4096];
  while (replies.size() < wanted) {
    resp::Reply reply;
    resp::ReadResult rr = reader.Next(&reply);
    if (rr == resp::ReadResult::kComplete) {
      replies.push_back(std::move(reply));
      continue;
    }
    if (rr == resp::ReadResult::kError) return Error{reader.error()};
    pollfd p{fd->get(), POLLIN, 0};
    if (::poll(&p, 1, kTimeoutMs) <= 0) return Error{"timeout waiting for CONFIG GET"};
    ssize_t n = ::read(fd->get(), buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return Error{"connection closed"};
    reader.Feed(std::string_view(buf, static_cast<size_t>(n)));
  }
  ServerConfig cfg;
  for (size_t i = 0; i < replies.size(); ++i) {
    const resp::Reply& r = replies[i];
    if (r.is_error()) return Error{r.str};
    if (i < static_cast<size_t>(hs.replies)) continue;
    if (r.type != resp::Reply::Type::kArray || r.elements.size() != 2) {
      return Error{"unexpected CONFIG GET reply"};
    }
    (i == static_cast<size_t>(hs.replies) ? cfg.save : cfg.appendonly) = r.elements[1].str;
  }
  return cfg;
}

}  // namespace kv::load
