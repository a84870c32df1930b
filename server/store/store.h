// The keyspace: 16 databases of keys holding strings or collection objects (object.h), with
// millisecond expiry (lazy on access plus an active sampling cycle), an estimate of the memory
// they hold, and lazy free of large collections (released in slices by LazyFreeStep).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "server/store/dict.h"

namespace kv::server {

// SELECT 0..15, as Redis's default `databases 16`.
inline constexpr int kNumDatabases = 16;

// Small fast PRNG (splitmix64) for sampling; not for anything security-related.
class SampleRng {
 public:
  explicit SampleRng(uint64_t seed) : state_(seed) {}
  uint64_t operator()() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// Told of every change to the keyspace (Redis signalModifiedKey / signalFlushedDb); the engine's
// WATCH index is one. Installed only while it has something to watch, so the store pays one
// predictable branch per change otherwise. Must not change the store.
class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  // After key in db was created, given a new value (or the room for one), given or stripped of an
  // expiry, or deleted (by a command or by expiry).
  virtual void KeyModified(int db, std::string_view key) = 0;
  // Before db is emptied (FLUSHDB, FLUSHALL: other_db < 0) or swapped with other_db (SWAPDB).
  virtual void DbReplacing(int db, int other_db) = 0;
};

// Told when a key that blocked clients may wait for gets a collection value (Redis
// signalKeyAsReady): a collection added (AddObject, Copy), a key renamed or moved (Rename), or two
// databases swapped. Installed only while some client is blocked, so the store pays nothing for
// it otherwise (and nothing at all on the string path). Must not change the store.
class KeyReadyListener {
 public:
  virtual ~KeyReadyListener() = default;
  virtual void KeyAdded(int db, std::string_view key) = 0;
  virtual void DbsSwapped(int db1, int db2) = 0;
};

class Store {
 public:
  Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The time used for every expiry decision (ms since the epoch). A key with expire_ms < now is
  // expired (Redis: expired when now > when).
  // Also sets the access clock (Redis's LRU clock: seconds mod 2^24) that lookups stamp on keys.
  void SetTime(int64_t now_ms) {
    now_ms_ = now_ms;
    // The access clock ticks once a second: recomputed only when a second has passed (this runs
    // once per batch of requests, so it stays a compare).
    if (now_ms >= next_clock_ms_ || now_ms < next_clock_ms_ - 1000) [[unlikely]] {
      const int64_t seconds = now_ms / 1000;
      clock_ = static_cast<uint32_t>(seconds) & Entry::kClockMask;
      next_clock_ms_ = (seconds + 1) * 1000;
    }
  }
  int64_t now_ms() const { return now_ms_; }

  // Looks key up; an expired key is deleted (counted in expired_keys) and reported missing. A
  // found key is touched: its access clock becomes now (OBJECT IDLETIME).
  Entry* Find(int db, std::string_view key);
  // Same, returning the link for Overwrite/Reserve/DeleteAt; valid until the next Store call.
  Entry** FindLink(int db, std::string_view key);
  // Looks key up without expiring or changing anything (the entry may be logically expired):
  // WATCH's view of the keyspace.
  const Entry* PeekNoExpire(int db, std::string_view key) const { return dbs_[db].dict.Peek(key); }
  bool IsExpired(const Entry* e) const { return e->expire_ms != 0 && e->expire_ms < now_ms_; }
  // Find without touching (Redis LOOKUP_NOTOUCH: OBJECT, MEMORY USAGE); still expires lazily.
  Entry* Peek(int db, std::string_view key);
  // Seconds since the entry was last looked up, created or written (Redis's estimate: the 24-bit
  // clock wraps after 194 days).
  int64_t IdleSeconds(const Entry* e) const {
    return static_cast<int64_t>((clock_ - e->access_clock()) & Entry::kClockMask);
  }
  // MEMORY USAGE: the heap bytes key e of db costs in this layout: its entry (header, access
  // word, key, value capacity, malloc chunk header), its share of the db's bucket array and, with
  // an expiry, its share of the TTL index.
  uint64_t KeyMemoryUsage(int db, const Entry* e) const;
  // A hint before a pipelined batch: see Dict::Prefetch.
  void Prefetch(int db, std::span<const std::string_view> keys) const {
    dbs_[db].dict.Prefetch(keys);
  }

  // Creates or replaces key with value. expire_ms: 0 = none. keep_ttl: an existing key keeps its
  // expiry (expire_ms ignored). Returns the entry.
  Entry* Set(int db, std::string_view key, std::string_view value, int64_t expire_ms,
             bool keep_ttl);
  // Replaces the value of the entry at link (of any type: it becomes a string), keeping its
  // expiry. Returns the (maybe moved) entry.
  Entry* Overwrite(int db, Entry** link, std::string_view value);
  // Makes the string entry at link able to hold new_len value bytes (contents and val_len kept;
  // growth is amortised for APPEND) for an in-place write (marks it Entry::raw()). Returns the
  // (maybe moved) entry.
  Entry* Reserve(int db, Entry** link, size_t new_len);
  // Inserts a new key (must be missing, e.g. after Find returned nullptr).
  Entry* Add(int db, std::string_view key, std::string_view value, int64_t expire_ms);
  // Inserts a new key (must be missing) owning the collection obj (not empty).
  Entry* AddObject(int db, std::string_view key, std::unique_ptr<Object> obj, int64_t expire_ms);
  // Inserts a new key (must be missing) whose value bytes are a packed collection of type (a
  // small hash's PackedPairs: hash_value.h; Entry::packed()).
  Entry* AddPacked(int db, std::string_view key, ValueType type, std::string_view bytes,
                   int64_t expire_ms);
  // Moves the entry at link to an allocation with room for new_cap value bytes, keeping its type,
  // flags, expiry and value (its first new_cap bytes). Returns the new entry, which the link now
  // holds. Reports nothing: the caller's write does (PackedWritten).
  Entry* ResizeValue(int db, Entry** link, size_t new_cap);
  // Gives the key at link, whose value is packed, the collection obj of the same type instead
  // (a small hash converting to a table). Returns the new entry, which the link now holds.
  Entry* ReplaceWithObject(int db, Entry** link, std::unique_ptr<Object> obj);
  // After a command changed the packed value at link in place: reports the change (KeyModified)
  // and deletes the key when the collection is now empty. Returns true when it was deleted.
  bool PackedWritten(int db, Entry** link, bool empty);
  // After a command changed the collection of entry e (of db) in place: counts its memory,
  // reports the change (KeyModified: WATCH sees it) and deletes the key when the collection is
  // now empty, as Redis does. Returns true when the key was deleted (e is then gone).
  bool ObjectWritten(int db, Entry* e);

  bool Delete(int db, std::string_view key);
  void DeleteAt(int db, Entry** link);
  // Sets (expire_ms > 0) or removes (0) the entry's expiry.
  void SetExpire(int db, Entry* e, int64_t expire_ms);
  // Moves src's value (a collection without copying it) and expiry to dst_key (replacing dst);
  // src must exist. Returns the new entry.
  Entry* Rename(int db, std::string_view src_key, int dst_db, std::string_view dst_key);
  // Adds dst_key in dst_db (must be missing) with a copy of src's value (a deep copy of a
  // collection) and expiry.
  Entry* Copy(const Entry* src, int dst_db, std::string_view dst_key);
  // Exchanges the contents of two databases (SWAPDB).
  void SwapDb(int db1, int db2);

  // Every change above is reported to the observer (nullptr: none). A command that changes an
  // entry in place without one of these calls reports it with KeyModified.
  void set_observer(KeyspaceObserver* observer) { observer_ = observer; }
  void KeyModified(int db, std::string_view key) {
    if (observer_ != nullptr) [[unlikely]]
      observer_->KeyModified(db, key);
  }

  // Blocked clients' listener (nullptr: none); see KeyReadyListener.
  void set_ready_listener(KeyReadyListener* listener) { ready_listener_ = listener; }

  size_t DbSize(int db) const { return dbs_[db].dict.size(); }
  size_t ExpiresCount(int db) const { return dbs_[db].ttl.size(); }
  uint64_t TotalKeys() const;
  // Average remaining TTL in ms over (a sample of) the db's keys with expiry; 0 when none.
  int64_t AverageTtl(int db);
  void FlushDb(int db);
  void FlushAll();

  // One SCAN step over db: fn(const Entry*) for each visited entry, expired or not (the caller
  // filters and lazily expires). Returns the next cursor.
  template <typename Fn>
  uint64_t Scan(int db, uint64_t cursor, Fn&& fn) {
    return dbs_[db].dict.Scan(cursor, fn);
  }
  // The store's sampling PRNG (also for commands that pick random elements: HRANDFIELD...).
  SampleRng& rng() { return rng_; }
  // A random live key of db (expired ones met on the way are deleted), or nullptr.
  Entry* RandomKey(int db);

  // Redis's active expiry: per db, samples 20 keys with a TTL, deletes the expired ones, repeats
  // while more than 10% of a sample was expired. Returns true when budget_us ran out first.
  bool ActiveExpireCycle(int64_t budget_us);

  // Lazy free (Redis lazyfree.c, done in the cron instead of a thread): a removed collection whose
  // FreeEffort() exceeds this is queued and released in slices, so deleting, overwriting or
  // expiring a huge collection never stalls the server.
  static constexpr size_t kLazyFreeThreshold = 64;  // Redis LAZYFREE_THRESHOLD
  // Releases queued collections until budget_us has passed; true while some are left.
  bool LazyFreeStep(int64_t budget_us);
  // Collections queued for release.
  size_t lazy_free_pending() const { return lazy_free_.size(); }

  // Estimated bytes held: entry allocations, bucket arrays, TTL indexes, collections (also those
  // queued for lazy free).
  uint64_t UsedMemory() const;
  uint64_t expired_keys() const { return expired_keys_; }
  void ResetStats() { expired_keys_ = 0; }

 private:
  struct Db {
    Dict dict;
    std::vector<Entry*> ttl;    // every entry with expire_ms != 0; Entry::ttl_slot is its index
    uint64_t object_bytes = 0;  // Object::MemoryUsage of the db's collections, as last counted
  };
  Entry** FindLinkNoTouch(int db, std::string_view key);
  // Links a freshly created entry into db (access clock, memory, expiry, observer): Add's and
  // AddObject's common tail.
  Entry* Link(int db, Entry* e, int64_t expire_ms);
  void TtlAdd(Db& d, Entry* e);
  void TtlRemove(Db& d, Entry* e);
  // Replaces the entry at link with fresh (same key), moving expiry and TTL slot; frees the old.
  void Swap(Db& d, Entry** link, Entry* fresh);
  void Free(Db& d, Entry* e);
  // Frees obj (removed from d's keyspace) now or, when large, queues it for LazyFreeStep.
  void DropObject(Db& d, Object* obj);
  // Counts obj's current MemoryUsage in d.
  static void Account(Db& d, Object* obj);
  // The observer may remove itself while told: check it for every call.
  void DbReplacing(int db, int other_db) {
    if (observer_ != nullptr) observer_->DbReplacing(db, other_db);
  }

  Db dbs_[kNumDatabases];
  int64_t now_ms_ = 0;
  uint32_t clock_ = 0;         // Entry access clock for now_ms_
  int64_t next_clock_ms_ = 0;  // when clock_ must tick (see SetTime)
  uint64_t entry_bytes_ = 0;
  uint64_t expired_keys_ = 0;
  int expire_db_cursor_ = 0;  // where the next active expiry cycle resumes
  SampleRng rng_;
  KeyspaceObserver* observer_ = nullptr;
  KeyReadyListener* ready_listener_ = nullptr;
  std::vector<std::unique_ptr<Object>> lazy_free_;  // released from the back
  uint64_t lazy_free_bytes_ = 0;                    // their MemoryUsage
};

}  // namespace kv::server
