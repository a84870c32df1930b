// The hash table of the keyspace and of large sets and hashes: a Redis-dict-like power-of-two
// chained table with incremental rehash (resizing work is spread over operations, so no single
// call stalls) and reverse-binary SCAN.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "server/store/object.h"

namespace kv::server {

// One key and its string value in a single allocation: header, a 4-byte access word, then key
// bytes, then value bytes (capacity val_cap). A collection key's value bytes are instead either
// the pointer to the Object it owns (is_object(); Entry::Destroy deletes it) or, for a small hash,
// its packed pairs (packed(): hash_value.h), which cost no allocation of their own. Created and
// destroyed only through Entry::Create / Entry::CreateObject / Entry::Destroy.
struct Entry {
  Entry* next;        // chain in the dict bucket
  int64_t expire_ms;  // absolute unix time in ms; 0 = no expiry
  uint32_t key_len;
  uint32_t val_len;
  uint32_t val_cap;
  uint32_t ttl_slot;  // index in the owning Db's TTL vector; meaningful when expire_ms != 0

  // The access word, Redis's robj lru:24 + flags: bits 0..23 the access clock (seconds mod 2^24,
  // Store::Touch), bits 24..31 flags. It follows the struct (the header stays 32 bytes with no
  // padding); the benchmark's 16-byte key with a 3-byte value still fits its 64-byte chunk.
  static constexpr size_t kHeaderSize = 32 + sizeof(uint32_t);
  static constexpr uint32_t kClockMask = (1u << 24) - 1;
  // Flag: the value was written in place (APPEND, SETRANGE, SETBIT, BITOP, BITFIELD), which Redis
  // reports as encoding "raw" whatever the bytes; cleared when a value is set whole.
  static constexpr uint32_t kFlagRaw = 1u << 24;
  uint32_t access_word() const {
    uint32_t w;
    std::memcpy(&w, this + 1, sizeof(w));
    return w;
  }
  void set_access_word(uint32_t w) { std::memcpy(this + 1, &w, sizeof(w)); }
  uint32_t access_clock() const { return access_word() & kClockMask; }
  void set_access_clock(uint32_t clock) {
    set_access_word((access_word() & ~kClockMask) | (clock & kClockMask));
  }
  bool raw() const { return (access_word() & kFlagRaw) != 0; }
  void MarkRaw() { set_access_word(access_word() | kFlagRaw); }
  // Bits 25..27: the ValueType (0 = string, so a string entry's flags are those of Redis).
  static constexpr int kTypeShift = 25;
  static constexpr uint32_t kTypeMask = 7u << kTypeShift;
  ValueType type() const {
    return static_cast<ValueType>((access_word() & kTypeMask) >> kTypeShift);
  }
  // Flag (with a collection type): the value bytes are the collection itself, packed, not an
  // Object pointer (a small hash: hash_value.h).
  static constexpr uint32_t kFlagPacked = 1u << 28;
  bool packed() const { return (access_word() & kFlagPacked) != 0; }
  // The value bytes are the pointer to an owned Object.
  bool is_object() const {
    const uint32_t w = access_word();
    return (w & kTypeMask) != 0 && (w & kFlagPacked) == 0;
  }
  // The owned collection (is_object() only).
  Object* object() const {
    Object* o;
    std::memcpy(&o, val_data(), sizeof(o));
    return o;
  }
  // Gives up ownership of the object (the entry then reads as an empty string): Rename moves it
  // to a new entry, the lazy freer takes it.
  Object* ReleaseObject() {
    Object* o = object();
    set_access_word(access_word() & ~kTypeMask);
    val_len = 0;
    return o;
  }

  char* key_data() { return reinterpret_cast<char*>(this) + kHeaderSize; }
  const char* key_data() const { return reinterpret_cast<const char*>(this) + kHeaderSize; }
  char* val_data() { return key_data() + key_len; }
  const char* val_data() const { return key_data() + key_len; }
  std::string_view key() const { return {key_data(), key_len}; }
  bool KeyEquals(std::string_view k) const {
    return key_len == k.size() && std::memcmp(key_data(), k.data(), k.size()) == 0;
  }
  std::string_view value() const { return {val_data(), val_len}; }

  // Allocates an entry holding key and value with room for val_cap >= value.size() bytes.
  static Entry* Create(std::string_view key, std::string_view value, size_t val_cap);
  // Allocates an entry for key owning obj (not null).
  static Entry* CreateObject(std::string_view key, Object* obj);
  // Frees the entry and the object it owns.
  static void Destroy(Entry* e);
  // Bytes the entry's allocation accounts for in UsedMemory().
  size_t AllocSize() const { return AllocSizeFor(key_len, val_cap); }
  // Heap bytes of the entry: AllocSize() plus the allocator's chunk header.
  size_t HeapSize() const;
  static size_t AllocSizeFor(size_t key_len, size_t val_cap);
};

// Hashes keys with a per-table random seed (keys come from clients: no predictable collisions).
uint64_t HashKey(std::string_view key, uint64_t seed);

// Owns its nodes: the keyspace's Node, or a large set's or hash's FieldNode (field_node.h). A
// Node has `Node* next` (the bucket chain), `std::string_view key()`, `bool KeyEquals(key)`,
// `size_t AllocSize()` (bytes
// requested), `size_t HeapSize()` (its malloc chunk) and `static void Destroy(Node*)`; the
// instantiations are in dict.cc. Not thread-safe. Node pointers stay valid until the node is
// removed; a `Node**` link returned by FindLink is valid only until the next call that may rehash
// (Find*, Insert, Unlink, Scan, RandomEntry).
template <typename Node>
class BasicDict {
 public:
  BasicDict();
  ~BasicDict();
  BasicDict(const BasicDict&) = delete;
  BasicDict& operator=(const BasicDict&) = delete;

  size_t size() const { return used_[0] + used_[1]; }
  // Buckets allocated in both tables (for memory accounting).
  size_t bucket_count() const { return size_[0] + size_[1]; }
  bool rehashing() const { return rehash_idx_ >= 0; }

  Node* Find(std::string_view key);
  // Find without the rehash step (and without changing anything): safe while a link is held.
  const Node* Peek(std::string_view key) const;
  // A hint, no effect on contents: starts loading the buckets of keys (at most kMaxPrefetch),
  // then the first entry of each, so that a pipelined batch pays its cache misses in parallel
  // instead of one per lookup. Never rehashes.
  void Prefetch(std::span<const std::string_view> keys) const;
  static constexpr size_t kMaxPrefetch = 32;
  // The link (bucket head or a predecessor's next field) that points at key's entry, or nullptr.
  Node** FindLink(std::string_view key);
  // Inserts e, whose key must not be present. May start a resize (never performs it at once).
  void Insert(Node* e);
  // Puts replacement (same key) where *link's entry was; returns the old entry (not destroyed).
  Node* ReplaceAt(Node** link, Node* replacement);
  // Removes key's entry and returns it (caller destroys), or nullptr.
  Node* Unlink(std::string_view key);
  // Destroys every entry and frees the tables. Returns the AllocSize() total of the entries.
  size_t Clear();
  // Lazy free of a dict nobody looks up any more: destroys about budget entries (whole bucket
  // chains) from the end of the tables, adding their HeapSize() to *freed, and frees each table
  // once it is empty. Returns true when no entry is left. Afterwards only ReleaseSome, Clear and
  // the destructor may be used.
  bool ReleaseSome(size_t budget, size_t* freed);
  // Exchanges the contents (entries, tables, hash seed) with other.
  void Swap(BasicDict& other) noexcept;

  // One step of SCAN. Calls fn(const Node*) for the entries of the bucket(s) at cursor and
  // returns the next cursor (0 = done). Every entry present from the start to the end of a full
  // scan is visited at least once, even across resizes. fn must not modify the dict.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn);

  // Calls fn(const Node*) once for every entry (bucket order). fn must not modify the dict.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (int t = 0; t < 2; ++t) {
      for (size_t i = 0; i < size_[t]; ++i) {
        for (const Node* e = table_[t][i]; e != nullptr; e = e->next) fn(e);
      }
    }
  }

  // A random entry (nullptr when empty): a random non-empty bucket, then a random chain element.
  // rnd supplies random 64-bit numbers.
  template <typename Rng>
  Node* RandomEntry(Rng& rnd);

  // Performs up to n bucket moves of an ongoing rehash (visiting at most 10*n empty buckets).
  // Returns true while rehashing remains.
  bool RehashStep(int n);

 private:
  void StartResize(size_t new_size);
  void MaybeExpand();
  void MaybeShrink();
  size_t BucketIndex(uint64_t hash, int table) const { return hash & (size_[table] - 1); }
  [[gnu::always_inline]] inline Node** FindLinkHashed(std::string_view key, uint64_t hash);

  Node** table_[2] = {nullptr, nullptr};
  size_t size_[2] = {0, 0};
  size_t used_[2] = {0, 0};
  int64_t rehash_idx_ = -1;  // next bucket of table_[0] to move; -1 when not rehashing
  size_t released_ = 0;      // ReleaseSome: buckets emptied, from the end of the last table
  uint64_t seed_;
};

// The keyspace's table.
using Dict = BasicDict<Entry>;

// ---- template implementations ----

namespace dict_internal {
inline uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
  v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
  return (v >> 32) | (v << 32);
}
}  // namespace dict_internal

// Redis's dictScan: the cursor's bits are incremented from the most significant mask bit down, so
// buckets that a grown or shrunk table splits or merges are never skipped.
template <typename Node>
template <typename Fn>
uint64_t BasicDict<Node>::Scan(uint64_t cursor, Fn&& fn) {
  using dict_internal::ReverseBits;
  if (size() == 0) return 0;
  uint64_t v = cursor;
  auto visit = [&fn](Node* e) {
    for (; e != nullptr; e = e->next) fn(static_cast<const Node*>(e));
  };
  if (!rehashing()) {
    const uint64_t m0 = size_[0] - 1;
    visit(table_[0][v & m0]);
    v |= ~m0;
    v = ReverseBits(v);
    ++v;
    v = ReverseBits(v);
    return v;
  }
  int small = 0;
  int large = 1;
  if (size_[0] > size_[1]) {
    small = 1;
    large = 0;
  }
  const uint64_t m0 = size_[small] - 1;
  const uint64_t m1 = size_[large] - 1;
  visit(table_[small][v & m0]);
  // Visit every bucket of the larger table that expands the small table's bucket.
  do {
    visit(table_[large][v & m1]);
    v |= ~m1;
    v = ReverseBits(v);
    ++v;
    v = ReverseBits(v);
  } while ((v & (m0 ^ m1)) != 0);
  return v;
}

template <typename Node>
template <typename Rng>
Node* BasicDict<Node>::RandomEntry(Rng& rnd) {
  if (size() == 0) return nullptr;
  if (rehashing()) RehashStep(1);
  Node* head = nullptr;
  if (rehashing()) {
    // Buckets of table 0 below rehash_idx_ are empty: draw from the rest of 0 plus all of 1.
    const size_t lo = static_cast<size_t>(rehash_idx_);
    const size_t span = size_[0] + size_[1] - lo;
    do {
      const size_t h = lo + rnd() % span;
      head = h >= size_[0] ? table_[1][h - size_[0]] : table_[0][h];
    } while (head == nullptr);
  } else {
    do {
      head = table_[0][rnd() & (size_[0] - 1)];
    } while (head == nullptr);
  }
  size_t len = 0;
  for (Node* e = head; e != nullptr; e = e->next) ++len;
  size_t pick = rnd() % len;
  Node* e = head;
  while (pick-- > 0) e = e->next;
  return e;
}

}  // namespace kv::server
