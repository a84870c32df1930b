// The blocking sorted set pops: BZPOPMIN, BZPOPMAX, BZMPOP. When a sorted set has members they
// answer like ZPOPMIN / ZPOPMAX / ZMPOP (BZPOPMIN: [key, member, score]); otherwise the client
// blocks until a ZADD & co. creates one of its keys, its timeout, CLIENT UNBLOCK or its
// disconnection, through the same registry as the blocking list commands
// (server/engine/blocking_serve.h). Inside MULTI they answer at once as if timed out; scripts
// cannot call BZPOPMIN / BZPOPMAX (noscript), and BZMPOP answers at once there, as in Redis 7.0.
#include <string_view>

#include "server/commands/commands.h"
#include "server/commands/zset_args.h"
#include "server/engine/blocking_serve.h"

namespace kv::server {
namespace {

// BZPOPMIN / BZPOPMAX key [key ...] timeout: [key, member, score] from the first non-empty set.
void BlockingPop(CommandContext& ctx, bool min) {
  int64_t deadline = 0;
  if (!ParseBlockTimeout(ctx, ctx.args.back(), &deadline)) return;
  const auto keys = ctx.args.subspan(1, ctx.args.size() - 2);
  for (std::string_view key : KeysToServe(ctx, keys)) {
    TypedLookup l = LookupZSet(ctx, key, false);
    if (l.wrong_type) return;
    if (l.entry == nullptr) continue;
    ZSetObject* z = ZSetOf(l.entry);
    const size_t at = min ? 0 : z->Length() - 1;
    ctx.reply.ArrayHeader(3);
    ctx.reply.Bulk(key);
    z->ForRanks(at, at + 1, false,
                [&](std::string_view m, double s) { ReplyMemberScore(ctx, m, s, false); });
    z->RemoveRanks(at, at + 1);
    ctx.store().ObjectWritten(ctx.db(), l.entry);
    return;
  }
  BlockOrTimeOut(ctx, keys, deadline, TimeoutReply::kNullArray);
}
void BZPopMinCommand(CommandContext& ctx) { BlockingPop(ctx, true); }
void BZPopMaxCommand(CommandContext& ctx) { BlockingPop(ctx, false); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count].
void BZMPopCommand(CommandContext& ctx) {
  int64_t deadline = 0;
  if (!ParseBlockTimeout(ctx, ctx.args[1], &deadline)) return;
  MultiPopArgs a;
  if (!ParseMultiPopArgs(ctx, 2, "min", "max", &a)) return;
  if (ZMPopFirst(ctx, KeysToServe(ctx, a))) return;
  BlockOrTimeOut(ctx, a.keys(ctx), deadline, TimeoutReply::kNullArray);
}

}  // namespace

void RegisterBlockingZSetCommands(CommandTable& t) {
  constexpr uint32_t kB = kCmdWrite | kCmdNoScript | kCmdBlocking | kCmdFast;
  constexpr std::string_view kG = "sorted-set";
  t.Register({"bzpopmin", BZPopMinCommand, -3, kB, 1, -2, 1,
              "@write @sortedset @fast @blocking", kG});
  t.Register({"bzpopmax", BZPopMaxCommand, -3, kB, 1, -2, 1,
              "@write @sortedset @fast @blocking", kG});
  t.Register({"bzmpop", BZMPopCommand, -5, kCmdWrite | kCmdBlocking, 0, 0, 0,
              "@write @sortedset @slow @blocking", kG});
}

}  // namespace kv::server
