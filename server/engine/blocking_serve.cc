// Blocking commands on the engine's side: see blocking_serve.h.
#include "server/engine/blocking_serve.h"

#include <string>
#include <vector>

#include "server/engine/text_util.h"

namespace kv::server {
namespace {

void WriteTimeoutReply(TimeoutReply kind, int protocol, std::string* out) {
  resp::ReplyWriter reply(out, static_cast<resp::Protocol>(protocol));
  if (kind == TimeoutReply::kNullArray) {
    reply.NullArray();
  } else {
    reply.NullBulk();
  }
}

// Ends session's wait with reply.
void Release(ServerState& s, Session& session, std::string_view reply) {
  s.blocking.Remove(session);
  s.control->Unblock(session.id, reply);
}

// Reruns waiter's command for its session; false (and nothing written) when it blocked again.
bool Rerun(ServerState& s, const BlockingRegistry::Waiter& waiter, std::string_view key,
           std::string* out) {
  std::vector<std::string_view> args(waiter.args.begin(), waiter.args.end());
  Session& session = *waiter.session;
  resp::ReplyWriter reply(out, static_cast<resp::Protocol>(session.protocol));
  CommandContext ctx{s, session, args, reply, *waiter.spec};
  ctx.may_block = true;
  s.blocking.BeginServing(session, key);
  waiter.spec->handler(ctx);
  if (s.blocking.EndServing()) {
    out->clear();
    return false;
  }
  return true;
}

}  // namespace

bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms) {
  long double seconds = 0;
  if (!ParseLongDouble(arg, &seconds)) {
    ctx.reply.Error("ERR timeout is not a float or out of range");
    return false;
  }
  const long double ms = seconds * 1000.0L;
  // redis-server converts to long long: past its range x86-64 gives LLONG_MIN, "negative".
  if (!(ms < 9.2e18L) || ms <= -1.0L) {
    ctx.reply.Error("ERR timeout is negative");
    return false;
  }
  const auto timeout = static_cast<int64_t>(ms);
  *deadline_ms = timeout > 0 ? ctx.now_ms() + timeout : 0;
  return true;
}

std::span<const std::string_view> KeysToServe(CommandContext& ctx,
                                              std::span<const std::string_view> keys) {
  const std::string_view* ready = ctx.server.blocking.serving_key(ctx.session);
  if (ready == nullptr) return keys;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == *ready) return keys.subspan(i, 1);
  }
  return keys;
}

void BlockOrTimeOut(CommandContext& ctx, std::span<const std::string_view> keys,
                    int64_t deadline_ms, TimeoutReply on_timeout) {
  if (!ctx.may_block) {
    WriteTimeoutReply(on_timeout, ctx.session.protocol, ctx.reply.buffer());
    return;
  }
  ctx.server.blocking.Block(ctx.session, ctx.spec, ctx.args, keys, deadline_ms, on_timeout);
}

void ServeBlockedClients(ServerState& s) {
  while (s.blocking.has_ready()) {
    for (const auto& [db, key] : s.blocking.TakeReady()) {
      for (uint64_t id : s.blocking.WaiterIds(db, key)) {
        const BlockingRegistry::Waiter* waiter = s.blocking.Find(id);
        if (waiter == nullptr) continue;  // served through another of its keys meanwhile
        std::string out;
        // The first waiter the key cannot serve (it is empty again) ends this key's turn.
        if (!Rerun(s, *waiter, key, &out)) break;
        Release(s, *waiter->session, out);
      }
    }
  }
}

void ExpireBlockedClients(ServerState& s, int64_t now_ms) {
  for (uint64_t id : s.blocking.Expired(now_ms)) {
    const BlockingRegistry::Waiter* waiter = s.blocking.Find(id);
    if (waiter == nullptr) continue;
    std::string out;
    WriteTimeoutReply(waiter->on_timeout, waiter->session->protocol, &out);
    Release(s, *waiter->session, out);
  }
}

bool UnblockClient(ServerState& s, uint64_t id, bool error) {
  const BlockingRegistry::Waiter* waiter = s.blocking.Find(id);
  if (waiter == nullptr) return false;
  std::string out;
  if (error) {
    resp::ReplyWriter(&out, static_cast<resp::Protocol>(waiter->session->protocol))
        .Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else {
    WriteTimeoutReply(waiter->on_timeout, waiter->session->protocol, &out);
  }
  Release(s, *waiter->session, out);
  return true;
}

}  // namespace kv::server
