// The blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. When a list has elements
// they answer like their non-blocking forms; otherwise the client blocks until a push, its timeout,
// CLIENT UNBLOCK or its disconnection (server/engine/blocking_serve.h), and inside MULTI they answer
// at once as if timed out. Scripts cannot call them (noscript), as in Redis 7.
#include <string>
#include <string_view>

#include "server/commands/commands.h"
#include "server/commands/list_ops.h"
#include "server/engine/blocking_serve.h"

namespace kv::server {
namespace {

// BLPOP / BRPOP key [key ...] timeout: [key, element] from the first non-empty list.
void BlockingPop(CommandContext& ctx, bool front) {
  int64_t deadline = 0;
  if (!ParseBlockTimeout(ctx, ctx.args.back(), &deadline)) return;
  const auto keys = ctx.args.subspan(1, ctx.args.size() - 2);
  for (std::string_view key : KeysToServe(ctx, keys)) {
    TypedLookup l = LookupList(ctx, key, false);
    if (l.wrong_type) return;
    if (l.entry == nullptr) continue;
    const std::string value = PopOne(ctx, l.entry, front);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(key);
    ctx.reply.Bulk(value);
    return;
  }
  BlockOrTimeOut(ctx, keys, deadline, TimeoutReply::kNullArray);
}
void BLPopCommand(CommandContext& ctx) { BlockingPop(ctx, true); }
void BRPopCommand(CommandContext& ctx) { BlockingPop(ctx, false); }

// BLMOVE / BRPOPLPUSH: the element moved from src to dst; blocks on src only.
void BlockingMove(CommandContext& ctx, bool from_left, bool to_left,
                  std::string_view timeout_arg) {
  int64_t deadline = 0;
  if (!ParseBlockTimeout(ctx, timeout_arg, &deadline)) return;
  const std::string_view src = ctx.args[1];
  TypedLookup s = LookupList(ctx, src, false);
  if (s.wrong_type) return;
  if (s.entry != nullptr) {
    MoveFromList(ctx, s.entry, ctx.args[2], from_left, to_left);
    return;
  }
  BlockOrTimeOut(ctx, ctx.args.subspan(1, 1), deadline, TimeoutReply::kNullBulk);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout.
void BLMoveCommand(CommandContext& ctx) {
  bool from_left;
  bool to_left;
  if (!ParseWhere(ctx, ctx.args[3], &from_left) || !ParseWhere(ctx, ctx.args[4], &to_left)) return;
  BlockingMove(ctx, from_left, to_left, ctx.args[5]);
}

// BRPOPLPUSH source destination timeout (BLMOVE source destination RIGHT LEFT).
void BRPopLPushCommand(CommandContext& ctx) { BlockingMove(ctx, false, true, ctx.args[3]); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count].
void BLMPopCommand(CommandContext& ctx) {
  int64_t deadline = 0;
  if (!ParseBlockTimeout(ctx, ctx.args[1], &deadline)) return;
  MultiPopArgs a;
  if (!ParseMultiPopArgs(ctx, 2, "left", "right", &a)) return;
  if (MPopFirst(ctx, KeysToServe(ctx, a))) return;
  BlockOrTimeOut(ctx, a.keys(ctx), deadline, TimeoutReply::kNullArray);
}

}  // namespace

void RegisterBlockingListCommands(CommandTable& t) {
  constexpr uint32_t kB = kCmdWrite | kCmdNoScript | kCmdBlocking;
  constexpr uint32_t kBD = kB | kCmdDenyOom;
  constexpr std::string_view kG = "list";
  t.Register({"blpop", BLPopCommand, -3, kB, 1, -2, 1, "@write @list @slow @blocking", kG});
  t.Register({"brpop", BRPopCommand, -3, kB, 1, -2, 1, "@write @list @slow @blocking", kG});
  t.Register({"blmove", BLMoveCommand, 6, kBD, 1, 2, 1, "@write @list @slow @blocking", kG});
  t.Register(
      {"brpoplpush", BRPopLPushCommand, 4, kBD, 1, 2, 1, "@write @list @slow @blocking", kG});
  t.Register({"blmpop", BLMPopCommand, -5, kCmdWrite | kCmdBlocking, 0, 0, 0, "@write @list @slow @blocking", kG});
}

}  // namespace kv::server
