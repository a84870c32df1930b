// A hash value (HSET, HGET...): field/value pairs in a PackedList while small ("listpack": at
// most kPackedMaxEntries fields, fields and values of at most kPackedMaxValue bytes), converted
// for good to a Dict of entries ("hashtable": each field and its value in one allocation, the
// keyspace's own table with incremental rehash) when it outgrows that.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "server/store/dict.h"
#include "server/store/object.h"
#include "server/store/packed_list.h"
#include "server/store/store.h"

namespace kv::server {

class HashObject final : public Object {
 public:
  HashObject() : Object(ValueType::kHash) {}

  size_t Length() const override { return table_ ? table_->size() : small_.size() / 2; }
  std::string_view Encoding() const override { return table_ ? "hashtable" : "listpack"; }
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;
  size_t FreeEffort() const override { return table_ ? table_->size() : 1; }
  bool ReleaseSome(size_t budget) override;

  // The value of field; the view is valid until the hash changes.
  bool Get(std::string_view field, std::string_view* value) const;
  // Sets field to value; true when the field is new.
  bool Set(std::string_view field, std::string_view value);
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
  void Convert();

  PackedList small_;             // field, value, field, value... while table_ is null
  std::unique_ptr<Dict> table_;  // the large encoding
  size_t table_bytes_ = 0;       // Entry::HeapSize total of table_'s entries
};

template <typename Fn>
void HashObject::ForEach(Fn&& fn) const {
  if (table_) {
    table_->ForEach([&fn](const Entry* e) { fn(e->key(), e->value()); });
    return;
  }
  std::string_view f;
  std::string_view v;
  for (size_t pos = small_.begin(); pos != small_.end();) {
    pos = small_.Read(pos, &f);
    pos = small_.Read(pos, &v);
    fn(f, v);
  }
}

template <typename Fn>
uint64_t HashObject::Scan(uint64_t cursor, Fn&& fn) {
  if (!table_) {
    ForEach(fn);
    return 0;
  }
  return table_->Scan(cursor, [&fn](const Entry* e) { fn(e->key(), e->value()); });
}

}  // namespace kv::server
