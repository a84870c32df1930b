// Blocking commands on the engine's side (Redis blocked.c): blocking the running command's client,
// serving the waiters of keys that became ready, timeouts and CLIENT UNBLOCK. The books are kept by
// BlockingRegistry (blocking.h); a waiter's reply goes out through ServerControl::Unblock.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "server/engine/blocking.h"
#include "server/engine/command_context.h"

namespace kv::server {

// Parses a blocking command's timeout (seconds, a float: Redis getTimeoutFromObjectOrReply) into
// an absolute deadline (0: wait for ever). Replies the error and returns false when it is not a
// number ("ERR timeout is not a float or out of range") or negative ("ERR timeout is negative";
// also, as redis-server 7.0.15 on x86-64 says, for a timeout too large to count in milliseconds).
bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms);

// The keys a blocking pop looks at: all of keys, or, while its wait is being served, only the key
// that became ready (Redis 7.0 serves a waiter from that key, even if an earlier one has elements).
std::span<const std::string_view> KeysToServe(CommandContext& ctx,
                                              std::span<const std::string_view> keys);

// The running command found nothing to take from keys. A client's own command blocks it (no reply
// now; ctx.session waits until a key is ready, the deadline, CLIENT UNBLOCK or its disconnection);
// inside MULTI or a script (ctx.may_block false) it replies the timeout reply at once, as Redis.
void BlockOrTimeOut(CommandContext& ctx, std::span<const std::string_view> keys,
                    int64_t deadline_ms, TimeoutReply on_timeout);

// After each top-level command: reruns the commands of the clients waiting for the keys that
// became ready, first come first served, and sends each served client its reply. A served command
// may make more keys ready (BLMOVE pushes): served too, until none is left.
void ServeBlockedClients(ServerState& s);
// The tick: ends the waits whose deadline is at or before now_ms with their timeout reply.
void ExpireBlockedClients(ServerState& s, int64_t now_ms);
// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends id's wait with its timeout reply, or with error, with
// "-UNBLOCKED client unblocked via CLIENT UNBLOCK". False when id is not blocked.
bool UnblockClient(ServerState& s, uint64_t id, bool error);

}  // namespace kv::server
