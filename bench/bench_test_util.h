// What the tests that run kv_bench as a process share: which servers they can measure here and the
// kv_bench flags that select them.
#pragma once

#include <unistd.h>

#include <string>
#include <vector>

#include "fixtures/server_process.h"

namespace kv::bench {

struct AvailableTargets {
  std::string kv;     // the built kv-server ("" if absent)
  std::string redis;  // redis-server ("" if not installed)

  size_t count() const { return (kv.empty() ? 0 : 1) + (redis.empty() ? 0 : 1); }
  // --kv_targets=... and --kv_server_path=... for kv_bench; empty when nothing is available.
  std::vector<std::string> Flags() const {
    std::string targets = kv.empty() ? "" : "kv";
    if (!redis.empty()) targets += std::string(targets.empty() ? "" : ",") + "redis";
    if (targets.empty()) return {};
    std::vector<std::string> out{"--kv_targets=" + targets};
    if (!kv.empty()) out.push_back("--kv_server_path=" + kv);
    return out;
  }
};

inline AvailableTargets FindTargets() {
  AvailableTargets out;
#ifdef KV_SERVER_PATH
  if (access(KV_SERVER_PATH, X_OK) == 0) out.kv = KV_SERVER_PATH;
#endif
  out.redis = fixtures::FindExecutable("redis-server", "/usr/bin/redis-server");
  return out;
}

}  // namespace kv::bench
