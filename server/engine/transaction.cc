// MULTI/EXEC queueing and execution (see transaction.h); Redis 7 multi.c and processCommand rules.
#include "server/engine/transaction.h"

#include <vector>

#include "server/engine/command_context.h"
#include "server/engine/text_util.h"

namespace kv::server {
namespace {

bool IsExec(const CommandSpec& spec) { return spec.name == "exec"; }

bool OverMaxmemory(const ServerState& state) {
  const int64_t maxmemory = state.config->maxmemory;
  return maxmemory > 0 && state.store.UsedMemory() > static_cast<uint64_t>(maxmemory);
}

// What a queued command costs: its bytes plus the per-argument and per-command bookkeeping.
uint64_t QueuedSize(std::span<const std::string_view> args) {
  uint64_t n = sizeof(uint32_t);
  for (std::string_view a : args) n += a.size() + sizeof(std::string);
  return n;
}

void ClearQueue(Transaction& txn) {
  txn.in_multi = false;
  txn.aborted = false;
  txn.queued_flags = 0;
  txn.queued_bytes = 0;
  std::vector<std::string>().swap(txn.queued_args);  // give the memory back
  std::vector<uint32_t>().swap(txn.queued_argc);
}

}  // namespace

bool RunsInsideMulti(const CommandSpec& spec) {
  const std::string_view n = spec.name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

void RejectCommand(ServerState& state, Session& session, const CommandSpec* spec,
                   resp::ReplyWriter& reply, std::string_view error) {
  ++state.stats.rejected_calls;
  if (spec != nullptr && IsExec(*spec)) {
    DiscardTransaction(state, session);
    if (error.starts_with("ERR ")) error.remove_prefix(4);
    std::string msg = "EXECABORT Transaction discarded because of: ";
    msg.append(error);
    reply.Error(msg);
    return;
  }
  if (session.txn.in_multi) session.txn.aborted = true;
  reply.Error(error);
}

bool HandleInMulti(ServerState& state, Session& session, const CommandSpec& spec,
                   std::span<const std::string_view> args, resp::ReplyWriter& reply) {
  Transaction& txn = session.txn;
  if (spec.flags & kCmdNoMulti) {
    RejectCommand(state, session, &spec, reply, kErrNotInMulti);
    return false;
  }
  const std::string_view n = spec.name;
  const bool oom_exempt = n == "exec" || n == "discard" || n == "quit" || n == "reset";
  const bool oom_applies = !oom_exempt || (IsExec(spec) && (txn.queued_flags & kCmdDenyOom) != 0);
  if (oom_applies && OverMaxmemory(state)) {
    RejectCommand(state, session, &spec, reply, kErrOom);
    return false;
  }
  if (RunsInsideMulti(spec)) return true;
  // A doomed transaction keeps nothing (Redis: no sense wasting memory on it).
  if (!txn.aborted && !txn.watch_dirty) {
    const uint64_t size = QueuedSize(args);
    const auto limit = static_cast<uint64_t>(state.config->client_query_buffer_limit);
    if (txn.queued_bytes + size > limit) {
      session.close_now = true;
      session.close_reason = "Closing client " + session.addr +
                             " whose MULTI queue reached client-query-buffer-limit (" +
                             std::to_string(txn.queued_bytes + size) + " bytes queued)";
      DiscardTransaction(state, session);
      return false;
    }
    txn.queued_bytes += size;
    txn.queued_flags |= spec.flags;
    txn.queued_argc.push_back(static_cast<uint32_t>(args.size()));
    for (std::string_view a : args) txn.queued_args.emplace_back(a);
  }
  reply.Simple("QUEUED");
  return false;
}

void DiscardTransaction(ServerState& state, Session& session) {
  ClearQueue(session.txn);
  session.txn.watch_dirty = false;
  state.watches.UnwatchAll(session);
}

void RunTransaction(ServerState& state, Session& session, resp::ReplyWriter& reply) {
  // Unwatch first: the transaction's own writes must not dirty it (and it saves work).
  state.watches.UnwatchAll(session);
  std::vector<std::string> args = std::move(session.txn.queued_args);
  std::vector<uint32_t> argc = std::move(session.txn.queued_argc);
  ClearQueue(session.txn);
  session.txn.watch_dirty = false;
  reply.ArrayHeader(argc.size());
  std::vector<std::string_view> views;
  size_t next = 0;
  for (uint32_t count : argc) {
    views.assign(args.begin() + static_cast<ptrdiff_t>(next),
                 args.begin() + static_cast<ptrdiff_t>(next + count));
    next += count;
    // Looked up again: the table does not change while the server runs.
    const CommandSpec* spec = state.table.Find(views[0]);
    session.last_command = spec->name;
    session.last_subcommand = {};
    CallCommand(state, session, *spec, views, reply.buffer());
  }
  session.last_command = "exec";
  session.last_subcommand = {};
}

void CallCommand(ServerState& state, Session& session, const CommandSpec& spec,
                 std::span<const std::string_view> args, std::string* out) {
  // The session's protocol at this moment: a HELLO earlier in a transaction changes it.
  CommandContext ctx{state, session, args,
                     resp::ReplyWriter(out, static_cast<resp::Protocol>(session.protocol)), spec};
  spec.handler(ctx);
  ++state.stats.total_commands_processed;
}

}  // namespace kv::server
