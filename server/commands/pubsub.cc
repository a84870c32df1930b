// Pub/Sub and MONITOR: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB, MONITOR.
// Replies and texts checked against redis-server 7.0.15; messages are RESP3 push types.
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

int64_t Subscriptions(const Session& s) {
  return static_cast<int64_t>(s.pubsub_channels) + static_cast<int64_t>(s.pubsub_patterns);
}

// One confirmation: [kind, channel or pattern (nil when there was none), subscriptions left].
void Confirm(CommandContext& ctx, std::string_view kind, const std::string_view* name) {
  ctx.reply.PushHeader(3);
  ctx.reply.Bulk(kind);
  if (name != nullptr) {
    ctx.reply.Bulk(*name);
  } else {
    ctx.reply.NullBulk();
  }
  ctx.reply.Integer(Subscriptions(ctx.session));
}

void SubscribeCommand(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    ctx.server.pubsub.Subscribe(ctx.session, ctx.args[i]);
    Confirm(ctx, "subscribe", &ctx.args[i]);
  }
}

void PSubscribeCommand(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    ctx.server.pubsub.PSubscribe(ctx.session, ctx.args[i]);
    Confirm(ctx, "psubscribe", &ctx.args[i]);
  }
}

// UNSUBSCRIBE / PUNSUBSCRIBE: the named ones (confirmed even when not subscribed), else all of
// them; with none at all, one confirmation with a nil name.
template <bool kPatterns>
void UnsubscribeCommand(CommandContext& ctx) {
  PubSub& registry = ctx.server.pubsub;
  constexpr std::string_view kKind = kPatterns ? "punsubscribe" : "unsubscribe";
  auto remove = [&](std::string_view name) {
    if constexpr (kPatterns) {
      registry.PUnsubscribe(ctx.session, name);
    } else {
      registry.Unsubscribe(ctx.session, name);
    }
    Confirm(ctx, kKind, &name);
  };
  if (ctx.args.size() > 1) {
    for (size_t i = 1; i < ctx.args.size(); ++i) remove(ctx.args[i]);
    return;
  }
  const std::vector<std::string> all =
      kPatterns ? registry.PatternsOf(ctx.session) : registry.ChannelsOf(ctx.session);
  for (const std::string& name : all) remove(name);
  if (all.empty()) Confirm(ctx, kKind, nullptr);
}

// ["message", channel, payload] or ["pmessage", pattern, channel, payload] in protocol.
std::string Message(resp::Protocol protocol, const std::string* pattern, std::string_view channel,
                    std::string_view payload) {
  std::string out;
  out.reserve(48 + channel.size() + payload.size() + (pattern ? pattern->size() : 0));
  resp::ReplyWriter w(&out, protocol);
  w.PushHeader(pattern != nullptr ? 4 : 3);
  w.Bulk(pattern != nullptr ? "pmessage" : "message");
  if (pattern != nullptr) w.Bulk(*pattern);
  w.Bulk(channel);
  w.Bulk(payload);
  return out;
}

void PublishCommand(CommandContext& ctx) {
  const std::string_view channel = ctx.args[1];
  const std::string_view payload = ctx.args[2];
  std::string plain[2];  // the channel message in RESP2 and RESP3, built when first needed
  const int64_t receivers =
      ctx.server.pubsub.ForEachReceiver(channel, [&](Session& s, const std::string* pattern) {
        const auto protocol = static_cast<resp::Protocol>(s.protocol);
        std::string built;
        const std::string* bytes = &built;
        if (pattern == nullptr) {
          std::string& cached = plain[s.protocol == 3 ? 1 : 0];
          if (cached.empty()) cached = Message(protocol, nullptr, channel, payload);
          bytes = &cached;
        } else {
          built = Message(protocol, pattern, channel, payload);
        }
        if (&s == &ctx.session) {
          ctx.reply.Raw(*bytes);  // a RESP3 subscriber publishing to itself: before the count
        } else {
          ctx.server.control->Deliver(s.id, *bytes);
        }
      });
  ctx.reply.Integer(receivers);
}

void PubSubHelp(CommandContext& ctx) {
  constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  ReplyHelp(ctx.reply, kLines);
}

void PubSubCommand(CommandContext& ctx) {
  const std::string_view sub = ctx.args[1];
  const size_t argc = ctx.args.size();
  PubSub& registry = ctx.server.pubsub;
  // Fixed-arity subcommands: Redis's arity error names them; CHANNELS takes at most a pattern.
  auto fixed = [&](std::string_view full_name) {
    ctx.session.last_subcommand = full_name.substr(full_name.find('|') + 1);
    if (argc == 2) return true;
    ReplyArityError(ctx.reply, full_name);
    return false;
  };
  auto at_most_pattern = [&](std::string_view full_name) {
    ctx.session.last_subcommand = full_name.substr(full_name.find('|') + 1);
    if (argc <= 3) return true;
    std::string msg = "ERR unknown subcommand or wrong number of arguments for '";
    msg.append(sub.substr(0, 128));
    msg.append("'. Try PUBSUB HELP.");
    ctx.reply.Error(msg);
    return false;
  };
  if (EqualsIgnoreCase(sub, "channels")) {
    if (!at_most_pattern("pubsub|channels")) return;
    const std::vector<std::string> channels = registry.Channels(argc == 3 ? ctx.args[2] : "*");
    ctx.reply.ArrayHeader(channels.size());
    for (const std::string& channel : channels) ctx.reply.Bulk(channel);
  } else if (EqualsIgnoreCase(sub, "numsub")) {
    ctx.session.last_subcommand = "numsub";
    ctx.reply.ArrayHeader((argc - 2) * 2);
    for (size_t i = 2; i < argc; ++i) {
      ctx.reply.Bulk(ctx.args[i]);
      ctx.reply.Integer(static_cast<int64_t>(registry.NumSub(ctx.args[i])));
    }
  } else if (EqualsIgnoreCase(sub, "numpat")) {
    if (fixed("pubsub|numpat")) ctx.reply.Integer(static_cast<int64_t>(registry.NumPat()));
  } else if (EqualsIgnoreCase(sub, "shardchannels")) {
    // Sharded channels (SSUBSCRIBE) are not implemented, so none is ever active.
    if (at_most_pattern("pubsub|shardchannels")) ctx.reply.Raw(resp::kEmptyArray);
  } else if (EqualsIgnoreCase(sub, "shardnumsub")) {
    ctx.session.last_subcommand = "shardnumsub";
    ctx.reply.ArrayHeader((argc - 2) * 2);
    for (size_t i = 2; i < argc; ++i) {
      ctx.reply.Bulk(ctx.args[i]);
      ctx.reply.Raw(resp::kZero);
    }
  } else if (EqualsIgnoreCase(sub, "help")) {
    if (fixed("pubsub|help")) PubSubHelp(ctx);
  } else {
    ReplyUnknownSubcommand(ctx);
  }
}

// MONITOR: +OK, then every command others run (see FeedMonitors in command_processor.cc). A
// second MONITOR is ignored without a reply, as Redis.
void MonitorCommand(CommandContext& ctx) {
  if (ctx.server.pubsub.AddMonitor(ctx.session)) ctx.reply.Raw(resp::kOk);
}

}  // namespace

void RegisterPubSubCommands(CommandTable& t) {
  constexpr std::string_view kGroup = "pubsub";
  constexpr uint32_t kFlags = kCmdNoScript | kCmdLoading | kCmdStale;
  constexpr std::string_view kSlow = "@pubsub @slow";
  t.Register({"subscribe", SubscribeCommand, -2, kFlags, 0, 0, 0, kSlow, kGroup});
  t.Register({"unsubscribe", UnsubscribeCommand<false>, -1, kFlags, 0, 0, 0, kSlow, kGroup});
  t.Register({"psubscribe", PSubscribeCommand, -2, kFlags, 0, 0, 0, kSlow, kGroup});
  t.Register({"punsubscribe", UnsubscribeCommand<true>, -1, kFlags, 0, 0, 0, kSlow, kGroup});
  t.Register({"publish", PublishCommand, 3, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0,
              "@pubsub @fast", kGroup});
  t.Register({"pubsub", PubSubCommand, -2, kCmdLoading | kCmdStale, 0, 0, 0, kSlow, kGroup});
  t.Register({"monitor", MonitorCommand, 1, kCmdAdmin | kFlags, 0, 0, 0, "@admin @slow @dangerous",
              "server"});
}

}  // namespace kv::server
