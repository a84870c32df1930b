// What a command handler sees: the server-wide state (store, config, stats, control) and the
// current request (session, arguments, reply writer). Shared by the command_*.cc families.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "resp/reply_writer.h"
#include "server/api/server_control.h"
#include "server/api/session.h"
#include "server/engine/blocking.h"
#include "server/config/config.h"
#include "server/engine/command_stats.h"
#include "server/engine/command_table.h"
#include "server/engine/pubsub.h"
#include "server/engine/watch.h"
#include "server/store/store.h"

namespace kv::server {

// Server-wide state of a command family that lives above the engine (server/scripting: the Lua
// interpreter and the script cache). The family creates it on first use.
class FamilyState {
 public:
  virtual ~FamilyState() = default;
};

struct ServerState {
  ServerState(Config* c, ServerControl* ctl) : config(c), control(ctl) {}
  Config* config;
  ServerControl* control;
  Store store;
  WatchIndex watches{&store};  // WATCH (watch.h); the store's observer while a key is watched
  CommandTable table;
  CommandStats stats;
  PubSub pubsub;                      // subscriptions and MONITOR clients
  BlockingRegistry blocking{&store};  // clients blocked by BLPOP & co. (blocking.h)
  TickRate tick_rate;                 // converts CommandCounters::ticks for INFO commandstats
  std::string run_id;                 // INFO run_id: 40 random hex digits, drawn by the first INFO
  std::string master_replid;          // INFO master_replid: likewise
  bool active_expire_enabled = true;  // DEBUG SET-ACTIVE-EXPIRE
  std::unique_ptr<FamilyState> scripting;  // server/scripting's ScriptEngine
};

struct CommandContext {
  ServerState& server;
  Session& session;
  std::span<const std::string_view> args;
  resp::ReplyWriter reply;
  const CommandSpec& spec;
  // A client's own command may block it (BLPOP...); false inside MULTI and scripts, where blocking
  // commands answer at once as if they timed out.
  bool may_block = false;
  // Run by redis.call from a Lua script (Redis CLIENT_SCRIPT): SORT then orders a set even
  // without a sort, so that the script's result is deterministic.
  bool in_script = false;

  Store& store() { return server.store; }
  int db() const { return session.db; }
  int64_t now_ms() const { return server.store.now_ms(); }
  // Read lookup that counts keyspace hits/misses (Redis lookupKeyRead).
  Entry* LookupRead(std::string_view key) {
    Entry* e = server.store.Find(session.db, key);
    if (e != nullptr) {
      ++server.stats.keyspace_hits;
    } else {
      ++server.stats.keyspace_misses;
    }
    return e;
  }
};

// Shared reply texts (without the leading '-').
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrOom =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

// Redis checkType: when e exists and does not hold type, replies WRONGTYPE and returns true.
inline bool WrongType(resp::ReplyWriter& reply, const Entry* e, ValueType type) {
  if (e == nullptr || e->type() == type) [[likely]]
    return false;
  reply.Error(kErrWrongType);
  return true;
}
// The same for the entry at link (nullptr: missing).
inline bool WrongType(resp::ReplyWriter& reply, Entry* const* link, ValueType type) {
  return link != nullptr && WrongType(reply, *link, type);
}

// "ERR wrong number of arguments for '<name>' command".
void ReplyArityError(resp::ReplyWriter& reply, std::string_view name);
// Redis getIntFromObjectOrReply: an int, else replies the not-an-integer or out-of-range error.
bool ParseInt32(CommandContext& ctx, std::string_view text, int* out);
// "ERR unknown subcommand '<sub>'. Try <CMD> HELP." (Redis 7 container commands).
void ReplyUnknownSubcommand(CommandContext& ctx);

// A container command's subcommand (CLIENT ID, OBJECT ENCODING...): its name as in
// "<command>|<name>", its arity counting the command and the subcommand (like CommandSpec::arity)
// and its handler.
struct Subcommand {
  std::string_view name;
  int arity;
  CommandHandler run;
};
// Runs the subcommand args[1] names (any case) and records "<command>|<name>" as the session's
// last command; else Redis's arity error for "<command>|<name>" or ReplyUnknownSubcommand.
void DispatchSubcommand(CommandContext& ctx, std::span<const Subcommand> subcommands);
// Drops what the command side keeps for session: its MULTI queue, WATCHed keys, subscriptions and
// MONITOR (a closed connection, RESET).
void ReleaseSessionState(ServerState& state, Session& session);
// A HELP reply: the lines as status replies.
void ReplyHelp(resp::ReplyWriter& reply, std::span<const std::string_view> lines);

}  // namespace kv::server
