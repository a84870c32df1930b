// A key's hash as the hash commands see it, whichever its encoding:
//   "listpack"  — the pairs packed (PackedPairs) in the key's own Entry value bytes
//                 (Entry::packed()): one allocation per small hash, key and pairs together;
//   "hashtable" — a HashObject the entry owns.
// HashView reads either; HashWriter writes, converting a packed hash to a table for good when a
// write would pass the PackLimits (hash-max-listpack-entries / -value) or 64 KiB of pairs, as
// Redis converts a listpack.
//
// Why the pairs live in the entry: 100,000 hashes of 10 short fields then cost an Entry of 224
// bytes each instead of a 64-byte Entry and a 192-byte object (Redis: a dict entry, a key sds,
// an robj and a listpack), and a lookup touches one allocation instead of two.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/store/hash_object.h"
#include "server/store/packed_list.h"
#include "server/store/packed_pairs.h"
#include "server/store/store.h"

namespace kv::server {

class HashView {
 public:
  // e: a hash key's entry.
  explicit HashView(Entry* e) : e_(e) {}

  size_t Length() const {
    return e_->packed() ? PackedPairs::Count(e_->val_data()) : table()->Length();
  }
  // The value of field; the view is valid until the hash changes.
  bool Get(std::string_view field, std::string_view* value) const {
    return e_->packed() ? PackedPairs::Get(e_->value(), field, value) : table()->Get(field, value);
  }
  // Calls fn(field, value) for every pair.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (e_->packed()) {
      PackedPairs::ForEach(e_->value(), fn);
    } else {
      table()->ForEach(fn);
    }
  }
  // A random pair (the hash is never empty).
  void Random(SampleRng& rng, std::string_view* field, std::string_view* value) const {
    if (e_->packed()) {
      PackedPairs::PairAt(e_->value(), rng() % Length(), field, value);
    } else {
      table()->Random(rng, field, value);
    }
  }
  // One HSCAN step: fn(field, value) for the pairs at cursor; returns the next cursor. A packed
  // hash is visited whole (cursor 0 back), as Redis does a listpack.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    if (!e_->packed()) return table()->Scan(cursor, fn);
    PackedPairs::ForEach(e_->value(), fn);
    return 0;
  }

 private:
  HashObject* table() const { return static_cast<HashObject*>(e_->object()); }
  Entry* e_;
};

class HashWriter {
 public:
  // The hash at link (from Store::FindLink; an entry of type hash), or a new one for key when
  // link is nullptr, which Commit adds unless it is still empty. reserve: the pairs' bytes a new
  // hash is expected to take (PackedPairs::PairBytes of the arguments). Between construction and
  // Commit only this writer may call the store (the link must stay valid).
  HashWriter(Store& store, int db, std::string_view key, Entry** link, PackLimits limits,
             size_t reserve = 0);
  HashWriter(const HashWriter&) = delete;
  HashWriter& operator=(const HashWriter&) = delete;

  size_t Length() const;
  // The value of field; the view is valid until the next Set or Delete.
  bool Get(std::string_view field, std::string_view* value) const;
  // Sets field to value (neither may point into the hash); true when the field is new.
  bool Set(std::string_view field, std::string_view value);
  // Removes field; true when it was there.
  bool Delete(std::string_view field);
  // Ends the write: adds a new hash (unless empty), or reports the change of an existing one
  // (WATCH sees it), deleting the key when the hash is now empty, as Redis does, and giving back
  // the whole malloc steps deletions freed.
  void Commit();

 private:
  // The PackedPairs bytes (not for a table).
  std::string_view Bytes() const;
  // The same bytes, to write (where they are now: a Splice may move them).
  char* Data();
  // Replaces the bytes [pos, pos + old_len) with new_len bytes (to be written) and returns where
  // they go, moving the entry to a larger allocation when they do not fit.
  char* Splice(size_t pos, size_t old_len, size_t new_len);
  void Convert();

  Store& store_;
  const int db_;
  const std::string_view key_;
  Entry** const link_;  // nullptr: a new hash
  const PackLimits limits_;
  std::string fresh_;                        // a new packed hash's bytes
  std::unique_ptr<HashObject> fresh_table_;  // a new hash that converted
  HashObject* table_ = nullptr;              // the table, new or the entry's
};

}  // namespace kv::server
