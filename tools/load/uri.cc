// -u URI parsing (see uri.h), following redis-cli's parseRedisUri with strict checks.
#include "tools/load/uri.h"

#include "base/numbers.h"

namespace kv::load {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes as redis-cli's percentDecode; a malformed escape is an error.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace

Result<RedisUri> ParseRedisUri(std::string_view uri) {
  const std::string quoted = "-u: '" + std::string(uri) + "'";
  RedisUri out;
  std::string_view rest = uri;
  if (rest.starts_with("redis://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("rediss://")) {
    rest.remove_prefix(9);
    out.tls = true;
  } else {
    return Error{quoted + " must start with redis:// or rediss://"};
  }
  // Userinfo: up to the last '@' (a password may contain '@' only percent-encoded, but be kind).
  const size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view info = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    const size_t colon = info.find(':');
    std::string_view pass = info;
    if (colon != std::string_view::npos) {
      std::optional<std::string> user = PercentDecode(info.substr(0, colon));
      if (!user) return Error{quoted + " has a malformed %-escape in the user name"};
      if (!user->empty()) out.user = *user;
      pass = info.substr(colon + 1);
    }
    std::optional<std::string> password = PercentDecode(pass);
    if (!password) return Error{quoted + " has a malformed %-escape in the password"};
    out.password = *password;
  }
  std::string_view hostport = rest;
  const size_t slash = rest.find('/');
  std::string_view path;
  if (slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  std::string_view port_text;
  bool has_port = false;
  if (hostport.starts_with("[")) {  // [IPv6]:port
    const size_t close = hostport.find(']');
    if (close == std::string_view::npos) return Error{quoted + " has an unclosed '[' in the host"};
    out.host = std::string(hostport.substr(1, close - 1));
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Error{quoted + " has text after ']' that is not :port"};
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const size_t colon = hostport.find(':');
    out.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      has_port = true;
    }
  }
  if (out.host.empty() && (has_port || at != std::string_view::npos)) {
    return Error{quoted + " has no host"};
  }
  if (has_port) {
    std::optional<int64_t> port = ParseNumber<int64_t>(port_text);
    if (!port || *port < 1 || *port > 65535) return Error{quoted + " has an invalid port"};
    out.port = static_cast<int>(*port);
  }
  if (!path.empty()) {
    std::optional<int64_t> db = ParseNumber<int64_t>(path);
    if (!db || *db < 0 || *db > 1'000'000) {
      return Error{quoted + " has an invalid database number '" + std::string(path) + "'"};
    }
    out.db = static_cast<int>(*db);
  }
  return out;
}

}  // namespace kv::load
