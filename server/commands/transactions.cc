// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. The queueing and the WATCH index live in the
// engine (transaction.h, watch.h). Redis 7 semantics and error texts (checked against 7.0.15).
#include "server/commands/commands.h"
#include "server/engine/command_context.h"
#include "server/engine/transaction.h"

namespace kv::server {
namespace {

void MultiCommand(CommandContext& ctx) {
  if (ctx.session.txn.in_multi) {
    ctx.reply.Error("ERR MULTI calls can not be nested");
    return;
  }
  ctx.session.txn.in_multi = true;
  ctx.reply.Raw(resp::kOk);
}

void ExecCommand(CommandContext& ctx) {
  Transaction& txn = ctx.session.txn;
  if (!txn.in_multi) {
    ctx.reply.Error("ERR EXEC without MULTI");
    return;
  }
  // Redis 7: a watched key that was live at WATCH and has expired since counts as changed.
  if (!txn.watch_dirty && ctx.server.watches.AnyWatchedKeyExpired(ctx.session)) {
    txn.watch_dirty = true;
  }
  if (txn.aborted || txn.watch_dirty) {
    if (txn.aborted) {
      ctx.reply.Error(kErrExecAbort);
    } else {
      ctx.reply.NullArray();
    }
    DiscardTransaction(ctx.server, ctx.session);
    return;
  }
  RunTransaction(ctx.server, ctx.session, ctx.reply);
}

void DiscardCommand(CommandContext& ctx) {
  if (!ctx.session.txn.in_multi) {
    ctx.reply.Error("ERR DISCARD without MULTI");
    return;
  }
  DiscardTransaction(ctx.server, ctx.session);
  ctx.reply.Raw(resp::kOk);
}

void WatchCommand(CommandContext& ctx) {
  if (ctx.session.txn.in_multi) {
    ctx.reply.Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  // Already dirty: EXEC fails anyway, watching more changes nothing.
  if (!ctx.session.txn.watch_dirty) {
    for (size_t i = 1; i < ctx.args.size(); ++i) ctx.server.watches.Watch(ctx.session, ctx.args[i]);
  }
  ctx.reply.Raw(resp::kOk);
}

void UnwatchCommand(CommandContext& ctx) {
  ctx.server.watches.UnwatchAll(ctx.session);
  ctx.session.txn.watch_dirty = false;
  ctx.reply.Raw(resp::kOk);
}

}  // namespace

void RegisterTransactionCommands(CommandTable& t) {
  constexpr uint32_t kBase = kCmdNoScript | kCmdLoading | kCmdStale;
  constexpr std::string_view kTx = "transactions";
  constexpr std::string_view kFastTx = "@fast @transaction";
  t.Register({"multi", MultiCommand, 1, kBase | kCmdFast, 0, 0, 0, kFastTx, kTx});
  t.Register({"exec", ExecCommand, 1, kBase | kCmdSkipSlowlog, 0, 0, 0, "@slow @transaction", kTx});
  t.Register({"discard", DiscardCommand, 1, kBase | kCmdFast, 0, 0, 0, kFastTx, kTx});
  t.Register({"watch", WatchCommand, -2, kBase | kCmdFast, 1, -1, 1, kFastTx, kTx});
  t.Register({"unwatch", UnwatchCommand, 1, kBase | kCmdFast, 0, 0, 0, kFastTx, kTx});
}

}  // namespace kv::server
