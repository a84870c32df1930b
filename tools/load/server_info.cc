// CONFIG GET over the control connection (see server_info.h).
#include "tools/load/server_info.h"

#include "resp/request_encoder.h"
#include "tools/load/control.h"
#include "tools/load/worker.h"

namespace kv::load {
namespace {
constexpr int kTimeoutMs = 5000;
}

Result<ServerConfig> FetchServerConfig(const Options& options, const Endpoint& endpoint,
                                       const TlsContext* tls) {
  Result<Transport> t = ConnectControl(endpoint, tls, kTimeoutMs);
  if (!t.ok()) return Error{t.error()};
  Handshake hs = MakeHandshake(options);
  std::string out = hs.bytes;
  const std::string_view get_save[] = {"CONFIG", "GET", "save"};
  const std::string_view get_appendonly[] = {"CONFIG", "GET", "appendonly"};
  resp::AppendRequest(get_save, &out);
  resp::AppendRequest(get_appendonly, &out);
  Result<std::vector<resp::Reply>> replies =
      Exchange(*t, out, static_cast<size_t>(hs.replies) + 2, kTimeoutMs);
  if (!replies.ok()) return Error{replies.error()};
  ServerConfig cfg;
  for (size_t i = 0; i < replies->size(); ++i) {
    const resp::Reply& r = (*replies)[i];
    if (r.is_error()) return Error{r.str};
    if (i < static_cast<size_t>(hs.replies)) continue;
    // RESP2: an array [name, value]; RESP3 (-3): a map of one pair, the same two elements.
    if ((r.type != resp::Reply::Type::kArray && r.type != resp::Reply::Type::kMap) ||
        r.elements.size() != 2) {
      return Error{"unexpected CONFIG GET reply"};
    }
    (i == static_cast<size_t>(hs.replies) ? cfg.save : cfg.appendonly) = r.elements[1].str;
  }
  return cfg;
}

}  // namespace kv::load
