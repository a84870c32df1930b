// Connection and server commands: PING, ECHO, QUIT, SELECT, DBSIZE, FLUSHDB/FLUSHALL, AUTH,
// HELLO, TIME, DEBUG, SHUTDOWN, CONFIG. Reply texts checked against redis-server 7.0.15.
#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"
#include "server/store/collection_info.h"

namespace kv::server {
namespace {

void PingCommand(CommandContext& ctx) {
  if (ctx.args.size() > 2) {
    ReplyArityError(ctx.reply, ctx.spec.name);
  } else if (ctx.session.protocol == 2 && ctx.session.subscribed()) {
    // RESP2 subscriber mode: ["pong", message or ""], as Redis.
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.args.size() == 2 ? ctx.args[1] : std::string_view());
  } else if (ctx.args.size() == 2) {
    ctx.reply.Bulk(ctx.args[1]);
  } else {
    ctx.reply.Raw(resp::kPong);
  }
}

void EchoCommand(CommandContext& ctx) { ctx.reply.Bulk(ctx.args[1]); }

void QuitCommand(CommandContext& ctx) {
  ctx.reply.Raw(resp::kOk);
  ctx.session.close_after_reply = true;
}

void SelectCommand(CommandContext& ctx) {
  int db;
  if (!ParseInt32(ctx, ctx.args[1], &db)) return;
  if (db < 0 || db >= kNumDatabases) {
    ctx.reply.Error("ERR DB index is out of range");
    return;
  }
  ctx.session.db = db;
  ctx.reply.Raw(resp::kOk);
}

void DbSizeCommand(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.store().DbSize(ctx.db())));
}

// FLUSHDB/FLUSHALL [ASYNC|SYNC]: both flush synchronously (no background freeing thread).
bool FlushFlagsOk(CommandContext& ctx) {
  if (ctx.args.size() > 2 || (ctx.args.size() == 2 && !EqualsIgnoreCase(ctx.args[1], "sync") &&
                              !EqualsIgnoreCase(ctx.args[1], "async"))) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  return true;
}

void FlushDbCommand(CommandContext& ctx) {
  if (!FlushFlagsOk(ctx)) return;
  ctx.store().FlushDb(ctx.db());
  ctx.reply.Raw(resp::kOk);
}

void FlushAllCommand(CommandContext& ctx) {
  if (!FlushFlagsOk(ctx)) return;
  ctx.store().FlushAll();
  ctx.reply.Raw(resp::kOk);
}

// Compares in time independent of where the first difference is (length still leaks, as in
// Redis's time_independent_strcmp which pads to a fixed buffer; we hash-free compare all bytes).
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  const size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

// The only user is "default"; with no requirepass it accepts any password (Redis "nopass").
bool Authenticate(CommandContext& ctx, std::string_view user, std::string_view password) {
  const std::string& required = ctx.server.config->requirepass;
  const bool ok = user == "default" && (required.empty() || ConstantTimeEquals(password, required));
  if (ok) ctx.session.authenticated = true;
  return ok;
}

constexpr std::string_view kErrWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";

void AuthCommand(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (ctx.args.size() == 2 && ctx.server.config->requirepass.empty()) {
    ctx.reply.Error(
        "ERR AUTH <password> called without any password configured for the default user. Are "
        "you sure your configuration is correct?");
    return;
  }
  const bool ok = ctx.args.size() == 2 ? Authenticate(ctx, "default", ctx.args[1])
                                       : Authenticate(ctx, ctx.args[1], ctx.args[2]);
  if (ok) {
    ctx.reply.Raw(resp::kOk);
  } else {
    ctx.reply.Error(kErrWrongPass);
  }
}

// Redis validateClientName: printable ASCII without spaces.
bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

void HelloCommand(CommandContext& ctx) {
  const auto& args = ctx.args;
  int64_t version = 0;
  size_t next = 1;
  if (args.size() >= 2) {
    if (!ParseInt64(args[1], &version)) {
      ctx.reply.Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    ++next;
    if (version < 2 || version > 3) {
      ctx.reply.Error("NOPROTO unsupported protocol version");
      return;
    }
  }
  std::string_view user;
  std::string_view password;
  bool has_auth = false;
  std::string_view name;
  bool has_name = false;
  for (size_t j = next; j < args.size(); ++j) {
    const size_t more = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "auth") && more >= 2) {
      user = args[j + 1];
      password = args[j + 2];
      has_auth = true;
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "setname") && more >= 1) {
      name = args[j + 1];
      if (!ValidClientName(name)) {
        ctx.reply.Error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      has_name = true;
      ++j;
    } else {
      std::string msg = "ERR Syntax error in HELLO option '";
      msg.append(args[j]);
      msg.push_back('\'');
      ctx.reply.Error(msg);
      return;
    }
  }
  if (has_auth && !Authenticate(ctx, user, password)) {
    ctx.reply.Error(kErrWrongPass);
    return;
  }
  if (!ctx.session.authenticated && !ctx.server.config->requirepass.empty()) {
    ctx.reply.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "<proto> AUTH <user> <pass> option can be used to authenticate the client and select "
        "the RESP protocol version at the same time");
    return;
  }
  if (has_name) ctx.session.name.assign(name);
  // The reply is already in the protocol it switches to (Redis sets c->resp before replying).
  if (version != 0) {
    ctx.session.protocol = static_cast<int>(version);
    ctx.reply = resp::ReplyWriter(ctx.reply.buffer(), static_cast<resp::Protocol>(version));
  }
  resp::ReplyWriter& r = ctx.reply;
  r.MapHeader(7);
  r.Bulk("server");
  r.Bulk("redis");
  r.Bulk("version");
  r.Bulk(kRedisCompatVersion);
  r.Bulk("proto");
  r.Integer(ctx.session.protocol);
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(ctx.session.id));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.Raw(resp::kEmptyArray);
}

void TimeCommand(CommandContext& ctx) {
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  char buf[24];
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::string_view(buf, resp::FormatInt64(us / 1000000, buf)));
  ctx.reply.Bulk(std::string_view(buf, resp::FormatInt64(us % 1000000, buf)));
}

void DebugCommand(CommandContext& ctx) {
  if (!ctx.server.config->enable_debug_command) {
    ctx.reply.Error(
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.");
    return;
  }
  const auto& args = ctx.args;
  const std::string_view sub = args[1];
  if (EqualsIgnoreCase(sub, "sleep") && args.size() == 3) {
    long double seconds;
    if (!ParseLongDouble(args[2], &seconds)) {
      ctx.reply.Error(kErrNotFloat);
      return;
    }
    // Blocks the event loop on purpose, as Redis's DEBUG SLEEP does.
    if (seconds > 0) {
      std::this_thread::sleep_for(
          std::chrono::microseconds(static_cast<int64_t>(seconds * 1000000.0L)));
    }
    ctx.reply.Raw(resp::kOk);
  } else if (EqualsIgnoreCase(sub, "set-active-expire") && args.size() == 3) {
    ctx.server.active_expire_enabled = args[2] != "0";
    ctx.reply.Raw(resp::kOk);
  } else if (EqualsIgnoreCase(sub, "object") && args.size() == 3) {
    const Entry* e = ctx.store().Find(ctx.db(), args[2]);
    if (e == nullptr) {
      ctx.reply.Error(kErrNoSuchKey);
      return;
    }
    std::string info = "Value at:0x0 refcount:1 encoding:";
    const bool collection = e->type() != ValueType::kString;
    info.append(collection ? CollectionEncoding(e) : "raw");
    info.append(" serializedlength:");
    info.append(std::to_string(collection ? CollectionLength(e) : e->val_len));
    info.append(" lru:0 lru_seconds_idle:0");
    ctx.reply.Simple(info);
  } else if (EqualsIgnoreCase(sub, "help")) {
    ctx.reply.ArrayHeader(3);
    ctx.reply.Simple("SLEEP <seconds>");
    ctx.reply.Simple("SET-ACTIVE-EXPIRE <0|1>");
    ctx.reply.Simple("OBJECT <key>");
  } else {
    std::string msg = "ERR unknown subcommand or wrong number of arguments for '";
    msg.append(sub.substr(0, 128));
    msg.append("'. Try DEBUG HELP.");
    ctx.reply.Error(msg);
  }
}

void ShutdownCommand(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    const std::string_view opt = ctx.args[i];
    if (EqualsIgnoreCase(opt, "abort")) {
      ctx.reply.Error("ERR No shutdown in progress.");
      return;
    }
    if (!EqualsIgnoreCase(opt, "nosave") && !EqualsIgnoreCase(opt, "save") &&
        !EqualsIgnoreCase(opt, "now") && !EqualsIgnoreCase(opt, "force")) {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  ctx.server.control->RequestShutdown();  // no reply: the connection closes with the server
}

void ConfigGet(CommandContext& ctx) {
  const auto pairs = ConfigPairs(*ctx.server.config);
  std::vector<bool> chosen(pairs.size(), false);
  size_t count = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    for (size_t p = 0; p < pairs.size(); ++p) {
      if (!chosen[p] && GlobMatch(ctx.args[i], pairs[p].first, /*nocase=*/true)) {
        chosen[p] = true;
        ++count;
      }
    }
  }
  ctx.reply.MapHeader(count);
  for (size_t p = 0; p < pairs.size(); ++p) {
    if (!chosen[p]) continue;
    ctx.reply.Bulk(pairs[p].first);
    ctx.reply.Bulk(pairs[p].second);
  }
}

void ConfigSet(CommandContext& ctx) {
  const auto& args = ctx.args;
  if (args.size() < 4 || args.size() % 2 != 0) {
    ReplyArityError(ctx.reply, "config|set");
    return;
  }
  // All or nothing: apply to a copy, then publish.
  Config candidate = *ctx.server.config;
  for (size_t i = 2; i < args.size(); i += 2) {
    for (size_t j = 2; j < i; j += 2) {
      if (EqualsIgnoreCase(args[i], args[j])) {
        std::string msg = "ERR CONFIG SET failed (possibly related to argument '";
        msg.append(args[i]);
        msg.append("') - duplicate parameter");
        ctx.reply.Error(msg);
        return;
      }
    }
    const Status st = SetConfigValue(candidate, args[i], args[i + 1], /*at_startup=*/false);
    if (!st.ok()) {
      ctx.reply.Error(st.error());
      return;
    }
  }
  *ctx.server.config = std::move(candidate);
  ctx.reply.Raw(resp::kOk);
}

void ConfigCommand(CommandContext& ctx) {
  const std::string_view sub = ctx.args[1];
  const size_t argc = ctx.args.size();
  if (EqualsIgnoreCase(sub, "get")) {
    ctx.session.last_subcommand = "get";
    if (argc < 3) return ReplyArityError(ctx.reply, "config|get");
    ConfigGet(ctx);
  } else if (EqualsIgnoreCase(sub, "set")) {
    ctx.session.last_subcommand = "set";
    ConfigSet(ctx);
  } else if (EqualsIgnoreCase(sub, "resetstat")) {
    ctx.session.last_subcommand = "resetstat";
    if (argc != 2) return ReplyArityError(ctx.reply, "config|resetstat");
    ctx.server.stats.Reset();
    ctx.store().ResetStats();
    ctx.reply.Raw(resp::kOk);
  } else if (EqualsIgnoreCase(sub, "rewrite")) {
    ctx.session.last_subcommand = "rewrite";
    ctx.reply.Error("ERR The server is running without a config file");
  } else if (EqualsIgnoreCase(sub, "help")) {
    ctx.session.last_subcommand = "help";
    constexpr std::string_view kLines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Print this help.",
    };
    ReplyHelp(ctx.reply, kLines);
  } else {
    ReplyUnknownSubcommand(ctx);
  }
}

// Redis 7 RESET (clearClientConnectionState): out of MULTI and every WATCH, out of MONITOR and
// every subscription (without confirmations), database 0, RESP2, no name, and authenticated only
// if no password is required. Replies +RESET.
void ResetCommand(CommandContext& ctx) {
  Session& session = ctx.session;
  ReleaseSessionState(ctx.server, session);
  session.db = 0;
  session.protocol = 2;
  session.name.clear();
  session.authenticated = ctx.server.config->requirepass.empty();
  ctx.reply.Simple("RESET");  // the writer was made for the old protocol: "+RESET" in both
}

}  // namespace

void RegisterServerCommands(CommandTable& t) {
  constexpr std::string_view kConn = "connection";
  constexpr std::string_view kSrv = "server";
  constexpr uint32_t kLs = kCmdLoading | kCmdStale;
  t.Register({"ping", PingCommand, -1, kCmdFast, 0, 0, 0, "@fast @connection", kConn});
  t.Register({"echo", EchoCommand, 2, kCmdFast, 0, 0, 0, "@fast @connection", kConn});
  t.Register({"quit", QuitCommand, -1, kCmdNoAuth | kCmdFast | kLs | kCmdNoScript, 0, 0, 0,
              "@fast @connection", kConn});
  t.Register({"select", SelectCommand, 2, kCmdFast | kLs, 0, 0, 0, "@fast @connection", kConn});
  t.Register({"dbsize", DbSizeCommand, 1, kCmdReadOnly | kCmdFast, 0, 0, 0, "@keyspace @read @fast",
              kSrv});
  t.Register({"flushdb", FlushDbCommand, -1, kCmdWrite, 0, 0, 0,
              "@keyspace @write @slow @dangerous", kSrv});
  t.Register({"flushall", FlushAllCommand, -1, kCmdWrite, 0, 0, 0,
              "@keyspace @write @slow @dangerous", kSrv});
  t.Register({"auth", AuthCommand, -2, kCmdNoAuth | kCmdFast | kLs | kCmdNoScript, 0, 0, 0,
              "@fast @connection", kConn});
  t.Register({"hello", HelloCommand, -1, kCmdNoAuth | kCmdFast | kLs | kCmdNoScript, 0, 0, 0,
              "@fast @connection", kConn});
  t.Register({"reset", ResetCommand, 1, kCmdNoAuth | kCmdFast | kLs | kCmdNoScript, 0, 0, 0,
              "@fast @connection", kConn});
  t.Register({"time", TimeCommand, 1, kCmdFast | kLs, 0, 0, 0, "@fast", kSrv});
  t.Register({"debug", DebugCommand, -2, kCmdAdmin | kCmdNoScript | kLs, 0, 0, 0,
              "@admin @slow @dangerous", kSrv});
  t.Register({"shutdown", ShutdownCommand, -1, kCmdAdmin | kCmdNoScript | kLs | kCmdNoMulti, 0, 0,
              0, "@admin @slow @dangerous", kSrv});
  t.Register({"config", ConfigCommand, -2, kCmdAdmin | kCmdNoScript | kLs, 0, 0, 0,
              "@admin @slow @dangerous", kSrv});
}

}  // namespace kv::server
