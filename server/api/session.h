// Per-connection state that commands can see and change. Owned by the network layer; every field
// is read and written only while the server lock is held (see command_processor.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kv::server {

// A key WATCHed by a session; the engine's WatchIndex (server/engine/watch.h) finds the watchers
// of a key that changes.
struct WatchedKey {
  int db = 0;
  std::string key;
  bool expired = false;  // logically expired at WATCH: its deletion alone changes nothing
};

// MULTI/EXEC and WATCH state (run by server/engine/transaction.h). The engine keeps it consistent
// and must be told when the session goes away (Dispatcher::OnClose).
struct Transaction {
  bool in_multi = false;      // between MULTI and EXEC / DISCARD
  bool aborted = false;       // a command was rejected while queuing: EXEC replies EXECABORT
  bool watch_dirty = false;   // a watched key changed: EXEC replies a null array
  uint32_t queued_flags = 0;  // union of the queued commands' CommandSpec flags
  std::vector<std::string> queued_args;  // the queued commands' arguments, back to back
  std::vector<uint32_t> queued_argc;     // how many of them each queued command has
  uint64_t queued_bytes = 0;             // memory held by the queue (client-query-buffer-limit)
  std::vector<WatchedKey> watched;       // WATCH ... until EXEC, DISCARD, UNWATCH, close
};

struct Session {
  uint64_t id = 0;    // CLIENT ID: unique, increasing from 1
  std::string addr;   // peer "ip:port" ("[::1]:port" style as Redis prints "::1:port")
  std::string laddr;  // local "ip:port"
  int fd = -1;
  std::string name;                 // CLIENT SETNAME
  std::string lib_name;             // CLIENT SETINFO LIB-NAME
  std::string lib_ver;              // CLIENT SETINFO LIB-VER
  int db = 0;                       // SELECT
  int protocol = 2;                 // HELLO: 2 (RESP2) or 3 (RESP3); replies are written in it
  bool authenticated = true;        // false until AUTH when requirepass is set
  int64_t created_ms = 0;           // wall clock, for CLIENT LIST age
  int64_t last_interaction_ms = 0;  // for CLIENT LIST idle and --timeout
  // CLIENT LIST cmd=: the last command's lower-case name and, for a container command, its
  // subcommand ("get" of config|get). Views of static names (the command table's, subcommand
  // tables'): Execute sets them per request without copying.
  std::string_view last_command;
  std::string_view last_subcommand;
  uint64_t query_buffer_bytes = 0;   // qbuf= in CLIENT LIST (net layer keeps it current)
  uint64_t output_buffer_bytes = 0;  // omem= in CLIENT LIST
  Transaction txn;                   // MULTI / EXEC / WATCH

  // Pub/Sub and MONITOR (the engine's PubSub registry keeps the subscriptions and sets these):
  // sub= and psub= of CLIENT LIST; with either non-zero a RESP2 client is in subscriber mode.
  uint32_t pubsub_channels = 0;
  uint32_t pubsub_patterns = 0;
  bool monitor = false;  // MONITOR: receives every command others run
  bool subscribed() const { return pubsub_channels + pubsub_patterns > 0; }
  // Other clients' commands push to it (messages, MONITOR lines).
  bool receives_pushes() const { return subscribed() || monitor; }

  // Blocked by BLPOP & co. (the engine's BlockingRegistry): no reply yet, and the network layer
  // runs none of the client's later requests until the engine ends the wait (ServerControl::
  // Unblock). CLIENT LIST flags=b.
  bool blocked = false;

  // Set by commands, acted on by the network layer after the reply is written:
  bool close_after_reply = false;  // QUIT, CLIENT KILL of itself, protocol errors
  bool close_now = false;          // cross-protocol attack (POST / Host:): close without reply
  std::string close_reason;        // with close_now: logged as a warning (e.g. a MULTI too large)
};

}  // namespace kv::server
