// WATCH index (see watch.h): Redis 7 touchWatchedKey / touchAllWatchedKeysInDb rules.
#include "server/engine/watch.h"

#include <algorithm>

namespace kv::server {

WatchIndex::~WatchIndex() {
  if (size_ > 0) store_->set_observer(nullptr);
}

WatchedKey* WatchIndex::Find(Session& session, int db, std::string_view key) {
  for (WatchedKey& wk : session.txn.watched) {
    if (wk.db == db && wk.key == key) return &wk;
  }
  return nullptr;
}

void WatchIndex::Watch(Session& session, std::string_view key) {
  const int db = session.db;
  if (Find(session, db, key) != nullptr) return;
  const Entry* e = store_->PeekNoExpire(db, key);
  session.txn.watched.push_back({db, std::string(key), e != nullptr && store_->IsExpired(e)});
  auto it = keys_[db].find(key);
  if (it == keys_[db].end()) {
    it = keys_[db].emplace(std::string(key), std::vector<Session*>()).first;
    if (size_++ == 0) store_->set_observer(this);
  }
  it->second.push_back(&session);
}

void WatchIndex::UnwatchAll(Session& session) {
  for (const WatchedKey& wk : session.txn.watched) {
    auto it = keys_[wk.db].find(wk.key);
    if (it == keys_[wk.db].end()) continue;
    std::vector<Session*>& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), &session), v.end());
    if (v.empty()) {
      keys_[wk.db].erase(it);
      if (--size_ == 0) store_->set_observer(nullptr);
    }
  }
  session.txn.watched.clear();
}

bool WatchIndex::AnyWatchedKeyExpired(const Session& session) const {
  for (const WatchedKey& wk : session.txn.watched) {
    if (wk.expired) continue;
    const Entry* e = store_->PeekNoExpire(wk.db, wk.key);
    if (e != nullptr && store_->IsExpired(e)) return true;
  }
  return false;
}

void WatchIndex::MarkDirty(Session* session) {
  session->txn.watch_dirty = true;
  // Nothing it watches matters any more until EXEC (Redis frees the watches at once).
  UnwatchAll(*session);
}

void WatchIndex::KeyModified(int db, std::string_view key) {
  auto it = keys_[db].find(key);
  if (it == keys_[db].end()) return;
  // MarkDirty changes the index: work on a copy of the watchers.
  const std::vector<Session*> watchers = it->second;
  const bool gone = store_->PeekNoExpire(db, key) == nullptr;
  for (Session* s : watchers) {
    WatchedKey* wk = Find(*s, db, key);
    if (wk == nullptr) continue;
    if (wk->expired && gone) {
      // Expired at WATCH and now deleted: logically nothing changed (Redis clears the flag).
      wk->expired = false;
      continue;
    }
    MarkDirty(s);
  }
}

void WatchIndex::DbReplacing(int db, int other_db) {
  if (keys_[db].empty()) return;
  // Decide first, mark after: marking unwatches and so changes keys_[db].
  std::vector<Session*> dirty;
  for (auto& [key, watchers] : keys_[db]) {
    const Entry* here = store_->PeekNoExpire(db, key);
    const Entry* there = other_db >= 0 ? store_->PeekNoExpire(other_db, key) : nullptr;
    if (here == nullptr && there == nullptr) continue;  // missing before and after: no change
    for (Session* s : watchers) {
      WatchedKey* wk = Find(*s, db, key);
      if (wk == nullptr) continue;
      if (wk->expired) {
        if (there == nullptr) {
          wk->expired = false;  // the expired key is gone: no logical change
          continue;
        }
        if (store_->IsExpired(there)) continue;  // expired before and after
      } else if (here == nullptr && store_->IsExpired(there)) {
        wk->expired = true;  // missing, replaced by an expired key: still logically missing
        continue;
      }
      dirty.push_back(s);
    }
  }
  for (Session* s : dirty) {
    if (!s->txn.watch_dirty) MarkDirty(s);
  }
}

}  // namespace kv::server
