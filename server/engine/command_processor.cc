// CommandProcessor: dispatch (lookup, arity, auth, OOM checks in one place) and statistics.
#include "server/engine/command_processor.h"

#include <array>
#include <cstdint>

#include "resp/request_parser.h"
#include "server/engine/command_context.h"
#include "server/engine/debug_slowdown.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

constexpr std::string_view kErrNoAuth = "NOAUTH Authentication required.";
constexpr std::string_view kErrOom = "OOM command not allowed when used memory > 'maxmemory'.";

// Redis 7 commandCheckExistence: name and the arguments quoted, at most ~128 characters of them.
void ReplyUnknownCommand(resp::ReplyWriter& reply, std::span<const std::string_view> args) {
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
  reply.Error(msg);
}

}  // namespace

void ReplyArityError(resp::ReplyWriter& reply, std::string_view name) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(name);
  msg.append("' command");
  reply.Error(msg);
}

void ReplyUnknownSubcommand(CommandContext& ctx) {
  std::string msg = "ERR unknown subcommand '";
  msg.append(ctx.args[1].substr(0, 128));
  msg.append("'. Try ");
  for (char c : ctx.args[0]) msg.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c);
  msg.append(" HELP.");
  ctx.reply.Error(msg);
}

void RunSubcommand(CommandContext& ctx, std::string_view command,
                   std::span<const Subcommand> subs) {
  for (const Subcommand& sub : subs) {
    if (!EqualsIgnoreCase(sub.name, ctx.args[1])) continue;
    std::string full(command);
    full.push_back('|');
    full.append(sub.name);
    ctx.session.last_command = full;
    const auto argc = static_cast<int>(ctx.args.size());
    if ((sub.arity > 0 && argc != sub.arity) || argc < -sub.arity) {
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
  if (spec == nullptr) {
    // Redis's cross-protocol scripting protection: an HTTP request is not answered at all.
    if (EqualsIgnoreCase(args[0], "post") || EqualsIgnoreCase(args[0], "host:")) {
      session.close_now = true;
      return;
    }
    ++s.stats.rejected_calls;
    ReplyUnknownCommand(reply, args);
    return;
  }
  session.last_command.assign(spec->name);
  const auto argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) {
    ++s.stats.rejected_calls;
    ReplyArityError(reply, spec->name);
    return;
  }
  if (!session.authenticated && (spec->flags & kCmdNoAuth) == 0) {
    if (config.requirepass.empty()) {
      session.authenticated = true;  // requirepass was cleared by CONFIG SET
    } else {
      ++s.stats.rejected_calls;
      reply.Error(kErrNoAuth);
      return;
    }
  }
  if (config.maxmemory > 0 && (spec->flags & kCmdDenyOom) != 0 &&
      s.store.UsedMemory() > static_cast<uint64_t>(config.maxmemory)) {
    ++s.stats.rejected_calls;
    reply.Error(kErrOom);
    return;
  }
  CommandContext ctx{s, session, args, reply, *spec};
  spec->handler(ctx);
  ++s.stats.total_commands_processed;  // after the call, as Redis (INFO does not count itself)
}

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
  if (!impl_->state.active_expire_enabled) return false;
  return impl_->state.store.ActiveExpireCycle(budget_us);
}

uint64_t CommandProcessor::TotalKeys() const { return impl_->state.store.TotalKeys(); }

uint64_t CommandProcessor::UsedMemory() const { return impl_->state.store.UsedMemory(); }

Store& CommandProcessor::store() { return impl_->state.store; }

}  // namespace kv::server
