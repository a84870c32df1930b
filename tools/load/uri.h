// redis-cli/redis-benchmark's -u URIs: redis://[[user]:password@]host[:port][/db], rediss:// for
// TLS. Parsed strictly: what redis-benchmark would silently misread is an Error here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace kv::load {

struct RedisUri {
  bool tls = false;  // rediss://
  std::string host;  // empty: not given (the default host stays)
  std::optional<int> port;
  std::optional<std::string> user;      // empty user ("redis://:pw@h") is no user
  std::optional<std::string> password;  // percent-decoded
  std::optional<int> db;
};

// Errors name the URI and what is wrong, e.g.
//   -u: 'http://x' must start with redis:// or rediss://
//   -u: 'redis://h:99999' has an invalid port
Result<RedisUri> ParseRedisUri(std::string_view uri);

}  // namespace kv::load
