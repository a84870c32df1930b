// The command side of kv-server: the command table, the keyspace and the statistics. Knows nothing
// of sockets: the network layer hands it parsed requests and gets reply bytes back.
//
// Threading: one CommandProcessor per server. With --threads N > 1 the event loops share it under
// one mutex (the "server lock"), taken once per batch of requests from one read, never per
// command. Every method here requires that lock (trivially true with one thread).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "server/config.h"
#include "server/server_control.h"
#include "server/session.h"

namespace kv::server {

class Store;
struct CommandStats;

class CommandProcessor {
 public:
  // config and control must outlive the processor; config may be changed by CONFIG SET.
  CommandProcessor(Config* config, ServerControl* control);
  ~CommandProcessor();
  CommandProcessor(const CommandProcessor&) = delete;
  CommandProcessor& operator=(const CommandProcessor&) = delete;

  // Sets the clock that commands use (ms since the epoch). The event loop calls it once per batch,
  // so commands do not read the clock each.
  void SetTime(int64_t now_ms);

  // Runs one request (args not empty) for session and appends its reply to *out. May set
  // session.close_after_reply / close_now, change session.db / authenticated, or call control.
  void Execute(Session& session, std::span<const std::string_view> args, std::string* out);

  // Looks ahead over the complete requests at the start of pending (a connection's unparsed
  // input, not modified) and prefetches their keys in session's database, so that the lookups of
  // a pipelined batch overlap their cache misses. Bounded work: at most kPrefetchRequests
  // requests within the first kPrefetchWindow bytes. Returns how many requests it covered, at
  // least 1, so the caller can look ahead again after running that many.
  size_t Prefetch(const Session& session, std::string_view pending);
  static constexpr size_t kPrefetchRequests = 16;
  static constexpr size_t kPrefetchWindow = 2048;

  // Active expiry: deletes expired keys for at most budget_us microseconds. Returns true when it
  // stopped because of the budget (more expired keys are likely waiting).
  bool ActiveExpireCycle(int64_t budget_us);

  // For the network layer: total keys and used memory (the figure maxmemory is checked against).
  uint64_t TotalKeys() const;
  uint64_t UsedMemory() const;

  Store& store();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kv::server
