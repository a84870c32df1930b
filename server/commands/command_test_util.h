// Test-only: runs commands in process (no sockets) against a CommandProcessor with a fake
// ServerControl, and builds expected RESP replies.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "resp/reply_writer.h"
#include "server/api/server_control.h"
#include "server/api/session.h"
#include "server/commands/commands.h"
#include "server/config/config.h"
#include "server/engine/command_processor.h"

namespace kv::server::testing {

class FakeControl : public ServerControl {
 public:
  ServerInfo Info() const override { return info; }
  void ForEachSession(const std::function<void(const Session&)>& fn) const override {
    for (const Session* s : sessions) fn(*s);
  }
  bool KillClient(uint64_t id) override {
    for (const Session* s : sessions) {
      if (s->id == id) {
        killed.push_back(id);
        return true;
      }
    }
    return false;
  }
  void RequestShutdown() override { shutdown_requested = true; }
  // Records what reached each known client (cut_off: as a client over its output limit).
  bool Deliver(uint64_t id, std::string_view bytes) override {
    for (const Session* s : sessions) {
      if (s->id == id && cut_off.count(id) == 0) {
        delivered[id].append(bytes);
        return true;
      }
    }
    return false;
  }
  // Records the replies that ended each known client's wait (BLPOP & co.).
  bool Unblock(uint64_t id, std::string_view reply) override {
    for (const Session* s : sessions) {
      if (s->id == id) {
        unblocked[id].append(reply);
        return true;
      }
    }
    return false;
  }
  void Log(int level, std::string_view message) override {
    log.push_back(std::to_string(level) + " " + std::string(message));
  }
  // Busy scripts: each ServeBusy call answers `busy_requests` with the responder (as if another
  // client had sent them) into busy_replies, then calls on_serve_busy (if set).
  bool ServeBusy(BusyResponder& responder) override {
    ++serve_busy_calls;
    for (const auto& request : busy_requests) {
      std::vector<std::string_view> views(request.begin(), request.end());
      busy_replies.emplace_back();
      responder.Respond(views, 2, &busy_replies.back());
    }
    busy_requests.clear();
    if (on_serve_busy) on_serve_busy();
    return shutdown_requested;
  }
  void EndBusy() override { ++end_busy_calls; }

  ServerInfo info;
  std::vector<Session*> sessions;  // in id order
  std::vector<uint64_t> killed;
  std::map<uint64_t, std::string> unblocked;
  bool shutdown_requested = false;
  std::map<uint64_t, std::string> delivered;  // by client id, in order
  std::set<uint64_t> cut_off;
  std::vector<std::string> log;  // "<level> <message>"
  std::vector<std::vector<std::string>> busy_requests;
  std::vector<std::string> busy_replies;
  std::function<void()> on_serve_busy;
  int serve_busy_calls = 0;
  int end_busy_calls = 0;
};

// 2023-11-14T22:13:20Z: a fixed clock so expiry tests are deterministic.
inline constexpr int64_t kStartMs = 1700000000000;

class Harness {
 public:
  Harness() : processor(&config, &control, RegisterAllCommands) {
    session.id = 1;
    session.addr = "127.0.0.1:40001";
    session.laddr = "127.0.0.1:6379";
    session.fd = 7;
    session.created_ms = kStartMs;
    session.last_interaction_ms = kStartMs;
    control.sessions.push_back(&session);
    control.info.tcp_port = 6379;
    control.info.io_backend = "epoll";
    control.info.start_time_ms = kStartMs;
    control.info.connected_clients = 1;
    processor.SetTime(now_ms);
  }

  // Runs one command as `session` and returns the raw reply bytes.
  std::string Run(const std::vector<std::string>& args) { return RunAs(session, args); }
  std::string Run(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string>(args.begin(), args.end()));
  }
  std::string RunAs(Session& s, const std::vector<std::string>& args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    std::string out;
    processor.Execute(s, views, &out);
    return out;
  }
  void AdvanceMs(int64_t ms) {
    now_ms += ms;
    processor.SetTime(now_ms);
  }

  Config config;
  FakeControl control;
  int64_t now_ms = kStartMs;
  CommandProcessor processor;
  Session session;
};

// A harness with more clients for blocking commands (ids 2, 3, ...), all known to the fake control.
class BlockingHarness : public Harness {
 public:
  Session& Client() {
    auto s = std::make_unique<Session>();
    s->id = 2 + clients_.size();
    s->addr = "127.0.0.1:" + std::to_string(41000 + s->id);
    control.sessions.push_back(s.get());
    clients_.push_back(std::move(s));
    return *clients_.back();
  }
  using Harness::RunAs;
  std::string RunAs(Session& s, std::initializer_list<std::string_view> args) {
    return Harness::RunAs(s, std::vector<std::string>(args.begin(), args.end()));
  }
  // What reached client s when its wait ended ("" while it still waits).
  std::string Unblocked(const Session& s) {
    auto it = control.unblocked.find(s.id);
    return it == control.unblocked.end() ? "" : it->second;
  }
  std::string Info() { return Run({"INFO", "clients"}); }
  void Tick() {
    processor.ActiveExpireCycle(1000);
    processor.LazyFreeStep(1000);
  }

 private:
  std::vector<std::unique_ptr<Session>> clients_;
};

// Expected replies, written by resp::ReplyWriter: Array({Bulk("a"), Int(1), kNil}).
template <typename Write>
std::string Reply(Write write) {
  std::string out;
  resp::ReplyWriter w(&out);
  write(w);
  return out;
}
inline std::string Bulk(std::string_view s) {
  return Reply([&](resp::ReplyWriter& w) { w.Bulk(s); });
}
inline std::string Int(int64_t v) {
  return Reply([&](resp::ReplyWriter& w) { w.Integer(v); });
}
inline std::string Err(std::string_view text) {
  return Reply([&](resp::ReplyWriter& w) { w.Error(text); });
}
inline std::string Simple(std::string_view text) {
  return Reply([&](resp::ReplyWriter& w) { w.Simple(text); });
}
// An array of replies that are already encoded.
inline std::string Array(std::initializer_list<std::string> items) {
  return Reply([&](resp::ReplyWriter& w) {
    w.ArrayHeader(items.size());
    for (const std::string& i : items) w.Raw(i);
  });
}
inline const std::string kOK(resp::kOk);
inline const std::string kNil(resp::kNullBulk);
inline const std::string kEmpty(resp::kEmptyArray);
inline const std::string kNullArray(resp::kNullArray);
inline const std::string kWrongType =
    Err("WRONGTYPE Operation against a key holding the wrong kind of value");
inline const std::string kSyntax = Err("ERR syntax error");

// An array of bulk strings.
inline std::string Bulks(std::initializer_list<std::string_view> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (std::string_view i : items) out += Bulk(i);
  return out;
}
// A flat [member, score, ...] array of pairs.
inline std::string Pairs(std::initializer_list<std::pair<std::string, std::string>> items) {
  std::string out = "*" + std::to_string(2 * items.size()) + "\r\n";
  for (const auto& [m, sc] : items) out += Bulk(m) + Bulk(sc);
  return out;
}
// The bulk strings of a RESP array (or set) reply, nested arrays flattened (test replies only).
inline std::vector<std::string> BulksOf(const std::string& reply) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < reply.size()) {
    const size_t eol = reply.find("\r\n", at);
    if (reply[at] != '$') {
      at = eol + 2;
      continue;
    }
    const size_t len = std::stoul(reply.substr(at + 1, eol - at - 1));
    out.push_back(reply.substr(eol + 2, len));
    at = eol + 2 + len + 2;
  }
  return out;
}
// The members of an array or set reply, as a set.
inline std::set<std::string> MembersOf(const std::string& reply) {
  const std::vector<std::string> v = BulksOf(reply);
  return {v.begin(), v.end()};
}

}  // namespace kv::server::testing
