// Target: one server under test as kv_bench sees it — the process it started (or the endpoint of
// one already running), the endpoint clients use (possibly through a DelayProxy), its version, what
// it supports (DELIFEQ, the lock release script) and whether its CPU and memory can be read.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "bench/bench_config.h"
#include "bench/profiler.h"
#include "bench/target_spec.h"
#include "fixtures/delay_proxy.h"
#include "fixtures/server_process.h"

namespace kv::bench {

enum class CaseKind;

struct Target {
  std::string name;  // "kv", "redis", or a --kv_target NAME
  TargetSpec spec;
  std::unique_ptr<fixtures::ServerProcess> server;  // null for NAME@HOST:PORT
  fixtures::Endpoint server_endpoint;               // the server itself
  std::unique_ptr<fixtures::DelayProxy> proxy;      // only with --kv_rtt_us
  std::unique_ptr<Profiler> profiler;               // only with --kv_profile
  fixtures::Endpoint client_endpoint;               // proxy if any, else the server
  // > 0: the server's process, whose CPU time and RSS kv_bench reads from /proc (servers it
  // started; a NAME@HOST:PORT server on loopback whose INFO process_id exists here). 0: none, and
  // server_stats_na says why ("remote", ...).
  pid_t local_pid = 0;
  std::string server_stats_na;
  std::string version;           // redis_version (or kv_version) from INFO
  std::string kv_version;        // kv-server only
  bool has_delifeq = false;      // COMMAND INFO DELIFEQ knows it (LOCK releases with it)
  std::string lock_release_sha;  // SHA1 of the compare-and-delete script (empty: not loaded)
  std::string script_error;      // why lock_release_sha is empty
  // Collection commands the cases need (CollectionCommands) that COMMAND INFO does not know.
  std::vector<std::string> unknown_commands;
  // bytes_per_key by value size: RSS growth / keys written (1M keys), measured once at start-up
  // (see MeasureBytesPerKey).
  std::map<int, double> bytes_per_key;
  std::map<int, double> used_memory_per_key;  // the server's own accounting, for reference

  // A fresh connection straight to the server (no proxy), for set-up and statistics.
  Result<fixtures::Client> AdminClient() const;
  // Ok while the server runs (always for a server kv_bench did not start); else its exit status
  // and log tail.
  Status CheckAlive() const;
  // A server kv_bench started: waits up to timeout for it to exit; true if it has. False for
  // NAME@HOST:PORT.
  bool WaitExit(std::chrono::milliseconds timeout) const;
  // CPU time and RSS of the server (error when local_pid is 0: server_stats_na).
  Result<fixtures::ProcStats> Stats() const;
  bool uses_delifeq() const { return has_delifeq; }
  // Why `kind` cannot run on this target ("" when it can): LOCK and EVALSHA need DELIFEQ or the
  // lock release script; the collection cases their commands (CollectionCommands).
  std::string Unsupported(CaseKind kind) const;
  // One line for people and the JSON context: what runs where ("redis-server 7.0.15 pid=12
  // port=4000 (started)", "10.0.0.2:6379 redis 7.2.4 (already running; server_cpu: n/a (remote))").
  std::string Describe() const;
};

// The Redis compare-and-delete lock release: delete KEYS[1] only if it holds ARGV[1].
inline constexpr std::string_view kLockReleaseScript =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else "
    "return 0 end";

// Starts the target (from the main thread: see ChildProcess::Spawn) or connects to it
// (NAME@HOST:PORT: it must answer PING and hold no keys), the proxy when rtt_us > 0, reads its
// version and capabilities and loads the lock script. `binary` is the server binary of a built-in
// target (the caller checked it exists and gives the not-found message); unused otherwise.
Result<std::unique_ptr<Target>> StartTarget(const TargetSpec& spec, const std::string& binary,
                                            const BenchConfig& config, const std::string& log_dir);

// RSS growth per key on a server with no keys: FLUSHALL, write `keys` keys of value_size bytes
// (distinct key ranges per value size, so later sizes grow past the earlier high-water mark),
// read RSS and INFO used_memory before and after. Keys are left in place; FLUSHALL at the end.
// Without a local process only used_memory_per_key is measured.
Status MeasureBytesPerKey(Target& target, const std::vector<int>& value_sizes, int64_t keys);

}  // namespace kv::bench
