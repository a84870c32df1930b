// kv-server configuration: one struct, filled from the command line in main() and changed at run
// time by CONFIG SET. Names follow redis.conf where Redis has the setting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace kv::server {

inline constexpr std::string_view kKvVersion = "0.1.0";
// What INFO/HELLO report as redis_version, for tools that check it.
inline constexpr std::string_view kRedisCompatVersion = "7.0.15";

// One class of client-output-buffer-limit (Redis's semantics): a client whose pending output
// reaches hard_bytes, or stays at soft_bytes or more for longer than soft_seconds, is disconnected.
// 0 disables that part.
struct OutputBufferLimit {
  int64_t hard_bytes = 0;
  int64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
};

// client-output-buffer-limit: one limit per client class, Redis 7's defaults. kv-server enforces
// pubsub (subscribers and MONITOR clients, whose output grows from other clients' commands) and
// normal (every other client: one huge reply; off by default, as in Redis); slave is kept for
// CONFIG GET/SET only (no replication).
struct OutputBufferLimits {
  OutputBufferLimit normal;
  OutputBufferLimit slave{256LL * 1024 * 1024, 64LL * 1024 * 1024, 60};
  OutputBufferLimit pubsub{32LL * 1024 * 1024, 8LL * 1024 * 1024, 60};
};

struct Config {
  int port = 6379;                 // 0: ephemeral (the ready line tells which)
  std::string bind = "127.0.0.1";  // space-separated addresses, e.g. "127.0.0.1 ::1"
  int threads = 1;                 // event-loop threads
  int maxclients = 10000;          // capped by RLIMIT_NOFILE - 32 at start-up
  int64_t maxmemory = 0;           // bytes; 0 = unlimited; policy is always noeviction
  std::string requirepass;         // empty: no AUTH needed
  int64_t timeout = 0;             // idle seconds before closing a client; 0 = never
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  OutputBufferLimits client_output_buffer_limit;
  bool enable_debug_command = false;
  std::string loglevel = "notice";  // debug | verbose | notice | warning
  std::string logfile;              // empty: stderr
  std::string io = "auto";          // auto | epoll | uring
  // io_uring: under load, wait up to this long for a batch of completions (0: off; Linux 6.12+).
  // Off by default: it saves CPU per request at the cost of latency (see docs/DESIGN.md).
  int64_t io_batch_usec = 0;
  // A script running longer than this (ms) makes other clients get -BUSY until it ends or SCRIPT
  // KILL stops it (Redis's busy-reply-threshold, alias lua-time-limit). 0: at once.
  int64_t busy_reply_threshold_ms = 5000;
  std::string hugepages = "auto";      // auto | no: huge pages for the heap (see hugepages.h)
  // Compact encodings (Redis's names, redis.conf's values; CONFIG SET applies from the next write,
  // and a collection that passes a limit converts for good, as in Redis). Lists keep fixed limits.
  int64_t hash_max_listpack_entries = 128;
  int64_t hash_max_listpack_value = 64;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t debug_command_delay_us = 0;  // debug only: busy-wait this long per command
  int64_t debug_slowdown_pct = 0;  // debug only: each command costs this % more (the gate's test)
  // debug only: restricts debug_slowdown_pct to this command (lower case; empty: every command).
  std::string debug_slowdown_command;
  // debug only: a loop of this many iterations per command (the instruction gate's test).
  int64_t debug_extra_work = 0;
};

// What main() should do after parsing the command line.
struct CommandLine {
  Config config;
  bool show_help = false;
  bool show_version = false;
};

// Parses `--name value` flags (and `--name=value`). Errors name the flag and the bad value.
Result<CommandLine> ParseCommandLine(int argc, const char* const* argv);
std::string HelpText();

// CONFIG SET semantics for one setting (name case-insensitive). Errors are the Redis reply text
// without '-' (e.g. "ERR Unknown option or number of arguments for CONFIG SET - 'foo'").
Status SetConfigValue(Config& config, std::string_view name, std::string_view value,
                      bool at_startup);

// Every (name, value) pair CONFIG GET can return, in a stable order, with Redis-style spelling
// (sizes in bytes, booleans yes/no). Includes read-only compatibility entries (save, appendonly,
// databases, maxmemory-policy).
std::vector<std::pair<std::string, std::string>> ConfigPairs(const Config& config);

// "512mb", "1gb", "100k", "42" -> bytes (Redis units: k=1000, kb=1024, m=1000^2, mb=1024^2, ...).
Result<int64_t> ParseMemorySize(std::string_view text);

}  // namespace kv::server
