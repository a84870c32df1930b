// WATCH: the index from (db, key) to the sessions watching it, fed by the store's change reports
// (KeyspaceObserver) so that EXEC can tell whether a watched key changed (Redis multi.c).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/api/session.h"
#include "server/store/store.h"

namespace kv::server {

class WatchIndex final : public KeyspaceObserver {
 public:
  // store must outlive the index. The index is store's observer exactly while it watches a key.
  explicit WatchIndex(Store* store) : store_(store) {}
  ~WatchIndex() override;
  WatchIndex(const WatchIndex&) = delete;
  WatchIndex& operator=(const WatchIndex&) = delete;

  // WATCH key in session.db (once per key and db).
  void Watch(Session& session, std::string_view key);
  // Forgets every key session watches (UNWATCH, EXEC, DISCARD, a closed connection). Leaves
  // session.txn.watch_dirty as it is.
  void UnwatchAll(Session& session);
  // Redis isWatchedKeyExpired: a key that was live at WATCH time is logically expired now.
  bool AnyWatchedKeyExpired(const Session& session) const;
  // (db, key) pairs watched by at least one session.
  size_t size() const { return size_; }

  // KeyspaceObserver: a change of a watched key marks its watchers dirty (watch_dirty) and
  // unwatches all their keys, as Redis touchWatchedKey / touchAllWatchedKeysInDb.
  void KeyModified(int db, std::string_view key) override;
  void DbReplacing(int db, int other_db) override;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Watchers = std::unordered_map<std::string, std::vector<Session*>, Hash, std::equal_to<>>;

  static WatchedKey* Find(Session& session, int db, std::string_view key);
  void MarkDirty(Session* session);

  Store* store_;
  Watchers keys_[kNumDatabases];
  size_t size_ = 0;
};

}  // namespace kv::server
