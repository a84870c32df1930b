// BlockingRegistry: see blocking.h.
#include "server/engine/blocking.h"

#include <algorithm>

namespace kv::server {

BlockingRegistry::~BlockingRegistry() {
  if (!waiters_.empty()) store_->set_ready_listener(nullptr);
}

void BlockingRegistry::Block(Session& session, const CommandSpec& spec,
                             std::span<const std::string_view> args,
                             std::span<const std::string_view> keys, int64_t deadline_ms,
                             TimeoutReply on_timeout) {
  if (serving_ == &session || session.blocked) {
    still_blocked_ = true;
    return;
  }
  if (waiters_.empty()) store_->set_ready_listener(this);
  Waiter& w = waiters_[session.id];
  w.session = &session;
  w.spec = &spec;
  w.args.assign(args.begin(), args.end());
  w.deadline_ms = deadline_ms;
  w.on_timeout = on_timeout;
  KeyQueues& queues = keys_[session.db];
  for (std::string_view key : keys) {
    // BLPOP k k: one place per distinct key.
    if (std::find(w.keys.begin(), w.keys.end(), key) != w.keys.end()) continue;
    w.keys.emplace_back(key);
    auto it = queues.find(key);
    if (it == queues.end()) it = queues.emplace(std::string(key), std::list<uint64_t>()).first;
    w.places.push_back(it->second.insert(it->second.end(), session.id));
  }
  if (deadline_ms > 0) deadlines_.emplace(deadline_ms, session.id);
  session.blocked = true;
}

void BlockingRegistry::Remove(Session& session) {
  if (!session.blocked) return;
  session.blocked = false;
  auto it = waiters_.find(session.id);
  if (it == waiters_.end()) return;
  Waiter& w = it->second;
  KeyQueues& queues = keys_[session.db];
  for (size_t i = 0; i < w.keys.size(); ++i) {
    auto q = queues.find(w.keys[i]);
    if (q == queues.end()) continue;
    q->second.erase(w.places[i]);
    if (q->second.empty()) queues.erase(q);
  }
  if (w.deadline_ms > 0) deadlines_.erase({w.deadline_ms, session.id});
  waiters_.erase(it);
  if (waiters_.empty()) {
    store_->set_ready_listener(nullptr);
    ready_.clear();
    ready_set_.clear();
  }
}

const BlockingRegistry::Waiter* BlockingRegistry::Find(uint64_t session_id) const {
  auto it = waiters_.find(session_id);
  return it == waiters_.end() ? nullptr : &it->second;
}

std::vector<std::pair<int, std::string>> BlockingRegistry::TakeReady() {
  std::vector<std::pair<int, std::string>> out;
  out.swap(ready_);
  ready_set_.clear();
  return out;
}

std::vector<uint64_t> BlockingRegistry::WaiterIds(int db, std::string_view key) const {
  auto it = keys_[db].find(key);
  if (it == keys_[db].end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<uint64_t> BlockingRegistry::Expired(int64_t now_ms) const {
  std::vector<uint64_t> out;
  for (const auto& [deadline, id] : deadlines_) {
    if (deadline > now_ms) break;
    out.push_back(id);
  }
  return out;
}

void BlockingRegistry::MarkReady(int db, std::string_view key) {
  if (keys_[db].find(key) == keys_[db].end()) return;
  std::pair<int, std::string> k(db, std::string(key));
  if (!ready_set_.insert(k).second) return;
  ready_.push_back(std::move(k));
}

void BlockingRegistry::KeyAdded(int db, std::string_view key) { MarkReady(db, key); }

void BlockingRegistry::DbsSwapped(int db1, int db2) {
  // Redis scanDatabaseForReadyKeys: every key waited for in either database may now hold a value.
  for (int db : {db1, db2}) {
    std::vector<std::string> keys;
    for (const auto& [key, queue] : keys_[db]) keys.push_back(key);
    for (const std::string& key : keys) {
      if (store_->PeekNoExpire(db, key) != nullptr) MarkReady(db, key);
    }
  }
}

}  // namespace kv::server
