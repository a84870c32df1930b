// --cluster topology: which master serves each of the 16384 slots, from CLUSTER SHARDS (Redis
// 7.0+) or CLUSTER SLOTS (older servers), and the redirections (-MOVED / -ASK) that change it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "resp/key_slot.h"
#include "resp/reply_reader.h"
#include "tools/load/net.h"
#include "tools/load/options.h"
#include "tools/load/transport.h"

namespace kv::load {

struct ClusterNode {
  std::string host;
  int port = 0;
  std::string id;  // empty when the server did not say
  std::string name() const { return host + ":" + std::to_string(port); }
};

struct ClusterMap {
  std::vector<ClusterNode> masters;
  std::array<int16_t, resp::kClusterSlots> owner;  // index into masters; -1: not served

  ClusterMap() { owner.fill(-1); }
  // The master at host:port (an empty host matches any host), or -1.
  int Find(std::string_view host, int port) const;
  int unassigned_slots() const;
};

// Parses CLUSTER SHARDS (RESP2 arrays or RESP3 maps). use_tls_port: take "tls-port" when the
// node has one. Only online masters that serve slots are kept.
Result<ClusterMap> ParseClusterShards(const resp::Reply& reply, bool use_tls_port);
// Parses CLUSTER SLOTS: [start, end, [ip, port, id, ...], replicas...]...
Result<ClusterMap> ParseClusterSlots(const resp::Reply& reply);

// Asks the node at seed (after the handshake of options) for the topology: CLUSTER SHARDS, or
// CLUSTER SLOTS when the server does not know SHARDS. Errors: unreachable, not a cluster
// ("--cluster: <node> is not in cluster mode"), slots not all served.
Result<ClusterMap> FetchClusterMap(const Options& options, const Endpoint& seed,
                                   const TlsContext* tls);

// A -MOVED or -ASK error reply's meaning ("MOVED 3999 127.0.0.1:6381").
struct Redirect {
  bool ask = false;
  int slot = 0;
  std::string host;
  int port = 0;
};
// nullopt when error is not a well-formed MOVED/ASK message.
std::optional<Redirect> ParseRedirect(std::string_view error);

// The key a request is routed by: its first argument after the command name (redis-benchmark's
// tests all have their key there); empty when the request has none (PING) or is not an encoded
// RESP array.
std::string_view RequestKey(std::string_view request);

}  // namespace kv::load
