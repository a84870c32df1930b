// A hash value (HSET, HGET...): field/value pairs packed while small ("listpack": within the
// PackLimits the write passes, hash-max-listpack-entries / -value, and at most 64 KiB of packed
// pairs, whose offsets are 16 bits), converted for good to a FieldDict ("hashtable": each field and its value in one FieldNode, in the keyspace's
// own table with incremental rehash) when it outgrows that.
//
// Layout, chosen for memory (100,000 hashes of 10 short fields must cost no more than in
// redis-server): a small hash keeps its packed elements (PackedList's codec) in the same
// allocation as the object, after a 24-byte header, so a key costs its Entry plus one
// allocation (Redis: dict entry, key sds, robj, listpack). An object cannot grow in place (the
// Entry points at it), so a write that needs more room moves the elements to a larger object
// that this one forwards to; Compact, called by the store after each write, then hands out that
// object to replace this one. Objects are made by Create and freed with delete.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "server/store/field_node.h"
#include "server/store/object.h"
#include "server/store/packed_list.h"
#include "server/store/store.h"

namespace kv::server {

class HashObject final : public Object {
 public:
  // An empty hash in the listpack encoding with room for reserve bytes of pairs (PairBytes; none
  // when that many would not stay packed under limits).
  static std::unique_ptr<HashObject> Create(size_t reserve = 0, PackLimits limits = {});
  // The room a new field/value pair takes in the listpack encoding.
  static size_t PairBytes(std::string_view field, std::string_view value) {
    return PackedList::EncodedSize(field.size()) + PackedList::EncodedSize(value.size());
  }
  ~HashObject() override;
  // Create allocates with malloc (the object and its elements in one block).
  static void operator delete(void* p) { std::free(p); }
  static void* operator new(size_t) = delete;

  size_t Length() const override {
    const FieldDict* t = table();
    return t != nullptr ? t->size() : Small()->pairs_;
  }
  std::string_view Encoding() const override { return table() ? "hashtable" : "listpack"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  size_t FreeEffort() const override {
    const FieldDict* t = table();
    return t != nullptr ? t->size() : 1;
  }
  bool ReleaseSome(size_t budget) override;
  std::unique_ptr<Object> Compact() override;

  // The value of field; the view is valid until the hash changes.
  bool Get(std::string_view field, std::string_view* value) const;
  // Sets field to value; true when the field is new. Converts to a table when the pairs would
  // no longer fit limits.
  bool Set(std::string_view field, std::string_view value, PackLimits limits = {});
  // Removes field; true when it was there.
  bool Delete(std::string_view field);
  // Calls fn(field, value) for every pair.
  template <typename Fn>
  void ForEach(Fn&& fn) const;
  // A random pair (the hash must not be empty).
  void Random(SampleRng& rng, std::string_view* field, std::string_view* value);
  // One HSCAN step: fn(field, value) for the pairs at cursor; returns the next cursor. A
  // listpack is visited whole (cursor 0 back), as Redis does.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn);

 private:
  // kInline: the packed pairs follow the header. kMoved: they live in another (kInline) object,
  // whose pointer follows the header. kTable: a FieldDict pointer and the HeapSize total of its
  // nodes follow the header.
  enum class Mode : uint8_t { kInline, kMoved, kTable };
  // The room after the header is at least the table's two words.
  static constexpr size_t kMinRoom = 2 * sizeof(void*);
  // The packed pairs' offsets are 16 bits: more bytes than this make the hash a table, whatever
  // the limits (with the default ones a packed hash holds at most 2 x 128 x 65 = 16,640 bytes).
  static constexpr size_t kMaxPackedBytes = UINT16_MAX;

  explicit HashObject(size_t room) : Object(ValueType::kHash), room_(static_cast<uint16_t>(room)) {}
  static HashObject* New(size_t room);

  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  template <typename T>
  T Word(size_t i) const {
    T v;
    std::memcpy(&v, bytes() + i * sizeof(void*), sizeof(T));
    return v;
  }
  template <typename T>
  void SetWord(size_t i, T v) {
    std::memcpy(bytes() + i * sizeof(void*), &v, sizeof(T));
  }
  FieldDict* table() const { return mode_ == Mode::kTable ? Word<FieldDict*>(0) : nullptr; }
  size_t table_bytes() const { return Word<size_t>(1); }
  void set_table_bytes(size_t n) { SetWord(1, n); }
  // The kInline object holding the pairs (this or the one moved to); not for kTable.
  HashObject* Small() { return mode_ == Mode::kMoved ? Word<HashObject*>(0) : this; }
  const HashObject* Small() const { return mode_ == Mode::kMoved ? Word<HashObject*>(0) : this; }
  // Drops what this holds beyond itself (the moved-to object, the table) and empties it.
  void Reset();
  // The position of field's pair in the packed pairs, or size_.
  size_t FindPacked(std::string_view field) const;
  // Replaces the packed bytes [pos, pos + old_len) with new_len bytes (to be written) and returns
  // where they go; moves the pairs to a larger object when they do not fit.
  char* Splice(size_t pos, size_t old_len, size_t new_len);
  void Convert();
  // Makes this a table holding from's pairs (from may be this: its pairs are read first).
  void AdoptTableOf(const HashObject& from);

  uint16_t size_ = 0;   // kInline: packed bytes used
  uint16_t pairs_ = 0;  // kInline: field/value pairs
  uint16_t room_;       // bytes after the header
  Mode mode_ = Mode::kInline;
};


template <typename Fn>
void HashObject::ForEach(Fn&& fn) const {
  if (const FieldDict* t = table()) {
    t->ForEach([&fn](const FieldNode* e) { fn(e->key(), e->value()); });
    return;
  }
  const HashObject* s = Small();
  std::string_view f;
  std::string_view v;
  for (size_t pos = 0; pos != s->size_;) {
    pos = PackedList::ReadAt(s->bytes(), pos, &f);
    pos = PackedList::ReadAt(s->bytes(), pos, &v);
    fn(f, v);
  }
}

template <typename Fn>
uint64_t HashObject::Scan(uint64_t cursor, Fn&& fn) {
  FieldDict* t = table();
  if (t == nullptr) {
    ForEach(fn);
    return 0;
  }
  return t->Scan(cursor, [&fn](const FieldNode* e) { fn(e->key(), e->value()); });
}

}  // namespace kv::server
