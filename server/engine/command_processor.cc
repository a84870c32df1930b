// CommandProcessor: dispatch (lookup, arity, auth, OOM checks in one place) and statistics.
#include "server/engine/command_processor.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include "resp/request_parser.h"
#include "server/engine/blocking_serve.h"
#include "server/engine/command_context.h"
#include "server/engine/debug_slowdown.h"
#include "server/engine/text_util.h"
#include "server/engine/transaction.h"

namespace kv::server {
namespace {

constexpr std::string_view kErrNoAuth = "NOAUTH Authentication required.";

// Redis 7 commandCheckExistence: name and the arguments quoted, at most ~128 characters of them.
std::string UnknownCommandText(std::span<const std::string_view> args) {
  std::string msg = "ERR unknown command '";
  msg.append(args[0].substr(0, 128));
  msg.append("', with args beginning with: ");
  std::string quoted;
  for (size_t i = 1; i < args.size() && quoted.size() < 128; ++i) {
    quoted.push_back('\'');
    quoted.append(args[i].substr(0, 128 - quoted.size() + 1));
    quoted.append("' ");
  }
  msg.append(quoted);
  return msg;
}

std::string ArityErrorText(std::string_view name) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(name);
  msg.append("' command");
  return msg;
}

// Redis processCommand's rules for MONITOR clients and RESP2 subscribers, checked only while some
// client subscribes or monitors. Replies the error and returns false when the command may not run.
bool PubSubAllows(Session& session, std::span<const std::string_view> args, const CommandSpec& spec,
                  resp::ReplyWriter& reply) {
  if (session.monitor &&
      ((spec.flags & (kCmdWrite | kCmdReadOnly)) != 0 || spec.name == "publish")) {
    reply.Error("ERR Replica can't interact with the keyspace");
    return false;
  }
  if (session.protocol != 2 || !session.subscribed()) return true;
  constexpr std::string_view kAllowed[] = {"ping",         "subscribe",    "unsubscribe",
                                           "psubscribe",   "punsubscribe", "ssubscribe",
                                           "sunsubscribe", "quit",         "reset"};
  for (std::string_view name : kAllowed) {
    if (spec.name == name) return true;
  }
  // Container commands are named with their subcommand, as Redis's fullname: 'config|get'.
  std::string name(spec.name);
  constexpr std::string_view kContainers[] = {"client", "command", "config", "pubsub"};
  if (args.size() >= 2 && std::find(std::begin(kContainers), std::end(kContainers), spec.name) !=
                              std::end(kContainers)) {
    name.push_back('|');
    name.append(ToLower(args[1]));
  }
  reply.Error("ERR Can't execute '" + name +
              "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
              "context");
  return false;
}

// Redis's sdscatrepr: the argument in double quotes, \ \" \n \r \t \a \b escaped, other
// bytes outside printable ASCII as \xHH.
void AppendRepr(std::string& out, std::string_view arg) {
  constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  constexpr std::string_view kEscaped = "\\\"\n\r\t\a\b";
  constexpr std::string_view kLetter = "\\\"nrtab";
  for (char ch : arg) {
    const auto c = static_cast<unsigned char>(ch);
    if (const size_t k = kEscaped.find(ch); k != std::string_view::npos) {
      out.push_back('\\');
      out.push_back(kLetter[k]);
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(ch);
    } else {
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  out.push_back('"');
}

// Whether Redis hides argument i of this command from MONITOR ("(redacted)"): AUTH's password
// (and user), HELLO's AUTH user and password.
bool Redacted(const CommandSpec& spec, std::span<const std::string_view> args, size_t i) {
  if (spec.name == "auth") return i >= 1;
  if (spec.name != "hello") return false;
  for (size_t j = 2; j < args.size(); ++j) {  // HELLO protover [AUTH user pass] [SETNAME name]
    if (EqualsIgnoreCase(args[j], "auth") && j + 2 < args.size()) {
      if (i == j + 1 || i == j + 2) return true;
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "setname") && j + 1 < args.size()) {
      ++j;
    } else {
      break;
    }
  }
  return false;
}

// Redis replicationFeedMonitors: "+<sec>.<usec> [<db> <addr>] "arg" ..." to every MONITOR client,
// for commands that ran (not admin ones: CONFIG, DEBUG, MONITOR, SHUTDOWN).
void FeedMonitors(ServerState& s, const Session& session, std::span<const std::string_view> args,
                  const CommandSpec& spec, std::string* out) {
  if (s.pubsub.monitors().empty() || (spec.flags & kCmdAdmin) != 0) return;
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  char stamp[48];
  const int n = std::snprintf(stamp, sizeof(stamp), "+%lld.%06ld [%d ",
                              static_cast<long long>(ts.tv_sec), ts.tv_nsec / 1000, session.db);
  std::string line(stamp, static_cast<size_t>(n));
  line.append(session.addr);
  line.push_back(']');
  for (size_t i = 0; i < args.size(); ++i) {
    line.push_back(' ');
    AppendRepr(line, Redacted(spec, args, i) ? std::string_view("(redacted)") : args[i]);
  }
  line.append("\r\n");
  for (Session* monitor : s.pubsub.monitors()) {
    if (monitor == &session) {
      out->append(line);  // after its own reply, as Redis
    } else {
      s.control->Deliver(monitor->id, line);
    }
  }
}

}  // namespace

void ReplyArityError(resp::ReplyWriter& reply, std::string_view name) {
  reply.Error(ArityErrorText(name));
}

bool ParseInt32(CommandContext& ctx, std::string_view text, int* out) {
  int64_t v;
  if (!ParseInt64(text, &v)) {
    ctx.reply.Error(kErrNotInteger);
    return false;
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    ctx.reply.Error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

void ReplyUnknownSubcommand(CommandContext& ctx) {
  std::string msg = "ERR unknown subcommand '";
  msg.append(ctx.args[1].substr(0, 128));
  msg.append("'. Try ");
  for (char c : ctx.args[0]) msg.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c);
  msg.append(" HELP.");
  ctx.reply.Error(msg);
}

void DispatchSubcommand(CommandContext& ctx, std::span<const Subcommand> subcommands) {
  for (const Subcommand& sub : subcommands) {
    if (!EqualsIgnoreCase(sub.name, ctx.args[1])) continue;
    ctx.session.last_subcommand = sub.name;
    const auto argc = static_cast<int>(ctx.args.size());
    if ((sub.arity > 0 && argc != sub.arity) || argc < -sub.arity) {
      std::string full(ctx.spec.name);
      full.append("|").append(sub.name);
      ReplyArityError(ctx.reply, full);
      return;
    }
    sub.run(ctx);
    return;
  }
  ReplyUnknownSubcommand(ctx);
}

void ReplyHelp(resp::ReplyWriter& reply, std::span<const std::string_view> lines) {
  reply.ArrayHeader(lines.size());
  for (std::string_view line : lines) reply.Simple(line);
}

struct CommandProcessor::Impl {
  Impl(Config* config, ServerControl* control, CommandRegistrar register_commands)
      : state(config, control) {
    register_commands(state.table);
    state.stats.commands.resize(state.table.size());
  }
  ServerState state;
  DebugKnobs debug;               // the test knobs (debug_slowdown.h)
  resp::RequestParser lookahead;  // Prefetch's own, so a connection's parser is never disturbed
};

CommandProcessor::CommandProcessor(Config* config, ServerControl* control,
                                   CommandRegistrar register_commands)
    : impl_(std::make_unique<Impl>(config, control, register_commands)) {}

CommandProcessor::~CommandProcessor() = default;

void CommandProcessor::SetTime(int64_t now_ms) { impl_->state.store.SetTime(now_ms); }

void CommandProcessor::Execute(Session& session, std::span<const std::string_view> args,
                               std::string* out) {
  ServerState& s = impl_->state;
  const Config& config = *s.config;
  if (DebugKnobs::Active(config)) [[unlikely]]
    impl_->debug.BeforeCommand(config, args[0]);
  resp::ReplyWriter reply(out, static_cast<resp::Protocol>(session.protocol));

  const CommandSpec* spec = s.table.Find(args[0]);
  // INFO commandstats/errorstats: counts this request's error reply and its call when it ends.
  CallRecorder record(s.stats, *out, spec == nullptr ? nullptr : &s.stats.commands[spec->index]);
  if (spec == nullptr) {
    // Redis's cross-protocol scripting protection: an HTTP request is not answered at all.
    if (EqualsIgnoreCase(args[0], "post") || EqualsIgnoreCase(args[0], "host:")) {
      session.close_now = true;
      return;
    }
    RejectCommand(s, session, nullptr, reply, UnknownCommandText(args));
    return;
  }
  session.last_command = spec->name;
  session.last_subcommand = {};
  const auto argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) {
    RejectCommand(s, session, spec, reply, ArityErrorText(spec->name));
    return;
  }
  if (!session.authenticated && (spec->flags & kCmdNoAuth) == 0) {
    if (config.requirepass.empty()) {
      session.authenticated = true;  // requirepass was cleared by CONFIG SET
    } else {
      RejectCommand(s, session, spec, reply, kErrNoAuth);
      return;
    }
  }
  if (session.txn.in_multi) [[unlikely]] {
    // MULTI: its own no-multi and OOM rules, then queued unless it is one that runs now.
    if (!HandleInMulti(s, session, *spec, args, reply)) return;
  } else if (config.maxmemory > 0 && (spec->flags & kCmdDenyOom) != 0 &&
             s.store.UsedMemory() > static_cast<uint64_t>(config.maxmemory)) {
    RejectCommand(s, session, spec, reply, kErrOom);
    return;
  }
  CommandContext ctx{s, session, args, reply, *spec};
  ctx.may_block = true;
  // Read once: a command that subscribes starts no MONITOR feed, and MONITOR is not fed itself.
  const bool pubsub_active = s.pubsub.active();
  if (pubsub_active) [[unlikely]] {
    // Some client subscribes or monitors: subscriber mode's rules first.
    if (!PubSubAllows(session, args, *spec, reply)) {
      ++s.stats.rejected_calls;
      return;
    }
  }
  const uint64_t start_ticks = TickClock::Now();
  spec->handler(ctx);
  record.Ran(TickClock::Now() - start_ticks);
  ++s.stats.total_commands_processed;  // after the call, as Redis (INFO does not count itself)
  if (pubsub_active) [[unlikely]]
    FeedMonitors(s, session, args, *spec, out);
  // Keys that blocked clients wait for got values: serve them now, as Redis does after each call.
  if (s.blocking.has_ready()) [[unlikely]]
    ServeBlockedClients(s);
}

void ReleaseSessionState(ServerState& state, Session& session) {
  state.blocking.Remove(session);
  DiscardTransaction(state, session);
  if (session.receives_pushes()) state.pubsub.Remove(session);
}

void CommandProcessor::OnClose(Session& session) { ReleaseSessionState(impl_->state, session); }

size_t CommandProcessor::Prefetch(const Session& session, std::string_view pending) {
  const std::string_view window = pending.substr(0, kPrefetchWindow);
  const auto lo = reinterpret_cast<uintptr_t>(window.data());
  const uintptr_t hi = lo + window.size();
  std::array<std::string_view, kPrefetchRequests> keys;
  size_t requests = 0;
  size_t n = 0;
  size_t pos = 0;
  resp::RequestParser& parser = impl_->lookahead;
  while (requests < kPrefetchRequests && pos < window.size()) {
    size_t consumed = 0;
    if (parser.Parse(window.substr(pos), &consumed) != resp::ParseResult::kComplete) break;
    pos += consumed;
    ++requests;
    if (parser.args().size() < 2) continue;
    // Only keys that are bytes of pending: an inline argument with quotes lives in the parser.
    const std::string_view key = parser.args()[1];
    const auto at = reinterpret_cast<uintptr_t>(key.data());
    if (at >= lo && at + key.size() <= hi) keys[n++] = key;
  }
  parser.Reset();  // a partial request at the end must not carry over to the next call
  if (n >= 2) impl_->state.store.Prefetch(session.db, std::span(keys.data(), n));
  return requests > 0 ? requests : 1;
}

bool CommandProcessor::ActiveExpireCycle(int64_t budget_us) {
  Store& store = impl_->state.store;
  impl_->state.stats.Sample(store.now_ms(), store.UsedMemory());
  if (impl_->state.blocking.blocked_clients() > 0) ExpireBlockedClients(impl_->state, store.now_ms());
  if (!impl_->state.active_expire_enabled) return false;
  return store.ActiveExpireCycle(budget_us);
}

bool CommandProcessor::LazyFreeStep(int64_t budget_us) {
  return impl_->state.store.LazyFreeStep(budget_us);
}

uint64_t CommandProcessor::TotalKeys() const { return impl_->state.store.TotalKeys(); }

uint64_t CommandProcessor::UsedMemory() const { return impl_->state.store.UsedMemory(); }

Store& CommandProcessor::store() { return impl_->state.store; }

}  // namespace kv::server
