// ScriptEngine: the Lua 5.1 sandbox, the script cache, redis.* and the conversions between Lua
// values and RESP replies, following Redis 7.0.15 (script_lua.c, eval.c) and its error texts.
#include "server/scripting/script_engine.h"

#include <openssl/evp.h>

#include <cctype>
#include <cmath>
#include <ctime>
#include <limits>
#include <lua.hpp>
#include <vector>
extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

#include "base/numbers.h"
#include "resp/reply_writer.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

// The chunk name of every script, as Redis 7 ("user_script:1: ..." in error messages).
constexpr const char* kChunkName = "@user_script";
constexpr std::string_view kErrKilled = "-ERR Script killed by user with SCRIPT KILL...";

// A Lua number as an integer reply, as Redis's `(long long)` cast gives it on x86-64: truncated
// toward zero; NaN, infinities and values outside int64's range become INT64_MIN (the CPU's
// "integer indefinite") — without C++'s undefined behaviour for such a cast.
int64_t LuaNumberToInteger(lua_Number d) {
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) return static_cast<int64_t>(d);
  return std::numeric_limits<int64_t>::min();
}

// Redis's error handler (eval.c): adds the position of the failing call to the error table, and
// turns a plain error value into one ("ERR <text>"). debug is then removed from the globals.
constexpr std::string_view kErrorHandlerSource = R"(
local dbg = debug
debug = nil
return function(err)
  local i = dbg.getinfo(2, 'nSl')
  if i and i.what == 'C' then
    i = dbg.getinfo(3, 'nSl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
)";

// Globals protection as Redis 7 (luaProtectedTableError): the scripts' globals are an empty
// proxy whose __index reads the real globals (upvalue 1) and fails on a missing name, and whose
// __newindex always fails. C functions, so errors point at the script line, as in Redis.
int GlobalIndex(lua_State* L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_isstring(L, 2) ? lua_tostring(L, 2) : "?");
}

int GlobalNewIndex(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view ToView(lua_State* L, int index) {
  size_t len = 0;
  const char* s = lua_tolstring(L, index, &len);
  return s == nullptr ? std::string_view() : std::string_view(s, len);
}

// Pushes {err = <text>} built from a Redis error as luaPushErrorBuff does: "-CODE msg" keeps its
// code, "-msg" (no space) and "msg" get "ERR"; a trailing CR/LF is trimmed.
void PushErrorTable(lua_State* L, std::string_view error) {
  std::string code = "ERR";
  std::string_view msg = error;
  if (!error.empty() && error[0] == '-') {
    const size_t space = error.find(' ');
    if (space == std::string_view::npos) {
      msg = error.substr(1);
    } else {
      code.assign(error.substr(1, space - 1));
      msg = error.substr(space + 1);
    }
  }
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.remove_suffix(1);
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n')) msg.remove_prefix(1);
  code.push_back(' ');
  code.append(msg);
  lua_newtable(L);
  lua_pushlstring(L, code.data(), code.size());
  lua_setfield(L, -2, "err");
}

void PushStatusTable(lua_State* L, std::string_view status) {
  lua_newtable(L);
  lua_pushlstring(L, status.data(), status.size());
  lua_setfield(L, -2, "ok");
}

// Redis reply bytes -> Lua value (Redis 7 redisProtocolToLuaType). Returns the bytes consumed, 0 on
// malformed input (pushes nil then).
size_t PushReply(lua_State* L, std::string_view r, int depth) {
  const size_t eol = r.find("\r\n");
  if (r.empty() || eol == std::string_view::npos || !lua_checkstack(L, 5) || depth > 1000) {
    lua_pushnil(L);
    return 0;
  }
  const std::string_view line = r.substr(1, eol - 1);
  const size_t head = eol + 2;
  int64_t n = 0;
  switch (r[0]) {
    case '+':
      PushStatusTable(L, line);
      return head;
    case '-':
      PushErrorTable(L, r.substr(0, eol));
      return head;
    case ':':
      ParseInt64(line, &n);
      lua_pushnumber(L, static_cast<lua_Number>(n));
      return head;
    case '_':
      lua_pushnil(L);
      return head;
    case '#':
      lua_pushboolean(L, line == "t");
      return head;
    case ',': {
      long double d = 0;
      ParseLongDouble(line, &d);
      lua_newtable(L);
      lua_pushnumber(L, static_cast<lua_Number>(d));
      lua_setfield(L, -2, "double");
      return head;
    }
    case '(':
      lua_newtable(L);
      lua_pushlstring(L, line.data(), line.size());
      lua_setfield(L, -2, "big_number");
      return head;
    case '$':
    case '=': {
      ParseInt64(line, &n);
      if (n < 0) {
        lua_pushboolean(L, 0);
        return head;
      }
      const auto len = static_cast<size_t>(n);
      if (r.size() < head + len + 2) {
        lua_pushnil(L);
        return 0;
      }
      std::string_view body = r.substr(head, len);
      if (r[0] == '=') {  // verbatim: "txt:<text>"
        lua_newtable(L);
        lua_pushlstring(L, body.data(), std::min<size_t>(3, body.size()));
        lua_setfield(L, -2, "format");
        body.remove_prefix(std::min<size_t>(4, body.size()));
        lua_pushlstring(L, body.data(), body.size());
        lua_setfield(L, -2, "string");
        lua_newtable(L);
        lua_insert(L, -2);
        lua_setfield(L, -2, "verbatim_string");
      } else {
        lua_pushlstring(L, body.data(), body.size());
      }
      return head + len + 2;
    }
    case '*':
    case '>':
    case '~':
    case '%': {
      ParseInt64(line, &n);
      if (n < 0) {
        lua_pushboolean(L, 0);
        return head;
      }
      size_t pos = head;
      lua_newtable(L);
      const char kind = r[0];
      for (int64_t i = 0; i < n; ++i) {
        const size_t used = PushReply(L, r.substr(pos), depth + 1);
        if (used == 0) {
          lua_pop(L, 1);
          return 0;
        }
        pos += used;
        if (kind == '%') {
          const size_t vused = PushReply(L, r.substr(pos), depth + 1);
          if (vused == 0) {
            lua_pop(L, 2);
            return 0;
          }
          pos += vused;
          lua_rawset(L, -3);
        } else if (kind == '~') {
          lua_pushboolean(L, 1);
          lua_rawset(L, -3);
        } else {
          lua_rawseti(L, -2, static_cast<int>(i + 1));
        }
      }
      if (kind == '%' || kind == '~') {
        lua_newtable(L);
        lua_insert(L, -2);
        lua_setfield(L, -2, kind == '%' ? "map" : "set");
      }
      return pos;
    }
    default:
      lua_pushnil(L);
      return 0;
  }
}

// The string field `name` of the table at index, if it is a string.
bool RawStringField(lua_State* L, int index, const char* name, std::string* out) {
  lua_pushstring(L, name);
  lua_rawget(L, index);
  const bool is_string = lua_type(L, -1) == LUA_TSTRING;
  if (is_string) out->assign(ToView(L, -1));
  lua_pop(L, 1);
  return is_string;
}

// Lua value at the top -> reply (Redis 7 luaReplyToRedisReply); resp is the script's setresp.
void WriteReply(lua_State* L, resp::ReplyWriter& reply, int resp) {
  if (!lua_checkstack(L, 4)) {
    reply.Error("ERR reached lua stack limit");
    return;
  }
  const int top = lua_gettop(L);
  switch (lua_type(L, top)) {
    case LUA_TSTRING:
      reply.Bulk(ToView(L, top));
      return;
    case LUA_TBOOLEAN:
      if (resp == 2) {
        if (lua_toboolean(L, top)) {
          reply.Integer(1);
        } else {
          reply.NullBulk();
        }
      } else {
        reply.Boolean(lua_toboolean(L, top) != 0);
      }
      return;
    case LUA_TNUMBER:
      reply.Integer(LuaNumberToInteger(lua_tonumber(L, top)));
      return;
    case LUA_TTABLE:
      break;
    default:
      reply.NullBulk();
      return;
  }
  std::string text;
  if (RawStringField(L, top, "err", &text)) {
    reply.Error(text);
    return;
  }
  if (RawStringField(L, top, "ok", &text)) {
    reply.Simple(text);
    return;
  }
  lua_pushstring(L, "double");
  lua_rawget(L, top);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    reply.Double(lua_tonumber(L, -1));
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  // An array: elements 1..n up to the first nil.
  size_t n = 0;
  while (true) {
    lua_rawgeti(L, top, static_cast<int>(n + 1));
    const bool is_nil = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (is_nil) break;
    ++n;
  }
  reply.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    lua_rawgeti(L, top, static_cast<int>(i + 1));
    WriteReply(L, reply, resp);
    lua_settop(L, top);
  }
}

// Raises an error table built from text (see PushErrorTable). No C++ object may be alive in the
// caller's frame: lua_error does not unwind.
int RaiseError(lua_State* L, const char* text) {
  PushErrorTable(L, text);
  return lua_error(L);
}

}  // namespace

std::string Sha1Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

struct ScriptEngine::Run {
  std::string sha;
  bool read_only = false;
  int64_t start_ms = 0;
  int64_t threshold_ms = 0;
  bool busy = false;
  bool killed = false;
};

// The C functions the interpreter calls; the engine is the upvalue of each.
struct LuaGlue {
  static ScriptEngine* Engine(lua_State* L) {
    return static_cast<ScriptEngine*>(lua_touserdata(L, lua_upvalueindex(1)));
  }
  static void Register(lua_State* L, ScriptEngine* engine, const char* name, lua_CFunction fn) {
    lua_pushlightuserdata(L, engine);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
  }

  static int Call(lua_State* L) {
    if (Engine(L)->CallCommand(L)) return lua_error(L);
    return 1;
  }
  static int PCall(lua_State* L) {
    Engine(L)->CallCommand(L);
    return 1;
  }
  static int ErrorReply(lua_State* L) {
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
      PushErrorTable(L, "wrong number or type of arguments");
      return 1;
    }
    const std::string_view err = ToView(L, 1);
    if (!err.empty() && err[0] == '-') {
      PushErrorTable(L, err);
    } else {
      lua_pushliteral(L, "-");
      lua_pushvalue(L, 1);
      lua_concat(L, 2);
      PushErrorTable(L, ToView(L, -1));
    }
    return 1;
  }
  static int StatusReply(lua_State* L) {
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
      PushErrorTable(L, "wrong number or type of arguments");
      return 1;
    }
    PushStatusTable(L, ToView(L, 1));
    return 1;
  }
  static int Sha1(lua_State* L) {
    if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
    {
      const std::string hex = Sha1Hex(ToView(L, 1));
      lua_pushlstring(L, hex.data(), hex.size());
    }
    return 1;
  }
  static int Log(lua_State* L) {
    const int argc = lua_gettop(L);
    if (argc < 2) return RaiseError(L, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, 1)) return RaiseError(L, "First argument must be a number (log level).");
    const auto level = static_cast<int>(lua_tonumber(L, 1));
    if (level < 0 || level > 3) return RaiseError(L, "Invalid debug level.");
    {
      std::string message;
      for (int i = 2; i <= argc; ++i) {
        if (i > 2) message.push_back(' ');
        message.append(ToView(L, i));
      }
      Engine(L)->server_->control->Log(level, message);
    }
    return 0;
  }
  static int SetResp(lua_State* L) {
    if (lua_gettop(L) != 1) return RaiseError(L, "redis.setresp() requires one argument.");
    const auto resp = static_cast<int>(lua_tonumber(L, 1));
    if (resp != 2 && resp != 3) return RaiseError(L, "RESP version must be 2 or 3.");
    Engine(L)->script_resp_ = resp;
    Engine(L)->script_session_.protocol = resp;
    return 0;
  }
  // Redis 7's pcall: an error table is returned as its message string.
  static int ProtectedCall(lua_State* L) {
    const int argc = lua_gettop(L);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
      lua_remove(L, 1);
      if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "err");
        if (lua_isstring(L, -1)) {
          lua_replace(L, -2);
        } else {
          lua_pop(L, 1);
        }
      }
      lua_pushboolean(L, 0);
      lua_insert(L, 1);
    }
    return lua_gettop(L);
  }
  static void Hook(lua_State* L, lua_Debug* /*ar*/) {
    lua_getfield(L, LUA_REGISTRYINDEX, "kv_engine");
    auto* engine = static_cast<ScriptEngine*>(lua_touserdata(L, -1));
    lua_pop(L, 1);
    engine->OnHook(L);
  }
};

ScriptEngine::ScriptEngine(ServerState* server) : server_(server) {
  script_session_.authenticated = true;
  Open();
}

ScriptEngine::~ScriptEngine() { Close(); }

ScriptEngine& ScriptEngine::Of(ServerState& server) {
  if (!server.scripting) server.scripting = std::make_unique<ScriptEngine>(&server);
  return static_cast<ScriptEngine&>(*server.scripting);
}

void ScriptEngine::Open() {
  lua_State* L = luaL_newstate();
  lua_ = L;
  const std::pair<const char*, lua_CFunction> libs[] = {{"", luaopen_base},
                                                        {LUA_TABLIBNAME, luaopen_table},
                                                        {LUA_STRLIBNAME, luaopen_string},
                                                        {LUA_MATHLIBNAME, luaopen_math},
                                                        {LUA_DBLIBNAME, luaopen_debug},
                                                        {"bit", luaopen_bit}};
  for (const auto& [name, open] : libs) {
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 0);
  }
  // lua-cjson returns its table without setting a global; Redis has it as the global cjson.
  lua_pushcfunction(L, luaopen_cjson);
  lua_call(L, 0, 1);
  lua_setglobal(L, "cjson");
  // What Redis 7 removes from the sandbox (os, io and package are never loaded).
  for (const char* name : {"dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushlightuserdata(L, this);
  lua_setfield(L, LUA_REGISTRYINDEX, "kv_engine");

  lua_newtable(L);
  LuaGlue::Register(L, this, "call", LuaGlue::Call);
  LuaGlue::Register(L, this, "pcall", LuaGlue::PCall);
  LuaGlue::Register(L, this, "error_reply", LuaGlue::ErrorReply);
  LuaGlue::Register(L, this, "status_reply", LuaGlue::StatusReply);
  LuaGlue::Register(L, this, "sha1hex", LuaGlue::Sha1);
  LuaGlue::Register(L, this, "log", LuaGlue::Log);
  LuaGlue::Register(L, this, "setresp", LuaGlue::SetResp);
  const std::pair<const char*, int> levels[] = {
      {"LOG_DEBUG", 0}, {"LOG_VERBOSE", 1}, {"LOG_NOTICE", 2}, {"LOG_WARNING", 3}};
  for (const auto& [name, level] : levels) {
    lua_pushnumber(L, level);
    lua_setfield(L, -2, name);
  }
  lua_setglobal(L, "redis");
  lua_pushcfunction(L, LuaGlue::ProtectedCall);
  lua_setglobal(L, "pcall");

  luaL_loadbuffer(L, kErrorHandlerSource.data(), kErrorHandlerSource.size(), "@err_handler");
  lua_call(L, 0, 1);
  err_handler_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);

  lua_pushvalue(L, LUA_GLOBALSINDEX);
  globals_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_newtable(L);  // the proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_pushcclosure(L, GlobalIndex, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, GlobalNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");  // getmetatable/setmetatable cannot reach it
  lua_setmetatable(L, -2);
  lua_replace(L, LUA_GLOBALSINDEX);  // from now on chunks see the read-only proxy
}

void ScriptEngine::Close() {
  if (lua_ != nullptr) lua_close(lua_);
  lua_ = nullptr;
  scripts_.clear();
}

void ScriptEngine::Flush() {
  Close();
  Open();
}

Status ScriptEngine::Compile(const std::string& sha, std::string_view body) {
  if (luaL_loadbuffer(lua_, body.data(), body.size(), kChunkName) != 0) {
    std::string error = "ERR Error compiling script (new function): ";
    error.append(ToView(lua_, -1));
    lua_pop(lua_, 1);
    return Error{error};
  }
  scripts_[sha] = luaL_ref(lua_, LUA_REGISTRYINDEX);
  return {};
}

Result<std::string> ScriptEngine::Load(std::string_view body) {
  std::string sha = Sha1Hex(body);
  if (scripts_.count(sha) == 0) {
    if (Status s = Compile(sha, body); !s) return Error{s.error()};
  }
  return sha;
}

bool ScriptEngine::Exists(std::string_view sha) const { return scripts_.count(Lower(sha)) > 0; }

void ScriptEngine::Eval(CommandContext& ctx, bool by_sha, bool read_only) {
  int64_t numkeys = 0;
  if (!ParseInt64(ctx.args[2], &numkeys)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  const auto extra = static_cast<int64_t>(ctx.args.size()) - 3;
  if (numkeys > extra) {
    ctx.reply.Error("ERR Number of keys can't be greater than number of args");
    return;
  }
  if (numkeys < 0) {
    ctx.reply.Error("ERR Number of keys can't be negative");
    return;
  }
  std::string sha = by_sha ? Lower(ctx.args[1]) : Sha1Hex(ctx.args[1]);
  auto it = scripts_.find(sha);
  if (it == scripts_.end()) {
    if (by_sha) {
      ctx.reply.Error(kErrNoScript);
      return;
    }
    if (Status s = Compile(sha, ctx.args[1]); !s) {
      ctx.reply.Error(s.error());
      return;
    }
    it = scripts_.find(sha);
  }
  lua_State* L = lua_;
  // KEYS and ARGV in the real globals table.
  lua_rawgeti(L, LUA_REGISTRYINDEX, globals_ref_);
  const auto set_table = [&](const char* name, size_t from, size_t count) {
    lua_newtable(L);
    for (size_t i = 0; i < count; ++i) {
      const std::string_view a = ctx.args[from + i];
      lua_pushlstring(L, a.data(), a.size());
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
    lua_setfield(L, -2, name);
  };
  set_table("KEYS", 3, static_cast<size_t>(numkeys));
  set_table("ARGV", 3 + static_cast<size_t>(numkeys), static_cast<size_t>(extra - numkeys));
  lua_pop(L, 1);

  Run run;
  run.sha = sha;
  run.read_only = read_only;
  run.start_ms = MonotonicMs();
  run.threshold_ms = server_->config->busy_reply_threshold_ms;
  run_ = &run;
  script_resp_ = 2;
  script_session_.protocol = 2;
  script_session_.db = ctx.session.db;
  script_session_.id = ctx.session.id;
  wrote_.store(false);
  kill_requested_.store(false);
  running_.store(true);
  lua_rawgeti(L, LUA_REGISTRYINDEX, err_handler_ref_);
  lua_rawgeti(L, LUA_REGISTRYINDEX, it->second);
  lua_sethook(L, LuaGlue::Hook, LUA_MASKCOUNT, kHookInstructions);
  const int status = lua_pcall(L, 0, 1, -2);
  lua_sethook(L, nullptr, 0, 0);
  running_.store(false);
  if (run.busy) server_->control->EndBusy();
  run_ = nullptr;

  if (status == 0) {
    WriteReply(L, ctx.reply, script_resp_);
  } else if (lua_istable(L, -1)) {
    // {err=, source=, line=} from the error handler: "<err> script: <sha>, on <source>:<line>."
    const int error = lua_gettop(L);
    std::string text;
    RawStringField(L, error, "err", &text);
    std::string source;
    lua_pushstring(L, "line");
    lua_rawget(L, error);
    const bool has_line = lua_type(L, -1) == LUA_TNUMBER;
    const int64_t line = LuaNumberToInteger(lua_tonumber(L, -1));
    lua_pop(L, 1);
    if (RawStringField(L, error, "source", &source) && has_line) {
      text += " script: " + sha + ", on " + source + ":" + std::to_string(line) + ".";
    }
    ctx.reply.Error(text);
  } else {
    // Only when the error handler itself failed (out of memory).
    std::string text = "ERR Error running script " + sha + ", " + std::string(ToView(L, -1));
    ctx.reply.Error(text.substr(0, 200));
  }
  lua_settop(L, 0);
  lua_gc(L, LUA_GCSTEP, 1);
}

bool ScriptEngine::CallCommand(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc == 0) {
    PushErrorTable(L, "Please specify at least one argument for this redis lib call");
    return true;
  }
  std::vector<std::string_view> args;
  args.reserve(static_cast<size_t>(argc));
  std::vector<std::string> numbers;  // numbers converted to strings, as Lua's tostring
  numbers.reserve(static_cast<size_t>(argc));
  for (int i = 1; i <= argc; ++i) {
    const int type = lua_type(L, i);
    if (type == LUA_TSTRING) {
      args.push_back(ToView(L, i));
    } else if (type == LUA_TNUMBER) {
      lua_pushvalue(L, i);
      numbers.emplace_back(ToView(L, -1));  // %.14g, as Redis
      lua_pop(L, 1);
      args.push_back(numbers.back());
    } else {
      PushErrorTable(L, "Lua redis lib command arguments must be strings or integers");
      return true;
    }
  }
  ServerState& s = *server_;
  const CommandSpec* spec = s.table.Find(args[0]);
  const char* refusal = nullptr;
  if (spec == nullptr) {
    refusal = "Unknown Redis command called from script";
  } else if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) {
    refusal = "Wrong number of args calling Redis command from script";
  } else if ((spec->flags & kCmdNoScript) != 0) {
    refusal = "This Redis command is not allowed from script";
  } else if ((spec->flags & kCmdWrite) != 0 && run_ != nullptr && run_->read_only) {
    refusal = "Write commands are not allowed from read-only scripts.";
  } else if (s.config->maxmemory > 0 && (spec->flags & kCmdDenyOom) != 0 &&
             !wrote_.load(std::memory_order_relaxed) &&
             s.store.UsedMemory() > static_cast<uint64_t>(s.config->maxmemory)) {
    refusal = "-OOM command not allowed when used memory > 'maxmemory'.";
  }
  if (refusal != nullptr) {
    PushErrorTable(L, refusal);
    return true;
  }
  std::string out;
  resp::ReplyWriter writer(&out, static_cast<resp::Protocol>(script_session_.protocol));
  CommandContext ctx{s, script_session_, args, writer, *spec};
  ctx.in_script = true;
  spec->handler(ctx);
  ++s.stats.total_commands_processed;
  if ((spec->flags & kCmdWrite) != 0) wrote_.store(true);
  PushReply(L, out, 0);
  return !out.empty() && out[0] == '-';
}

void ScriptEngine::OnHook(lua_State* L) {
  Run& run = *run_;
  if (!run.killed) {
    const int64_t elapsed = MonotonicMs() - run.start_ms;
    if (!run.busy && elapsed >= run.threshold_ms) {
      run.busy = true;
      server_->control->Log(3, "Slow script detected: still in execution after " +
                                   std::to_string(elapsed) +
                                   " milliseconds. You can try killing the script using the "
                                   "SCRIPT KILL command. Script name is: " +
                                   run.sha + ".");
    }
    if (run.busy && server_->control->ServeBusy(*this)) kill_requested_.store(true);  // SIGTERM
    if (shutdown_requested_.exchange(false)) {
      server_->control->Log(3, "SHUTDOWN NOSAVE while a script runs: stopping the script.");
      server_->control->RequestShutdown();
      kill_requested_.store(true);
    }
    if (!kill_requested_.load()) return;
    run.killed = true;
    server_->control->Log(3, "Lua script killed by user with SCRIPT KILL.");
    // From now on every line raises again, so a pcall in the script cannot swallow the kill.
    lua_sethook(L, LuaGlue::Hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
  }
  PushErrorTable(L, kErrKilled.data());
  lua_error(L);
}

void ScriptEngine::Respond(std::span<const std::string_view> args, int protocol, std::string* out) {
  resp::ReplyWriter reply(out, static_cast<resp::Protocol>(protocol));
  if (args.size() == 2 && EqualsIgnoreCase(args[0], "script") &&
      EqualsIgnoreCase(args[1], "kill")) {
    if (!running_.load()) {
      reply.Error(kErrNotBusy);
    } else if (wrote_.load()) {
      reply.Error(kErrUnkillable);
    } else {
      kill_requested_.store(true);
      reply.Simple("OK");
    }
    return;
  }
  if (args.size() == 2 && EqualsIgnoreCase(args[0], "shutdown") &&
      EqualsIgnoreCase(args[1], "nosave")) {
    shutdown_requested_.store(true);  // no reply: the server goes away
    return;
  }
  reply.Error(kErrBusy);
}

}  // namespace kv::server
