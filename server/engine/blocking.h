// Blocked clients (Redis blocked.c): who waits on which keys, in arrival order, until when, and
// which keys became ready since the engine last looked. The registry only keeps the books; the
// engine serves the waiters (blocking_serve.h) by rerunning their commands.
//
// The registry is the store's KeyReadyListener exactly while some client is blocked, so a server
// without blocked clients pays nothing for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/api/session.h"
#include "server/engine/command_table.h"
#include "server/store/store.h"

namespace kv::server {

// What a blocked command replies when its timeout passes (or CLIENT UNBLOCK ... TIMEOUT).
enum class TimeoutReply {
  kNullArray,  // BLPOP, BRPOP, BLMPOP: *-1 (RESP3 _)
  kNullBulk,   // BLMOVE, BRPOPLPUSH: $-1 (RESP3 _)
};

class BlockingRegistry final : public KeyReadyListener {
 public:
  // store must outlive the registry.
  explicit BlockingRegistry(Store* store) : store_(store) {}
  ~BlockingRegistry() override;
  BlockingRegistry(const BlockingRegistry&) = delete;
  BlockingRegistry& operator=(const BlockingRegistry&) = delete;

  struct Waiter {
    Session* session = nullptr;
    const CommandSpec* spec = nullptr;
    std::vector<std::string> args;  // the command and its arguments, rerun when a key is ready
    std::vector<std::string> keys;  // distinct, in session->db
    int64_t deadline_ms = 0;        // 0: no timeout
    TimeoutReply on_timeout = TimeoutReply::kNullArray;
    std::vector<std::list<uint64_t>::iterator> places;  // in each key's queue
  };

  // Blocks session on keys (of session.db) until deadline_ms (0: for ever); args is copied to be
  // rerun. Sets session.blocked. While a waiter's command is being rerun (Serving), a second
  // Block of that session only records that it is still blocked.
  void Block(Session& session, const CommandSpec& spec, std::span<const std::string_view> args,
             std::span<const std::string_view> keys, int64_t deadline_ms, TimeoutReply on_timeout);
  // Forgets session's wait (served, timed out, unblocked or closed) and clears session.blocked.
  // Nothing when it is not blocked.
  void Remove(Session& session);

  const Waiter* Find(uint64_t session_id) const;
  size_t blocked_clients() const { return waiters_.size(); }
  // Blocked clients with a timeout (INFO clients_in_timeout_table).
  size_t timed_waiters() const { return deadlines_.size(); }

  // Keys that got a collection value while somebody waited for them, each once, in the order they
  // became ready; empties the list.
  bool has_ready() const { return !ready_.empty(); }
  std::vector<std::pair<int, std::string>> TakeReady();
  // The ids of the sessions waiting for key in db, in arrival order.
  std::vector<uint64_t> WaiterIds(int db, std::string_view key) const;
  // The ids of the sessions whose deadline is at or before now_ms, earliest first.
  std::vector<uint64_t> Expired(int64_t now_ms) const;

  // Rerunning session's command: Block calls for it set still_blocked() instead of blocking.
  void BeginServing(const Session& session, std::string_view key) {
    serving_ = &session;
    serving_key_ = key;
    still_blocked_ = false;
  }
  // While session's command is rerun: the key that became ready (Redis 7.0 serves a waiter from
  // that key, whatever the order of its keys); nullptr otherwise.
  const std::string_view* serving_key(const Session& session) const {
    return serving_ == &session ? &serving_key_ : nullptr;
  }
  // Ends the rerun; true when the command blocked again (its key could not serve it).
  bool EndServing() {
    serving_ = nullptr;
    return still_blocked_;
  }

  // KeyReadyListener.
  void KeyAdded(int db, std::string_view key) override;
  void DbsSwapped(int db1, int db2) override;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using KeyQueues = std::unordered_map<std::string, std::list<uint64_t>, Hash, std::equal_to<>>;

  void MarkReady(int db, std::string_view key);

  Store* store_;
  std::unordered_map<uint64_t, Waiter> waiters_;   // by session id
  KeyQueues keys_[kNumDatabases];                  // the waiters of each key, in arrival order
  std::set<std::pair<int64_t, uint64_t>> deadlines_;  // (deadline_ms, session id), timed waits
  std::vector<std::pair<int, std::string>> ready_;
  std::set<std::pair<int, std::string>, std::less<>> ready_set_;
  const Session* serving_ = nullptr;
  std::string_view serving_key_;
  bool still_blocked_ = false;
};

}  // namespace kv::server
