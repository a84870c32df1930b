// MULTI/EXEC on the engine side: which commands a transaction queues, the rejections that doom it,
// the bounded queue, and running the queue at EXEC. The commands themselves (MULTI, EXEC, DISCARD,
// WATCH, UNWATCH) are in server/commands/transactions.cc; the WATCH index is watch.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "resp/reply_writer.h"
#include "server/api/session.h"
#include "server/engine/command_table.h"

namespace kv::server {

struct ServerState;

inline constexpr std::string_view kErrExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kErrNotInMulti = "ERR Command not allowed inside a transaction";

// Redis runs these at once inside MULTI instead of queueing them: EXEC, DISCARD, MULTI, WATCH,
// QUIT, RESET.
bool RunsInsideMulti(const CommandSpec& spec);

// Redis rejectCommand: replies error (a Redis error text without '-'), counts a rejected call and
// dooms an open transaction (EXEC will reply EXECABORT). A rejected EXEC (spec may be nullptr for
// an unknown command) ends the transaction at once: "EXECABORT Transaction discarded because of:
// <error without ERR>".
void RejectCommand(ServerState& state, Session& session, const CommandSpec* spec,
                   resp::ReplyWriter& reply, std::string_view error);

// Inside MULTI, after lookup, arity and auth passed: refuses no-multi commands, applies Redis's
// OOM rule for transactions (over maxmemory, everything but EXEC, DISCARD, QUIT, RESET is refused;
// EXEC when the queue holds a denyoom command) and queues the command (+QUEUED) unless it runs
// now. Returns true when the command must run now. A queue that would outgrow
// client-query-buffer-limit is dropped and the connection closed (close_now, close_reason).
bool HandleInMulti(ServerState& state, Session& session, const CommandSpec& spec,
                   std::span<const std::string_view> args, resp::ReplyWriter& reply);

// Ends MULTI and the session's watches, dropping the queue (Redis discardTransaction).
void DiscardTransaction(ServerState& state, Session& session);

// EXEC once its checks passed: unwatches, runs every queued command in order (a runtime error is
// one element; the rest still run) and replies their array. The session leaves MULTI.
void RunTransaction(ServerState& state, Session& session, resp::ReplyWriter& reply);

// Runs spec's handler for args as session, appending the reply to *out in the session's
// protocol, and counts it in total_commands_processed. No checks: the caller made them.
void CallCommand(ServerState& state, Session& session, const CommandSpec& spec,
                 std::span<const std::string_view> args, std::string* out);

}  // namespace kv::server
