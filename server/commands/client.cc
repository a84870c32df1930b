// CLIENT subcommands: ID, SETNAME, GETNAME, LIST, INFO, KILL, SETINFO, NO-EVICT, HELP. CLIENT
// LIST's line format is Redis 7.0.15's (fields we do not track are printed as Redis's idle values).
#include <algorithm>
#include <string>
#include <vector>

#include "server/commands/commands.h"
#include "server/engine/blocking_serve.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

bool ValidName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

void AppendField(std::string& out, std::string_view key, std::string_view value) {
  out.append(key);
  out.push_back('=');
  out.append(value);
  out.push_back(' ');
}

void AppendField(std::string& out, std::string_view key, int64_t value) {
  char buf[24];
  AppendField(out, key, std::string_view(buf, resp::FormatInt64(value, buf)));
}

// One CLIENT LIST / CLIENT INFO line, ending in '\n'.
void AppendClientLine(std::string& out, const Session& s, int64_t now_ms) {
  AppendField(out, "id", static_cast<int64_t>(s.id));
  AppendField(out, "addr", s.addr);
  AppendField(out, "laddr", s.laddr);
  AppendField(out, "fd", s.fd);
  AppendField(out, "name", s.name);
  AppendField(out, "age", s.created_ms > 0 ? (now_ms - s.created_ms) / 1000 : 0);
  AppendField(out, "idle", s.last_interaction_ms > 0 ? (now_ms - s.last_interaction_ms) / 1000 : 0);
  // Redis's flags letters for the states kv-server has: O monitor, P subscriber, x in MULTI,
  // b blocked (BLPOP...), d a WATCHed key changed; N for none.
  std::string flags;
  if (s.monitor) flags.push_back('O');
  if (s.subscribed()) flags.push_back('P');
  if (s.txn.in_multi) flags.push_back('x');
  if (s.blocked) flags.push_back('b');
  if (s.txn.watch_dirty) flags.push_back('d');
  AppendField(out, "flags", flags.empty() ? std::string_view("N") : std::string_view(flags));
  AppendField(out, "db", s.db);
  AppendField(out, "sub", static_cast<int64_t>(s.pubsub_channels));
  AppendField(out, "psub", static_cast<int64_t>(s.pubsub_patterns));
  out.append("ssub=0 ");
  AppendField(out, "multi", s.txn.in_multi ? static_cast<int64_t>(s.txn.queued_argc.size()) : -1);
  AppendField(out, "qbuf", static_cast<int64_t>(s.query_buffer_bytes));
  out.append("qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 ");
  AppendField(out, "omem", static_cast<int64_t>(s.output_buffer_bytes));
  out.append("tot-mem=0 events=r ");
  std::string cmd(s.last_command.empty() ? std::string_view("NULL") : s.last_command);
  if (!s.last_subcommand.empty()) cmd.append("|").append(s.last_subcommand);
  AppendField(out, "cmd", cmd);
  out.append("user=default redir=-1 ");
  AppendField(out, "resp", s.protocol);
  out.back() = '\n';
}

bool KnownClientType(std::string_view type) {
  return EqualsIgnoreCase(type, "normal") || EqualsIgnoreCase(type, "master") ||
         EqualsIgnoreCase(type, "replica") || EqualsIgnoreCase(type, "slave") ||
         EqualsIgnoreCase(type, "pubsub");
}

void ReplyUnknownType(CommandContext& ctx, std::string_view type) {
  std::string msg = "ERR Unknown client type '";
  msg.append(type);
  msg.push_back('\'');
  ctx.reply.Error(msg);
}

void ClientList(CommandContext& ctx) {
  const auto& args = ctx.args;
  bool only_ids = false;
  bool none = false;  // TYPE master/replica/pubsub: we have no such clients
  std::vector<uint64_t> ids;
  if (args.size() == 4 && EqualsIgnoreCase(args[2], "type")) {
    if (!KnownClientType(args[3])) return ReplyUnknownType(ctx, args[3]);
    none = !EqualsIgnoreCase(args[3], "normal");
  } else if (args.size() >= 4 && EqualsIgnoreCase(args[2], "id")) {
    only_ids = true;
    for (size_t i = 3; i < args.size(); ++i) {
      int64_t id;
      if (!ParseInt64(args[i], &id) || id <= 0) {
        ctx.reply.Error("ERR Invalid client ID");
        return;
      }
      ids.push_back(static_cast<uint64_t>(id));
    }
  } else if (args.size() != 2) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::string text;
  if (!none) {
    ctx.server.control->ForEachSession([&](const Session& s) {
      if (only_ids && std::find(ids.begin(), ids.end(), s.id) == ids.end()) return;
      AppendClientLine(text, s, ctx.now_ms());
    });
  }
  ctx.reply.Verbatim(text);
}

// CLIENT KILL addr:port | CLIENT KILL <filter> <value> [...]
void ClientKill(CommandContext& ctx) {
  const auto& args = ctx.args;
  struct Filter {
    int64_t id = 0;
    std::string_view addr, laddr;
    bool has_addr = false, has_laddr = false, skipme = true, no_match = false;
  } f;
  const bool old_form = args.size() == 3;
  if (old_form) {
    f.addr = args[2];
    f.has_addr = true;
    f.skipme = false;
  } else if (args.size() % 2 != 0) {
    ctx.reply.Error(kErrSyntax);
    return;
  } else {
    for (size_t i = 2; i < args.size(); i += 2) {
      const std::string_view opt = args[i];
      const std::string_view val = args[i + 1];
      if (EqualsIgnoreCase(opt, "id")) {
        if (!ParseInt64(val, &f.id) || f.id <= 0) {
          ctx.reply.Error("ERR client-id should be greater than 0");
          return;
        }
      } else if (EqualsIgnoreCase(opt, "addr")) {
        f.addr = val;
        f.has_addr = true;
      } else if (EqualsIgnoreCase(opt, "laddr")) {
        f.laddr = val;
        f.has_laddr = true;
      } else if (EqualsIgnoreCase(opt, "skipme")) {
        if (EqualsIgnoreCase(val, "yes")) {
          f.skipme = true;
        } else if (EqualsIgnoreCase(val, "no")) {
          f.skipme = false;
        } else {
          ctx.reply.Error(kErrSyntax);
          return;
        }
      } else if (EqualsIgnoreCase(opt, "user")) {
        if (val != "default") {
          std::string msg = "ERR No such user '";
          msg.append(val);
          msg.push_back('\'');
          ctx.reply.Error(msg);
          return;
        }
      } else if (EqualsIgnoreCase(opt, "type")) {
        if (!KnownClientType(val)) return ReplyUnknownType(ctx, val);
        if (!EqualsIgnoreCase(val, "normal")) f.no_match = true;
      } else {
        ctx.reply.Error(kErrSyntax);
        return;
      }
    }
  }
  std::vector<uint64_t> victims;
  if (!f.no_match) {
    ctx.server.control->ForEachSession([&](const Session& s) {
      if (f.id != 0 && s.id != static_cast<uint64_t>(f.id)) return;
      if (f.has_addr && s.addr != f.addr) return;
      if (f.has_laddr && s.laddr != f.laddr) return;
      if (f.skipme && s.id == ctx.session.id) return;
      victims.push_back(s.id);
    });
  }
  for (uint64_t id : victims) {
    if (id == ctx.session.id) {
      ctx.session.close_after_reply = true;
    } else {
      ctx.server.control->KillClient(id);
    }
  }
  if (old_form) {
    if (victims.empty()) {
      ctx.reply.Error("ERR No such client");
    } else {
      ctx.reply.Raw(resp::kOk);
    }
  } else {
    ctx.reply.Integer(static_cast<int64_t>(victims.size()));
  }
}

void ClientSetInfo(CommandContext& ctx) {
  const std::string_view attr = ctx.args[2];
  const std::string_view value = ctx.args[3];
  std::string* target = nullptr;
  if (EqualsIgnoreCase(attr, "lib-name")) {
    target = &ctx.session.lib_name;
  } else if (EqualsIgnoreCase(attr, "lib-ver")) {
    target = &ctx.session.lib_ver;
  } else {
    std::string msg = "ERR Unrecognized option '";
    msg.append(attr);
    msg.push_back('\'');
    ctx.reply.Error(msg);
    return;
  }
  if (!ValidName(value)) {
    std::string msg = "ERR ";
    msg.append(ToLower(attr));
    msg.append(" cannot contain spaces, newlines or special characters.");
    ctx.reply.Error(msg);
    return;
  }
  target->assign(value);
  ctx.reply.Raw(resp::kOk);
}

void ClientId(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.session.id)); }
void ClientGetName(CommandContext& ctx) {
  if (ctx.session.name.empty()) {
    ctx.reply.NullBulk();
  } else {
    ctx.reply.Bulk(ctx.session.name);
  }
}
void ClientSetName(CommandContext& ctx) {
  if (!ValidName(ctx.args[2])) {
    ctx.reply.Error("ERR Client names cannot contain spaces, newlines or special characters.");
    return;
  }
  ctx.session.name.assign(ctx.args[2]);
  ctx.reply.Raw(resp::kOk);
}
void ClientInfo(CommandContext& ctx) {
  std::string line;
  AppendClientLine(line, ctx.session, ctx.now_ms());
  ctx.reply.Verbatim(line);
}
void ClientNoEvict(CommandContext& ctx) {
  if (EqualsIgnoreCase(ctx.args[2], "on") || EqualsIgnoreCase(ctx.args[2], "off")) {
    ctx.reply.Raw(resp::kOk);
  } else {
    ctx.reply.Error(kErrSyntax);
  }
}
// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a blocked client's wait as if it timed out, or with an
// UNBLOCKED error; 1 when id was blocked, else 0.
void ClientUnblock(CommandContext& ctx) {
  if (ctx.args.size() > 4) {
    ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                    std::string(ctx.args[1]) + "'. Try CLIENT HELP.");
    return;
  }
  int64_t id = 0;
  if (!ParseInt64(ctx.args[2], &id)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  bool error = false;
  if (ctx.args.size() == 4) {
    if (EqualsIgnoreCase(ctx.args[3], "error")) {
      error = true;
    } else if (!EqualsIgnoreCase(ctx.args[3], "timeout")) {
      ctx.reply.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  ctx.reply.Integer(id > 0 && UnblockClient(ctx.server, static_cast<uint64_t>(id), error) ? 1 : 0);
}
void ClientHelp(CommandContext& ctx) {
  constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ID",
      "    Return the ID of the current connection.",
      "GETNAME",
      "    Return the name of the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "LIST [TYPE <type>|ID <id> [...]]",
      "    Return information about client connections.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port> | KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections (options: ID, ADDR, LADDR, SKIPME, USER, TYPE).",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "SETINFO <LIB-NAME|LIB-VER> <value>",
      "    Set client library information.",
      "NO-EVICT (ON|OFF)",
      "    Accepted for compatibility.",
      "HELP",
      "    Print this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

constexpr Subcommand kSubcommands[] = {
    {"id", 2, ClientId},           {"getname", 2, ClientGetName},  {"setname", 3, ClientSetName},
    {"list", -2, ClientList},      {"info", 2, ClientInfo},        {"kill", -3, ClientKill},
    {"setinfo", 4, ClientSetInfo}, {"no-evict", 3, ClientNoEvict}, {"help", 2, ClientHelp},
    {"unblock", -3, ClientUnblock},
};

void ClientCommand(CommandContext& ctx) { DispatchSubcommand(ctx, kSubcommands); }

}  // namespace

void RegisterClientCommands(CommandTable& t) {
  t.Register({"client", ClientCommand, -2, kCmdNoScript | kCmdLoading | kCmdStale, 0, 0, 0,
              "@slow @connection", "connection"});
}

}  // namespace kv::server
