// Dispatcher: all the network layer knows of the command side. The engine's CommandProcessor
// implements it; a connection hands it parsed requests and gets reply bytes back.
//
// Threading: every method requires the server lock (one mutex shared by the event loops when
// --threads N > 1, taken once per batch of requests, never per command; with one loop it is free).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "server/api/session.h"

namespace kv::server {

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;

  // Sets the clock that commands use (ms since the epoch). The event loop calls it once per batch,
  // so commands do not read the clock each.
  virtual void SetTime(int64_t now_ms) = 0;

  // Runs one request (args not empty) for session and appends its reply to *out. May set
  // session.close_after_reply / close_now, change session.db / authenticated, or call the
  // ServerControl the dispatcher was built with.
  virtual void Execute(Session& session, std::span<const std::string_view> args,
                       std::string* out) = 0;

  // Looks ahead over the complete requests at the start of pending (a connection's unparsed
  // input, not modified) and prepares for them (prefetches their keys), so that a pipelined
  // batch overlaps its cache misses. Bounded work. Returns how many requests it covered, at least
  // 1, so the caller can look ahead again after running that many.
  virtual size_t Prefetch(const Session& session, std::string_view pending) = 0;

  // session's connection is closed (for any reason): the command side drops what it keeps for it
  // (subscriptions, MONITOR, WATCHed keys, a MULTI queue). Called once per connection that was
  // handed to Execute, before the Session is destroyed.
  virtual void OnClose(Session& session) = 0;

  // Periodic housekeeping (active expiry, blocked clients' timeouts) for at most budget_us
  // microseconds. Returns true when it stopped because of the budget (more work is likely waiting).
  virtual bool ActiveExpireCycle(int64_t budget_us) = 0;

  // Releases large collections removed from the keyspace (lazy free) for at most about budget_us
  // microseconds (at least one slice of 1024 elements when something is queued). Returns true
  // while some remain queued.
  virtual bool LazyFreeStep(int64_t budget_us) = 0;
};

}  // namespace kv::server
