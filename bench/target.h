// Target: one server under test (kv-server or redis-server) as kv_bench sees it — the process,
// the endpoint clients use (possibly through a DelayProxy), its version and lock-release command.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "bench/bench_config.h"
#include "bench/profiler.h"
#include "fixtures/delay_proxy.h"
#include "fixtures/server_process.h"

namespace kv::bench {

struct Target {
  std::string name;  // "kv" or "redis"
  std::unique_ptr<fixtures::ServerProcess> server;
  std::unique_ptr<fixtures::DelayProxy> proxy;  // only with --kv_rtt_us
  std::unique_ptr<Profiler> profiler;           // only with --kv_profile
  fixtures::Endpoint client_endpoint;           // proxy if any, else the server
  std::string version;                          // redis_version (or kv_version) from INFO
  std::string kv_version;                       // kv-server only
  std::string lock_release_sha;  // SHA1 of the compare-and-delete script (empty: not loaded)
  std::string script_error;      // why lock_release_sha is empty
  // bytes_per_key by value size: RSS growth / keys written (1M keys), measured once at start-up
  // (see MeasureBytesPerKey).
  std::map<int, double> bytes_per_key;
  std::map<int, double> used_memory_per_key;  // the server's own accounting, for reference

  // A fresh connection straight to the server (no proxy), for set-up and statistics.
  Result<fixtures::Client> AdminClient() const;
  // Ok while the server runs; else its exit status and log tail.
  Status CheckAlive() const { return server->CheckAlive(); }
  bool uses_delifeq() const { return name == "kv"; }
};

// The Redis compare-and-delete lock release: delete KEYS[1] only if it holds ARGV[1].
inline constexpr std::string_view kLockReleaseScript =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else "
    "return 0 end";

// Starts the server (from the main thread: see ChildProcess::Spawn), the proxy when rtt_us > 0,
// reads its version, loads the lock script on redis and measures bytes_per_key for every value
// size. `binary` must exist (the caller gives the not-found message).
Result<std::unique_ptr<Target>> StartTarget(const std::string& name, const std::string& binary,
                                            const BenchConfig& config, const std::string& log_dir);

// RSS growth per key on a server with no keys: FLUSHALL, write `keys` keys of value_size bytes
// (distinct key ranges per value size, so later sizes grow past the earlier high-water mark),
// read RSS and INFO used_memory before and after. Keys are left in place; FLUSHALL at the end.
Status MeasureBytesPerKey(Target& target, const std::vector<int>& value_sizes, int64_t keys);

}  // namespace kv::bench
