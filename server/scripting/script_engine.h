// ScriptEngine: Redis 7.0-compatible Lua scripting (EVAL/EVALSHA/SCRIPT) on Debian's Lua 5.1: the
// sandboxed interpreter, the script cache by SHA1, redis.call through the command table, Redis's
// type conversions, and busy scripts (BUSY replies to other clients, SCRIPT KILL).
//
// Threading: everything but Respond requires the server lock; Respond is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "server/api/server_control.h"
#include "server/api/session.h"
#include "server/engine/command_context.h"

struct lua_State;

namespace kv::server {

// SHA1 of data as 40 lower-case hex digits (redis.sha1hex, the script cache's key).
std::string Sha1Hex(std::string_view data);

inline constexpr std::string_view kErrNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kErrNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kErrBusy =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kErrUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
    "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
    "NOSAVE command.";

class ScriptEngine final : public FamilyState, public BusyResponder {
 public:
  // Instructions between two checks of the running time (the Lua count hook).
  static constexpr int kHookInstructions = 100000;

  // server must outlive the engine.
  explicit ScriptEngine(ServerState* server);
  ~ScriptEngine() override;
  ScriptEngine(const ScriptEngine&) = delete;
  ScriptEngine& operator=(const ScriptEngine&) = delete;

  // The engine of server (created on first use, kept in server.scripting).
  static ScriptEngine& Of(ServerState& server);

  // EVAL, EVALSHA, EVAL_RO, EVALSHA_RO: ctx.args = name, body or sha, numkeys, keys..., args...
  void Eval(CommandContext& ctx, bool by_sha, bool read_only);
  // SCRIPT LOAD: compiles and caches body; the sha, or the error reply text.
  Result<std::string> Load(std::string_view body);
  // SCRIPT EXISTS (case-insensitive, as Redis).
  bool Exists(std::string_view sha) const;
  // SCRIPT FLUSH: forgets every script and starts a fresh interpreter.
  void Flush();
  size_t cached_scripts() const { return scripts_.size(); }

  // BusyResponder: SCRIPT KILL, SHUTDOWN NOSAVE, else -BUSY (thread-safe).
  void Respond(std::span<const std::string_view> args, int protocol, std::string* out) override;

 private:
  struct Run;  // the script being run (set only during Eval)

  void Open();
  void Close();
  // Compiles body into the cache under sha; an error reply text on failure.
  Status Compile(const std::string& sha, std::string_view body);
  // redis.call / redis.pcall: runs a command, pushes its reply as a Lua value. Returns true when
  // the pushed value is an error table (the caller raises it for redis.call).
  bool CallCommand(lua_State* L);
  void OnHook(lua_State* L);

  friend struct LuaGlue;

  ServerState* server_;
  lua_State* lua_ = nullptr;
  int globals_ref_ = 0;      // the real globals table (the scripts see a read-only proxy)
  int err_handler_ref_ = 0;  // Redis's __redis__err__handler
  std::unordered_map<std::string, int> scripts_;  // sha -> registry ref of the compiled chunk
  Session script_session_;                        // the session redis.call runs commands as
  int script_resp_ = 2;                           // redis.setresp
  Run* run_ = nullptr;
  // Shared with Respond on other threads.
  std::atomic<bool> running_{false};
  std::atomic<bool> wrote_{false};
  std::atomic<bool> kill_requested_{false};
  std::atomic<bool> shutdown_requested_{false};
};

}  // namespace kv::server
