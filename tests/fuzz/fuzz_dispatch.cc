// libFuzzer target for kv-server's command side: the input is parsed as a stream of requests
// (kv::resp::RequestParser) and each request runs on a fresh CommandProcessor with a fake
// ServerControl, in process, no sockets. Invariants: every request gets exactly one well-formed
// RESP reply (none only when the command closes the connection or shuts the server down; the
// (P)(UN)SUBSCRIBE family one per channel; a MONITOR client also gets its own command's line),
// and the whole output is a sequence of replies that kv::resp::ScanReply consumes exactly.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.h"
#include "resp/reply_reader.h"
#include "resp/request_parser.h"
#include "server/api/server_control.h"
#include "server/api/session.h"
#include "server/commands/commands.h"
#include "server/config/config.h"
#include "server/engine/command_processor.h"
#include "tests/fuzz/fuzz_common.h"

namespace kv::fuzz {
namespace {

// Commands per input: enough for interesting sequences, bounded so that each input stays fast.
constexpr int kMaxCommands = 64;
// The smallest proto-max-bulk-len CONFIG SET accepts: bounds SETRANGE / APPEND growth.
constexpr int64_t kBulkLimit = 1024 * 1024;
constexpr int64_t kStartMs = 1700000000000;  // a fixed clock: runs are reproducible

// The one connected client is whichever session the current input runs as.
class FakeControl : public server::ServerControl {
 public:
  server::ServerInfo Info() const override {
    server::ServerInfo info;
    info.tcp_port = 6379;
    info.io_backend = "epoll";
    info.start_time_ms = kStartMs;
    info.connected_clients = 1;
    info.total_connections_received = 1;
    return info;
  }
  void ForEachSession(const std::function<void(const server::Session&)>& fn) const override {
    fn(*session);
  }
  bool KillClient(uint64_t id) override { return id == session->id; }
  void RequestShutdown() override { shutdown_requested = true; }
  // The only client is the one running commands, and messages to itself never come here.
  bool Deliver(uint64_t /*id*/, std::string_view /*bytes*/) override { return false; }
  // The only client is the one running commands: a blocked one is never served by another.
  bool Unblock(uint64_t /*id*/, std::string_view /*bytes*/) override { return false; }
  void Log(int /*level*/, std::string_view /*message*/) override {}
  // A script that runs past busy-reply-threshold (set to 0 for fuzzing) is stopped at once, as if
  // the server were shutting down: an input like `EVAL "while true do end" 0` ends.
  bool ServeBusy(server::BusyResponder& /*responder*/) override { return true; }
  void EndBusy() override {}

  const server::Session* session = nullptr;
  bool shutdown_requested = false;
};

// The command side shared by all inputs of one process. Building a CommandProcessor costs ~7 ms
// (command table, keyspace), which would cap fuzzing at ~150 inputs/s, so one is reused and every
// input starts from the same observable state: default config, empty databases (FLUSHALL), zeroed
// counters (CONFIG RESETSTAT), the same clock.
struct Harness {
  Harness() : processor(&config, &control, server::RegisterAllCommands) {}
  server::Config config;
  FakeControl control;
  server::CommandProcessor processor;
};

// Counts the replies in data with the full reader and no practical depth limit: a script may
// return tables nested far deeper than ScanReply's 64 levels (Redis allows about 8000).
size_t CheckDeepReplies(std::string_view data, std::string_view request) {
  resp::ReplyReader::Limits limits;
  limits.max_depth = 1 << 20;
  resp::ReplyReader reader(limits);
  reader.Feed(data);
  size_t count = 0;
  resp::Reply reply;
  resp::ReadResult r;
  while ((r = reader.Next(&reply)) == resp::ReadResult::kComplete) ++count;
  FUZZ_CHECK(r == resp::ReadResult::kNeedMore && reader.buffered() == 0,
             "reply to '%s' is not well-formed RESP (%s): '%s'", Escaped(request).c_str(),
             reader.error().c_str(), Escaped(data).c_str());
  return count;
}

// Counts the complete replies in out[from, end); aborts on a malformed or partial reply.
size_t CheckReplies(std::string_view out, size_t from, std::string_view request) {
  size_t count = 0;
  while (from < out.size()) {
    resp::ScannedReply reply;
    std::string error;
    const resp::ReadResult r = resp::ScanReply(out.substr(from), &reply, &error);
    if (r == resp::ReadResult::kError && error.find("nested deeper") != std::string::npos) {
      return count + CheckDeepReplies(out.substr(from), request);
    }
    FUZZ_CHECK(r == resp::ReadResult::kComplete, "reply to '%s' is not well-formed RESP (%s): '%s'",
               Escaped(request).c_str(), error.c_str(), Escaped(out.substr(from)).c_str());
    from += reply.length;
    ++count;
  }
  return count;
}

std::string Describe(std::span<const std::string_view> args) {
  std::string out;
  for (std::string_view a : args) {
    if (!out.empty()) out += ' ';
    out.append(a);
  }
  return Escaped(out, 200);
}

void ResetForInput(Harness& h, server::Session& session) {
  h.config = server::Config{};
  h.config.proto_max_bulk_len = kBulkLimit;
  h.config.busy_reply_threshold_ms = 0;  // see FakeControl::ServeBusy
  h.control.session = &session;
  h.control.shutdown_requested = false;
  h.processor.SetTime(kStartMs);
  std::string ignored;
  for (std::vector<std::string_view> reset :
       {std::vector<std::string_view>{"FLUSHALL"},
        std::vector<std::string_view>{"CONFIG", "RESETSTAT"}}) {
    h.processor.Execute(session, reset, &ignored);
  }
  session = server::Session{};
  session.id = 1;
  session.addr = "127.0.0.1:40001";
  session.laddr = "127.0.0.1:6379";
  session.created_ms = kStartMs;
  session.last_interaction_ms = kStartMs;
}

// The replies a request may get: exactly one, except (P)(UN)SUBSCRIBE (one per channel or
// pattern; without arguments one per subscription, at least one), MONITOR (none when repeated),
// any command of a MONITOR client (its own line may follow the reply), and PUBLISH or EXEC from a
// RESP3 subscriber (its own messages are pushed in line, before the count or inside EXEC's array,
// byte for byte as redis-server 7.0 does, so a push there reads as an extra top-level reply), and
// EXEC of a transaction that queued a (P)(UN)SUBSCRIBE (one reply per channel inside an array
// counted per command: the same bytes as redis-server 7.0.15).
struct ReplyRange {
  size_t min = 1;
  size_t max = 1;
};
bool IsPubSubCommand(std::string_view name) {
  for (std::string_view c : {"subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish"}) {
    if (EqualsIgnoreCase(name, c)) return true;
  }
  return false;
}

// `pushed_before`: the session was a RESP3 subscriber before the request (it may not be after).
// `queued_pubsub`: the transaction being run by this EXEC queued a pub/sub command.
ReplyRange ExpectedReplies(std::span<const std::string_view> args, const server::Session& session,
                           bool pushed_before, bool queued_pubsub) {
  ReplyRange r;
  const std::string_view name = args[0];
  const bool subscribe =
      EqualsIgnoreCase(name, "subscribe") || EqualsIgnoreCase(name, "psubscribe");
  const bool unsubscribe =
      EqualsIgnoreCase(name, "unsubscribe") || EqualsIgnoreCase(name, "punsubscribe");
  if ((subscribe || unsubscribe) && args.size() > 2) r.max = args.size() - 1;
  if (unsubscribe && args.size() == 1) r.max = SIZE_MAX;
  if (EqualsIgnoreCase(name, "monitor")) r.min = 0;
  const bool self_push = pushed_before || (session.protocol == 3 && session.subscribed());
  if (self_push && (EqualsIgnoreCase(name, "publish") || EqualsIgnoreCase(name, "exec"))) {
    r.max = SIZE_MAX;
  }
  if (queued_pubsub && EqualsIgnoreCase(name, "exec")) r.max = SIZE_MAX;
  if (session.monitor && r.max != SIZE_MAX) ++r.max;
  return r;
}

void RunInput(Harness& h, std::string_view input) {
  server::Config& config = h.config;
  server::Session session;
  ResetForInput(h, session);
  int64_t now_ms = kStartMs;

  resp::RequestParser parser;
  std::string out;
  size_t pos = 0;
  bool queued_pubsub = false;  // the open MULTI queued a pub/sub command
  for (int commands = 0; commands < kMaxCommands && pos < input.size();) {
    size_t consumed = 0;
    const resp::ParseResult r = parser.Parse(input.substr(pos), &consumed);
    if (r != resp::ParseResult::kComplete) break;  // incomplete tail or protocol error
    pos += consumed;
    const auto args = parser.args();
    if (args.empty()) continue;
    ++commands;
    const size_t before = out.size();
    const bool pushed_before = session.protocol == 3 && session.subscribed();
    const bool in_multi_before = session.txn.in_multi;
    h.processor.Execute(session, args, &out);
    const size_t replies = CheckReplies(out, before, Describe(args));
    const bool closing =
        session.close_now || session.close_after_reply || h.control.shutdown_requested;
    const ReplyRange expected = ExpectedReplies(args, session, pushed_before, queued_pubsub);
    if (in_multi_before && IsPubSubCommand(args[0])) queued_pubsub = true;
    if (!session.txn.in_multi) queued_pubsub = false;
    // A blocking command that found nothing (BLPOP...) answers nothing yet, and a real connection
    // runs none of the client's later requests until the wait ends: this input ends here.
    const bool blocked = session.blocked;
    FUZZ_CHECK((replies >= expected.min && replies <= expected.max) ||
                   (replies == 0 && (closing || blocked)),
               "'%s' produced %zu replies: '%s'", Describe(args).c_str(), replies,
               Escaped(std::string_view(out).substr(before)).c_str());
    if (closing || blocked) break;
    // CONFIG SET may raise these; keep every input cheap (no busy-waiting, no 512 MB strings).
    config.debug_command_delay_us = 0;
    config.busy_reply_threshold_ms = 0;
    if (config.proto_max_bulk_len > kBulkLimit) config.proto_max_bulk_len = kBulkLimit;
    now_ms += 997;  // let keys with short TTLs expire between commands
    h.processor.SetTime(now_ms);
  }
  (void)h.processor.ActiveExpireCycle(1000 * 1000);
  (void)h.processor.LazyFreeStep(1000 * 1000);
  (void)CheckReplies(out, 0, "(whole output)");
  h.processor.OnClose(session);  // as the network layer does: subscriptions, MONITOR and WATCHes go
}

}  // namespace
}  // namespace kv::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static kv::fuzz::Harness harness;  // see Harness: shared by every input of the process
  kv::fuzz::RunInput(harness, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
