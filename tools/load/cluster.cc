// Cluster topology and redirections (see cluster.h).
#include "tools/load/cluster.h"

#include "base/numbers.h"
#include "resp/request_encoder.h"
#include "tools/load/control.h"
#include "tools/load/worker.h"

namespace kv::load {
namespace {

constexpr int kTimeoutMs = 5000;

// A RESP2 flat array or RESP3 map of name/value pairs: the value of name, or null.
const resp::Reply* Field(const resp::Reply& r, std::string_view name) {
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    if (r.elements[i].str == name) return &r.elements[i + 1];
  }
  return nullptr;
}

std::string Text(const resp::Reply* r) { return r ? r->str : std::string(); }

std::optional<int64_t> Int(const resp::Reply* r) {
  if (r == nullptr) return std::nullopt;
  if (r->type == resp::Reply::Type::kInteger) return r->integer;
  return ParseNumber<int64_t>(r->str);
}

bool IsAggregate(const resp::Reply& r) {
  return r.type == resp::Reply::Type::kArray || r.type == resp::Reply::Type::kMap;
}

int AddMaster(ClusterMap* map, ClusterNode node) {
  const int found = map->Find(node.host, node.port);
  if (found >= 0) return found;
  map->masters.push_back(std::move(node));
  return static_cast<int>(map->masters.size()) - 1;
}

Status Assign(ClusterMap* map, int64_t start, int64_t end, int master) {
  if (start < 0 || end >= resp::kClusterSlots || start > end) {
    return Error{"slot range " + std::to_string(start) + "-" + std::to_string(end) +
                 " is out of range"};
  }
  for (int64_t s = start; s <= end; ++s) map->owner[static_cast<size_t>(s)] = int16_t(master);
  return {};
}

}  // namespace

int ClusterMap::Find(std::string_view host, int port) const {
  for (size_t i = 0; i < masters.size(); ++i) {
    if (masters[i].port == port && (host.empty() || masters[i].host == host)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int ClusterMap::unassigned_slots() const {
  int n = 0;
  for (int16_t o : owner) n += o < 0;
  return n;
}

Result<ClusterMap> ParseClusterShards(const resp::Reply& reply, bool use_tls_port) {
  if (reply.type != resp::Reply::Type::kArray) return Error{"CLUSTER SHARDS: not an array"};
  ClusterMap map;
  for (const resp::Reply& shard : reply.elements) {
    if (!IsAggregate(shard)) return Error{"CLUSTER SHARDS: a shard is not a map"};
    const resp::Reply* slots = Field(shard, "slots");
    const resp::Reply* nodes = Field(shard, "nodes");
    if (slots == nullptr || nodes == nullptr || slots->elements.size() % 2 != 0) {
      return Error{"CLUSTER SHARDS: a shard lacks slots or nodes"};
    }
    if (slots->elements.empty()) continue;
    int master = -1;
    for (const resp::Reply& node : nodes->elements) {
      if (Text(Field(node, "role")) != "master") continue;
      const std::string health = Text(Field(node, "health"));
      if (!health.empty() && health != "online") continue;
      ClusterNode n;
      n.host = Text(Field(node, "endpoint"));
      if (n.host.empty() || n.host == "?") n.host = Text(Field(node, "ip"));
      std::optional<int64_t> port = use_tls_port && Field(node, "tls-port")
                                        ? Int(Field(node, "tls-port"))
                                        : Int(Field(node, "port"));
      if (!port || *port <= 0 || *port > 65535 || n.host.empty()) {
        return Error{"CLUSTER SHARDS: a master has no usable address"};
      }
      n.port = static_cast<int>(*port);
      n.id = Text(Field(node, "id"));
      master = AddMaster(&map, std::move(n));
      break;
    }
    if (master < 0) continue;  // no online master: its slots stay unserved
    for (size_t i = 0; i < slots->elements.size(); i += 2) {
      std::optional<int64_t> start = Int(&slots->elements[i]);
      std::optional<int64_t> end = Int(&slots->elements[i + 1]);
      if (!start || !end) return Error{"CLUSTER SHARDS: a slot is not a number"};
      Status s = Assign(&map, *start, *end, master);
      if (!s.ok()) return Error{"CLUSTER SHARDS: " + s.error()};
    }
  }
  return map;
}

Result<ClusterMap> ParseClusterSlots(const resp::Reply& reply) {
  if (reply.type != resp::Reply::Type::kArray) return Error{"CLUSTER SLOTS: not an array"};
  ClusterMap map;
  for (const resp::Reply& range : reply.elements) {
    if (range.type != resp::Reply::Type::kArray || range.elements.size() < 3 ||
        range.elements[2].type != resp::Reply::Type::kArray ||
        range.elements[2].elements.size() < 2) {
      return Error{"CLUSTER SLOTS: malformed slot range"};
    }
    const resp::Reply& node = range.elements[2];
    std::optional<int64_t> port = Int(&node.elements[1]);
    if (!port || *port <= 0 || *port > 65535 || node.elements[0].str.empty()) {
      return Error{"CLUSTER SLOTS: a master has no usable address"};
    }
    ClusterNode n{node.elements[0].str, static_cast<int>(*port),
                  node.elements.size() > 2 ? node.elements[2].str : std::string()};
    const int master = AddMaster(&map, std::move(n));
    std::optional<int64_t> start = Int(&range.elements[0]);
    std::optional<int64_t> end = Int(&range.elements[1]);
    if (!start || !end) return Error{"CLUSTER SLOTS: a slot is not a number"};
    Status s = Assign(&map, *start, *end, master);
    if (!s.ok()) return Error{"CLUSTER SLOTS: " + s.error()};
  }
  return map;
}

Result<ClusterMap> FetchClusterMap(const Options& options, const Endpoint& seed,
                                   const TlsContext* tls) {
  Result<Transport> t = ConnectControl(seed, tls, kTimeoutMs);
  if (!t.ok()) return Error{t.error()};
  const Handshake hs = MakeHandshake(options);
  std::string out = hs.bytes;
  const std::string_view shards[] = {"CLUSTER", "SHARDS"};
  resp::AppendRequest(shards, &out);
  const size_t skip = static_cast<size_t>(hs.replies);
  Result<std::vector<resp::Reply>> replies = Exchange(*t, out, skip + 1, kTimeoutMs);
  if (!replies.ok()) return Error{"--cluster: " + seed.description + ": " + replies.error()};
  for (size_t i = 0; i < skip; ++i) {
    if ((*replies)[i].is_error()) return Error{"Error from server: " + (*replies)[i].str};
  }
  const resp::Reply& r = (*replies)[skip];
  Result<ClusterMap> map = Error{""};
  if (!r.is_error()) {
    map = ParseClusterShards(r, tls != nullptr);
  } else if (r.str.find("cluster support disabled") != std::string::npos) {
    return Error{"--cluster: " + seed.description + " is not in cluster mode (" + r.str + ")"};
  } else {  // an older server: no SHARDS subcommand
    out.clear();
    const std::string_view slots[] = {"CLUSTER", "SLOTS"};
    resp::AppendRequest(slots, &out);
    Result<std::vector<resp::Reply>> s = Exchange(*t, out, 1, kTimeoutMs);
    if (!s.ok()) return Error{"--cluster: " + seed.description + ": " + s.error()};
    if ((*s)[0].is_error()) {
      return Error{"--cluster: " + seed.description + ": CLUSTER SLOTS: " + (*s)[0].str};
    }
    map = ParseClusterSlots((*s)[0]);
  }
  if (!map.ok()) return Error{"--cluster: " + seed.description + ": " + map.error()};
  if (map->masters.empty()) return Error{"--cluster: " + seed.description + " serves no slots"};
  const int missing = map->unassigned_slots();
  if (missing > 0) {
    return Error{"--cluster: " + std::to_string(missing) +
                 " slots are not served by any master (is the cluster state ok?)"};
  }
  return map;
}

std::optional<Redirect> ParseRedirect(std::string_view error) {
  if (!error.empty() && error.front() == '-') error.remove_prefix(1);
  while (!error.empty() && (error.back() == '\n' || error.back() == '\r')) error.remove_suffix(1);
  Redirect r;
  if (error.starts_with("MOVED ")) {
    error.remove_prefix(6);
  } else if (error.starts_with("ASK ")) {
    error.remove_prefix(4);
    r.ask = true;
  } else {
    return std::nullopt;
  }
  const size_t space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::optional<int64_t> slot = ParseNumber<int64_t>(error.substr(0, space));
  std::string_view addr = error.substr(space + 1);
  const size_t colon = addr.rfind(':');
  if (!slot || *slot < 0 || *slot >= resp::kClusterSlots || colon == std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<int64_t> port = ParseNumber<int64_t>(addr.substr(colon + 1));
  if (!port || *port <= 0 || *port > 65535) return std::nullopt;
  r.slot = static_cast<int>(*slot);
  r.host = std::string(addr.substr(0, colon));
  r.port = static_cast<int>(*port);
  return r;
}

std::string_view RequestKey(std::string_view req) {
  // "*N\r\n$L\r\nCMD\r\n$L\r\nKEY\r\n"
  auto skip_line = [&](size_t pos) -> size_t {
    const size_t e = req.find("\r\n", pos);
    return e == std::string_view::npos ? std::string_view::npos : e + 2;
  };
  if (req.empty() || req[0] != '*') return {};
  size_t pos = skip_line(0);
  for (int arg = 0; arg < 2 && pos != std::string_view::npos && pos < req.size(); ++arg) {
    if (req[pos] != '$') return {};
    const size_t data = skip_line(pos);
    if (data == std::string_view::npos) return {};
    std::optional<int64_t> len = ParseNumber<int64_t>(req.substr(pos + 1, data - pos - 3));
    if (!len || *len < 0 || data + static_cast<size_t>(*len) + 2 > req.size()) return {};
    if (arg == 1) return req.substr(data, static_cast<size_t>(*len));
    pos = data + static_cast<size_t>(*len) + 2;
  }
  return {};
}

}  // namespace kv::load
