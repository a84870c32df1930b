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
#include "server/config/config.h"
#include "server/engine/command_table.h"
#include "server/store/store.h"

namespace kv::server {

// Counters reported by INFO stats; CONFIG RESETSTAT zeroes them.
struct CommandStats {
  uint64_t total_commands_processed = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t rejected_calls = 0;  // errors before execution (unknown, arity, NOAUTH, OOM)
};

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
  CommandTable table;
  CommandStats stats;
  bool active_expire_enabled = true;       // DEBUG SET-ACTIVE-EXPIRE
  std::unique_ptr<FamilyState> scripting;  // server/scripting's ScriptEngine
};

struct CommandContext {
  ServerState& server;
  Session& session;
  std::span<const std::string_view> args;
  resp::ReplyWriter reply;
  const CommandSpec& spec;

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
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

// "ERR wrong number of arguments for '<name>' command".
void ReplyArityError(resp::ReplyWriter& reply, std::string_view name);
// "ERR unknown subcommand '<sub>'. Try <CMD> HELP." (Redis 7 container commands).
void ReplyUnknownSubcommand(CommandContext& ctx);

// One subcommand of a container command (CLIENT, SCRIPT).
struct Subcommand {
  std::string_view name;  // as in "<command>|<name>"
  int arity;              // like CommandSpec::arity, counting the command and the subcommand
  CommandHandler run;
};
// Runs the subcommand ctx.args[1] names (case-insensitive) from subs, as "<command>|<name>" in
// CLIENT LIST and in its arity error; unknown: ReplyUnknownSubcommand.
void RunSubcommand(CommandContext& ctx, std::string_view command, std::span<const Subcommand> subs);
// A HELP reply: the lines as status replies.
void ReplyHelp(resp::ReplyWriter& reply, std::span<const std::string_view> lines);

}  // namespace kv::server
